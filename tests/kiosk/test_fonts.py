"""The bundled fonts cover every character the terminal can show.

Kivy's text provider has no font fallback: a character missing from the
font is drawn as blank space, so each label picks the bundled face that has
its characters (kiosk.fonts, from assets/fonts/coverage.json). Every text that
can reach the screen is checked against the faces' character maps, per
weight: the example dialogs, the translations, the keyboard layouts, whole
alphabets a visitor can type, and the symbols the screens use.
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
from kiosk import exemplars
from kiosk.fonts import all_faces, missing_package, needs_no_glyph
from kiosk.i18n import LOCALE_DIR
from kiosk.keyboard import DEFAULT_LABELS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FONTS_DIR = PROJECT_ROOT / "assets" / "fonts"
#: The bundled faces of each weight, in the order kiosk.fonts tries them.
WEIGHTS = {
    "Regular": ("NotoSansKR-Regular.otf", "NotoSansWorld-Regular.ttf"),
    "Bold": ("NotoSansKR-Bold.otf", "NotoSansWorld-Bold.ttf"),
}
FONT_FILES = tuple(name for names in WEIGHTS.values() for name in names)
KEYBOARDS_DIR = PROJECT_ROOT / "assets" / "keyboards"
#: The subsets are at most about 2 MB; a file far larger is a whole CJK font by mistake.
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


def open_font(name: str) -> TTFont:
    path = FONTS_DIR / name
    assert path.exists(), f"{path} is missing; see assets/fonts/README.md to rebuild it"
    return TTFont(path, lazy=True)


@pytest.fixture(scope="module", params=WEIGHTS)
def weight(request):
    """One weight's faces: their file names and the code points they draw together."""
    names = WEIGHTS[request.param]
    covered: set[int] = set()
    for name in names:
        with open_font(name) as font:
            covered |= set(font.getBestCmap())
    return request.param, covered


@pytest.fixture(scope="module", params=[names[0] for names in WEIGHTS.values()])
def font(request):
    """The first face of a weight (Noto Sans CJK KR)."""
    with open_font(request.param) as opened:
        yield opened


@pytest.mark.parametrize("source", SOURCES)
def test_fonts_cover(weight, source):
    name, covered = weight
    missing = sorted(
        {
            char
            for text in SOURCES[source]()
            for char in text
            if char.isprintable() and ord(char) not in covered
        }
    )
    assert not missing, (
        f"no {name} face draws {''.join(missing)!r} "
        f"({', '.join(f'U+{ord(char):04X}' for char in missing)}) used in the {source}: "
        "use another character, or add it with assets/fonts/make_subset.py"
    )


def shipped_languages() -> list[str]:
    """English and every language the terminal has interface texts for, as dialogs name them."""
    folders = sorted(path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    return ["en", *(folder.replace("_", "-") for folder in folders)]


def optional_face_cover(char: str) -> bool:
    """Whether an installed optional face (Debian's fonts-noto-cjk) draws ``char``."""
    return any(face.optional and face.installed and face.draws(char) for face in all_faces())


@pytest.mark.parametrize("language", shipped_languages())
def test_every_exemplar_character_of_a_shipped_language_is_drawn(weight, language):
    """CLDR's exemplar set is what a language is written with: every character of it,
    marks included, must come out of some face, in each weight."""
    name, covered = weight
    missing = [
        char
        for char in exemplars.characters(language)
        if not needs_no_glyph(char) and ord(char) not in covered and not optional_face_cover(char)
    ]
    # As kiosk validate does: a character that only an optional font package draws
    # asks for that package, which the terminal (and make test) installs.
    packages = sorted({package for char in missing if (package := missing_package(char))})
    assert not missing, (
        f"{language}: no {name} face draws {''.join(missing)!r} "
        f"({', '.join(f'U+{ord(char):04X}' for char in missing)}) of its CLDR exemplar set: "
        + (
            f"install {', '.join(packages)} (see assets/fonts/README.md)"
            if packages
            else "add them to the subset with assets/fonts/make_subset.py"
        )
    )


@pytest.mark.parametrize("face", all_faces(), ids=lambda face: face.name)
def test_the_coverage_file_tells_the_truth(face):
    """The app picks faces by coverage.json: it must list what each file really draws."""
    if face.optional and not face.installed:
        pytest.fail(f"{face.regular} is missing: apt-get install {face.package}")
    number = {"fontNumber": 0} if face.regular.suffix == ".ttc" else {}
    with TTFont(face.regular, lazy=True, **number) as opened:
        cmap = set(opened.getBestCmap())
    listed = {
        code
        for start, end in zip(face.starts, face.ends, strict=True)
        for code in range(start, end + 1)
    }
    assert listed == cmap


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
