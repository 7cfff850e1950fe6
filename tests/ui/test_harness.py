"""The harness fails loudly: a clock step the app never took stops the test, and is withdrawn."""

from __future__ import annotations

import os
import re
import signal

import pytest

from dialog_config import EXAMPLES_DIR, load_dialog

RESTAURANT = load_dialog(EXAMPLES_DIR / "restaurant.yaml")
#: Short: the app is stopped, it cannot take anything.
REFUSED_TIMEOUT_S = 2.0


def test_a_clock_step_the_app_does_not_take_fails_and_never_applies_later(start_kiosk):
    kiosk = start_kiosk()
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")

    os.kill(kiosk.process.pid, signal.SIGSTOP)  # the app's clock stops ticking
    try:
        step_s = RESTAURANT.idle_reset_s + 1
        refused = re.escape(f"did not take {{'advance_s': {step_s}}}")
        with pytest.raises(AssertionError, match=refused):
            kiosk.advance_clock(step_s, timeout_s=REFUSED_TIMEOUT_S)
    finally:
        os.kill(kiosk.process.pid, signal.SIGCONT)

    # Withdrawn: the app ticks again, and the visit is not reset by a step it never took.
    kiosk.wait_tick()
    assert not (kiosk.probe_dir / "control.json").exists()
    assert kiosk.wait(lambda s: True)["step"] == "rating"
    # A step the app takes moves its clock.
    kiosk.advance_clock(RESTAURANT.idle_reset_s + 1)
    kiosk.wait_step("start")
    with pytest.raises(ValueError, match="only moves forward"):
        kiosk.advance_clock(0)
