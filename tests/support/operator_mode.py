"""Reaching operator mode in the running app: a PIN file, the hidden corner, the PIN pad."""

from __future__ import annotations

from pathlib import Path

from kiosk.operator import hash_pin

PIN = "2468"
#: The operator corner is held a little longer than the 3 s it needs.
HOLD_S = 3.5
#: Where the corner is: the screen's top right, this far in from both edges.
CORNER_INSET_PX = 20


def pin_settings(tmp_path: Path) -> dict[str, str]:
    """Settings overrides giving the terminal an operator PIN file holding PIN's hash."""
    pin_file = tmp_path / "operator-pin"
    pin_file.write_text(hash_pin(PIN) + "\n")
    pin_file.chmod(0o600)
    return {"operator": f"{{pin_file: {pin_file}}}"}


def press_corner(kiosk, *, hold_s: float = HOLD_S) -> None:
    """Holds the operator corner for ``hold_s``, as a finger would."""
    kiosk.press_at(kiosk.xvfb.size[0] - CORNER_INSET_PX, CORNER_INSET_PX, hold_s=hold_s)


def open_pin_pad(kiosk) -> None:
    kiosk.wait_step("start")
    press_corner(kiosk)
    kiosk.wait_screen("pin")


def enter(kiosk, pin: str, expect: str) -> None:
    """Types ``pin`` on the PIN pad and taps OK; returns once ``expect`` shows (text or screen)."""
    for digit in pin:
        kiosk.tap(f"pin:{digit}")
    kiosk.tap("pin:ok", then=lambda s: expect in s["texts"] or s["screen"] == expect)
