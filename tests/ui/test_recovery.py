"""An error in a tap handler ends the visit, not the app; a stream of them ends the app for systemd."""

from __future__ import annotations

from kiosk.faults import FAULT_WINDOW_S, MAX_FAULTS_IN_WINDOW
from sync.outbox import Outbox

#: Beyond the fault window: the time to start the errors and to stop the app.
EXIT_MARGIN_S = 15.0


def test_an_error_in_a_tap_cancels_the_visit_and_the_next_visitor_is_served(start_kiosk):
    kiosk = start_kiosk()
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    kiosk.tap("rating:2", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    kiosk.fail_next("choose")
    kiosk.tap("topic:assortment", then=lambda s: s["step"] == "start")
    kiosk.wait_step("start")

    log = kiosk.log_path.read_text(encoding="utf-8", errors="replace")
    assert "unexpected error; the visit is cancelled and the start screen shown" in log
    assert "Traceback (most recent call last)" in log
    assert "ValueError: Flow.choose failed as the test probe asked" in log
    assert "kiosk/ui/screens/choice.py" in log, "raised from the topic button's tap handler"

    # The next visitor goes all the way through.
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    kiosk.tap("rating:4", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    kiosk.tap(
        "topic:assortment",
        then=lambda s: any(b["key"] == "category:few_vegetarian" for b in s["buttons"]),
    )
    kiosk.tap("category:few_vegetarian", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("send", then=lambda s: s["step"] == "thanks")
    kiosk.wait_step("thanks")
    assert kiosk.stop() == 0

    with Outbox(kiosk.probe_dir.parent / "data", recover=False) as box:
        messages = list(box.messages())
    assert [(m["rating"]["value"], [p["id"] for p in m["path"]]) for m in messages] == [
        (4, ["assortment", "few_vegetarian"])
    ], "the cancelled visit is not stored"


def test_errors_that_keep_coming_end_the_app_so_that_systemd_restarts_it(start_kiosk):
    kiosk = start_kiosk()
    kiosk.wait_step("start")
    # The flow's tick runs every second: an error in it never stops by itself.
    kiosk.fail_next("tick", times=10 * MAX_FAULTS_IN_WINDOW)
    assert kiosk.process.wait(FAULT_WINDOW_S + EXIT_MARGIN_S) == 1
    log = kiosk.log_path.read_text(encoding="utf-8", errors="replace")
    assert log.count("ValueError: Flow.tick failed") == MAX_FAULTS_IN_WINDOW + 1
    assert (
        f"{MAX_FAULTS_IN_WINDOW + 1} unexpected errors within {FAULT_WINDOW_S:.0f} s: "
        "the app exits so that systemd starts it afresh"
    ) in log
