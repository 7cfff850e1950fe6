"""Every text of the terminal's own screens reads against its background (WCAG 2.2 AA, 1.4.3).

The theme declares each pairing of text and background colour the screens
use (``theme.TEXT_ON_BACKGROUND``); this holds each to its minimum at the
smallest scale, and reads the kv files so that a pairing the table lacks
cannot slip in unchecked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialog_config.contrast import (
    NORMAL_TEXT_MIN_RATIO,
    blend,
    contrast_ratio,
    format_ratio,
    minimum_ratio,
    readable_text,
)
from dialog_config.model import DEFAULT_NODE_COLORS
from kiosk.ui import theme
from kiosk.ui.design import MIN_SCALE

UI_DIR = Path(theme.__file__).resolve().parent
KV_FILES = sorted(UI_DIR.rglob("*.kv"))
THEME_NAME = re.compile(r"theme\.([A-Z_]+)")
#: The KioskButton's own text colour, where a kv rule names none (widgets.kv).
BUTTON_DEFAULT_TEXT = "INK"


def pairing_ids(pairing) -> str:
    text, background, size, bold = pairing
    return f"{text}-on-{background}-{size}px{'-bold' if bold else ''}"


@pytest.mark.parametrize("pairing", theme.TEXT_ON_BACKGROUND, ids=pairing_ids)
def test_each_pairing_of_the_theme_meets_wcag_aa_at_the_smallest_scale(pairing):
    text, background, size_px, bold = pairing
    ratio = contrast_ratio(theme.PALETTE[text], theme.PALETTE[background])
    needed = minimum_ratio(size_px * MIN_SCALE, bold=bold)
    assert ratio >= needed, (
        f"{text} {theme.PALETTE[text]} on {background} {theme.PALETTE[background]}: "
        f"{format_ratio(ratio)}, below {needed:g}:1"
    )


def kv_pairings() -> set[tuple[str, str, str]]:
    """(file:line, text colour, background) for each text colour the kv files set.

    A property line ``bg_color: theme.X`` pairs with the ``color:`` beside it
    (the same widget: the same indent, no widget line between), else with
    the button's own INK; a ``color:`` without a ``bg_color`` stands on
    the window's BACKGROUND (a card's SURFACE is lighter, so never worse for
    the dark inks labels use).
    """
    found = set()
    for path in KV_FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            stripped = line.strip()
            if not stripped.startswith(("color:", "bg_color:")):
                continue
            indent = len(line) - len(line.lstrip())
            siblings = []
            for index in range(number, -1, -1):
                other = lines[index]
                if other.strip() and len(other) - len(other.lstrip()) < indent:
                    start = index + 1
                    break
            else:
                start = 0
            for other in lines[start:]:
                if other.strip() and len(other) - len(other.lstrip()) < indent:
                    break
                if len(other) - len(other.lstrip()) == indent:
                    siblings.append(other.strip())
            backgrounds = [
                name
                for s in siblings
                if s.startswith("bg_color:")
                for name in THEME_NAME.findall(s)
            ] or ["BACKGROUND"]
            texts = [
                name for s in siblings if s.startswith("color:") for name in THEME_NAME.findall(s)
            ] or [BUTTON_DEFAULT_TEXT]
            where = f"{path.relative_to(UI_DIR)}:{number + 1}"
            paired = _paired_by_condition(siblings)
            if paired:
                found.update((where, text, background) for text, background in paired)
                continue
            for text in texts:
                for background in backgrounds:
                    found.add((where, text, background))
    return found


#: ``theme.A if CONDITION else theme.B``, the two colours a widget switches between.
SWITCH = re.compile(r"theme\.(\w+) if (.+?) else theme\.(\w+)")


def _paired_by_condition(siblings: list[str]) -> list[tuple[str, str]]:
    """A text colour and a background that switch on the same condition go in pairs.

    ``bg_color: theme.PRIMARY if self.selected else theme.SURFACE`` beside
    ``color: theme.PRIMARY_INK if self.selected else theme.INK`` shows two
    pairings, not four.
    """
    switches = {}
    for line in siblings:
        for prefix in ("color:", "bg_color:"):
            if line.startswith(prefix):
                match = SWITCH.fullmatch(line.removeprefix(prefix).strip())
                if match:
                    switches[prefix] = match.groups()
    text, background = switches.get("color:"), switches.get("bg_color:")
    if not text or not background or text[1] != background[1]:
        return []
    return [(text[0], background[0]), (text[2], background[2])]


def test_the_kv_files_use_no_pairing_the_theme_does_not_check():
    pairings = kv_pairings()
    declared = {(text, background) for text, background, _, _ in theme.TEXT_ON_BACKGROUND}
    assert len(pairings) > 30, "the kv files were not read"
    missing = sorted(p for p in pairings if (p[1], p[2]) not in declared)
    assert not missing, f"add these to theme.TEXT_ON_BACKGROUND: {missing}"


def test_an_unreadable_pairing_in_a_kv_file_would_be_found(tmp_path, monkeypatch):
    kv = tmp_path / "bad.kv"
    kv.write_text(
        "<Bad>:\n    KioskButton:\n        bg_color: theme.PRIMARY\n        color: theme.MUTED_INK\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.KV_FILES", [kv])
    monkeypatch.setattr(f"{__name__}.UI_DIR", tmp_path)
    assert kv_pairings() == {
        ("bad.kv:3", "MUTED_INK", "PRIMARY"),
        ("bad.kv:4", "MUTED_INK", "PRIMARY"),
    }


@pytest.mark.parametrize("group", sorted(theme.NPS_COLORS))
def test_the_numbers_on_the_nps_buttons_read(group):
    # Bold button text at the smallest scale is under 18.66 px: normal text.
    ratio = contrast_ratio(theme.PALETTE["INK"], theme.NPS_COLORS[group])
    assert ratio >= minimum_ratio(theme.FONT_BUTTON * MIN_SCALE, bold=True) == 4.5, (
        f"{group} {theme.NPS_COLORS[group]}: {format_ratio(ratio)}"
    )


def test_a_dimmed_topic_keeps_a_readable_label_whatever_its_colours():
    colours = [
        (DEFAULT_NODE_COLORS["topic"].color, DEFAULT_NODE_COLORS["topic"].text_color),
        ("#A4492A", "#FFFFFF"),
        ("#D6E6F2", "#1B3A57"),
        ("#264653", "#FFFFFF"),
        ("#808080", "#FFFFFF"),
    ]
    for color, ink in colours:
        dimmed = blend(color, theme.DIMMED_TOPIC_ALPHA, theme.PALETTE["BACKGROUND"])
        shown = readable_text(ink, dimmed, (theme.PALETTE["INK"], theme.PALETTE["PRIMARY_INK"]))
        assert contrast_ratio(shown, dimmed) >= NORMAL_TEXT_MIN_RATIO, (color, ink, dimmed)
    # The default topic's white label on its dimmed colour was 2.21:1; it turns dark.
    default = DEFAULT_NODE_COLORS["topic"]
    dimmed = blend(default.color, theme.DIMMED_TOPIC_ALPHA, theme.PALETTE["BACKGROUND"])
    assert format_ratio(contrast_ratio(default.text_color, dimmed)) == "2.21:1"
    assert readable_text(default.text_color, dimmed, (theme.PALETTE["INK"],)) == "#1F2933"


def test_the_theme_draws_default_nodes_in_the_dialog_formats_colours():
    assert theme.PALETTE["TOPIC"] == DEFAULT_NODE_COLORS["topic"].color
    assert theme.PALETTE["TOPIC_INK"] == DEFAULT_NODE_COLORS["topic"].text_color
    for level in ("category", "detail"):
        assert theme.PALETTE["SURFACE"] == DEFAULT_NODE_COLORS[level].color
        assert theme.PALETTE["INK"] == DEFAULT_NODE_COLORS[level].text_color
