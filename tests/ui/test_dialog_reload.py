"""The dialog file changes under a running app: never mid-visit, never an invalid one.

Each edit is followed by waiting for the app to say it noticed it (its log),
and for its next tick, so that "nothing changed" is a result, not a race
the watcher lost.
"""

from __future__ import annotations

from dialog_config import DEFAULT_DIALOG, load_dialog
from kiosk.dialog_copies import DialogCopies
from support.operator_mode import PIN, enter, open_pin_pad, pin_settings
from support.waiting import wait_for

#: The watcher looks every 2 s (kiosk/watcher.py POLL_S); a loaded machine may take longer.
WATCH_TIMEOUT_S = 15.0
IDLE_ERROR = "idle_reset_s: must be from 5 to 600 (found 4)"


def test_a_valid_edit_applies_at_the_next_start_and_an_invalid_one_is_refused(
    start_kiosk, tmp_path
):
    dialog = tmp_path / "dialog.yaml"
    original = DEFAULT_DIALOG.read_text(encoding="utf-8")
    dialog.write_text(original, encoding="utf-8")
    kiosk = start_kiosk(dialog, **pin_settings(tmp_path))
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")

    dialog.write_text(original.replace('en: "Staff"', 'en: "Service team"'), encoding="utf-8")
    edited = load_dialog(dialog).sha256
    kiosk.wait_log(
        f"(sha256 {edited[:12]}); it applies at the next start screen",
        what="the watcher to offer the edited dialog",
        timeout_s=WATCH_TIMEOUT_S,
    )
    kiosk.wait_tick()  # the offer reaches the flow on the app's clock, before the next tap
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
    wait_for(
        lambda: any(load_dialog(p).sha256 == edited for p in copies.newest_first()[:1]),
        timeout_s=WATCH_TIMEOUT_S,
        poll_s=0.05,
        what="a copy of the applied dialog",
    )
    kiosk.tap("cancel", then=lambda s: s["step"] == "start")

    dialog.write_text(original.replace("idle_reset_s: 45", "idle_reset_s: 4"), encoding="utf-8")
    kiosk.wait_log(
        IDLE_ERROR, what="the watcher to refuse the invalid dialog", timeout_s=WATCH_TIMEOUT_S
    )
    kiosk.wait_tick()  # its errors reach the operator screen on the app's clock
    open_pin_pad(kiosk)
    enter(kiosk, PIN, "operator")
    state = kiosk.wait_screen("operator")
    shown = "\n".join(state["texts"])
    assert IDLE_ERROR in shown
    kiosk.tap(
        "operator:reload",
        then=lambda s: any("previous one stays in use" in text for text in s["texts"]),
    )
    kiosk.tap("operator:close", then=lambda s: s["screen"] == "start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.tap("rating:3", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    assert kiosk.button("topic:staff")["text"] == "Service team", "the last good dialog stays"
    log = kiosk.log_text()
    assert IDLE_ERROR in log
