"""Rebuilds the bundled KioskSans fonts from Debian's Noto Sans CJK collections.

A build tool, not part of the app: it needs fontTools, which the project does
not depend on. Run it from a throwaway virtual environment::

    apt-get install -y --no-install-recommends fonts-noto-cjk fonts-noto-core
    python3 -m venv /tmp/fontbuild && /tmp/fontbuild/bin/pip install 'fonttools==4.68.0'
    /tmp/fontbuild/bin/python assets/fonts/make_subset.py

It writes ``NotoSansKR-Regular.otf`` and ``NotoSansKR-Bold.otf`` (Hangul,
Latin-1, Russian, symbols), ``NotoSansWorld-Regular.ttf`` and
``NotoSansWorld-Bold.ttf`` (Noto Sans, Noto Sans Arabic, Hebrew and Thai
merged: every other alphabet the terminal ships) and ``coverage.json`` (which
characters each face draws, in the order the app tries them) beside itself,
and stops with a message if the source fonts are not the expected ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.merge import Options as MergeOptions
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
OUT_DIR = Path(__file__).resolve().parent
WEIGHTS = ("Regular", "Bold")
#: The Korean face of the collection; the Japanese, Chinese and mono faces
#: carry other regional glyph shapes and punctuation.
KOREAN_FACE_INDEX = 1
KOREAN_FAMILY = "Noto Sans CJK KR"

#: What the kiosk can show: Latin with every Western European accent, the
#: Cyrillic letters the font has (Russian), Hangul syllables, both jamo
#: blocks (the keyboard shows bare compatibility jamo), punctuation, currency,
#: arrows and the symbol blocks icons may come from, and full-width forms
#: that Korean text sometimes uses. Code points the font lacks are skipped.
UNICODES = (
    "U+0020-007E,U+00A0-017F,U+0192,U+02C6-02DD,U+0300-036F,U+0400-045F,"
    "U+1100-11FF,U+2000-206F,U+20A0-20CF,U+2100-218F,U+2190-21FF,U+2200-22FF,"
    "U+2300-23FF,U+2400-243F,U+2460-24FF,U+25A0-25FF,U+2600-27BF,U+3000-303F,U+3131-318E,"
    "U+3200-32FF,U+AC00-D7A3,U+FF01-FF60,U+FFE0-FFEE"
)
#: The Korean face maps U+2026 to a full-width, vertically centred ellipsis
#: (⋯), East Asian style. SDL2_ttf applies no OpenType features, so the
#: Western baseline ellipsis that the font reaches through `pwid`/`locl`
#: would never show in "Запись…" or "Registrazione…": map it directly.
ELLIPSIS = 0x2026
BASELINE_ELLIPSIS_GLYPH = "cid63163"
#: Symbols the UI wants that the CJK font lacks, borrowed from other OFL Noto
#: fonts of package fonts-noto-core (same 1000-unit em, same design family):
#: source file per weight → characters. Noto Sans Symbols 2 has one weight.
BORROWED = (
    (
        {"Regular": "NotoSansSymbols2-Regular.ttf", "Bold": "NotoSansSymbols2-Regular.ttf"},
        "⌫✕✔✖✗❤✉✎⏺⏹⏸⏳",
    ),
    ({"Regular": "NotoSansSymbols-Regular.ttf", "Bold": "NotoSansSymbols-Bold.ttf"}, "☺☹⚙"),
    ({"Regular": "NotoSans-Regular.ttf", "Bold": "NotoSans-Bold.ttf"}, "₽"),
)
#: The borrowed glyphs use the hinting zones of the font's own dingbats.
HINTING_MODEL_CHAR = "✓"


def build(weight: str) -> Path:
    source = SOURCE_DIR / f"NotoSansCJK-{weight}.ttc"
    if not source.exists():
        sys.exit(f"{source} is missing: apt-get install -y --no-install-recommends fonts-noto-cjk")
    font = TTFont(source, fontNumber=KOREAN_FACE_INDEX, recalcTimestamp=False)
    family = font["name"].getDebugName(1)
    if family != KOREAN_FAMILY:
        sys.exit(
            f"{source} face {KOREAN_FACE_INDEX} is {family!r}, not {KOREAN_FAMILY!r}: "
            "find the Korean face's index and update KOREAN_FACE_INDEX"
        )
    if BASELINE_ELLIPSIS_GLYPH not in font.getGlyphOrder():
        sys.exit(
            f"{source} has no glyph {BASELINE_ELLIPSIS_GLYPH}: find the baseline "
            "ellipsis (the `pwid` substitute of U+2026) and update BASELINE_ELLIPSIS_GLYPH"
        )
    for table in font["cmap"].tables:
        if table.isUnicode() and ELLIPSIS in table.cmap:
            table.cmap[ELLIPSIS] = BASELINE_ELLIPSIS_GLYPH

    options = subset.Options()
    # Vertical-writing tables are useless for a horizontal UI; keep every name
    # record so the copyright and licence notices travel with the font (OFL).
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)

    for files, chars in BORROWED:
        borrow(font, NOTO_DIR / files[weight], chars)

    out = OUT_DIR / f"NotoSansKR-{weight}.otf"
    font.save(out)
    return out


def borrow(font: TTFont, source: Path, chars: str) -> None:
    """Adds the glyphs of ``chars`` from a TrueType font to the CID-keyed CFF ``font``."""
    if not source.exists():
        sys.exit(f"{source} is missing: apt-get install -y --no-install-recommends fonts-noto-core")
    donor = TTFont(source)
    if donor["head"].unitsPerEm != font["head"].unitsPerEm:
        sys.exit(f"{source} has another em size; scale its glyphs before borrowing them")
    donor_cmap, donor_glyphs = donor.getBestCmap(), donor.getGlyphSet()
    top = font["CFF "].cff.topDictIndex[0]
    char_strings = top.CharStrings
    model_fd = top.FDSelect[font.getGlyphID(font.getBestCmap()[ord(HINTING_MODEL_CHAR)])]
    private = top.FDArray[model_fd].Private
    # A CID-keyed font names glyphs by CID; take the free ones from the top.
    used = set(top.charset)
    free_cids = (cid for cid in range(top.CIDCount - 1, 0, -1) if f"cid{cid:05d}" not in used)
    for char in chars:
        if ord(char) not in donor_cmap:
            sys.exit(f"{source} has no {char} (U+{ord(char):04X}); borrow it from another font")
        donor_name = donor_cmap[ord(char)]
        width = donor["hmtx"][donor_name][0]
        pen = T2CharStringPen(width - private.nominalWidthX, donor_glyphs)
        donor_glyphs[donor_name].draw(pen)
        char_string = pen.getCharString(private, font["CFF "].cff.GlobalSubrs)
        bounds = BoundsPen(donor_glyphs)
        donor_glyphs[donor_name].draw(bounds)

        name = f"cid{next(free_cids):05d}"
        char_strings.charStringsIndex.append(char_string)
        char_strings.charStrings[name] = len(char_strings.charStringsIndex) - 1
        top.charset.append(name)  # the charset is the font's glyph order
        top.FDSelect.append(model_fd)
        font["hmtx"][name] = (width, round(bounds.bounds[0]) if bounds.bounds else 0)
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[ord(char)] = name
    font.setGlyphOrder(top.charset)


#: The parts of the merged world font: Debian fonts-noto-core file stem →
#: what to keep. Noto Sans comes first, so its ASCII digits and punctuation
#: (which the Hebrew and Thai fonts lack) serve every script in the file.
WORLD_PARTS = (
    (
        "NotoSans",
        "U+0020-007E,U+00A0-024F,U+0259,U+02B9-02DD,U+0300-036F,U+0370-03FF,U+0400-052F,"
        "U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2116,U+2122,U+2190-2193,U+2212,U+25CC",
    ),
    ("NotoSansArabic", "U+0600-06FF,U+0750-077F,U+08A0-08FF,U+FB50-FDFF,U+FE70-FEFF"),
    ("NotoSansHebrew", "U+0590-05FF,U+FB1D-FB4F"),
    ("NotoSansThai", "U+0E00-0E7F"),
)
WORLD_FAMILY = "Noto Sans World Kiosk"
#: Not bundled (one weight is 16 MB): Debian's fonts-noto-cjk, used when the
#: terminal has it. Kivy opens the first face of a collection: Japanese.
OPTIONAL_CJK = SOURCE_DIR / "NotoSansCJK-Regular.ttc"
OPTIONAL_CJK_BOLD = SOURCE_DIR / "NotoSansCJK-Bold.ttc"


def build_world(weight: str) -> Path:
    """Merges the subset Noto fonts of WORLD_PARTS into one TrueType font.

    One file, because SDL2_ttf draws a label with one font: a Hebrew label
    needs Noto Sans's punctuation and digits in the same file as its letters.
    The OpenType layout tables (Arabic joining, marks) are kept for HarfBuzz.
    """
    parts = []
    for stem, unicodes in WORLD_PARTS:
        source = NOTO_DIR / f"{stem}-{weight}.ttf"
        if not source.exists():
            sys.exit(
                f"{source} is missing: apt-get install -y --no-install-recommends fonts-noto-core"
            )
        font = TTFont(source, recalcTimestamp=False)
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.layout_features = ["*"]
        options.drop_tables += ["DSIG"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(unicodes))
        subsetter.subset(font)
        part = OUT_DIR / f".{stem}-{weight}.part.ttf"
        font.save(part)
        parts.append(part)
    try:
        merged = Merger(MergeOptions(drop_tables=["vmtx", "vhea", "MATH"])).merge(
            [str(part) for part in parts]
        )
    finally:
        for part in parts:
            part.unlink()
    # A modified font must not pass for the original: its own family name.
    names = merged["name"]
    names.setName(WORLD_FAMILY, 1, 3, 1, 0x409)
    names.setName(weight, 2, 3, 1, 0x409)
    names.setName(f"{WORLD_FAMILY} {weight}", 4, 3, 1, 0x409)
    names.setName(f"NotoSansWorldKiosk-{weight}", 6, 3, 1, 0x409)
    names.removeNames(nameID=16)
    names.removeNames(nameID=17)
    merged["head"].created = merged["head"].modified = TTFont(NOTO_DIR / f"NotoSans-{weight}.ttf")[
        "head"
    ].modified
    merged.recalcTimestamp = False  # the same inputs give the same bytes
    out = OUT_DIR / f"NotoSansWorld-{weight}.ttf"
    merged.save(out)
    return out


def ranges(code_points) -> list[list[int]]:
    """Sorted code points as [first, last] ranges: a short, readable coverage file."""
    result: list[list[int]] = []
    for code in sorted(code_points):
        if result and result[-1][1] == code - 1:
            result[-1][1] = code
        else:
            result.append([code, code])
    return result


def write_coverage(korean: Path, world: Path) -> Path:
    """coverage.json: the faces in the order the app tries them, and what each draws."""
    faces = [
        {
            "name": "KioskSans",
            "regular": korean.name,
            "bold": korean.name.replace("Regular", "Bold"),
            "optional": False,
            "ranges": ranges(TTFont(korean).getBestCmap()),
        },
        {
            "name": "KioskWorld",
            "regular": world.name,
            "bold": world.name.replace("Regular", "Bold"),
            "optional": False,
            "ranges": ranges(TTFont(world).getBestCmap()),
        },
    ]
    if OPTIONAL_CJK.exists():
        faces.append(
            {
                "name": "KioskCJK",
                "regular": str(OPTIONAL_CJK),
                "bold": str(OPTIONAL_CJK_BOLD),
                "optional": True,
                "package": "fonts-noto-cjk",
                "ranges": ranges(TTFont(OPTIONAL_CJK, fontNumber=0).getBestCmap()),
            }
        )
    else:
        sys.exit(
            f"{OPTIONAL_CJK} is missing: apt-get install -y --no-install-recommends fonts-noto-cjk"
        )
    out = OUT_DIR / "coverage.json"
    out.write_text(json.dumps({"faces": faces}, separators=(",", ":")) + "\n", encoding="utf-8")
    return out


def main() -> None:
    built = {}
    for weight in WEIGHTS:
        built[weight] = build(weight), build_world(weight)
        for out in built[weight]:
            print(f"{out}: {out.stat().st_size:,} bytes")
    out = write_coverage(*built["Regular"])
    print(f"{out}: {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
