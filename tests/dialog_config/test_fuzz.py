"""Whatever bytes arrive, the loader answers with problems, never a crash.

``check_dialog`` must return for any input (a kiosk polls dialogs, operators
save half-typed files), and ``load_dialog`` must raise nothing but
``DialogError``. Inputs are random text and bytes, YAML-flavoured noise, and
dialog-like data dumped with ``yaml.safe_dump`` then damaged a few characters.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dialog_config import EXAMPLES_DIR, DialogError, Problem, check_dialog, load_dialog
from dialog_config.texts import SCREEN_TEXTS
from dialog_config.validate import NODE_KEYS, TOP_KEYS_OPTIONAL, TOP_KEYS_REQUIRED

FUZZ = settings(max_examples=300, deadline=None, database=None)

KNOWN_KEYS = (
    TOP_KEYS_REQUIRED
    + TOP_KEYS_OPTIONAL
    + NODE_KEYS
    + (
        "kind",
        "scale",
        "prompt",
        "mode",
        "url",
        "voice",
        "text",
        "callback",
        "enabled",
        "max_s",
        "max_chars",
        "color",
        "text_color",
        "icon",
    )
    + tuple(SCREEN_TEXTS)
    + ("en", "ru", "no", "pt-BR", "lable", "<<")
)
YAML_CHARACTERS = ":-[]{}#&*!|>'\"%@`,?\\ \n\t\r" + "abcno1059_" + "é€😀\x00\x07\ufeff"

keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=8))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=10_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(KNOWN_KEYS),
    st.sampled_from(
        [
            "smileys",
            "nps",
            "off",
            "ask",
            "#E4572E",
            "https://example.com",
            "icons/food.png",
            "x" * 81,
            "",
            "  ",
        ]
    ),
    st.text(max_size=20),
)
dialog_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=40,
)
top_level = st.fixed_dictionaries(
    {},
    optional={
        "version": st.one_of(st.just(1), scalars),
        "languages": st.one_of(st.just(["en", "ru"]), dialog_like),
        "topics": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "id": st.one_of(st.just("food"), scalars),
                        "label": st.one_of(st.just("Food"), dialog_like),
                    },
                    optional={key: dialog_like for key in NODE_KEYS if key not in ("id", "label")},
                ),
                max_size=3,
            ),
            dialog_like,
        ),
    },
).flatmap(
    lambda known: st.dictionaries(keys, dialog_like, max_size=4).map(
        lambda extra: {**extra, **known}
    )
)


@st.composite
def damaged(draw, text: str) -> str:
    """``text`` with a few characters replaced, inserted or deleted."""
    chars = list(text)
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(chars)))
        operation = draw(st.sampled_from(["replace", "insert", "delete"]))
        char = draw(st.sampled_from(YAML_CHARACTERS))
        if operation == "insert" or not chars or position == len(chars):
            chars.insert(position, char)
        elif operation == "replace":
            chars[position] = char
        else:
            del chars[position]
    return "".join(chars)


def dumped(data, flow: bool | None, unicode: bool) -> str:
    return yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode, sort_keys=False)


#: Real dialogs to damage: the examples and the valid dialogs the tests keep.
REAL_DIALOGS = sorted((Path(__file__).resolve().parent / "valid").glob("*.yaml")) + sorted(
    EXAMPLES_DIR.glob("*.yaml")
)

dumped_and_damaged = st.builds(
    dumped, st.one_of(top_level, dialog_like), st.sampled_from([None, False, True]), st.booleans()
).flatmap(damaged)


def assert_answers_with_problems(data: bytes) -> None:
    result = check_dialog(data, file="fuzz.yaml")
    assert all(isinstance(p, Problem) and p.line >= 1 and p.column >= 1 for p in result.problems)
    assert [(p.line, p.column) for p in result.problems] == sorted(
        (p.line, p.column) for p in result.problems
    )
    for problem in result.problems:
        assert str(problem).startswith(f"fuzz.yaml:{problem.line}:{problem.column}: ")
    # A file is either usable or says why not: never rejected in silence.
    assert (result.dialog is None) == bool(result.errors)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text):
    assert_answers_with_problems(text.encode("utf-8"))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data):
    assert_answers_with_problems(data)


@FUZZ
@given(st.text(alphabet=YAML_CHARACTERS, max_size=200))
def test_yaml_flavoured_noise(text):
    assert_answers_with_problems(text.encode("utf-8"))


@FUZZ
@given(dumped_and_damaged)
def test_dialog_like_data_dumped_and_damaged(text):
    assert_answers_with_problems(text.encode("utf-8"))


@settings(FUZZ, max_examples=100)  # each is a whole example dialog, checked in full
@given(
    st.sampled_from(REAL_DIALOGS)
    .map(lambda path: path.read_text(encoding="utf-8"))
    .flatmap(damaged)
)
def test_real_dialogs_damaged(text):
    assert_answers_with_problems(text.encode("utf-8"))


@FUZZ
@given(st.one_of(dumped_and_damaged.map(str.encode), st.binary(max_size=200)))
def test_load_dialog_raises_only_dialog_error(workdir, data):
    path = workdir / "dialog.yaml"
    path.write_bytes(data)
    try:
        dialog = load_dialog(path)
    except DialogError as exc:
        assert exc.problems and all(p.is_error for p in exc.problems)
    else:
        assert dialog.sha256 == check_dialog(data, file=str(path)).sha256


@pytest.mark.parametrize(
    "data",
    [
        b"version: 1\x00\n",  # a control character the YAML reader refuses
        b"version: !!int one\n",  # a tag its value does not fit
        b"version: !!timestamp yesterday\n",
        b'a: "\\U10010000"\n',  # an escape that names no character
        b'a: "\\U90010000"\n',
        b"version:\nlanguages: [en]\ntopics: [{id: a, label: A}]\n",  # once rejected in silence
    ],
    ids=["nul", "int-tag", "timestamp-tag", "escape-too-large", "escape-overflow", "version-null"],
)
def test_inputs_that_once_broke_the_loader(data):
    assert_answers_with_problems(data)
    assert check_dialog(data, file="fuzz.yaml").errors


def test_deep_nesting_is_a_problem_not_a_crash():
    assert_answers_with_problems(b"a: " + b"[" * 5000 + b"]" * 5000)
    assert_answers_with_problems(b"a: &a [*a]\n")


def test_aliases_that_expand_into_millions_of_values_are_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)
    ]
    result = check_dialog("\n".join(lines).encode(), file="fuzz.yaml")
    assert [p.message for p in result.problems] == [
        "aliases (*name) expand this file to far more values than it holds; "
        "this is not a file the terminal reads"
    ]


def test_aliases_in_a_normal_dialog_still_work():
    data = b"""\
version: 1
languages: [en, ru]
topics:
  - id: food
    label: &food {en: Food, ru: Eda}
    categories:
""" + b"".join(b"      - {id: c%d, label: *food}\n" % i for i in range(60))
    result = check_dialog(data, file="fuzz.yaml")
    assert result.errors == []
