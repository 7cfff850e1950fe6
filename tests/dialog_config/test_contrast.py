"""WCAG 2.2 contrast: the maths, every example dialog's own colours, and the validator's
warning for a style that visitors with low vision cannot read."""

from __future__ import annotations

import textwrap

import pytest

from dialog_config import EXAMPLES_DIR, check_dialog, load_dialog
from dialog_config.contrast import (
    NORMAL_TEXT_MIN_RATIO,
    blend,
    contrast_ratio,
    format_ratio,
    is_large_text,
    minimum_ratio,
    relative_luminance,
)
from dialog_config.model import DEFAULT_NODE_COLORS

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))


@pytest.mark.parametrize(
    ("text", "background", "ratio"),
    [
        ("#000000", "#FFFFFF", "21.00:1"),
        ("#FFFFFF", "#FFFFFF", "1.00:1"),
        ("#ffff00", "#ffffff", "1.07:1"),
        # The grey that famously just fails AA on white, and the one that just passes.
        ("#777777", "#FFFFFF", "4.47:1"),
        ("#767676", "#FFFFFF", "4.54:1"),
        ("#1F2933", "#F6F4F0", "13.43:1"),
    ],
)
def test_contrast_ratios_as_wcag_computes_them(text, background, ratio):
    assert format_ratio(contrast_ratio(text, background)) == ratio
    assert format_ratio(contrast_ratio(background, text)) == ratio


def test_relative_luminance_runs_from_black_to_white():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#FFFFFF") == pytest.approx(1)
    # Green weighs most for the eye, blue least.
    assert (
        relative_luminance("#00FF00")
        > relative_luminance("#FF0000")
        > relative_luminance("#0000FF")
    )


def test_a_ratio_is_rounded_down_so_that_a_failing_one_never_reads_as_passing():
    assert format_ratio(4.4999) == "4.49:1"
    assert format_ratio(4.5) == "4.50:1"


def test_large_text_is_24_px_or_bold_from_18_66_px():
    assert not is_large_text(23.9) and is_large_text(24)
    assert not is_large_text(18.65, bold=True) and is_large_text(18.66, bold=True)
    assert minimum_ratio(18, bold=False) == 4.5 and minimum_ratio(19, bold=True) == 3.0


def test_blend_mixes_a_colour_over_its_background():
    assert blend("#000000", 0.5, "#FFFFFF") == "#808080"
    assert blend("#3E5C76", 1.0, "#F6F4F0") == "#3E5C76"
    assert blend("#3E5C76", 0.0, "#F6F4F0") == "#F6F4F0"


def nodes(dialog):
    stack = list(dialog.topics)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_button_of_every_example_dialog_reads(example):
    dialog = load_dialog(example)
    checked = 0
    for node in nodes(dialog):
        default = DEFAULT_NODE_COLORS[node.level]
        text = node.style.text_color or default.text_color
        button = node.style.color or default.color
        ratio = contrast_ratio(text, button)
        assert ratio >= NORMAL_TEXT_MIN_RATIO, (
            f"{example.name}: {node.level} {node.id}: {text} on {button}: {format_ratio(ratio)}"
        )
        checked += 1
    assert checked > len(dialog.topics)
    assert dialog.warnings == ()


LOW_CONTRAST = textwrap.dedent("""\
    version: 1
    languages: [en]
    topics:
      - id: food
        label: Food
        style: {color: "#ffffff", text_color: "#ffff00"}
        categories:
          - id: soup
            label: Soup
            style: {text_color: "#AAAAAA"}
          - id: bread
            label: Bread
            style: {color: "#767676", text_color: "#FFFFFF"}
      - id: staff
        label: Staff
        style:
          color: "#9FB4C7"
""")


def test_the_validator_warns_with_the_exact_ratio_where_the_style_falls_below_aa():
    result = check_dialog(LOW_CONTRAST.encode(), file="dialog.yaml")
    assert result.errors == [] and result.dialog is not None
    assert [str(p) for p in result.warnings] == [
        "dialog.yaml:6:43: topics[0].style.text_color: warning: text #ffff00 on button "
        "#ffffff: contrast 1.07:1, below 4.5:1 (WCAG 2.2 AA); visitors with low vision "
        "cannot read it: choose a darker or lighter colour",
        "dialog.yaml:10:29: topics[0].categories[0].style.text_color: warning: text #AAAAAA "
        "on button #FFFFFF (the default): contrast 2.32:1, below 4.5:1 (WCAG 2.2 AA); "
        "visitors with low vision cannot read it: choose a darker or lighter colour",
        "dialog.yaml:17:14: topics[1].style.color: warning: text #FFFFFF (the default) on "
        "button #9FB4C7: contrast 2.13:1, below 4.5:1 (WCAG 2.2 AA); visitors with low "
        "vision cannot read it: choose a darker or lighter colour",
    ]
