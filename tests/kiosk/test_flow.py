"""The visitor flow without a display: every path of every example, and the rules."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import uuid
from pathlib import Path

import pytest

from dialog_config import EXAMPLES_DIR, check_dialog, load_dialog
from kiosk.flow import Flow, InvalidStep, Step, Submission, VoiceClip, is_low_rating

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
ROME = datetime.timezone(datetime.timedelta(hours=1))


class Clock:
    """A clock the test advances by hand (seconds)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_flow(dialog, stored: list, clock: Clock | None = None, **kwargs) -> Flow:
    return Flow(
        dialog,
        terminal_id="rome-01",
        site="Trattoria Roma",
        submit=stored.append,
        phone_region="IT",
        clock=clock or Clock(),
        wall_clock=lambda: datetime.datetime(2026, 11, 22, 15, 4, 5, 123000, tzinfo=ROME),
        **kwargs,
    )


def choose_path(flow: Flow, node_ids) -> None:
    """Taps the nodes topic first, then "next" if the last one has children."""
    for level, node_id in enumerate(node_ids, start=1):
        flow.choose(level, node_id)
    if flow.step == Step.CHOICE:
        flow.finish_choice()


def as_stored(submission: Submission) -> dict:
    """The message as the outbox completes it, for the contract's schema."""
    message = dict(submission.message, id=str(uuid.uuid4()))
    if submission.voice is not None:
        message["voice"] = dict(
            message["voice"],
            bytes=len(submission.voice),
            sha256=hashlib.sha256(submission.voice).hexdigest(),
        )
    return message


def test_there_are_six_examples():
    assert [p.stem for p in EXAMPLES] == [
        "cafe_europe",
        "cafe_world",
        "clinic",
        "fitness_club",
        "restaurant",
        "retail_store",
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_path_of_every_example_makes_a_valid_message(example: Path, message_validator):
    dialog = load_dialog(example)
    paths = list(dialog.walk())
    assert paths, "an example without paths proves nothing"
    for path in paths:
        for language in dialog.languages:
            stored: list[Submission] = []
            flow = make_flow(dialog, stored, spam_window_s=0)
            flow.begin(language)
            if dialog.rating:
                flow.rate(max(dialog.rating.values))
            choose_path(flow, [node.id for node in path])
            assert flow.step == Step.MESSAGE
            flow.send()
            if flow.step == Step.PHOTO_CONSENT:
                flow.photo_consent(True)
            assert flow.step == Step.THANKS
            assert len(stored) == 1
            message = stored[0].message
            errors = sorted(message_validator.iter_errors(as_stored(stored[0])), key=str)
            assert not errors, errors[0].message
            assert [item["id"] for item in message["path"]] == [n.id for n in path]
            assert [item["level"] for item in message["path"]] == ["topic", "category", "detail"][
                : len(path)
            ]
            # Labels in the dialog's default language, whatever the visitor used.
            assert [item["label"] for item in message["path"]] == [
                n.label.get(dialog.default_language) for n in path
            ]
            assert message["locale"] == language
            assert message["tone"] == path[-1].tone
            assert message["dialog"] == {"version": 1, "sha256": dialog.sha256}
            assert stored[0].take_photo == (dialog.photo_mode != "off")


@pytest.fixture
def restaurant():
    return load_dialog(EXAMPLES_DIR / "restaurant.yaml")


def test_tone_is_inherited_down_the_tree_and_complaint_is_an_alert(restaurant):
    stored: list[Submission] = []
    flow = make_flow(restaurant, stored)
    flow.begin()
    flow.rate(4)
    flow.choose(1, "food_quality")
    flow.choose(2, "soups")
    flow.choose(3, "cold")
    flow.send()
    message = stored[0].message
    assert message["tone"] == "complaint"
    assert message["alert"] is True
    assert message["created_at"] == "2026-11-22T15:04:05.123+01:00"


def test_praise_with_a_top_rating_is_no_alert_and_shows_the_promoter_link(restaurant):
    stored: list[Submission] = []
    flow = make_flow(restaurant, stored)
    flow.begin()
    flow.rate(4)
    praise = next(t for t in restaurant.topics if t.tone == "praise")
    choose_path(flow, [praise.id])
    flow.send()
    assert stored[0].message["tone"] == "praise"
    assert stored[0].message["alert"] is False
    assert flow.shows_promoter_link


def test_a_low_rating_makes_praise_an_alert(restaurant):
    stored: list[Submission] = []
    flow = make_flow(restaurant, stored)
    flow.begin()
    flow.rate(2)
    praise = next(t for t in restaurant.topics if t.tone == "praise")
    choose_path(flow, [praise.id])
    flow.send()
    assert stored[0].message["alert"] is True
    assert not flow.shows_promoter_link


@pytest.mark.parametrize(
    "kind,scale,low",
    [
        ("smileys", 3, [1]),
        ("smileys", 4, [1, 2]),
        ("smileys", 5, [1, 2]),
        ("nps", 10, list(range(0, 7))),
    ],
)
def test_low_ratings_follow_the_mail_contract(kind, scale, low):
    values = range(0, 11) if kind == "nps" else range(1, scale + 1)
    assert [v for v in values if is_low_rating(kind, v, scale)] == low


def test_an_alert_node_marks_its_whole_branch(restaurant):
    alert_paths = [p for p in restaurant.walk() if any(n.alert for n in p)]
    assert alert_paths
    for path in alert_paths:
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored)
        flow.begin()
        flow.skip_rating()
        choose_path(flow, [node.id for node in path])
        flow.send()
        assert stored[0].message["alert"] is True


def test_text_callback_and_voice_land_in_the_message(restaurant, message_validator):
    stored: list[Submission] = []
    flow = make_flow(restaurant, stored)
    flow.begin("it")
    flow.rate(3)
    flow.choose(1, "food_quality")
    flow.choose(2, "salads")
    flow.finish_choice()
    flow.open_part(Step.TEXT)
    flow.set_text("  Troppo sale\nnell'insalata  ")
    assert flow.step == Step.MESSAGE
    flow.open_part(Step.CALLBACK)
    assert flow.set_callback("Anna", "06 1234 5678", consent=False) == "callback_consent"
    assert flow.set_callback("Anna", "12", consent=True) == "phone_invalid"
    assert flow.step == Step.CALLBACK
    assert flow.set_callback("Anna", "06 1234 5678", consent=True) is None
    flow.open_part(Step.VOICE)
    flow.set_voice(VoiceClip(b"OggS fake clip bytes", 3.25))
    flow.send()
    submission = stored[0]
    assert submission.message["text"] == "Troppo sale\nnell'insalata"
    assert submission.message["callback"] == {
        "name": "Anna",
        "phone": "+390612345678",
        "consent": True,
    }
    assert submission.message["voice"] == {"content_type": "audio/ogg", "duration_s": 3.25}
    assert submission.voice == b"OggS fake clip bytes"
    assert not list(message_validator.iter_errors(as_stored(submission)))


def test_text_longer_than_allowed_is_refused(restaurant):
    flow = make_flow(restaurant, [])
    flow.begin()
    flow.skip_rating()
    flow.choose(1, "food_quality")
    flow.finish_choice()
    flow.open_part(Step.TEXT)
    with pytest.raises(ValueError):
        flow.set_text("x" * (flow.options.text_max_chars + 1))


def test_a_branch_without_voice_does_not_offer_it(restaurant):
    no_voice = [t for t in restaurant.topics if not t.message.voice]
    assert no_voice, "the restaurant example turns voice off on one branch"
    flow = make_flow(restaurant, [])
    flow.begin()
    flow.skip_rating()
    choose_path(flow, [no_voice[0].id])
    assert not flow.can_add_voice
    with pytest.raises(ValueError):
        flow.open_part(Step.VOICE)


def test_no_microphone_hides_voice_everywhere(restaurant):
    flow = make_flow(restaurant, [], voice_available=False)
    flow.begin()
    flow.skip_rating()
    flow.choose(1, "food_quality")
    flow.finish_choice()
    assert not flow.can_add_voice


class TestBackAndCancel:
    def walk_to_message(self, flow: Flow):
        flow.begin()
        flow.rate(1)
        flow.choose(1, "food_quality")
        flow.choose(2, "soups")
        flow.finish_choice()

    def test_back_retraces_every_step_to_the_start(self, restaurant):
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored)
        self.walk_to_message(flow)
        flow.open_part(Step.TEXT)
        seen = [flow.step]
        while flow.step != Step.START:
            flow.back()
            seen.append((flow.step, flow.level))
        assert seen == [
            Step.TEXT,
            (Step.MESSAGE, 2),
            (Step.CHOICE, 2),
            (Step.CHOICE, 1),
            (Step.CHOICE, 0),
            (Step.RATING, 0),
            (Step.START, 0),
        ]
        assert stored == []

    @pytest.mark.parametrize("part", [Step.TEXT, Step.VOICE, Step.CALLBACK])
    def test_cancel_from_any_step_stores_nothing(self, restaurant, part):
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored)
        self.walk_to_message(flow)
        flow.open_part(part)
        flow.cancel()
        assert flow.step == Step.START and flow.visit.path == [] and stored == []

    def test_cancel_on_photo_consent_stores_nothing(self):
        dialog = load_dialog(EXAMPLES_DIR / "fitness_club.yaml")
        assert dialog.photo_mode == "ask"
        stored: list[Submission] = []
        flow = make_flow(dialog, stored)
        flow.begin()
        flow.rate(10)
        choose_path(flow, [dialog.topics[0].id])
        flow.send()
        assert flow.step == Step.PHOTO_CONSENT
        flow.back()
        assert flow.step == Step.MESSAGE
        flow.send()
        flow.cancel()
        assert stored == []

    def test_declined_photo_is_not_taken(self):
        dialog = load_dialog(EXAMPLES_DIR / "fitness_club.yaml")
        stored: list[Submission] = []
        flow = make_flow(dialog, stored)
        flow.begin()
        flow.skip_rating()
        choose_path(flow, [dialog.topics[0].id])
        flow.send()
        flow.photo_consent(False)
        assert stored[0].take_photo is False

    def test_choosing_another_topic_replaces_the_branch(self, restaurant):
        flow = make_flow(restaurant, [])
        flow.begin()
        flow.skip_rating()
        flow.choose(1, "food_quality")
        flow.choose(2, "soups")
        flow.choose(1, "assortment")
        assert [n.id for n in flow.visit.path] == ["assortment"]
        categories, details = flow.columns()
        assert [c.id for c in categories] == [c.id for c in restaurant.topic("assortment").children]
        assert details == ()

    def test_a_tap_out_of_step_is_refused(self, restaurant):
        flow = make_flow(restaurant, [])
        with pytest.raises(InvalidStep):
            flow.send()


class TestIdleReset:
    def test_a_visit_with_a_topic_is_stored_without_text_voice_or_photo(self, restaurant):
        clock = Clock()
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored, clock)
        flow.begin()
        flow.rate(2)
        flow.choose(1, "food_quality")
        flow.finish_choice()
        flow.open_part(Step.TEXT)
        flow.set_text("half written")
        flow.open_part(Step.CALLBACK)
        flow.set_callback("", "+39 06 1234 5678", True)
        clock.now += restaurant.idle_reset_s - 1
        flow.tick()
        assert flow.step == Step.MESSAGE and stored == []
        clock.now += 1
        flow.tick()
        assert flow.step == Step.START
        (submission,) = stored
        assert submission.idle and not submission.take_photo
        assert submission.message["text"] is None and submission.voice is None
        assert submission.message["rating"]["value"] == 2
        assert submission.message["callback"]["phone"] == "+390612345678"

    def test_a_rating_alone_is_stored_with_an_empty_path_and_tone_none(
        self, restaurant, message_validator
    ):
        clock = Clock()
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored, clock)
        flow.begin()
        flow.rate(1)
        clock.now += restaurant.idle_reset_s
        flow.tick()
        (submission,) = stored
        assert submission.message["path"] == [] and submission.message["tone"] == "none"
        assert submission.message["alert"] is True
        assert not list(message_validator.iter_errors(as_stored(submission)))

    def test_an_untouched_visit_is_dropped(self, restaurant):
        clock = Clock()
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored, clock)
        flow.begin()
        clock.now += restaurant.idle_reset_s
        flow.tick()
        assert flow.step == Step.START and stored == []

    def test_touches_postpone_the_reset(self, restaurant):
        clock = Clock()
        flow = make_flow(restaurant, [], clock)
        flow.begin()
        for _ in range(5):
            clock.now += restaurant.idle_reset_s - 1
            flow.touch()
            flow.tick()
        assert flow.step == Step.RATING

    def test_the_visitor_is_asked_twenty_seconds_before_the_reset_and_not_before(self, restaurant):
        clock = Clock()
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored, clock)
        flow.begin()
        flow.rate(3)
        clock.now += restaurant.idle_reset_s - 20 - 0.5
        flow.tick()
        assert not flow.asks_for_more_time
        clock.now += 0.5
        flow.tick()
        assert flow.asks_for_more_time and flow.step == Step.CHOICE
        assert flow.seconds_left == 20
        clock.now += 19.5
        flow.tick()
        assert flow.asks_for_more_time and flow.seconds_left == 1 and stored == []
        clock.now += 0.5
        flow.tick()
        assert flow.step == Step.START and not flow.asks_for_more_time
        (submission,) = stored
        assert submission.idle and submission.message["rating"]["value"] == 3

    def test_more_time_keeps_the_visit_as_it_was(self, restaurant):
        clock = Clock()
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored, clock)
        flow.begin()
        flow.rate(4)
        flow.choose(1, "food_quality")
        flow.finish_choice()
        flow.open_part(Step.TEXT)
        clock.now += restaurant.idle_reset_s - 1
        flow.tick()
        assert flow.asks_for_more_time
        flow.more_time()
        assert not flow.asks_for_more_time
        clock.now += restaurant.idle_reset_s - 1
        flow.tick()
        assert flow.step == Step.TEXT and stored == []
        assert [node.id for node in flow.visit.path] == ["food_quality"]

    def test_no_prompt_on_the_start_or_thanks_screen(self, restaurant):
        clock = Clock()
        flow = make_flow(restaurant, [], clock)
        clock.now += restaurant.idle_reset_s * 10
        assert not flow.asks_for_more_time
        flow.begin()
        flow.rate(4)
        flow.choose(1, "food_quality")
        flow.finish_choice()
        flow.send()
        clock.now += 5
        assert flow.step == Step.THANKS and not flow.asks_for_more_time

    @pytest.mark.parametrize("idle_reset_s", [5, 12, 24])
    def test_a_short_idle_reset_still_leaves_twenty_seconds_to_answer(self, idle_reset_s):
        dialog = load_dialog(EXAMPLES_DIR / "restaurant.yaml")
        dialog = dataclasses.replace(dialog, idle_reset_s=idle_reset_s)
        clock = Clock()
        flow = make_flow(dialog, [], clock)
        flow.begin()
        clock.now += 4.9
        assert not flow.asks_for_more_time
        clock.now += 0.1
        assert flow.asks_for_more_time and flow.seconds_left == 20
        clock.now += 19.9
        flow.tick()
        assert flow.step == Step.RATING
        clock.now += 0.1
        flow.tick()
        assert flow.step == Step.START

    def test_thanks_gives_way_to_the_start(self, restaurant):
        clock = Clock()
        flow = make_flow(restaurant, [], clock)
        flow.begin()
        flow.rate(4)
        flow.choose(1, "food_quality")
        flow.finish_choice()
        flow.send()
        assert flow.step == Step.THANKS
        clock.now += 10
        flow.tick()
        assert flow.step == Step.START


class TestSpamFilter:
    def bare_visit(self, flow: Flow):
        flow.begin()
        flow.rate(1)
        flow.choose(1, "food_quality")
        flow.finish_choice()
        flow.send()
        flow.cancel()

    def test_the_same_bare_path_within_the_window_is_counted_not_stored(self, restaurant):
        clock = Clock()
        stored: list[Submission] = []
        suppressed: list[None] = []
        flow = make_flow(
            restaurant, stored, clock, spam_window_s=20, on_spam=lambda: suppressed.append(None)
        )
        self.bare_visit(flow)
        clock.now += 5
        self.bare_visit(flow)
        clock.now += 5
        self.bare_visit(flow)
        assert len(stored) == 1 and len(suppressed) == 2
        clock.now += 21
        self.bare_visit(flow)
        assert len(stored) == 2

    def test_a_visit_with_text_is_never_spam(self, restaurant):
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored, spam_window_s=20)
        for _ in range(3):
            flow.begin()
            flow.rate(1)
            flow.choose(1, "food_quality")
            flow.finish_choice()
            flow.open_part(Step.TEXT)
            flow.set_text("again")
            flow.send()
            flow.cancel()
        assert len(stored) == 3

    def test_a_different_path_is_not_spam(self, restaurant):
        stored: list[Submission] = []
        flow = make_flow(restaurant, stored, spam_window_s=20)
        for topic in restaurant.topics[:3]:
            flow.begin()
            flow.skip_rating()
            choose_path(flow, [topic.id])
            flow.send()
            flow.cancel()
        assert len(stored) == 3


class TestDialogUpdates:
    def test_a_new_dialog_waits_for_the_next_start_screen(self, restaurant):
        clinic = load_dialog(EXAMPLES_DIR / "clinic.yaml")
        applied = []
        flow = make_flow(restaurant, [], on_dialog_applied=applied.append)
        flow.begin()
        flow.offer_dialog(clinic)
        assert flow.dialog is restaurant
        assert applied == [], "offered is not applied: the visitor still sees the old one"
        flow.cancel()
        assert flow.dialog is clinic
        assert flow.language == clinic.default_language
        assert applied == [clinic]
        flow.begin()
        flow.cancel()
        assert applied == [clinic], "told once per new dialog"

    def test_at_the_start_screen_it_applies_at_once(self, restaurant):
        clinic = load_dialog(EXAMPLES_DIR / "clinic.yaml")
        flow = make_flow(restaurant, [])
        flow.offer_dialog(clinic)
        assert flow.dialog is clinic


JAPANESE_DIALOG = """\
version: 1
languages: [en, ja]
topics:
  - id: service
    label: {en: "Service", ja: "サービス"}
"""


def test_a_language_without_a_keyboard_offers_no_text_but_voice_and_callback_remain():
    dialog = load_dialog_text(JAPANESE_DIALOG)
    flow = make_flow(dialog, [])
    flow.begin("ja")
    flow.choose(1, "service")
    assert not flow.can_add_text
    with pytest.raises(ValueError, match="text is not offered"):
        flow.open_part(Step.TEXT)
    assert flow.can_add_voice
    flow.open_part(Step.CALLBACK)
    assert flow.step == Step.CALLBACK


def test_a_language_with_a_keyboard_offers_text():
    flow = make_flow(load_dialog_text(JAPANESE_DIALOG), [])
    flow.begin("en")
    flow.choose(1, "service")
    assert flow.can_add_text
    flow.open_part(Step.TEXT)
    assert flow.step == Step.TEXT


def load_dialog_text(text: str):
    result = check_dialog(text.encode(), file="d.yaml")
    assert result.dialog is not None, result.errors
    return result.dialog


# -- larger text and speech ------------------------------------------------------


def test_larger_text_and_speech_last_the_visit_and_end_with_it(restaurant):
    stored: list = []
    flow = make_flow(restaurant, stored)
    flow.set_access(large_text=True)
    flow.begin("it")
    flow.set_access(speech=True)
    flow.rate(4)
    assert (flow.access.large_text, flow.access.speech) == (True, True)
    choose_path(flow, ["food_quality", "soups", "cold"])
    flow.send()
    assert flow.access.large_text and flow.access.speech
    flow.tick()
    flow.clock.now += 10
    flow.tick()
    assert flow.step == Step.START
    assert (flow.access.large_text, flow.access.speech) == (False, False)


def test_a_tap_on_a_plus_again_turns_it_off(restaurant):
    flow = make_flow(restaurant, [])
    flow.begin()
    flow.set_access(large_text=True)
    flow.set_access(large_text=False)
    assert flow.access.large_text is False


def test_cancel_and_the_idle_reset_give_the_next_visitor_normal_text(restaurant):
    clock = Clock()
    flow = make_flow(restaurant, [], clock)
    flow.begin()
    flow.set_access(large_text=True)
    flow.cancel()
    assert flow.access.large_text is False
    flow.begin()
    flow.set_access(large_text=True, speech=True)
    clock.now += restaurant.idle_reset_s
    flow.tick()
    assert flow.step == Step.START and not flow.access.large_text and not flow.access.speech


def test_a_plus_left_on_the_start_screen_is_undone_after_the_idle_time(restaurant):
    clock = Clock()
    flow = make_flow(restaurant, [], clock)
    flow.set_access(large_text=True)
    clock.now += restaurant.idle_reset_s - 1
    flow.tick()
    assert flow.access.large_text
    clock.now += 1
    flow.tick()
    assert not flow.access.large_text


def speech_on(dialog):
    text = dialog.source.read_text(encoding="utf-8") + "\naccessibility: {speech: on}\n"
    result = check_dialog(text.encode(), file="speech.yaml", base_dir=dialog.source.parent)
    assert result.dialog is not None, [str(p) for p in result.errors]
    return result.dialog


def test_a_dialog_can_start_every_visit_with_speech_on(restaurant):
    dialog = speech_on(restaurant)
    flow = make_flow(dialog, [])
    assert flow.access.speech
    flow.begin()
    flow.set_access(speech=False)
    flow.cancel()
    assert flow.access.speech, "the next visitor hears the screens again"
    flow.offer_dialog(restaurant)
    assert not flow.access.speech, "the new dialog's default applies at the start screen"
