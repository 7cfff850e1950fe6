"""The on-screen keyboard without a display: the shipped layouts, and typing on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.keyboard import (
    DOUBLE_TAP_S,
    KEYBOARDS_DIR,
    Composition,
    Key,
    KeyAction,
    KeyboardModel,
    LayoutError,
    Shift,
    available_layouts,
    layout_name_for_language,
    load_layout,
)

#: The layouts typed in by hand; the others are made by assets/keyboards/make_layouts.py.
HAND_WRITTEN = ["en", "it", "ko", "ru"]
GENERATED = [
    "ar", "cs", "da", "de", "el", "es", "fi", "fr", "he", "hu",
    "nb", "nl", "pl", "pt", "pt-br", "ro", "sv", "tr", "uk",
]  # fmt: skip
LANGUAGE_LAYOUTS = sorted(HAND_WRITTEN + GENERATED)
#: Names for the action keys in typing sequences.
ACTIONS = {
    "⇧": KeyAction.SHIFT,
    "⌫": KeyAction.BACKSPACE,
    "␣": KeyAction.SPACE,
    "⏎": KeyAction.DONE,
}


class Clock:
    """A clock the test advances by hand (seconds)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def keyboard(name: str, max_chars: int = 500, **kwargs) -> KeyboardModel:
    return KeyboardModel(load_layout(name), max_chars=max_chars, **kwargs)


def find(model: KeyboardModel, wanted: str) -> Key:
    """The visible key typing ``wanted``, or the action ``⇧ ⌫ ␣ ⏎``, or ``layer:<to>``."""
    for row in model.layer.rows:
        for key in row:
            if (
                key.action is KeyAction.TYPE
                and key.text == wanted
                or key.action is ACTIONS.get(wanted)
                or key.action is KeyAction.LAYER
                and wanted == f"layer:{key.layer}"
            ):
                return key
    raise AssertionError(f"no key {wanted!r} on layer {model.layer.name} of {model.layout.name}")


def tap(model: KeyboardModel, *keys: str) -> None:
    for wanted in keys:
        model.press(find(model, wanted))


def type_text(model: KeyboardModel, text: str) -> None:
    """Types ``text`` key by key on the visible layer, tapping shift for shifted keys."""
    for char in text:
        if char == " ":
            tap(model, "␣")
            continue
        keys = [key for row in model.layer.rows for key in row if key.action is KeyAction.TYPE]
        plain = [key for key in keys if key.text == char]
        shifted = [key for key in keys if key.shifted_text == char]
        assert plain or shifted, f"{char!r} is not on layer {model.layer.name}"
        if not plain:
            tap(model, "⇧")
        model.press((plain or shifted)[0])


# The shipped layouts ----------------------------------------------------------


def test_the_shipped_layouts():
    assert available_layouts() == sorted([*LANGUAGE_LAYOUTS, "phone"])


@pytest.mark.parametrize("name", available_layouts())
def test_every_layout_loads_with_rows_of_equal_width(name):
    layout = load_layout(name)
    assert layout.name == name
    assert layout.source == KEYBOARDS_DIR / f"{name}.json"
    for layer in layout.layers:
        widths = {sum(key.width for key in row) for row in layer.rows}
        assert widths == {layer.width}, f"{name}/{layer.name}: rows of widths {widths}"


@pytest.mark.parametrize("name", LANGUAGE_LAYOUTS)
def test_each_language_has_the_special_keys_and_a_symbols_layer(name):
    layout = load_layout(name)
    letters, symbols = layout.layers
    assert (letters.name, symbols.name) == ("letters", "symbols")
    for layer, other in ((letters, symbols), (symbols, letters)):
        actions = [key.action for row in layer.rows for key in row]
        for action in (KeyAction.BACKSPACE, KeyAction.SPACE, KeyAction.DONE, KeyAction.LAYER):
            assert actions.count(action) == 1, f"{name}/{layer.name} needs one {action.value} key"
        switch = next(key for row in layer.rows for key in row if key.action is KeyAction.LAYER)
        assert switch.layer == other.name
        assert switch.label == other.label
    # Scripts without capitals (Arabic, Hebrew) have nothing to shift.
    cased = any(key.text != key.shifted_text for row in letters.rows for key in row)
    assert (KeyAction.SHIFT in [key.action for row in letters.rows for key in row]) == cased
    assert cased == (name not in ("ar", "he"))
    typed = "".join(key.text for row in symbols.rows for key in row if key.action is KeyAction.TYPE)
    assert set("0123456789") <= set(typed)


@pytest.mark.parametrize(
    ("name", "back"),
    [
        ("en", "ABC"),
        ("it", "ABC"),
        ("ru", "АБВ"),
        ("ko", "가나다"),
        ("de", "ABC"),
        ("hu", "ABC"),
        ("uk", "АБВ"),
        ("el", "ΑΒΓ"),
        ("ar", "ابت"),
        ("he", "אבג"),
    ],
)
def test_the_shared_symbols_layer_switches_back_in_the_layouts_script(name, back):
    symbols = load_layout(name).layer("symbols")
    assert [key.label for row in symbols.rows for key in row if key.action is KeyAction.LAYER] == [
        back
    ]


def letters_of(name: str) -> list[str]:
    return [
        key.text
        for row in load_layout(name).layers[0].rows
        for key in row
        if key.action is KeyAction.TYPE and key.text.isalpha()
    ]


def test_english_is_qwerty():
    assert "".join(letters_of("en")) == "qwertyuiopasdfghjklzxcvbnm"


def test_italian_shows_its_accented_vowels():
    letters = letters_of("it")
    assert set(letters) == set("qwertyuiopasdfghjklzxcvbnm") | set("àèéìòù")
    assert len(letters) == 32


def test_russian_is_jcuken_with_all_33_letters():
    rows = load_layout("ru").layers[0].rows
    assert "".join(key.text for key in rows[0]) == "йцукенгшщзхъ"
    letters = letters_of("ru")
    assert len(letters) == 33
    assert set(letters) == set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def test_korean_is_the_standard_two_set_layout():
    rows = load_layout("ko").layers[0].rows
    jamo = ["".join(key.text for key in row if key.action is KeyAction.TYPE) for row in rows[:3]]
    assert jamo == ["ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ"]
    shifted = {
        key.text: key.shifted_text
        for row in rows
        for key in row
        if key.action is KeyAction.TYPE and key.shifted_text != key.text
    }
    assert shifted == {
        "ㅂ": "ㅃ",
        "ㅈ": "ㅉ",
        "ㄷ": "ㄸ",
        "ㄱ": "ㄲ",
        "ㅅ": "ㅆ",
        "ㅐ": "ㅒ",
        "ㅔ": "ㅖ",
    }
    assert load_layout("ko").composition is Composition.HANGUL


def test_the_phone_keypad():
    layout = load_layout("phone")
    typed = {key.text for row in layout.layers[0].rows for key in row}
    assert set("0123456789+- ") <= typed
    assert [layer.name for layer in layout.layers] == ["digits"]


@pytest.mark.parametrize(
    ("language", "layout"),
    [
        ("en", "en"),
        ("it", "it"),
        ("ru", "ru"),
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("IT", "it"),
        ("de", "de"),
        ("de-AT", "de"),
        ("fr-CA", "fr"),
        ("pt", "pt"),
        ("pt-PT", "pt"),
        ("pt-BR", "pt-br"),
        ("pt_BR", "pt-br"),
        ("nb", "nb"),
        ("uk", "uk"),
        ("el", "el"),
        ("ar", "ar"),
        ("he", "he"),
        ("tr", "tr"),
        ("ja", None),
        ("zh-Hans", None),
        ("th", None),
        ("phone", None),
        ("../phone", None),
        ("", None),
    ],
)
def test_the_keyboard_follows_the_visitors_language(language, layout):
    assert layout_name_for_language(language) == layout


# Layout files that cannot be used ---------------------------------------------


def write_layout(directory: Path, name: str, layout: dict | str) -> Path:
    path = directory / f"{name}.json"
    path.write_text(layout if isinstance(layout, str) else json.dumps(layout), encoding="utf-8")
    return path


def letters_layout(*rows: list) -> dict:
    return {"format": 1, "layers": {"letters": {"label": "ABC", "rows": list(rows)}}}


def load_error(directory: Path, name: str) -> str:
    with pytest.raises(LayoutError) as raised:
        load_layout(name, directory)
    return str(raised.value)


def test_a_missing_layout_lists_the_ones_there_are(tmp_path):
    write_layout(tmp_path, "en", letters_layout(["a"]))
    message = load_error(tmp_path, "xx")
    assert str(tmp_path / "xx.json") in message and "are: en" in message


def test_a_layout_name_cannot_reach_other_paths(tmp_path):
    assert "not a layout name" in load_error(tmp_path, "../secrets")


def test_broken_json_names_file_line_and_column(tmp_path):
    path = write_layout(tmp_path, "en", '{"format": 1,\n  "layers": [,]}')
    assert load_error(tmp_path, "en").startswith(f"{path}:2:")


def test_rows_of_different_widths_are_refused(tmp_path):
    path = write_layout(
        tmp_path, "en", letters_layout(["a", "b"], ["c", {"text": "d", "width": 1.5}])
    )
    message = load_error(tmp_path, "en")
    assert message.startswith(
        f"{path}: layers.letters.rows[1]: has width 2.5 but row 0 has 2 (key units)"
    )
    assert "gap" in message


def test_every_problem_is_reported_at_once(tmp_path):
    write_layout(
        tmp_path,
        "en",
        {
            "format": 2,
            "colour": "red",
            "labels": {"enter": "↵"},
            "layers": {
                "letters": {
                    "label": "ABC",
                    "rows": [
                        [
                            {"action": "jump"},
                            {"action": "layer", "to": "emoji"},
                            {"action": "shift", "to": "letters"},
                            {"text": "a", "width": 0},
                            {"text": ""},
                            "b",
                            "b",
                        ]
                    ],
                }
            },
        },
    )
    with pytest.raises(LayoutError) as raised:
        load_layout("en", tmp_path)
    problems = [p.split(": ", 2)[1] for p in raised.value.problems]
    assert problems == [
        "colour",
        "format",
        "labels.enter",
        "layers.letters.rows[0][0].action",
        "layers.letters.rows[0][1].to",
        "layers.letters.rows[0][2].to",
        "layers.letters.rows[0][3].width",
        "layers.letters.rows[0][4]",
        "layers.letters.rows[0][6]",
    ]


def test_a_layer_key_needs_a_label_from_somewhere(tmp_path):
    write_layout(
        tmp_path,
        "en",
        {
            "format": 1,
            "layers": {
                "letters": {"rows": [["a", {"action": "layer", "to": "more"}]]},
                "more": {"rows": [["1", {"action": "layer", "to": "letters"}]]},
            },
        },
    )
    assert (
        "layers.more.rows[0][1].label: the key shows layer 'letters', which has no `label`"
        in load_error(tmp_path, "en")
    )


def test_a_shared_layer_must_exist(tmp_path):
    write_layout(
        tmp_path, "en", {"format": 1, "layers": {"letters": {"label": "ABC", "use": "nope"}}}
    )
    assert "layers.letters.use: no shared layer" in load_error(tmp_path, "en")


def test_problems_in_a_shared_layer_name_the_shared_file(tmp_path):
    (tmp_path / "layers").mkdir()
    back = {"action": "layer", "to": "letters"}
    shared = write_layout(
        tmp_path / "layers", "symbols", {"format": 1, "rows": [["1", back], ["2"]]}
    )
    write_layout(
        tmp_path,
        "en",
        {
            "format": 1,
            "layers": {
                "letters": {"label": "ABC", "rows": [["a"]]},
                "symbols": {"label": "123", "use": "symbols"},
            },
        },
    )
    assert load_error(tmp_path, "en").startswith(
        f"{shared}: layers.symbols.rows[1]: has width 1 but"
    )


# Typing -----------------------------------------------------------------------


def test_english_with_one_shot_shift():
    model = keyboard("en")
    type_text(model, "Hello World.")
    assert model.text == "Hello World."
    assert model.shift is Shift.OFF


def test_shift_changes_the_labels():
    model = keyboard("en")
    q = find(model, "q")
    assert model.label(q) == "q"
    tap(model, "⇧")
    assert model.shift is Shift.ONCE and model.label(q) == "Q"
    tap(model, "q")
    assert model.label(q) == "q"
    ko = keyboard("ko")
    tap(ko, "⇧")
    assert ko.label(find(ko, "ㅂ")) == "ㅃ" and ko.label(find(ko, "ㅁ")) == "ㅁ"


def test_a_double_tap_on_shift_locks_capitals_until_the_next_tap():
    clock = Clock()
    model = keyboard("en", clock=clock)
    tap(model, "⇧")
    clock.now += DOUBLE_TAP_S / 2
    tap(model, "⇧")
    assert model.shift is Shift.LOCKED
    tap(model, "o", "k")
    assert model.shift is Shift.LOCKED
    tap(model, "⇧", "a")
    assert (model.text, model.shift) == ("OKa", Shift.OFF)


def test_two_slow_taps_on_shift_turn_it_off():
    clock = Clock()
    model = keyboard("en", clock=clock)
    tap(model, "⇧")
    clock.now += DOUBLE_TAP_S * 2
    tap(model, "⇧")
    assert model.shift is Shift.OFF


def test_backspace_keeps_shift_for_the_next_letter():
    model = keyboard("en")
    tap(model, "a", "⇧", "⌫", "b")
    assert model.text == "B"


def test_italian():
    model = keyboard("it")
    type_text(model, "Perché è così l'hotel")
    assert model.text == "Perché è così l'hotel"
    type_text(model, " È")
    assert model.text.endswith(" È")


def test_russian():
    model = keyboard("ru")
    type_text(model, "Привет, Ёлка съешь")
    assert model.text == "Привет, Ёлка съешь"


def test_switching_to_digits_and_punctuation_and_back():
    model = keyboard("en")
    tap(model, "a", "layer:symbols")
    assert model.layer.name == "symbols"
    tap(model, "1", "?", "layer:letters", "b")
    assert (model.text, model.layer.name) == ("a1?b", "letters")


def test_switching_layers_releases_shift():
    model = keyboard("en")
    tap(model, "⇧", "layer:symbols", "layer:letters", "a")
    assert model.text == "a"


def test_gaps_are_not_keys():
    model = keyboard("en", on_change=lambda: pytest.fail("a gap changed the keyboard"))
    gap = next(key for row in model.layer.rows for key in row if key.action is KeyAction.GAP)
    model.press(gap)
    assert model.text == ""


def test_the_phone_keypad_types_a_number():
    model = keyboard("phone", max_chars=20)
    type_text(model, "+39 06 1234 5678")
    assert model.text == "+39 06 1234 5678"
    tap(model, "⌫", "-", "9")
    assert model.text == "+39 06 1234 567-9"


def test_changes_and_done_are_reported():
    changes, done = [], []
    model = keyboard("ko", on_change=lambda: changes.append(model.text), on_done=done.append)
    tap(model, "ㅎ", "ㅏ", "ㄴ", "⏎")
    assert changes == ["ㅎ", "하", "한", "한"]
    assert done == ["한"] and model.composing == "" and model.committed == "한"


def test_a_new_layout_keeps_the_text():
    model = keyboard("ko")
    tap(model, "ㅎ", "ㅏ", "⇧")
    model.set_layout(load_layout("en"))
    tap(model, "a")
    assert (model.text, model.committed, model.layer.name) == ("하a", "하a", "letters")


def test_clear_starts_over():
    model = keyboard("en", text="old")
    tap(model, "layer:symbols")
    model.clear()
    assert (model.text, model.layer.name, model.remaining) == ("", "letters", 500)


# The character limit ----------------------------------------------------------


def test_a_key_that_would_exceed_max_chars_is_refused():
    model = keyboard("en", max_chars=3)
    type_text(model, "abc")
    assert (model.remaining, model.refused) == (0, False)
    tap(model, "d")
    assert (model.text, model.remaining, model.refused) == ("abc", 0, True)
    tap(model, "⌫")
    assert (model.text, model.remaining, model.refused) == ("ab", 1, False)


def test_shift_waits_through_a_refused_key():
    model = keyboard("en", max_chars=1, text="a")
    tap(model, "⇧", "b", "⌫", "b")
    assert model.text == "B"


def test_max_chars_must_be_sensible():
    layout = load_layout("en")
    with pytest.raises(ValueError, match="positive"):
        KeyboardModel(layout, max_chars=0)
    with pytest.raises(ValueError, match="more than max_chars"):
        KeyboardModel(layout, max_chars=2, text="abc")


# Korean -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jamo", "text"),
    [
        ("ㅇㅏㄴㄴㅕㅇㅎㅏㅅㅔㅇㅛ", "안녕하세요"),
        ("ㄷㅏㄹㄱㄱㅗㄱㅣ", "닭고기"),
        ("ㅇㅗㅐ", "왜"),
        ("ㅇㅣㄹㄱㅇㅓㅇㅛ", "읽어요"),
        ("ㅇㅣㄹㄱㅓ", "일거"),
        ("ㄱㅏㅂㅅㅇㅣ", "값이"),
        ("ㅇㅣㅆㅇㅓㅇㅛ", "있어요"),  # ㅆ with shift
        ("ㅇㅒㄱㅣ", "얘기"),  # ㅒ with shift
        ("ㅇㅖㅇㅛ", "예요"),  # ㅖ with shift
        ("ㄸㅏㄹㄱㅣ", "딸기"),  # ㄸ with shift
    ],
)
def test_korean_words(jamo, text):
    model = keyboard("ko")
    type_text(model, jamo)
    assert model.text == text
    assert model.shift is Shift.OFF


def test_the_composing_syllable_is_apart_from_the_committed_text():
    model = keyboard("ko")
    tap(model, "ㅎ", "ㅏ", "ㄴ")
    assert (model.committed, model.composing) == ("", "한")
    tap(model, "ㄱ")
    assert (model.committed, model.composing) == ("한", "ㄱ")
    tap(model, "ㅜ", "ㄱ")
    assert (model.committed, model.composing, model.text) == ("한", "국", "한국")


def test_korean_backspace_decomposes_then_deletes_whole_syllables():
    model = keyboard("ko")
    type_text(model, "ㄱㅏㅎㅏㄴ")
    seen = []
    while model.text:
        tap(model, "⌫")
        seen.append(model.text)
    assert seen == ["가하", "가ㅎ", "가", ""]


@pytest.mark.parametrize(
    ("interruption", "text"),
    [
        (["␣"], "한 ㅏ"),
        ([","], "한,ㅏ"),
        (["layer:symbols", "1", "layer:letters"], "한1ㅏ"),
    ],
)
def test_space_punctuation_and_digits_end_the_syllable(interruption, text):
    model = keyboard("ko")
    tap(model, "ㅎ", "ㅏ", "ㄴ", *interruption, "ㅏ")
    assert model.text == text


def test_switching_layers_alone_keeps_the_syllable_open():
    model = keyboard("ko")
    tap(model, "ㅎ", "ㅏ", "ㄴ", "layer:symbols", "layer:letters", "ㅏ")
    assert model.text == "하나"


def test_the_composing_syllable_counts_as_one_character():
    model = keyboard("ko", max_chars=1)
    tap(model, "ㄱ", "ㅏ", "ㅂ", "ㅅ")  # ㄱ, 가, 갑, 값: always one character
    assert (model.text, model.remaining, model.refused) == ("값", 0, False)
    tap(model, "ㅣ")  # 갑시 would be two
    assert (model.text, model.refused) == ("값", True)
    tap(model, "ㄴ")
    assert (model.text, model.refused) == ("값", True)


def test_korean_up_to_the_limit():
    model = keyboard("ko", max_chars=2)
    type_text(model, "ㅇㅏㄴㄴㅕㅇ")
    assert (model.text, model.remaining) == ("안녕", 0)
    type_text(model, "ㅎ")
    assert (model.text, model.refused) == ("안녕", True)
    tap(model, "⌫", "⌫")
    assert (model.text, model.composing, model.remaining) == ("안ㄴ", "ㄴ", 0)
    tap(model, "ㅕ")  # joins the open syllable: no new character
    assert (model.text, model.refused) == ("안녀", False)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "text",
                    "action",
                    "to",
                    "width",
                    "label",
                    "rows",
                    "use",
                    "shifted",
                    "format",
                    "layers",
                    "letters",
                ]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    where=st.sampled_from(["top", "layers", "layer", "rows", "row", "key", "labels"]),
    value=JSON_VALUES,
)
def test_any_broken_layout_is_a_layout_error(tmp_path, where, value):
    layout = letters_layout(["a", {"action": "layer", "to": "letters"}])
    letters = layout["layers"]["letters"]
    target = {
        "top": (layout, "format"),
        "layers": (layout, "layers"),
        "layer": (layout["layers"], "letters"),
        "rows": (letters, "rows"),
        "row": (letters["rows"], 0),
        "key": (letters["rows"][0], 0),
        "labels": (layout, "labels"),
    }[where]
    target[0][target[1]] = value
    write_layout(tmp_path, "en", layout)
    try:
        load_layout("en", tmp_path)
    except LayoutError as error:
        assert all(problem.startswith(str(tmp_path)) for problem in error.problems)


# Long-press variants -----------------------------------------------------------


def test_a_long_press_offers_the_accented_letters_and_shift_capitalises_them():
    model = keyboard("fr")
    e = find(model, "e")
    assert model.variants(e) == ("é", "è", "ê", "ë")
    model.press_variant(e, "è")
    tap(model, "⇧")
    assert model.variants(e) == ("É", "È", "Ê", "Ë")
    model.press_variant(e, "É")
    assert (model.text, model.shift) == ("èÉ", Shift.OFF)
    assert model.variants(find(model, "z")) == ()


def test_a_variant_counts_against_the_limit_like_a_key():
    model = keyboard("pl", max_chars=1, text="a")
    model.press_variant(find(model, "z"), "ż")
    assert (model.text, model.refused) == ("a", True)


def test_only_a_variant_of_the_key_can_be_chosen():
    model = keyboard("fr")
    with pytest.raises(ValueError, match="its variants are é, è, ê, ë"):
        model.press_variant(find(model, "e"), "ñ")


def test_variants_must_be_a_list_of_other_texts(tmp_path):
    path = write_layout(
        tmp_path,
        "en",
        letters_layout(
            [{"text": "e", "variants": "é"}, {"text": "o", "variants": ["o"]}, "a"],
            [{"text": "u", "variants": ["ü", "ü"]}, {"text": "i", "variants": ["í"]}, "í"],
        ),
    )
    problems = [p.split(": ", 2)[1] for p in load_error(tmp_path, "en").splitlines()]
    assert problems == [
        "layers.letters.rows[0][0].variants",
        "layers.letters.rows[0][1].variants",
        "layers.letters.rows[1][0].variants",
        "layers.letters.rows[1][2]",  # í is already a variant of i
    ]
    assert str(path) in load_error(tmp_path, "en")


# The layouts people know --------------------------------------------------------


def row_letters(name: str, row: int) -> str:
    keys = load_layout(name).layers[0].rows[row]
    return "".join(key.text for key in keys if key.action is KeyAction.TYPE)


@pytest.mark.parametrize(
    ("name", "top", "home", "bottom"),
    [
        ("de", "qwertzuiopü", "asdfghjklöä", "yxcvbnm"),  # QWERTZ
        ("fr", "azertyuiop", "qsdfghjklmù", "wxcvbn"),  # AZERTY
        ("es", "qwertyuiop", "asdfghjklñç", "zxcvbnm"),
        ("pl", "qwertyuiop", "asdfghjkl", "zxcvbnm"),  # programmer's: ą ę … on long press
        ("tr", "qwertyuıopğü", "asdfghjklşi", "zxcvbnmöç"),  # Turkish Q
        ("cs", "qwertzuiopú", "asdfghjklů", "yxcvbnm"),
        ("hu", "qwertzuiopőú", "asdfghjkléáű", "íyxcvbnm"),
        ("sv", "qwertyuiopå", "asdfghjklöä", "zxcvbnm"),
        ("fi", "qwertyuiopå", "asdfghjklöä", "zxcvbnm"),
        ("da", "qwertyuiopå", "asdfghjklæø", "zxcvbnm"),
        ("nb", "qwertyuiopå", "asdfghjkløæ", "zxcvbnm"),
        ("uk", "йцукенгшщзхї", "фівапролджєґ", "ячсмитьбюʼ"),  # ЙЦУКЕН with і ї є ґ
        ("el", "ςερτυθιοπ", "ασδφγηξκλ", "ζχψωβνμ"),
        ("he", "קראטוןםפ", "שדגכעיחלךף", "זסבהנמצתץ"),
        ("ar", "ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤرلاىةوزظذ"),
    ],
)
def test_each_country_gets_the_layout_it_knows(name, top, home, bottom):
    assert [row_letters(name, row) for row in range(3)] == [top, home, bottom]


def test_turkish_shift_keeps_the_dot():
    model = keyboard("tr")
    type_text(model, "Iİıi")
    assert model.text == "Iİıi"
