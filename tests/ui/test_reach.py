"""``display.reach: low``: every control of a visit in the lower part of the screen, within
reach from a wheelchair or of a child, the question above them; nothing cut off."""

from __future__ import annotations

import pytest

from dialog_config import EXAMPLES_DIR, load_dialog
from kiosk.flow import MORE_TIME_WARNING_S
from kiosk.ui.design import LOW_REACH_TOP_SHARE
from support.harness import Kiosk, Xvfb, write_settings

RESTAURANT = load_dialog(EXAMPLES_DIR / "restaurant.yaml")
SIZES = ((1280, 800), (800, 480))
#: The start and thanks screens take a tap anywhere: their tap area is the whole screen.
WHOLE_SCREEN_KEYS = ("start", "thanks")


@pytest.fixture(scope="module", params=SIZES, ids=lambda size: "{}x{}".format(*size))
def screen(request):
    server = Xvfb(*request.param)
    yield server
    server.close()


def layout_problems(state: dict, size: tuple[int, int], name: str) -> list[str]:
    width, height = size
    lowest_top = LOW_REACH_TOP_SHARE * height
    problems = [f"{name}: {text!r} is cut off by the screen's edge" for text in state["offscreen"]]
    for button in state["buttons"]:
        where = f"{name}: {button['key']} {button['text']!r} at y={button['y']}"
        if not button["words_fit"]:
            problems.append(f"{where} breaks a word: it does not fit the button")
        if (
            button["x"] < 0
            or button["y"] < 0
            or button["x"] + button["width"] > width
            or button["y"] + button["height"] > height
        ):
            problems.append(f"{where} sticks out of the screen")
        if button["key"] not in WHOLE_SCREEN_KEYS and button["y"] < lowest_top - 1:
            problems.append(f"{where} is above the lower {1 - LOW_REACH_TOP_SHARE:.0%}")
    return problems


def first(state: dict, prefix: str) -> str:
    return next(b["key"] for b in state["buttons"] if b["key"].startswith(prefix))


def walk_visit(kiosk: Kiosk, language: str, check) -> None:
    """Every screen of a visit, each control taken as a visitor finds it; ``check(name)``."""
    kiosk.wait_step("start")
    check("01-start")
    kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "rating")
    check("02-rating")
    kiosk.tap(first(kiosk.wait_step("rating"), "rating:"), then=lambda s: s["step"] == "choice")
    check("03-choice-topics")
    kiosk.tap(first(kiosk.wait_step("choice"), "topic:"))
    state = kiosk.wait(lambda s: True)
    if state["step"] == "choice" and any(
        b["key"].startswith("category:") for b in state["buttons"]
    ):
        check("04-choice-categories")
    if kiosk.wait(lambda s: True)["step"] == "choice":
        kiosk.tap("next", then=lambda s: s["step"] == "message")
    state = kiosk.wait_step("message")
    check("05-message")
    if any(b["key"] == "text" for b in state["buttons"]):
        kiosk.tap("text", then=lambda s: s["step"] == "text")
        kiosk.wait_step("text")
        check("06-text")
        kiosk.tap("done", then=lambda s: s["step"] == "message")
        kiosk.wait_step("message")
    kiosk.tap("callback", then=lambda s: s["step"] == "callback")
    kiosk.wait_step("callback")
    check("07-callback")
    kiosk.tap("back", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("send", then=lambda s: s["step"] in ("photo_consent", "thanks"))
    if kiosk.wait(lambda s: True)["step"] == "photo_consent":
        check("08-photo-consent")
        kiosk.tap("photo:no", then=lambda s: s["step"] == "thanks")
    kiosk.wait_step("thanks")
    check("09-thanks")
    kiosk.tap("thanks", then=lambda s: s["step"] == "start")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("example", "languages"),
    [("restaurant", ("en", "ru")), ("fitness_club", ("it",))],
    ids=["restaurant", "fitness_club"],
)
def test_every_control_stands_in_the_lower_part_of_the_screen(screen, tmp_path, example, languages):
    settings = write_settings(
        tmp_path, EXAMPLES_DIR / f"{example}.yaml", display="{fullscreen: false, reach: low}"
    )
    kiosk = Kiosk(screen, settings, tmp_path / "probe", log_path=tmp_path / "kiosk.log")
    problems: list[str] = []
    seen: list[str] = []

    def check(name: str, language: str) -> None:
        state = kiosk.wait(lambda s: True)
        seen.append(name)
        kiosk.screenshot(tmp_path / f"{name}-{language}.png")
        problems.extend(layout_problems(state, screen.size, f"{name} ({language})"))
        if name in ("02-rating", "03-choice-topics", "05-message", "08-photo-consent"):
            # The question stays on screen, above the controls.
            assert state["texts"] and not state["offscreen"], name

    try:
        for language in languages:
            walk_visit(kiosk, language, lambda name, lang=language: check(name, lang))
    finally:
        kiosk.stop()
    assert len(seen) >= 8 * len(languages), seen
    assert not problems, "\n".join(problems)


def test_the_layout_checks_find_a_control_too_high():
    state = {
        "offscreen": [],
        "buttons": [
            {
                "key": "start",
                "text": "",
                "words_fit": True,
                "x": 0,
                "y": 0,
                "width": 800,
                "height": 480,
            },
            {
                "key": "next",
                "text": "Next",
                "words_fit": True,
                "x": 10,
                "y": 100,
                "width": 90,
                "height": 60,
            },
        ],
    }
    assert layout_problems(state, (800, 480), "choice") == [
        "choice: next 'Next' at y=100 is above the lower 60%"
    ]


def test_the_more_time_prompt_stands_low_too(screen, tmp_path):
    settings = write_settings(
        tmp_path, EXAMPLES_DIR / "restaurant.yaml", display="{fullscreen: false, reach: low}"
    )
    kiosk = Kiosk(screen, settings, tmp_path / "probe", log_path=tmp_path / "kiosk.log")
    try:
        kiosk.wait_step("start")
        kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
        kiosk.wait_step("rating")
        kiosk.advance_clock(RESTAURANT.idle_reset_s - MORE_TIME_WARNING_S)
        state = kiosk.wait(
            lambda s: any(b["key"] == "more_time" for b in s["buttons"]),
            what="the more-time prompt",
        )
        kiosk.screenshot(tmp_path / "more-time-low.png")
        (button,) = (b for b in state["buttons"] if b["key"] == "more_time")
        assert (
            layout_problems(
                {"offscreen": state["offscreen"], "buttons": [button]}, screen.size, "more time"
            )
            == []
        )
        assert "Do you need more time?" in state["texts"]
    finally:
        kiosk.stop()
