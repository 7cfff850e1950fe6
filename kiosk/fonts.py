"""Which bundled font draws a text, in which direction and script; what no font can draw.

Kivy's SDL2 text provider draws a label with one font file and has no
fallback: a character the file lacks is blank space. So each text picks the
face that draws all of it, from the faces that ``assets/fonts/coverage.json``
lists (written by ``assets/fonts/make_subset.py`` with the fonts). A face
marked ``optional`` is a system package (Debian ``fonts-noto-cjk``) and
counts only where its file is installed.

Right-to-left text (Arabic, Hebrew) is shaped by HarfBuzz inside SDL2_ttf,
which lays a whole line out in one direction and does no bidirectional
reordering: digits and Latin words inside a right-to-left line would come
out backwards. :func:`visual_text` reverses those runs beforehand so that the
right-to-left layout puts them back in reading order.

Plain Python, no Kivy: ``kiosk validate`` and the tests use it without a display.
"""

from __future__ import annotations

import bisect
import functools
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from dialog_config.catalogs import is_rtl_language as is_rtl_language

from .i18n import translations

FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
COVERAGE_FILE = FONTS_DIR / "coverage.json"

#: Scripts whose text runs right to left, by the ISO 15924 code HarfBuzz takes.
RTL_SCRIPTS = frozenset({"Arab", "Hebr"})
#: Code point blocks → ISO 15924 script, for the scripts whose shaping needs
#: HarfBuzz told the script (joining, marks, reordering). Others shape as Latin.
SCRIPT_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x1100, 0x11FF, "Hang"),
    (0x3040, 0x30FF, "Jpan"),
    (0x3130, 0x318F, "Hang"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xAC00, 0xD7A3, "Hang"),
    (0xFB1D, 0xFB4F, "Hebr"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
)
#: Bidirectional classes that read left to right inside a right-to-left line.
_LTR_CLASSES = frozenset({"L", "EN", "AN"})
#: Classes that may sit between two left-to-right characters and travel with them
#: ("12:30", "Noto Sans", "1,5").
_JOINING_CLASSES = frozenset({"WS", "CS", "ES", "ET", "ON", "BN", "NSM"})


@dataclass(frozen=True)
class Face:
    """One font family the terminal can draw with: its files and its code points."""

    name: str
    regular: Path
    bold: Path
    optional: bool
    package: str | None
    #: Sorted starts and ends of the covered ranges (parallel lists, for bisect).
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def draws(self, char: str) -> bool:
        code = ord(char)
        index = bisect.bisect_right(self.starts, code) - 1
        return index >= 0 and code <= self.ends[index]

    @property
    def installed(self) -> bool:
        return self.regular.exists()


@functools.cache
def all_faces(coverage_file: Path = COVERAGE_FILE) -> tuple[Face, ...]:
    """Every face coverage.json lists, installed or not, in the order they are tried."""
    try:
        data = json.loads(coverage_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FileNotFoundError(
            f"{coverage_file}: cannot read the fonts' coverage ({exc}); "
            "rebuild it with assets/fonts/make_subset.py (see assets/fonts/README.md)"
        ) from exc
    faces = []
    for entry in data["faces"]:
        pairs = entry["ranges"]
        faces.append(
            Face(
                name=entry["name"],
                regular=coverage_file.parent / entry["regular"],
                bold=coverage_file.parent / entry["bold"],
                optional=entry["optional"],
                package=entry.get("package"),
                starts=tuple(start for start, _ in pairs),
                ends=tuple(end for _, end in pairs),
            )
        )
    return tuple(faces)


def faces() -> tuple[Face, ...]:
    """The faces this machine has: the bundled ones and the installed optional ones."""
    return tuple(face for face in all_faces() if face.installed or not face.optional)


def drawable(char: str) -> bool:
    """Whether a character needs no glyph (spaces, controls, joiners) or some face draws it."""
    return needs_no_glyph(char) or any(face.draws(char) for face in faces())


def undrawable_characters(text: str) -> str:
    """The characters of ``text`` that no face of this machine draws, each once, in order."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and not drawable(char):
            seen[char] = None
    return "".join(seen)


def missing_package(char: str) -> str | None:
    """The optional font package that would draw ``char`` (fonts-noto-cjk), if any."""
    for face in all_faces():
        if face.optional and face.draws(char):
            return face.package
    return None


@functools.cache
def _prefers_world(language: str) -> bool:
    """Whether a language's interface texts are beyond the first face, so its screens
    try the second face first.

    A screen in one language then uses one design throughout, rather than
    switching face between a word with ą and a word without.
    """
    available = faces()
    if len(available) < 2:
        return False
    letters = {char for text in translations(language).values() for char in text}
    return any(not needs_no_glyph(char) and not available[0].draws(char) for char in letters)


def face_for(text: str, language: str = "en") -> Face | None:
    """The face a label in ``language`` showing ``text`` is drawn with.

    The first face (in the language's order) that draws every character;
    else the one that draws most of them. None when the fonts are missing.
    """
    available = list(faces())
    if not available:
        return None
    if _prefers_world(language):
        available.insert(0, available.pop(1))
    chars = [char for char in set(text) if not needs_no_glyph(char)]
    best, best_count = available[0], -1
    for face in available:
        count = sum(face.draws(char) for char in chars)
        if count == len(chars):
            return face
        if count > best_count:
            best, best_count = face, count
    return best


def needs_no_glyph(char: str) -> bool:
    """Spaces, controls and invisible format characters (joiners, direction marks)."""
    return not char.isprintable() or char.isspace() or unicodedata.category(char) == "Cf"


def script_of(text: str) -> str:
    """The ISO 15924 script HarfBuzz should shape ``text`` as: the first non-Latin one in it."""
    for char in text:
        code = ord(char)
        for first, last, script in SCRIPT_BLOCKS:
            if first <= code <= last:
                return script
    return "Latn"


def direction_of(text: str) -> str:
    """``rtl`` when the first strongly directional character is right to left, else ``ltr``."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def visual_text(line: str, direction: str) -> str:
    """``line`` prepared for a one-direction layout: in a right-to-left line, each run of
    left-to-right characters (digits, Latin words) is reversed, so that laying the line out
    right to left shows it in reading order. Left-to-right lines are unchanged.

    Mirrored characters such as brackets never join a run: the right-to-left layout
    mirrors them itself.
    """
    if direction != "rtl":
        return line
    chars = list(line)
    result: list[str] = []
    index = 0
    while index < len(chars):
        if unicodedata.bidirectional(chars[index]) not in _LTR_CLASSES:
            result.append(chars[index])
            index += 1
            continue
        end = index + 1
        last_ltr = index
        while end < len(chars):
            kind = unicodedata.bidirectional(chars[end])
            if kind in _LTR_CLASSES:
                last_ltr = end
            elif kind not in _JOINING_CLASSES or unicodedata.mirrored(chars[end]):
                break
            end += 1
        result.extend(reversed(chars[index : last_ltr + 1]))
        index = last_ltr + 1
    return "".join(result)
