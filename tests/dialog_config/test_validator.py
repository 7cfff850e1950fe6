"""Validator behaviour the invalid corpus does not show: warnings, defaults,
inheritance down the tree, label fallback and the dialog's identity."""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
from pathlib import Path

import pytest

from dialog_config import (
    DEFAULT_DIALOG,
    EXAMPLES_DIR,
    DialogError,
    MessageOptions,
    check_dialog,
    load_dialog,
)

PNG_HEADER = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def check(text: str, **kwargs):
    return check_dialog(textwrap.dedent(text).encode("utf-8"), file="dialog.yaml", **kwargs)


def valid(text: str, **kwargs):
    result = check(text, **kwargs)
    assert result.errors == [], [str(p) for p in result.errors]
    assert result.dialog is not None
    return result.dialog


MINIMAL = textwrap.dedent("""\
    version: 1
    languages: [en]
    topics:
      - id: food
        label: Food
""")


# -- warnings ------------------------------------------------------------------

SALADS = textwrap.dedent("""\
    version: 1
    languages: [it, en, ru, ko]
    topics:
      - id: food
        label: {it: "Piatti", en: "Food", ru: "Блюда", ko: "음식"}
        categories:
          - id: salads
            label: {en: "Salads", ru: "Качество салатов"}
""")


def test_a_label_missing_a_language_is_a_warning_naming_languages_and_fallback():
    result = check(SALADS)
    assert result.errors == []
    assert [str(p) for p in result.warnings] == [
        "dialog.yaml:8:16: topics[0].categories[0].label: "
        'warning: no text in it, ko; those visitors will see "Salads"'
    ]
    assert all(p.severity == "warning" for p in result.warnings)


def test_warnings_travel_with_the_dialog_and_do_not_block_it():
    result = check(SALADS)
    assert result.dialog is not None
    assert [str(w) for w in result.dialog.warnings] == [str(p) for p in result.warnings]


def test_warnings_are_reported_beside_errors_when_the_file_has_both():
    result = check(SALADS + "idle_reset_s: 1\n")
    assert result.dialog is None
    assert [p.severity for p in result.problems] == ["warning", "error"]


def test_a_single_string_label_is_every_language_and_warns_nothing():
    dialog = valid("""\
        version: 1
        languages: [en, ru]
        topics:
          - id: food
            label: "  Food  "
    """)
    assert dialog.warnings == ()
    label = dialog.topics[0].label
    assert label.get("en") == label.get("ru") == "Food"  # trimmed


# -- label fallback ----------------------------------------------------------------


def test_a_visitor_in_a_missing_language_sees_the_first_language_that_has_text():
    # The contract's example: the default language (it) is missing too, so
    # Italian and Korean visitors see the next language in order, English.
    salads = valid(SALADS).topics[0].children[0].label
    assert salads.get("it") == "Salads"
    assert salads.get("ko") == "Salads"
    assert salads.get("en") == "Salads"
    assert salads.get("ru") == "Качество салатов"
    assert salads.default == "Salads"


def test_the_default_language_wins_over_later_ones_when_it_has_text():
    label = (
        valid("""\
        version: 1
        languages: [it, en, ru]
        topics:
          - id: food
            label: {ru: "Блюда", it: "Piatti"}
    """)
        .topics[0]
        .label
    )
    assert label.get("en") == "Piatti"


def test_a_quoted_no_is_the_norwegian_language_code():
    dialog = valid("""\
        version: 1
        languages: [en, "no"]
        topics:
          - id: food
            label: {en: "Food", no: "Mat"}
          - id: staff
            label: {en: "Staff", "no": "Personale"}
    """)
    assert dialog.languages == ("en", "no")
    assert dialog.topics[0].label.get("no") == "Mat"
    assert dialog.topics[1].label.get("no") == "Personale"


# -- defaults and inheritance -------------------------------------------------------


def test_defaults_are_filled_in():
    dialog = valid(MINIMAL)
    assert dialog.version == 1
    assert dialog.idle_reset_s == 45
    assert dialog.photo_mode == "notice"
    assert dialog.message == MessageOptions()
    assert MessageOptions() == MessageOptions(
        voice=True, voice_max_s=60, text=True, text_max_chars=1000, callback=True
    )
    assert dialog.texts == {}
    assert dialog.rating is None
    assert dialog.promoter_link is None
    food = dialog.topics[0]
    assert (food.tone, food.alert, food.message, food.children) == (
        "complaint",
        False,
        MessageOptions(),
        (),
    )
    assert food.is_leaf
    assert (food.style.color, food.style.text_color, food.style.icon) == (None, None, None)


TREE = textwrap.dedent("""\
    version: 1
    languages: [en]
    message:
      text: {max_chars: 300}
    topics:
      - id: food
        label: Food
        tone: praise
        message: {voice: false}
        categories:
          - id: salads
            label: Salads
            message:
              voice: {max_s: 30}
            details:
              - id: fresh
                label: Fresh
              - id: question
                label: A question
                tone: question
                message: {voice: true, callback: false}
      - id: staff
        label: Staff
        categories:
          - id: absent
            label: Nobody there
            alert: true
""")


def test_tone_is_complaint_at_the_top_and_inherited_down_the_tree():
    dialog = valid(TREE)
    food, staff = dialog.topics
    assert food.tone == "praise"
    assert food.child("salads").tone == "praise"
    assert food.child("salads").child("fresh").tone == "praise"
    assert food.child("salads").child("question").tone == "question"
    assert staff.tone == "complaint"
    assert staff.child("absent").tone == "complaint"


def test_alert_is_per_node_and_not_inherited():
    staff = valid(TREE).topics[1]
    assert (staff.alert, staff.child("absent").alert) == (False, True)


def test_message_overrides_are_inherited_and_merged_field_by_field():
    dialog = valid(TREE)
    assert dialog.message == MessageOptions(text_max_chars=300)
    food = dialog.topic("food")
    salads = food.child("salads")
    assert food.message == MessageOptions(voice=False, text_max_chars=300)
    # Setting only max_s keeps the inherited "voice off".
    assert salads.message == MessageOptions(voice=False, voice_max_s=30, text_max_chars=300)
    assert salads.child("fresh").message == salads.message
    assert salads.child("question").message == MessageOptions(
        voice=True, voice_max_s=30, text_max_chars=300, callback=False
    )
    assert dialog.topic("staff").child("absent").message == dialog.message


def test_false_is_short_for_enabled_false():
    short = valid(MINIMAL + "message: {voice: false, text: false, callback: false}\n")
    long = valid(
        MINIMAL + "message:\n  voice: {enabled: false}\n  text: {enabled: false}\n"
        "  callback: {enabled: false}\n"
    )
    assert short.message == long.message == MessageOptions(voice=False, text=False, callback=False)
    assert not short.message.any_enabled


def test_ids_need_only_differ_among_siblings():
    dialog = valid("""\
        version: 1
        languages: [en]
        topics:
          - id: food
            label: Food
            categories: [{id: other, label: Other}]
          - id: staff
            label: Staff
            categories: [{id: other, label: Other}]
    """)
    assert [path[-1].id for path in dialog.walk()] == ["food", "other", "staff", "other"]


@pytest.mark.parametrize(
    ("rating", "kind", "values"),
    [
        ("{kind: nps}", "nps", range(0, 11)),
        ("{kind: smileys, scale: 3}", "smileys", range(1, 4)),
        ("{kind: smileys, scale: 5}", "smileys", range(1, 6)),
    ],
)
def test_rating_kinds_and_their_values(rating, kind, values):
    dialog = valid(MINIMAL + f"rating: {rating}\n")
    assert dialog.rating.kind == kind
    assert dialog.rating.values == values
    assert dialog.rating.prompt is None


def test_an_icon_is_found_next_to_the_dialog_file(tmp_path):
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "food.png").write_bytes(PNG_HEADER)
    (tmp_path / "icons" / "staff.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 16)
    path = tmp_path / "dialog.yaml"
    path.write_text(
        textwrap.dedent("""\
        version: 1
        languages: [en]
        topics:
          - id: food
            label: Food
            style: {icon: icons/food.png, color: "#E4572E", text_color: "#ffffff"}
          - id: staff
            label: Staff
            style: {icon: icons/staff.jpg}
    """),
        encoding="utf-8",
    )
    food, staff = load_dialog(path).topics
    assert food.style.icon == tmp_path / "icons" / "food.png"
    assert (food.style.color, food.style.text_color) == ("#E4572E", "#ffffff")
    assert staff.style.icon == tmp_path / "icons" / "staff.jpg"


def test_a_copy_of_an_example_finds_the_bundled_icons(tmp_path):
    # The installer copies restaurant.yaml to /var/lib/kiosk/dialog.yaml, and
    # the manager may send it: its icons are not beside the copy.
    copy = tmp_path / "dialog.yaml"
    copy.write_bytes(DEFAULT_DIALOG.read_bytes())
    topics = load_dialog(copy).topics
    icons = [topic.style.icon for topic in topics]
    assert icons == [
        EXAMPLES_DIR / "icons" / f"{name}.png"
        for name in (
            "menu_book",
            "restaurant",
            "person_apron",
            "cleaning_services",
            "payments",
            "favorite",
        )
    ]
    assert all(icon.is_file() for icon in icons)


def test_an_icon_beside_the_dialog_comes_before_the_bundled_one(tmp_path):
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "favorite.png").write_bytes(PNG_HEADER)
    path = tmp_path / "dialog.yaml"
    path.write_text(
        MINIMAL.replace("label: Food", "label: Food\n    style: {icon: icons/favorite.png}"),
        encoding="utf-8",
    )
    assert load_dialog(path).topics[0].style.icon == tmp_path / "icons" / "favorite.png"


def test_a_path_out_of_the_bundled_folder_is_not_taken_from_there(tmp_path):
    path = tmp_path / "dialog.yaml"
    path.write_text(
        MINIMAL.replace("label: Food", "label: Food\n    style: {icon: ../schema.json}"),
        encoding="utf-8",
    )
    with pytest.raises(DialogError, match="an icon must be a file in the dialog's folder"):
        load_dialog(path)


def icon_dialog(folder, icon: str):
    path = folder / "dialog.yaml"
    path.write_text(
        MINIMAL.replace("label: Food", f"label: Food\n    style: {{icon: {json.dumps(icon)}}}"),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "icon", ["/etc/passwd", "../outside.png", "icons/../../outside.png", "link/outside.png"]
)
def test_an_icon_out_of_the_dialogs_folder_is_refused(tmp_path, icon):
    folder = tmp_path / "dialog"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(PNG_HEADER)
    (folder / "link").symlink_to(tmp_path)
    with pytest.raises(DialogError, match="an icon must be a file in the dialog's folder"):
        load_dialog(icon_dialog(folder, icon))


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_an_icon_that_is_no_regular_file_is_refused_without_blocking(tmp_path, kind):
    icon = tmp_path / "icon.png"
    os.mkfifo(icon) if kind == "fifo" else icon.mkdir()
    # An ordinary open() of a FIFO waits for a writer for good.
    with pytest.raises(DialogError, match="icon.png.: cannot be read"):
        load_dialog(icon_dialog(tmp_path, "icon.png"))


def test_a_dialog_without_files_of_its_own_may_name_bundled_icons_only(tmp_path):
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "local-only.png").write_bytes(PNG_HEADER)

    def check_icon(icon: str):
        text = MINIMAL.replace("label: Food", f"label: Food\n    style: {{icon: {icon}}}")
        return check_dialog(
            text.encode(), file="dialog.yaml", base_dir=tmp_path, bundled_icons_only=True
        )

    assert check_icon("icons/favorite.png").dialog is not None
    [error] = [str(p) for p in check_icon("icons/local-only.png").problems]
    assert "local-only.png" in error and "no such bundled icon on this terminal" in error
    assert str(tmp_path) not in error


# -- identity -------------------------------------------------------------------


def test_the_identity_is_the_sha256_of_the_exact_bytes(tmp_path):
    data = MINIMAL.encode("utf-8")
    path = tmp_path / "dialog.yaml"
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert check_dialog(data, file="dialog.yaml").sha256 == expected
    assert load_dialog(path).sha256 == expected


def test_one_changed_byte_changes_the_identity_even_in_a_comment():
    data = MINIMAL.encode("utf-8") + b"# v1\n"
    changed = data[:-2] + b"2\n"
    first, second = check_dialog(data, file="a"), check_dialog(changed, file="a")
    assert first.dialog is not None and second.dialog is not None
    assert first.sha256 != second.sha256
    assert first.dialog.sha256 != second.dialog.sha256
    assert first.dialog.topics == second.dialog.topics


def test_a_file_with_errors_still_has_an_identity():
    data = b"version: 2\n"
    assert check_dialog(data, file="a").sha256 == hashlib.sha256(data).hexdigest()


# -- how problems read ------------------------------------------------------------


def test_a_problem_about_the_whole_file_has_no_path():
    result = check("- just\n- a list\n")
    assert [str(p) for p in result.problems] == [
        "dialog.yaml:1:1: must be a mapping of keys (found a list)"
    ]


def test_a_version_without_a_value_is_an_error_not_a_silent_rejection():
    result = check("version:\n" + MINIMAL.split("\n", 1)[1])
    assert [str(p) for p in result.problems] == [
        "dialog.yaml:1:9: version: must be 1 (found nothing); "
        "this terminal reads dialog format version 1"
    ]


def test_a_missing_key_is_reported_once():
    result = check("version: 1\nlanguages: [en]\n")
    assert [str(p) for p in result.problems] == ["dialog.yaml:1:1: topics: required key is missing"]


def test_a_bare_off_photo_mode_means_off():
    path = Path(__file__).parent / "valid" / "photo_mode_bare_off.yaml"
    assert load_dialog(path).photo_mode == "off"


def test_speech_is_off_unless_the_dialog_turns_it_on():
    assert valid(MINIMAL).accessibility.speech is False
    assert valid(MINIMAL + "accessibility: {speech: on}\n").accessibility.speech is True
    assert valid(MINIMAL + "accessibility: {speech: off}\n").accessibility.speech is False
    assert valid(MINIMAL + "accessibility: {}\n").accessibility.speech is False


def test_keys_merged_with_an_anchor_may_be_overridden():
    data = textwrap.dedent("""\
        version: 1
        languages: [en]
        topics:
          - &food {id: food, label: Food, tone: praise}
          - <<: *food
            id: drinks
            label: Drinks
        """).encode()
    result = check_dialog(data, file="dialog.yaml")
    assert result.errors == []
    second = result.dialog.topics[1]
    assert (second.id, second.label.default, second.tone) == ("drinks", "Drinks", "praise")
