"""Hangul composition as a two-set keyboard types it, without the keyboard."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.hangul import (
    COMPOUND_FINALS,
    COMPOUND_VOWELS,
    CONSONANTS,
    FINALS,
    INITIALS,
    MEDIALS,
    VOWELS,
    Syllable,
    compose,
    is_jamo,
    syllable,
)

KEYBOARD_JAMO = sorted(CONSONANTS | VOWELS)


def _name_without(prefix: str, char: str) -> str:
    return unicodedata.name(char).removeprefix(prefix)


def test_index_tables_follow_unicode():
    # The compatibility jamo on the keys must be in the order of the
    # conjoining jamo Unicode indexes syllables by; compare by letter name.
    assert (len(INITIALS), len(MEDIALS), len(FINALS)) == (19, 21, 28)
    for index, jamo in enumerate(INITIALS):
        assert _name_without("HANGUL LETTER ", jamo) == _name_without(
            "HANGUL CHOSEONG ", chr(0x1100 + index)
        )
    for index, jamo in enumerate(MEDIALS):
        assert _name_without("HANGUL LETTER ", jamo) == _name_without(
            "HANGUL JUNGSEONG ", chr(0x1161 + index)
        )
    for index, jamo in enumerate(FINALS[1:], start=1):
        assert _name_without("HANGUL LETTER ", jamo) == _name_without(
            "HANGUL JONGSEONG ", chr(0x11A7 + index)
        )


def test_syllable_arithmetic_matches_unicode_decomposition():
    for i, initial in enumerate(INITIALS):
        for m, medial in enumerate(MEDIALS):
            for f, final in enumerate(FINALS):
                expected = chr(0x1100 + i) + chr(0x1161 + m) + (chr(0x11A7 + f) if f else "")
                assert unicodedata.normalize("NFD", syllable(initial, medial, final)) == expected
    assert syllable("ㄱ", "ㅏ") == "가" == "\uac00"
    assert syllable("ㅎ", "ㅣ", "ㅎ") == "힣" == "\ud7a3"
    assert syllable("ㅎ", "ㅏ", "ㄴ") == "한"


def test_the_keyboard_types_single_jamo_only():
    assert is_jamo("ㄱ") and is_jamo("ㅆ") and is_jamo("ㅏ") and is_jamo("ㅖ")
    assert not is_jamo("ㅘ")  # typed as ㅗ + ㅏ
    assert not is_jamo("ㄳ")  # typed as ㄱ + ㅅ
    assert not is_jamo("a") and not is_jamo("") and not is_jamo("가")
    with pytest.raises(ValueError, match="not a jamo"):
        Syllable().add("a")


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("ㅇㅏㄴㄴㅕㅇㅎㅏㅅㅔㅇㅛ", "안녕하세요"),
        ("ㄷㅏㄹㄱㄱㅗㄱㅣ", "닭고기"),
        ("ㅇㅗㅐ", "왜"),
        ("ㅇㅣㄹㄱㅇㅓㅇㅛ", "읽어요"),
        ("ㄱㅏㅂㅅㅇㅣ", "값이"),
        ("ㅇㅣㅆㅇㅓㅇㅛ", "있어요"),
        ("ㄱㅏㅁㅅㅏㅎㅏㅂㄴㅣㄷㅏ", "감사합니다"),
        ("ㅁㅏㄴㅎㅇㅣ", "많이"),
        ("ㅇㅡㅣㅅㅏ", "의사"),
        ("ㄱㅜㅓㄴㅈㅜㅔㅇㅜㅣ", "권줴위"),
    ],
)
def test_words(typed, text):
    assert compose(typed) == text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("ㄱㅏㄱㅏ", "가가"),  # 각 + ㅏ: the final becomes the next initial
        ("ㄷㅏㄹㄱㅏ", "달가"),  # 닭 + ㅏ: only the second part of ㄺ moves
        ("ㅇㅣㄹㄱㅓ", "일거"),  # 읽 + ㅓ
        ("ㄱㅏㅂㅅㅣ", "갑시"),  # 값 + ㅣ
        ("ㅇㅣㅆㅓ", "이써"),  # ㅆ is a final and an initial
    ],
)
def test_a_vowel_takes_the_final_before_it(before, after):
    assert compose(before) == after


@pytest.mark.parametrize(("parts", "compound"), COMPOUND_VOWELS.items())
def test_compound_vowels(parts, compound):
    first, second = parts
    assert compose("ㅇ" + first + second) == syllable("ㅇ", compound)
    assert compose(first + second) == compound  # bare, as input methods show it


@pytest.mark.parametrize(("parts", "compound"), COMPOUND_FINALS.items())
def test_compound_finals_split_when_a_vowel_follows(parts, compound):
    first, second = parts
    assert compose("ㄱㅏ" + first + second) == syllable("ㄱ", "ㅏ", compound)
    assert compose("ㄱㅏ" + first + second + "ㅏ") == syllable("ㄱ", "ㅏ", first) + syllable(
        second, "ㅏ"
    )


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("ㅏ", "ㅏ"),  # a vowel with nothing before it stands alone
        ("ㄱㅏㅏ", "가ㅏ"),  # no compound: the second vowel stands alone
        ("ㅏㄱ", "ㅏㄱ"),  # a bare vowel takes no final
        ("ㄱㄴ", "ㄱㄴ"),  # two consonants are two bare jamo
        ("ㄱㅅ", "ㄱㅅ"),  # ㄳ only exists as a final
        ("ㄱㅏㄸ", "가ㄸ"),  # ㄸ ㅃ ㅉ are never finals
        ("ㄱㅏㄸㅏ", "가따"),
        ("ㄷㅏㄹㄱㄱ", "닭ㄱ"),  # a third consonant starts the next syllable
        ("ㄱㅏㅂㅅㅅ", "값ㅅ"),
        ("ㅇㅗㅏㅏ", "와ㅏ"),  # a compound vowel takes no third vowel
    ],
)
def test_what_does_not_combine(typed, text):
    assert compose(typed) == text


def _typed(jamo: str) -> Syllable:
    current = Syllable()
    for each in jamo:
        _, current = current.add(each)
    return current


@pytest.mark.parametrize(
    ("typed", "steps"),
    [
        ("ㅎㅏㄴ", ["한", "하", "ㅎ", ""]),
        ("ㄷㅏㄹㄱ", ["닭", "달", "다", "ㄷ", ""]),
        ("ㅇㅗㅐ", ["왜", "오", "ㅇ", ""]),
        ("ㅡㅣ", ["ㅢ", "ㅡ", ""]),
    ],
)
def test_backspace_takes_a_syllable_apart_one_keystroke_at_a_time(typed, steps):
    current = _typed(typed)
    seen = [current.text]
    while current:
        current = current.backspace()
        seen.append(current.text)
    assert seen == steps
    assert current.backspace() == Syllable()


def test_states_are_values():
    ga = _typed("ㄱㅏ")
    done, gak = ga.add("ㄱ")
    assert (done, gak.text, ga.text) == ("", "각", "가")
    assert _typed("ㄱㅏㄱ") == gak


def _keystrokes(char: str) -> int:
    """How many keys typed ``char``: compound vowels and finals take two."""
    compound = set(COMPOUND_VOWELS.values()) | set(COMPOUND_FINALS.values())
    if "\u3131" <= char <= "\u3163":
        return 2 if char in compound else 1
    index = ord(char) - 0xAC00
    medial = MEDIALS[index // len(FINALS) % len(MEDIALS)]
    final = FINALS[index % len(FINALS)]
    return 1 + _keystrokes(medial) + (_keystrokes(final) if final else 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(KEYBOARD_JAMO), max_size=30))
def test_any_typing_gives_syllables_or_single_jamo_and_keeps_every_keystroke(jamo):
    text = compose("".join(jamo))
    assert unicodedata.normalize("NFC", text) == text
    assert all("\uac00" <= c <= "\ud7a3" or "\u3131" <= c <= "\u3163" for c in text)
    assert sum(_keystrokes(c) for c in text) == len(jamo)
