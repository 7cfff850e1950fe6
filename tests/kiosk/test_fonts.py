"""The bundled fonts cover every character the terminal can show.

Kivy's text provider has no font fallback: a character missing from the
font is drawn as blank space. So every text that can reach the screen is
checked against the fonts' character maps: the example dialogs, the
translations, the keyboard layouts, whole alphabets a visitor can type, and
the symbols the screens use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from dialog_config import EXAMPLES_DIR
from kiosk.i18n import LOCALE_DIR
from kiosk.keyboard import DEFAULT_LABELS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FONTS_DIR = PROJECT_ROOT / "assets" / "fonts"
FONT_FILES = ("NotoSansKR-Regular.otf", "NotoSansKR-Bold.otf")
KEYBOARDS_DIR = PROJECT_ROOT / "assets" / "keyboards"
#: The subsets are about 2 MB; a file far larger is the whole CJK font by mistake.
MAX_FONT_BYTES = 4 * 1024 * 1024

#: Symbols the screens may use. Add one here when a screen starts using it;
#: assets/fonts/README.md lists what the fonts have.
UI_SYMBOLS = "← → ↑ ↓ ⇧ ⏎ ␣ ⌫ ✓ ✔ ✕ × • … « » „ “ ” ‘ ’ – — · € ₽ ₩ № ★ ☆ ● ○ ■ □ ▶ ◀ ⏺ ⏹ ⏸ ⚠ ☺ ☹ ⓘ"
#: Whatever a visitor can type on the keyboards, beyond the keys' labels.
TYPEABLE = (
    "".join(chr(code) for code in range(0x20, 0x7F))  # ASCII
    + "ÀÈÉÌÍÎÒÓÙÚàèéìíîòóùú"  # Italian
    + "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"  # Russian
    + "".join(chr(code) for code in range(0x3131, 0x318F))  # compatibility jamo
    + "".join(chr(code) for code in range(0xAC00, 0xD7A4))  # every Hangul syllable
)


def strings_in(value) -> list[str]:
    """Every string in parsed YAML or JSON, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in strings_in(key) + strings_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


def example_texts() -> list[str]:
    paths = sorted(EXAMPLES_DIR.glob("*.yaml"))
    assert paths, f"no example dialogs in {EXAMPLES_DIR}"
    return [
        text
        for path in paths
        for text in strings_in(yaml.safe_load(path.read_text(encoding="utf-8")))
    ]


def translation_texts() -> list[str]:
    paths = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    assert paths, f"no catalogs in {LOCALE_DIR}"
    texts = []
    for path in paths:
        with path.open("rb") as file:
            texts.extend(message.string for message in read_po(file) if message.id)
    return texts


def keyboard_texts() -> list[str]:
    return [
        text
        for path in sorted(KEYBOARDS_DIR.rglob("*.json"))
        for text in strings_in(json.loads(path.read_text(encoding="utf-8")))
    ]


def screen_source_texts() -> list[str]:
    """Characters written into the screens' own code and kv files (marks, arrows, dots)."""
    kiosk_dir = Path(__file__).resolve().parents[2] / "kiosk"
    paths = [
        *kiosk_dir.rglob("*.kv"),
        *(kiosk_dir / "screens").glob("*.py"),
        *(kiosk_dir / "widgets").glob("*.py"),
    ]
    assert paths, f"no screens under {kiosk_dir}"
    return [
        char for path in paths for char in path.read_text(encoding="utf-8") if not char.isascii()
    ]


SOURCES = {
    "screens' code": screen_source_texts,
    "example dialogs": example_texts,
    "translations": translation_texts,
    "keyboard layouts": keyboard_texts,
    "keyboard default labels": lambda: list(DEFAULT_LABELS.values()),
    "typeable characters": lambda: [TYPEABLE],
    "UI symbols": lambda: [UI_SYMBOLS],
}


@pytest.fixture(scope="module", params=FONT_FILES)
def font(request):
    path = FONTS_DIR / request.param
    assert path.exists(), f"{path} is missing; see assets/fonts/README.md to rebuild it"
    with TTFont(path, lazy=True) as opened:
        yield opened


@pytest.mark.parametrize("source", SOURCES)
def test_font_covers(font, source):
    covered = font.getBestCmap()
    missing = sorted(
        {
            char
            for text in SOURCES[source]()
            for char in text
            if char.isprintable() and ord(char) not in covered
        }
    )
    assert not missing, (
        f"{font.reader.file.name} lacks {''.join(missing)!r} "
        f"({', '.join(f'U+{ord(char):04X}' for char in missing)}) used in the {source}: "
        "use another character, or add it with assets/fonts/make_subset.py"
    )


def test_ellipsis_sits_on_the_baseline(font):
    # The CJK source draws … centred (⋯); make_subset.py maps the Western form.
    glyph_set = font.getGlyphSet()
    pen = BoundsPen(glyph_set)
    glyph_set[font.getBestCmap()[ord("…")]].draw(pen)
    y_min = pen.bounds[1]
    assert y_min < 50, f"… starts {y_min} units above the baseline: the centred CJK form"


@pytest.mark.parametrize("name", FONT_FILES)
def test_fonts_are_subsets(name):
    size = (FONTS_DIR / name).stat().st_size
    assert size < MAX_FONT_BYTES, f"{name} is {size:,} bytes: not the subset of README.md"


def test_licence_travels_with_the_fonts():
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS_DIR / "OFL.txt").read_text(
        encoding="utf-8"
    )
