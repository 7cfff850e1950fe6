"""Spoken prompts through the system's audio output: a private PulseAudio server's null
sink, listened to on its monitor. With the speaker button on, every screen change is
followed by speech; with it off, by silence; a dialog can turn it on for every visit."""

from __future__ import annotations

import pytest

from dialog_config import EXAMPLES_DIR

#: RMS of 0.1 s of the null sink's monitor: espeak-ng speech is around 0.1; digital
#: silence is 0.
SPEECH_RMS = 0.02
SILENCE_RMS = 0.001
#: How long speech may take to start after a screen change (espeak-ng loads its
#: voice; the machine may be busy), and how long silence is listened to.
SPEECH_WITHIN_S = 5.0
SILENCE_FOR_S = 1.5


def loudest(pulse) -> float:
    """The loudest 0.1 s within SPEECH_WITHIN_S; returns as soon as speech is heard."""
    return max(pulse.monitor_levels(SPEECH_WITHIN_S, until=SPEECH_RMS))


def quiet(pulse) -> float:
    return max(pulse.monitor_levels(SILENCE_FOR_S))


def visit_screens(kiosk, language: str, after_each) -> None:
    """Taps from the start screen to the thanks screen; ``after_each(screen)`` after each change."""
    kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    after_each("rating")
    kiosk.tap("rating:4", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    after_each("choice: topics")
    kiosk.tap("topic:food_quality", then=lambda s: any(k.startswith("category:") for k in keys(s)))
    after_each("choice: categories")
    kiosk.tap("category:soups", then=lambda s: any(k.startswith("detail:") for k in keys(s)))
    after_each("choice: details")
    kiosk.tap("detail:cold", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    after_each("message")
    kiosk.tap("send", then=lambda s: s["step"] == "thanks")
    kiosk.wait_step("thanks")
    after_each("thanks")


def keys(state: dict) -> list[str]:
    return [b["key"] for b in state["buttons"]]


@pytest.mark.slow
def test_with_speech_on_every_screen_change_is_spoken_and_with_it_off_none(start_kiosk, pulse):
    kiosk = start_kiosk("restaurant", spam_window_s="0")
    kiosk.wait_step("start")
    levels: dict[str, float] = {}
    visit_screens(kiosk, "it", lambda name: levels.update({name: quiet(pulse)}))
    assert {name: level for name, level in levels.items() if level >= SILENCE_RMS} == {}

    kiosk.tap("thanks", then=lambda s: s["step"] == "start")
    kiosk.wait_step("start")
    # The button changes nothing the probe reports: listen at once instead.
    kiosk.click("speech")
    assert loudest(pulse) >= SPEECH_RMS, "turned on, the start screen is spoken"
    levels.clear()
    visit_screens(kiosk, "it", lambda name: levels.update({name: loudest(pulse)}))
    assert {name: level for name, level in levels.items() if level < SPEECH_RMS} == {}

    # The visit is over: the next visitor starts without speech.
    kiosk.tap("thanks", then=lambda s: s["step"] == "start")
    kiosk.wait_step("start")
    assert quiet(pulse) < SILENCE_RMS
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    assert quiet(pulse) < SILENCE_RMS


@pytest.mark.slow
def test_a_dialog_with_speech_on_speaks_to_every_visitor(start_kiosk, pulse, tmp_path):
    dialog = tmp_path / "speaking.yaml"
    dialog.write_text(
        (EXAMPLES_DIR / "restaurant.yaml").read_text(encoding="utf-8")
        + "\naccessibility: {speech: on}\n",
        encoding="utf-8",
    )
    kiosk = start_kiosk(dialog)
    kiosk.wait_step("start")
    kiosk.tap("language:ru", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    assert loudest(pulse) >= SPEECH_RMS
    # The speaker button turns it off for this visitor: the next screen is silent.
    kiosk.click("speech")
    kiosk.tap("rating:4", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    assert quiet(pulse) < SILENCE_RMS
