"""The dialog file changes under a running app: never mid-visit, never an invalid one."""

from __future__ import annotations

import time

from dialog_config import DEFAULT_DIALOG, load_dialog
from kiosk.dialog_copies import DialogCopies

from support.operator_mode import PIN, enter, open_pin_pad, pin_settings

#: The watcher looks every 2 s; this leaves it time to see a change.
WATCH_WAIT_S = 5.0


def test_a_valid_edit_applies_at_the_next_start_and_an_invalid_one_is_refused(
        start_kiosk, tmp_path):
    dialog = tmp_path / "dialog.yaml"
    original = DEFAULT_DIALOG.read_text(encoding="utf-8")
    dialog.write_text(original, encoding="utf-8")
    kiosk = start_kiosk(dialog, **pin_settings(tmp_path))
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")

    dialog.write_text(original.replace('en: "Staff"', 'en: "Service team"'), encoding="utf-8")
    time.sleep(WATCH_WAIT_S)
    kiosk.wait_step("rating")
    kiosk.tap("rating:3", then=lambda s: s["step"] == "choice")
    state = kiosk.wait_step("choice")
    assert kiosk.button("topic:staff")["text"] == "Staff", "no change in the middle of a visit"

    kiosk.tap("cancel", then=lambda s: s["step"] == "start")
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.tap("rating:3", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    assert kiosk.button("topic:staff")["text"] == "Service team"
    # The dialog visitors now see is kept as the last good one, beside the outbox.
    copies = DialogCopies(kiosk.probe_dir.parent / "data")
    edited = load_dialog(dialog).sha256
    deadline = time.monotonic() + WATCH_WAIT_S
    while not any(load_dialog(p).sha256 == edited for p in copies.newest_first()[:1]):
        assert time.monotonic() < deadline, "no copy of the applied dialog was kept"
        time.sleep(0.05)
    kiosk.tap("cancel", then=lambda s: s["step"] == "start")

    dialog.write_text(original.replace("idle_reset_s: 45", "idle_reset_s: 4"), encoding="utf-8")
    time.sleep(WATCH_WAIT_S)
    open_pin_pad(kiosk)
    enter(kiosk, PIN, "operator")
    state = kiosk.wait_screen("operator")
    shown = "\n".join(state["texts"])
    assert "idle_reset_s: must be from 5 to 600 (found 4)" in shown
    kiosk.tap("operator:reload", then=lambda s: any(
        "previous one stays in use" in text for text in s["texts"]))
    kiosk.tap("operator:close", then=lambda s: s["screen"] == "start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.tap("rating:3", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    assert kiosk.button("topic:staff")["text"] == "Service team", "the last good dialog stays"
    log = kiosk.log_text()
    assert "idle_reset_s: must be from 5 to 600 (found 4)" in log
