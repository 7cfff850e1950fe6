"""Every letter of every language can be typed, and the generated layouts are what the script makes.

The letters are CLDR's exemplar sets (Debian's unicode-cldr-core); the
generator reads xkeyboard-config (Debian's xkb-data). ``make test``
installs both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kiosk import exemplars, hangul
from kiosk.keyboard import (
    FIELD_LAYOUTS,
    KEYBOARDS_DIR,
    KeyAction,
    KeyboardModel,
    Shift,
    available_layouts,
    layout_name_for_language,
    load_layout,
)
from support.keyboards import KEYBOARD_LANGUAGES, key_presses, plan
from support.screenshots import TYPED

PROJECT_ROOT = KEYBOARDS_DIR.parents[1]
SCRIPT = KEYBOARDS_DIR / "make_layouts.py"
#: The language each layout serves (its file name is the lowercased tag).
LANGUAGES = {
    name: "pt-BR" if name == "pt-br" else name
    for name in available_layouts()
    if name not in FIELD_LAYOUTS
}


def generated_layouts() -> list[str]:
    """The committed layouts that say they come from the script (a ``source`` field)."""
    return sorted(
        path.name
        for path in KEYBOARDS_DIR.glob("*.json")
        if "source" in json.loads(path.read_text(encoding="utf-8"))
    )


def test_regenerating_the_layouts_gives_the_committed_files(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", str(tmp_path)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    made = sorted(path.name for path in tmp_path.iterdir())
    assert made == generated_layouts()
    assert len(made) == 19
    for name in made:
        assert (tmp_path / name).read_bytes() == (KEYBOARDS_DIR / name).read_bytes(), (
            f"{name} differs from what {SCRIPT.name} makes: run it and commit the result"
        )


def test_a_language_whose_layout_is_missing_has_no_keyboard(tmp_path):
    (tmp_path / "de.json").write_text("{}", encoding="utf-8")
    assert layout_name_for_language("de-CH", tmp_path) == "de"
    assert layout_name_for_language("fr", tmp_path) is None


# Typing every letter ------------------------------------------------------------


def switch_to(model: KeyboardModel, layer: str) -> None:
    if model.layer.name == layer:
        return
    switch = next(
        key
        for row in model.layer.rows
        for key in row
        if key.action is KeyAction.LAYER and key.layer == layer
    )
    model.press(switch)


def type_with_keys(model: KeyboardModel, text: str) -> None:
    """Types ``text`` as a visitor would: layer keys, shift, keys and long presses only."""
    ways = plan(model.layout)
    for char in text:
        assert char in ways, f"{model.layout.name}: nothing types {char!r} (U+{ord(char):04X})"
        layer, key, shift, variant = ways[char]
        switch_to(model, layer)
        if shift and model.shift is Shift.OFF:
            model.press(
                next(k for row in model.layer.rows for k in row if k.action.value == "shift")
            )
        if variant:
            model.press_variant(key, variant)
        else:
            model.press(key)


def cases(letter: str) -> list[str]:
    """The letter and its other case, where that is one character (not ß → SS)."""
    return [letter] + [
        other for other in (letter.upper(), letter.lower()) if len(other) == 1 and other != letter
    ]


@pytest.mark.parametrize("name", sorted(set(LANGUAGES) - {"ko"}))
def test_every_letter_of_the_language_can_be_typed(name):
    language = LANGUAGES[name]
    letters = [case for letter in exemplars.letters(language) for case in cases(letter)]
    assert len(letters) >= 22, f"CLDR lists only {letters} for {language}"
    layout = load_layout(layout_name_for_language(language))
    model = KeyboardModel(layout, max_chars=len(letters))
    type_with_keys(model, "".join(letters))
    assert model.text == "".join(letters)


def jamo_of(syllable: str) -> str:
    """The keys of the two-set keyboard that make one Hangul syllable (닭 → ㄷㅏㄹㄱ)."""
    index = ord(syllable) - hangul.SYLLABLES_START
    initial, rest = divmod(index, len(hangul.MEDIALS) * len(hangul.FINALS))
    medial, final = divmod(rest, len(hangul.FINALS))
    vowel_parts = {compound: "".join(parts) for parts, compound in hangul.COMPOUND_VOWELS.items()}
    final_parts = {compound: "".join(parts) for parts, compound in hangul.COMPOUND_FINALS.items()}
    vowel, coda = hangul.MEDIALS[medial], hangul.FINALS[final]
    return hangul.INITIALS[initial] + vowel_parts.get(vowel, vowel) + final_parts.get(coda, coda)


def test_every_korean_syllable_can_be_typed():
    syllables = exemplars.letters("ko")
    assert len(syllables) == 11172  # 가 … 힣
    layout = load_layout("ko")
    for syllable in syllables:
        model = KeyboardModel(layout, max_chars=1)
        type_with_keys(model, jamo_of(syllable))
        assert model.text == syllable


def test_the_screenshots_type_a_remark_of_its_own_in_every_language_with_a_keyboard():
    assert sorted(TYPED) == sorted(KEYBOARD_LANGUAGES)
    for language, text in TYPED.items():
        layout = load_layout(layout_name_for_language(language))
        model = KeyboardModel(layout, max_chars=100)
        # By the name the app gives each key (kb:<name>): its text, else its action.
        keys = {k.text or k.action.value: k for row in layout.layers[0].rows for k in row}
        for press in key_presses(language, text):
            if isinstance(press, tuple):
                model.press_variant(keys[press[0]], press[1])
            else:
                model.press(keys[press])
        typed = model.text
        expected = (
            " ".join(hangul.compose(word) for word in text.split(" ")) if language == "ko" else text
        )
        assert typed == expected, language
        assert len(typed.split()) >= 2, f"{language}: {typed!r} is not a remark"
