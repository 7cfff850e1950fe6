"""Right-to-left languages run mirrored; a language without a keyboard offers no text."""

from __future__ import annotations

from pathlib import Path

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
