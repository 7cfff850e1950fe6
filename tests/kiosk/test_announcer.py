"""What the terminal says aloud, and when: each screen's question, each tapped label."""

from __future__ import annotations

import datetime

import pytest

from dialog_config import EXAMPLES_DIR, load_dialog
from kiosk.devices.speech import Speaker
from kiosk.flow import Flow, Step
from kiosk.speech import Announcer, screen_question, spoken


class Recorder(Speaker):
    """A speaker that writes down what it was asked to say."""

    available = True

    def __init__(self):
        self.said: list[tuple[str, str]] = []
        self.stops = 0

    def say(self, text: str, language: str) -> None:
        self.said.append((text, language))

    def stop(self) -> None:
        self.stops += 1


@pytest.fixture
def flow():
    return Flow(
        load_dialog(EXAMPLES_DIR / "restaurant.yaml"),
        terminal_id="t",
        site="s",
        submit=lambda _submission: None,
        phone_region="IT",
        wall_clock=lambda: datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )


def test_each_screen_asks_its_own_question_in_the_visitors_language(flow):
    assert screen_question(flow) == "Your opinion matters. Touch the screen to leave feedback"
    flow.begin("it")
    assert screen_question(flow) == flow.dialog.rating.prompt.get("it")
    flow.rate(4)
    assert screen_question(flow) == "Di che cosa vuole parlarci?"
    flow.choose(1, "food_quality")
    assert screen_question(flow) == "Che cosa in particolare?"
    flow.choose(2, "soups")
    assert screen_question(flow) == "Può specificare meglio?"
    flow.finish_choice()
    assert flow.step == Step.MESSAGE
    assert screen_question(flow) == "Vuole aggiungere qualcosa?"


def test_a_label_is_spoken_without_markup_or_marks():
    assert spoken("✓ Scrivi un messaggio") == "Scrivi un messaggio"
    assert spoken("Avanti  ›") == "Avanti"
    assert spoken("[b]Zuppe[/b]\n[color=#52606d]fredde[/color]") == "Zuppe fredde"


def test_nothing_is_said_while_speech_is_off(flow):
    speaker = Recorder()
    announcer = Announcer(speaker)
    announcer.shown(flow)
    announcer.tapped("Italiano")
    flow.begin("it")
    announcer.shown(flow)
    assert speaker.said == []


def test_the_tapped_label_then_the_next_question_and_the_label_alone_on_the_same_screen(flow):
    speaker = Recorder()
    announcer = Announcer(speaker)
    flow.set_access(speech=True)
    announcer.shown(flow)
    assert speaker.said == [("Your opinion matters. Touch the screen to leave feedback", "en")]
    announcer.tapped("Italiano")
    flow.begin("it")
    announcer.shown(flow)
    assert speaker.said[-1] == ("Italiano. " + flow.dialog.rating.prompt.get("it"), "it")
    announcer.shown(flow)  # a refresh of the same screen says nothing again
    assert len(speaker.said) == 2
    flow.rate(4)
    flow.choose(1, "food_quality")
    announcer.tapped("Qualità del cibo")
    announcer.shown(flow)
    assert speaker.said[-1] == ("Qualità del cibo. Che cosa in particolare?", "it")
    flow.choose(1, "food_quality")  # tapped again: the question stays, the label is said
    announcer.tapped("Qualità del cibo")
    announcer.shown(flow)
    assert speaker.said[-1] == ("Qualità del cibo", "it")


def test_turning_speech_off_stops_what_is_being_said(flow):
    speaker = Recorder()
    announcer = Announcer(speaker)
    flow.set_access(speech=True)
    announcer.shown(flow)
    flow.set_access(speech=False)
    announcer.shown(flow)
    assert speaker.stops == 1
    flow.set_access(speech=True)
    announcer.shown(flow)
    assert len(speaker.said) == 2, "turned on again, the screen's question is said again"
