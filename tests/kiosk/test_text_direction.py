"""Which face draws a text, in which direction and script (kiosk.fonts)."""

from __future__ import annotations

import pytest

from kiosk import fonts


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        # HarfBuzz lays a right-to-left line out from its end: digits and Latin
        # words must be given reversed to read in order.
        ("الأحرف المتبقية: 42", "الأحرف المتبقية: 24"),
        ("נעול ל-15 דק׳", "נעול ל-51 דק׳"),
        ("הזנת PIN code", "הזנת edoc NIP"),
        # brackets are mirrored by the layout itself and never join a run
        ("השם שלכם (רשות)", "השם שלכם (רשות)"),
        ("اتصل 12:30", "اتصل 03:21"),
    ],
)
def test_right_to_left_lines_keep_numbers_and_latin_words_in_reading_order(line, shown):
    assert fonts.visual_text(line, "rtl") == shown


def test_left_to_right_lines_are_unchanged():
    assert fonts.visual_text("Zbývá 42 znaků", "ltr") == "Zbývá 42 znaků"


@pytest.mark.parametrize(
    ("text", "direction", "script"),
    [
        ("كيف كانت زيارتك اليوم؟", "rtl", "Arab"),
        ("42 :הודעות", "rtl", "Hebr"),
        ("Ελληνικά", "ltr", "Latn"),
        ("สวัสดี", "ltr", "Thai"),
        ("한국어", "ltr", "Hang"),
        ("12", "ltr", "Latn"),
    ],
)
def test_direction_and_script_come_from_the_text(text, direction, script):
    assert fonts.direction_of(text) == direction
    assert fonts.script_of(text) == script


@pytest.mark.parametrize(
    ("text", "language", "face"),
    [
        ("Back", "en", "KioskSans"),
        ("한국어", "ko", "KioskSans"),
        ("⌫", "pl", "KioskSans"),  # only the first face has the symbols
        ("Wstecz", "pl", "KioskWorld"),  # a Polish screen keeps one design
        ("Zażółć", "en", "KioskWorld"),
        ("Ελληνικά", "en", "KioskWorld"),
        ("Українська", "en", "KioskWorld"),
        ("العربية", "en", "KioskWorld"),
        ("עברית", "en", "KioskWorld"),
        ("ไทย", "en", "KioskWorld"),
    ],
)
def test_each_text_gets_a_face_that_draws_all_of_it(text, language, face):
    chosen = fonts.face_for(text, language)
    assert chosen.name == face
    assert all(chosen.draws(char) for char in text)


def test_characters_no_face_draws_are_named_once_each():
    assert fonts.undrawable_characters("Pizza 🍕🍕 ok 😀") == "🍕😀"
    assert fonts.undrawable_characters("Zażółć gęślą jaźń, Ελληνικά, עברית") == ""


@pytest.mark.parametrize(("language", "rtl"), [("ar", True), ("he", True), ("de", False)])
def test_right_to_left_languages_come_from_cldr(language, rtl):
    assert fonts.is_rtl_language(language) is rtl
