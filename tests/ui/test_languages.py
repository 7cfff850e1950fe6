"""Right-to-left languages run mirrored; a language without a keyboard offers no text."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from kiosk.ui.theme import MUTED_INK_HEX

JAPANESE_DIALOG = """\
version: 1
languages: [en, ja]
topics:
  - id: service
    label: {en: "Service", ja: "サービス"}
"""


def button(state, key):
    return next(b for b in state["buttons"] if b["key"] == key)


def open_details(kiosk, language):
    kiosk.wait_step("start")
    kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "rating")
    kiosk.tap("rating:2", then=lambda s: s["step"] == "choice")
    kiosk.tap("topic:food_quality")
    kiosk.tap("category:soups")
    return kiosk.wait(lambda s: any(b["key"] == "detail:cold" for b in s["buttons"]))


def test_arabic_and_hebrew_mirror_the_rows_and_english_does_not(start_kiosk):
    kiosk = start_kiosk("cafe_world")
    for language, mirrored in (("en", False), ("ar", True), ("he", True)):
        state = open_details(kiosk, language)
        back, forward = button(state, "back"), button(state, "next")
        assert (back["x"] > forward["x"]) is mirrored, (language, back, forward)
        food, praise = button(state, "topic:food_quality"), button(state, "topic:praise")
        assert (food["x"] > praise["x"]) is mirrored, language
        category, detail = button(state, "category:soups"), button(state, "detail:cold")
        assert (category["x"] > detail["x"]) is mirrored, language
        kiosk.tap("cancel", then=lambda s: s["step"] == "start")


def test_a_language_without_a_keyboard_offers_voice_and_callback_but_no_text(
    start_kiosk, tmp_path: Path
):
    dialog = tmp_path / "ja.yaml"
    dialog.write_text(JAPANESE_DIALOG, encoding="utf-8")
    kiosk = start_kiosk(dialog)
    for language, text_offered in (("en", True), ("ja", False)):
        kiosk.wait_step("start")
        kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "choice")
        kiosk.tap("topic:service", then=lambda s: s["step"] == "message")
        state = kiosk.wait_step("message")
        keys = {b["key"] for b in state["buttons"] if not b["disabled"]}
        assert ("text" in keys) is text_offered, (language, keys)
        assert "callback" in keys
        kiosk.tap("cancel", then=lambda s: s["step"] == "start")


#: An NPS question that asks before the photo, in a left-to-right and two right-to-left
#: languages.
NPS_DIALOG = """\
version: 1
languages: [en, ar, he]
rating:
  kind: nps
photo: {mode: ask}
topics:
  - id: service
    label: {en: "Service", ar: "الخدمة", he: "שירות"}
"""


def xs(state, prefix):
    """The buttons whose key starts with ``prefix``, left to right on the screen."""
    row = sorted((b for b in state["buttons"] if b["key"].startswith(prefix)), key=lambda b: b["x"])
    return [b["key"] for b in row]


def test_the_faces_run_from_unhappy_on_the_right_in_arabic_and_hebrew(start_kiosk):
    kiosk = start_kiosk("cafe_world")
    for language, mirrored in (("en", False), ("ar", True), ("he", True)):
        kiosk.wait_step("start")
        kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "rating")
        faces = xs(kiosk.wait_step("rating"), "rating:")
        unhappy_first = ["rating:1", "rating:2", "rating:3", "rating:4"]
        assert faces == (unhappy_first[::-1] if mirrored else unhappy_first), language
        kiosk.tap("cancel", then=lambda s: s["step"] == "start")


def test_nps_runs_from_0_on_the_right_and_agreeing_to_the_photo_stands_where_next_does(
    start_kiosk, tmp_path: Path
):
    dialog = tmp_path / "nps.yaml"
    dialog.write_text(NPS_DIALOG, encoding="utf-8")
    kiosk = start_kiosk(dialog)
    for language, mirrored in (("en", False), ("ar", True), ("he", True)):
        kiosk.wait_step("start")
        kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "rating")
        scale = xs(kiosk.wait_step("rating"), "rating:")
        zero_first = [f"rating:{n}" for n in range(11)]
        assert scale == (zero_first[::-1] if mirrored else zero_first), language
        kiosk.tap("rating:9", then=lambda s: s["step"] == "choice")
        kiosk.tap("topic:service", then=lambda s: s["step"] == "message")
        kiosk.tap("send", then=lambda s: s["step"] == "photo_consent")
        state = kiosk.wait_step("photo_consent")
        agree, decline = button(state, "photo:yes"), button(state, "photo:no")
        assert (agree["x"] < decline["x"]) is mirrored, (language, agree, decline)
        kiosk.tap("cancel", then=lambda s: s["step"] == "start")


def tick_box_side(kiosk, shot: Path) -> str:
    """Which end of the consent button its tick box is drawn at, read off the screen."""
    consent = button(kiosk.state, "consent")
    image = cv2.imread(str(kiosk.screenshot(shot)))
    top, bottom = consent["y"], consent["y"] + consent["height"]
    end = min(consent["width"] // 6, consent["height"])
    ink = np.array([int(MUTED_INK_HEX[i : i + 2], 16) for i in (5, 3, 1)])  # BGR

    def inked(x0, x1):
        region = image[top:bottom, x0:x1].astype(int)
        return int((np.abs(region - ink).sum(axis=2) < 40).sum())

    left = inked(consent["x"], consent["x"] + end)
    right = inked(consent["x"] + consent["width"] - end, consent["x"] + consent["width"])
    assert max(left, right) > 20, f"no tick box drawn at either end ({left}, {right})"
    return "left" if left > right else "right"


def test_the_callback_consent_box_stands_where_the_text_begins(start_kiosk, tmp_path: Path):
    kiosk = start_kiosk("cafe_world")
    width = kiosk.xvfb.size[0]
    for language, mirrored in (("en", False), ("ar", True), ("he", True)):
        kiosk.wait_step("start")
        kiosk.tap(f"language:{language}", then=lambda s: s["step"] == "rating")
        kiosk.tap("rating:4", then=lambda s: s["step"] == "choice")
        kiosk.tap("topic:food_quality")
        kiosk.tap("category:soups")
        kiosk.tap("next", then=lambda s: s["step"] == "message")
        kiosk.tap("callback", then=lambda s: s["step"] == "callback")
        consent = button(kiosk.wait_step("callback"), "consent")
        # The row starts at the reading side: the consent button against that edge.
        gap_left, gap_right = consent["x"], width - consent["x"] - consent["width"]
        assert (gap_left > gap_right) is mirrored, (language, consent)
        side = tick_box_side(kiosk, tmp_path / f"callback-{language}.png")
        assert side == ("right" if mirrored else "left"), language
        kiosk.tap("cancel", then=lambda s: s["step"] == "start")
