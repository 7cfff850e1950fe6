""" "Do you need more time?" before an idle reset (WCAG 2.2.1), with the app's clock advanced."""

from __future__ import annotations

import re

import pytest

from dialog_config import EXAMPLES_DIR, load_dialog
from kiosk.flow import MORE_TIME_WARNING_S
from support.harness import Kiosk, Xvfb, write_settings
from support.idle_visit import stored_messages, typed_no_in_italian

RESTAURANT = load_dialog(EXAMPLES_DIR / "restaurant.yaml")
#: Inactivity after which the restaurant's visitor is asked.
WARN_AFTER_S = RESTAURANT.idle_reset_s - MORE_TIME_WARNING_S
PROMPT_IT = "Le serve più tempo?"
#: Real seconds that pass between a tap and the test's look at the screen.
SLACK_S = 4
COUNTDOWN_IT = re.compile(r"Altrimenti lo schermo torna all’inizio tra (\d+) s")


def seconds_shown(state: dict) -> int:
    (seconds,) = (int(m[1]) for text in state["texts"] if (m := COUNTDOWN_IT.fullmatch(text)))
    return seconds


def asked(state: dict) -> bool:
    return any(button["key"] == "more_time" for button in state["buttons"])


def test_the_prompt_comes_twenty_seconds_before_the_reset_and_more_time_keeps_the_text(
    start_kiosk,
):
    kiosk = start_kiosk()
    typed_no_in_italian(kiosk)
    kiosk.advance_clock(WARN_AFTER_S - SLACK_S)
    kiosk.wait_tick()
    state = kiosk.wait(lambda s: True)
    assert not asked(state) and PROMPT_IT not in state["texts"]
    kiosk.advance_clock(SLACK_S)
    state = kiosk.wait(asked, what="the more-time prompt")
    assert state["step"] == "text" and PROMPT_IT in state["texts"]
    assert MORE_TIME_WARNING_S - SLACK_S <= seconds_shown(state) <= MORE_TIME_WARNING_S
    (button,) = (b for b in state["buttons"] if b["key"] == "more_time")
    assert button["text"] == "Sì, più tempo" and button["words_fit"]
    kiosk.tap("more_time", then=lambda s: not asked(s))
    # Nearly the whole idle time again: the visit and its text are still there.
    kiosk.advance_clock(RESTAURANT.idle_reset_s - SLACK_S)
    state = kiosk.wait(asked, what="the prompt once more, just before the reset")
    assert state["step"] == "text" and any("no" in text for text in state["texts"])
    assert 0 < seconds_shown(state) <= SLACK_S
    assert kiosk.stop() == 0
    assert stored_messages(kiosk) == []


def test_no_answer_resets_and_stores_what_was_chosen(start_kiosk):
    kiosk = start_kiosk()
    typed_no_in_italian(kiosk)
    kiosk.advance_clock(WARN_AFTER_S)
    kiosk.wait(asked, what="the more-time prompt")
    kiosk.advance_clock(MORE_TIME_WARNING_S)
    state = kiosk.wait_step("start")
    assert not asked(state) and PROMPT_IT not in state["texts"]
    assert kiosk.stop() == 0
    (message,) = stored_messages(kiosk)
    assert [item["id"] for item in message["path"]] == ["staff"]
    assert message["rating"]["value"] == 2 and message["text"] is None


def test_a_key_typed_on_a_keyboard_counts_as_activity(start_kiosk):
    kiosk = start_kiosk()
    typed_no_in_italian(kiosk)
    kiosk.advance_clock(WARN_AFTER_S - 2)
    kiosk.wait_tick()
    kiosk.type_keys("a")
    kiosk.advance_clock(SLACK_S)
    kiosk.wait_tick()
    assert not asked(kiosk.wait(lambda s: True))
    kiosk.advance_clock(WARN_AFTER_S)
    kiosk.wait(asked, what="the more-time prompt once the key is as old as the warning")


@pytest.mark.parametrize("size", [(1280, 800), (800, 480)], ids=["1280x800", "800x480"])
def test_the_prompt_fits_the_screen_over_the_callback_keyboard(size, tmp_path):
    server = Xvfb(*size)
    kiosk = None
    try:
        settings = write_settings(tmp_path, EXAMPLES_DIR / "restaurant.yaml")
        kiosk = Kiosk(server, settings, tmp_path / "probe", log_path=tmp_path / "kiosk.log")
        kiosk.wait_step("start")
        kiosk.tap("language:ru", then=lambda s: s["step"] == "rating")
        kiosk.wait_step("rating")
        kiosk.tap("rating:4", then=lambda s: s["step"] == "choice")
        kiosk.wait_step("choice")
        kiosk.tap("topic:staff")
        kiosk.tap("next", then=lambda s: s["step"] == "message")
        kiosk.wait_step("message")
        kiosk.tap("callback", then=lambda s: s["step"] == "callback")
        kiosk.wait_step("callback")
        kiosk.advance_clock(WARN_AFTER_S)
        state = kiosk.wait(asked, what="the more-time prompt")
        kiosk.screenshot(tmp_path / f"more-time-{size[0]}x{size[1]}.png")
        assert state["step"] == "callback"
        assert "Вам нужно больше времени?" in state["texts"] and state["offscreen"] == []
        (button,) = (b for b in state["buttons"] if b["key"] == "more_time")
        assert button["words_fit"]
        assert 0 <= button["x"] and button["x"] + button["width"] <= size[0]
        assert 0 <= button["y"] and button["y"] + button["height"] <= size[1]
        # Large: wider than half the screen, and taller than the screen's own buttons.
        others = [b for b in state["buttons"] if b["key"] != "more_time"]
        assert button["width"] > size[0] / 2
        assert button["height"] > max(b["height"] for b in others)
    finally:
        if kiosk is not None:
            kiosk.stop()
        server.close()
