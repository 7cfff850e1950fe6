"""The invalid corpus: one small dialog file per rule of the format contract.

Each file in ``invalid/`` breaks one rule of the key table in the contract (dialog-format.md) (the comment on its
first line says which), except ``several_mistakes.yaml``, which breaks many at
once. ``EXPECTED`` holds every problem each file must produce, exactly as an
operator reads it: ``line:column: path: message`` after the file name.
``{dir}`` stands for the corpus directory and ``{examples}`` for the bundled
examples' (icon messages name the full paths).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog_config import EXAMPLES_DIR, DialogError, check_dialog, load_dialog

INVALID_DIR = Path(__file__).resolve().parent / "invalid"

EXPECTED: dict[str, list[str]] = {
    "alert_not_boolean.yaml": ['7:12: topics[0].alert: must be true or false (found "yes")'],
    "bad_tag.yaml": ["2:10: not valid YAML: the value 'one' cannot be read as !!int"],
    "billion_laughs.yaml": [
        "2:11: aliases (*name) expand this file to far more values than it holds; this is not a file the terminal reads",
    ],
    "categories_too_many.yaml": [
        "8:7: topics[0].categories: must hold at most 60 categories (found 61)",
    ],
    "categories_under_category.yaml": [
        "10:9: topics[0].categories[0].categories: only allowed under a topic; a category holds `details`",
    ],
    "children_under_detail.yaml": [
        "13:13: topics[0].categories[0].details[0].details: only allowed under a category; a detail is the last level and has no children",
    ],
    "comments_only.yaml": [
        "1:1: the file is empty; a dialog needs at least `version`, `languages` and `topics`",
    ],
    "control_character.yaml": [
        "6:14: not valid YAML: the control character #x0007 is not allowed; remove it",
    ],
    "details_not_list.yaml": [
        '10:18: topics[0].categories[0].details: must be a list of details (found "not fresh")',
    ],
    "details_under_topic.yaml": [
        "7:5: topics[0].details: only allowed under a category; a topic holds `categories`",
    ],
    "duplicate_key.yaml": [
        "7:5: topics[0].label: duplicate key; `label` is already set on line 6",
    ],
    "duplicate_top_key.yaml": [
        "7:1: languages: duplicate key; `languages` is already set on line 3",
    ],
    "empty.yaml": [
        "1:1: the file is empty; a dialog needs at least `version`, `languages` and `topics`",
    ],
    "icon_missing.yaml": [
        '7:19: topics[0].style.icon: "icons/nope.png": no such file (looked for {dir}/icons/nope.png, then for the bundled {examples}/icons/nope.png)',
    ],
    "accessibility_speech_not_boolean.yaml": [
        '4:25: accessibility.speech: must be on or off (found "loud")',
    ],
    "accessibility_unknown_key.yaml": [
        "5:3: accessibility.speach: unknown key; did you mean `speech`?",
    ],
    "icon_not_image.yaml": [
        '7:19: topics[0].style.icon: "icons/not_an_image.png" must be a PNG or JPEG image',
    ],
    "id_duplicate_siblings.yaml": [
        "7:9: topics[1].id: `food` is already the id of topics[0]; ids must differ among siblings",
    ],
    "id_missing.yaml": ["5:5: topics[0].id: required key is missing"],
    "id_pattern.yaml": [
        '10:13: topics[0].categories[1].id: "Soups" must match [a-z0-9][a-z0-9_-]{0,39}',
    ],
    "id_too_long.yaml": [
        '8:13: topics[0].categories[0].id: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" must match [a-z0-9][a-z0-9_-]{0,39}',
    ],
    "idle_reset_not_number.yaml": ['4:15: idle_reset_s: must be a whole number (found "45s")'],
    "idle_reset_too_large.yaml": ["4:15: idle_reset_s: must be from 5 to 600 (found 601)"],
    "idle_reset_too_small.yaml": ["4:15: idle_reset_s: must be from 5 to 600 (found 4)"],
    "label_bare_yes.yaml": [
        '8:12: topics[1].label: must be text or a map of language to text (found true); YAML reads a bare yes as true, so write it in quotes: "yes"',
    ],
    "label_blank.yaml": ["8:12: topics[1].label: must not be empty"],
    "label_empty.yaml": ["8:12: topics[1].label: must not be empty"],
    "label_empty_map.yaml": ["8:12: topics[1].label: must give at least one text"],
    "label_missing.yaml": ["5:5: topics[0].label: required key is missing"],
    "label_number.yaml": [
        "8:12: topics[1].label: must be text or a map of language to text (found 2024)",
    ],
    "label_too_long.yaml": ["8:12: topics[1].label: must be at most 80 characters (found 81)"],
    "label_unknown_language.yaml": [
        "8:38: topics[1].label.de: `de` is not in `languages` (en, ru)",
    ],
    "label_wrong_type.yaml": [
        "8:12: topics[1].label: must be text or a map of language to text (found a list)",
    ],
    "languages_bad_code.yaml": [
        '3:17: languages[1]: "English" must match [a-z]{2,3}(-([A-Z]{2}|[0-9]{3}|[A-Z][a-z]{3}))? (for example en, ru or pt-BR)',
    ],
    "languages_bare_no.yaml": [
        '3:17: languages[1]: must be a language code (found false); YAML reads a bare no as false, so write it in quotes: "no"',
    ],
    "languages_duplicate.yaml": ["3:21: languages[2]: `en` is listed twice"],
    "languages_empty.yaml": ["3:12: languages: must hold 1 to 12 language codes (found 0)"],
    "languages_missing.yaml": ["2:1: languages: required key is missing"],
    "languages_not_list.yaml": ['3:12: languages: must be a list of language codes (found "en")'],
    "languages_region_lowercase.yaml": [
        '3:17: languages[1]: "pt-br" must match [a-z]{2,3}(-([A-Z]{2}|[0-9]{3}|[A-Z][a-z]{3}))? (for example en, ru or pt-BR)',
    ],
    "languages_too_many.yaml": ["3:12: languages: must hold 1 to 12 language codes (found 13)"],
    "message_callback_limit.yaml": ["5:29: message.callback.max_s: unknown key"],
    "message_enabled_not_boolean.yaml": [
        "5:19: message.text.enabled: must be true or false (found 1)",
    ],
    "message_kind_text.yaml": [
        '5:10: message.voice: must be true, false or a mapping of enabled, max_s (found "off")',
    ],
    "message_text_max_chars_0.yaml": [
        "5:21: message.text.max_chars: must be from 1 to 5000 (found 0)",
    ],
    "message_text_max_chars_5001.yaml": [
        "5:21: message.text.max_chars: must be from 1 to 5000 (found 5001)",
    ],
    "message_unknown_kind.yaml": ["5:3: message.vioce: unknown key; did you mean `voice`?"],
    "message_voice_max_s_301.yaml": [
        "5:18: message.voice.max_s: must be from 5 to 300 (found 301)",
    ],
    "message_voice_max_s_4.yaml": ["5:33: message.voice.max_s: must be from 5 to 300 (found 4)"],
    "multiple_documents.yaml": [
        "7:1: not valid YAML: expected a single document in the stream, but found another document",
    ],
    "node_message_override.yaml": [
        "8:22: topics[0].message.voice.max_s: must be from 5 to 300 (found 0)",
    ],
    "not_utf8.yaml": ["6:15: the file is not UTF-8 text; save it as UTF-8 in your editor"],
    "not_yaml.yaml": ["4:7: not valid YAML: expected ',' or ']', but got ':'"],
    "not_yaml_indentation.yaml": [
        "7:4: not valid YAML: expected <block end>, but found '<block mapping start>'",
    ],
    "version_float.yaml": [
        "2:10: version: must be 1 (found 1.0); this terminal reads dialog format version 1",
    ],
    "photo_mode_unknown.yaml": [
        '8:9: photo.mode: must be one of off, notice, ask (found "always")',
    ],
    "promoter_link_ftp.yaml": [
        '8:8: promoter_link.url: "ftp://example.com/review" must be a web address starting with http:// or https://',
    ],
    "promoter_link_no_scheme.yaml": [
        '8:8: promoter_link.url: "www.example.com/review" must be a web address starting with http:// or https://',
    ],
    "promoter_link_without_url.yaml": ["8:3: promoter_link.url: required key is missing"],
    "rating_kind_missing.yaml": ["5:3: rating.kind: required key is missing"],
    "rating_kind_unknown.yaml": ['5:9: rating.kind: must be one of smileys, nps (found "stars")'],
    "rating_nps_with_scale.yaml": [
        "6:3: rating.scale: only for smileys; an nps rating is always 0 to 10",
    ],
    "rating_prompt_not_label.yaml": [
        "6:11: rating.prompt: must be text or a map of language to text (found a list)",
    ],
    "rating_smileys_scale_6.yaml": ["6:10: rating.scale: must be one of 3, 4, 5 (found 6)"],
    "rating_smileys_without_scale.yaml": [
        "5:3: rating.scale: required for smileys: 3, 4 or 5 faces",
    ],
    "several_mistakes.yaml": [
        "2:10: version: must be 1 (found 2); this terminal reads dialog format version 1",
        "3:21: languages[2]: `en` is listed twice",
        "4:15: idle_reset_s: must be from 5 to 600 (found 3)",
        "6:26: texts.welcome.de: `de` is not in `languages` (en, ru)",
        '8:9: topics[0].id: "Food" must match [a-z0-9][a-z0-9_-]{0,39}',
        '10:11: topics[0].tone: must be one of complaint, praise, suggestion, question (found "complain"); did you mean `complaint`?',
        '11:20: topics[0].style.color: "#E4572" must match #[0-9A-Fa-f]{6} (for example #E4572E)',
        '11:36: topics[0].style.icon: "icons/nope.png": no such file (looked for {dir}/icons/nope.png, then for the bundled {examples}/icons/nope.png)',
        "15:13: topics[0].categories[1].id: `soups` is already the id of categories[0]; ids must differ among siblings",
        "17:5: topics[1].label: required key is missing",
        "18:5: topics[1].lable: unknown key; did you mean `label`?",
        "20:22: topics[1].message.voice.max_s: must be from 5 to 300 (found 301)",
        '21:15: photo.mode: must be one of off, notice, ask (found "always")',
        '23:8: promoter_link.url: "example.com" must be a web address starting with http:// or https://',
    ],
    "style_color_format.yaml": [
        '7:20: topics[0].style.color: "red" must match #[0-9A-Fa-f]{6} (for example #E4572E)',
    ],
    "style_not_mapping.yaml": [
        '7:12: topics[0].style: must be a mapping of keys (found "#E4572E")',
    ],
    "style_text_color_short.yaml": [
        '7:25: topics[0].style.text_color: "#FFF" must match #[0-9A-Fa-f]{6} (for example #E4572E)',
    ],
    "style_unknown_key.yaml": ["7:13: topics[0].style.colour: unknown key; did you mean `color`?"],
    "tabs.yaml": ["5:1: not valid YAML: a tab character; YAML indents with spaces only"],
    "texts_not_mapping.yaml": [
        "4:8: texts: must be a mapping of screen text names to labels (found a list)",
    ],
    "texts_unknown_name.yaml": [
        "5:3: texts.welcom: not a built-in screen text; did you mean `welcome`?",
    ],
    "tone_unknown.yaml": [
        '7:11: topics[0].tone: must be one of complaint, praise, suggestion, question (found "complain"); did you mean `complaint`?',
    ],
    "top_level_list.yaml": ["2:1: must be a mapping of keys (found a list)"],
    "top_level_text.yaml": ['2:1: must be a mapping of keys (found "Hello, this is our dialog")'],
    "topics_eleven.yaml": ["5:3: topics: must hold 1 to 10 topics (found 11)"],
    "topics_empty.yaml": ["4:9: topics: must hold 1 to 10 topics (found 0)"],
    "topics_missing.yaml": ["2:1: topics: required key is missing"],
    "unknown_key_lable.yaml": [
        "5:5: topics[0].label: required key is missing",
        "6:5: topics[0].lable: unknown key; did you mean `label`?",
    ],
    "unknown_key_no_suggestion.yaml": ["7:1: colours_of_the_season: unknown key"],
    "unknown_top_key.yaml": ["4:1: idle_reset: unknown key; did you mean `idle_reset_s`?"],
    "version_2.yaml": [
        "2:10: version: must be 1 (found 2); this terminal reads dialog format version 1",
    ],
    "version_missing.yaml": ["2:1: version: required key is missing"],
    "version_string.yaml": [
        '2:10: version: must be 1 (found "1"); this terminal reads dialog format version 1',
    ],
}

CORPUS = sorted(path.name for path in INVALID_DIR.glob("*.yaml"))


def expected_lines(name: str, file: str) -> list[str]:
    return [
        f"{file}:"
        + line.replace("{dir}", str(INVALID_DIR)).replace("{examples}", str(EXAMPLES_DIR))
        for line in EXPECTED[name]
    ]


def check(name: str):
    path = INVALID_DIR / name
    return check_dialog(path.read_bytes(), file=name, base_dir=INVALID_DIR)


def test_the_corpus_is_large_and_every_file_has_expectations():
    assert len(CORPUS) >= 45
    assert set(CORPUS) == set(EXPECTED), "a corpus file without expectations, or the reverse"


def test_every_rule_file_starts_by_naming_its_rule():
    for name in CORPUS:
        if name in ("empty.yaml", "not_utf8.yaml"):
            continue
        first_line = (INVALID_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# "), name


@pytest.mark.parametrize("name", CORPUS)
def test_file_reports_exactly_the_expected_problems(name):
    result = check(name)
    assert [str(p) for p in result.problems] == expected_lines(name, name)
    assert all(p.is_error for p in result.problems)
    assert result.dialog is None


@pytest.mark.parametrize("name", CORPUS)
def test_problems_are_sorted_by_line_then_column(name):
    positions = [(p.line, p.column) for p in check(name).problems]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", CORPUS)
def test_load_dialog_raises_dialog_error_with_every_problem(name):
    path = INVALID_DIR / name
    with pytest.raises(DialogError) as caught:
        load_dialog(path)
    assert [str(p) for p in caught.value.problems] == expected_lines(name, str(path))
    assert str(caught.value) == "\n".join(expected_lines(name, str(path)))


def test_several_mistakes_are_all_reported_at_once():
    problems = check("several_mistakes.yaml").problems
    assert len(problems) == len(EXPECTED["several_mistakes.yaml"]) >= 10
    assert len({p.line for p in problems}) >= 10
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_load_dialog_of_a_missing_file_raises_dialog_error(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(DialogError) as caught:
        load_dialog(missing)
    assert [str(p) for p in caught.value.problems] == [
        f"{missing}:1:1: cannot read the dialog file: No such file or directory"
    ]
