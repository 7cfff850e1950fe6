"""Operator mode and lockdown, with real X input: nothing but the operator screen exits."""

from __future__ import annotations

import re
import time

from kiosk.operator import LOCKOUT_S, MAX_WRONG_TRIES
from support.operator_mode import PIN, enter, open_pin_pad, pin_settings, press_corner
from support.waiting import wait_for
from support.xwindow import request_close

WRONG = "1111"
#: How long the corner must be held to open the PIN pad (kiosk/widgets HOT_CORNER_HOLD_S;
#: not imported from there, which would load Kivy into the test process).
CORNER_HOLD_S = 3.0
#: A press well short of that.
SHORT_PRESS_S = 1.0


def test_lockdown_keys_and_close_button_do_nothing(start_kiosk):
    kiosk = start_kiosk()
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.type_keys("Escape", "alt+F4", "ctrl+c", "ctrl+q")
    assert request_close(kiosk.xvfb.display, kiosk.process.pid) >= 1
    # Sent last, so once it is refused the keys before it have been handled too.
    kiosk.wait_log(
        "a request to close the window was refused (lockdown)",
        what="the app to refuse the close request",
    )
    assert re.search(r"key ([a-z]+\+)*27 refused \(lockdown\)", kiosk.log_text()), (
        "the app never saw Escape (no refusal of key 27 in its log)"
    )
    assert kiosk.alive()
    # The visit goes on as if nothing happened.
    assert kiosk.wait_step("rating")["step"] == "rating"


def test_a_short_press_on_the_corner_does_not_open_operator_mode(start_kiosk, tmp_path):
    kiosk = start_kiosk(**pin_settings(tmp_path))
    kiosk.wait_step("start")
    pressed_after = time.monotonic()
    # The press itself must last its time: a real finger resting on the corner.
    press_corner(kiosk, hold_s=SHORT_PRESS_S)
    wait_for(
        lambda: [t for t in kiosk.touches("u") if t > pressed_after],
        what="the app to see the finger lift",
    )
    down = max(t for t in kiosk.touches("d") if t > pressed_after)
    # Nothing can be awaited for a PIN pad that must not open; what can be is the
    # moment it would have opened, on the app's clock: past it, one tick of the app
    # runs any timer still due, and only then is "still the start screen" a result.
    wait_for(
        lambda: time.monotonic() > down + CORNER_HOLD_S,
        timeout_s=2 * CORNER_HOLD_S,
        what="the moment a held corner would open the PIN pad",
    )
    kiosk.wait_tick()
    assert kiosk.wait(lambda s: True)["screen"] == "start"


def test_five_wrong_pins_lock_the_pad_and_neither_the_probe_nor_a_restart_opens_it(
    start_kiosk, tmp_path
):
    settings = pin_settings(tmp_path)
    settings["data_dir"] = str(tmp_path / "data")
    kiosk = start_kiosk(**settings)
    open_pin_pad(kiosk)
    for _ in range(MAX_WRONG_TRIES - 1):
        enter(kiosk, WRONG, "Wrong PIN")
    enter(kiosk, WRONG, "Locked for 5 min")
    # Even the right PIN is refused while locked...
    enter(kiosk, PIN, "Locked for 5 min")
    # ...also when the test probe moves the app's clock past the lockout:
    # the PIN pad keeps its own clocks.
    kiosk.advance_clock(LOCKOUT_S + 60)
    enter(kiosk, PIN, "Locked for 5 min")
    kiosk.stop()
    again = start_kiosk(**settings)
    open_pin_pad(again)
    enter(again, PIN, "Locked for 5 min")


def test_the_right_pin_opens_operator_mode_and_the_operator_leaves(start_kiosk, tmp_path):
    kiosk = start_kiosk(**pin_settings(tmp_path))
    open_pin_pad(kiosk)
    enter(kiosk, WRONG, "Wrong PIN")
    enter(kiosk, PIN, "operator")
    state = kiosk.wait_screen("operator")
    assert any("Outbox" in text for text in state["texts"])
    kiosk.click("operator:leave")
    assert kiosk.process.wait(15) == 0


def test_operator_screen_closes_back_to_the_start(start_kiosk, tmp_path):
    kiosk = start_kiosk(**pin_settings(tmp_path))
    open_pin_pad(kiosk)
    enter(kiosk, PIN, "operator")
    kiosk.wait_screen("operator")
    kiosk.tap("operator:close", then=lambda s: s["screen"] == "start")
    assert kiosk.alive()
