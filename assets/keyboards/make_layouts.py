"""Writes the on-screen keyboard layouts from xkeyboard-config and CLDR.

The letter keys of each layout are those of the keyboard people in that
country know, read from xkeyboard-config's symbols files (Debian's
``xkb-data``): the three letter rows, level 1 (and level 2, shift, where
the letter has a capital). Letters of the language's CLDR exemplar set
(Debian's ``unicode-cldr-core``) that no key types are put on the key of
their base letter as long-press variants (é è ê ë on e), as phone
keyboards do. Run from the project's folder::

    apt-get install xkb-data unicode-cldr-core
    PYTHONPATH=. .venv/bin/python assets/keyboards/make_layouts.py

It rewrites the generated ``<name>.json`` files beside itself (``en``,
``it``, ``ru``, ``ko`` and ``phone`` are written by hand and left alone)
and stops with a message if a letter of the language would have no key.
``--check DIR`` writes into DIR instead, for the test that the committed
files are what this script makes.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kiosk import exemplars

HERE = Path(__file__).resolve().parent
#: Where Debian's xkb-data installs xkeyboard-config's symbols files.
XKB_SYMBOLS_DIR = Path("/usr/share/X11/xkb/symbols")


@dataclass(frozen=True)
class Source:
    """One generated layout: its file name, the xkb symbols (``file`` or ``file(section)``)."""

    name: str
    xkb: str
    #: Letters CLDR lists that no key of the xkb layout types at level 1 or 2
    #: and that decompose to no key's letter: the key whose variants they join.
    bases: dict[str, str] = field(default_factory=dict)
    #: What the keys beside the space bar type.
    comma: str = ","
    period: str = "."


#: Letters with no canonical decomposition, and the key a phone keyboard puts them on.
COMMON_BASES = {"ß": "s", "æ": "a", "œ": "o", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}

SOURCES = [
    Source("de", "de"),  # QWERTZ
    Source("fr", "fr"),  # AZERTY
    Source("es", "es"),
    Source("pt", "pt"),  # Portugal
    Source("pt-br", "br"),  # Brazil, ABNT2
    Source("nl", "nl"),
    Source("pl", "pl"),  # Polish programmer's: QWERTY, ą ę ł … on long press
    Source("uk", "ua"),  # ЙЦУКЕН with і ї є ґ and the apostrophe ʼ
    Source("tr", "tr"),  # Turkish Q
    Source("cs", "cz"),  # QWERTZ
    Source("sv", "se"),
    Source("da", "dk"),
    Source("nb", "no"),
    Source("fi", "fi"),
    Source("el", "gr"),
    Source("ro", "ro"),
    Source("hu", "hu"),  # QWERTZ
    Source("ar", "ara", comma="،"),
    Source("he", "il"),
]

#: The letter rows, top to bottom, by xkb key name. LSGT (left of Z on ISO
#: keyboards) and BKSL (right of the home row) hold letters in some countries.
LETTER_ROWS = (
    [f"AD{n:02}" for n in range(1, 13)],
    [f"AC{n:02}" for n in range(1, 12)] + ["BKSL"],
    ["LSGT"] + [f"AB{n:02}" for n in range(1, 11)],
)
#: Keys outside the letter rows where some countries have a letter (Arabic ذ).
OTHER_KEYS = ["TLDE"] + [f"AE{n:02}" for n in range(1, 13)]
#: Shift and backspace are at least this wide, the symbols and done keys this (key units).
SIDE_KEY_UNITS = 1.5


class GenerationError(Exception):
    pass


# xkb symbols files -------------------------------------------------------------------


@cache
def _xkbcommon() -> ctypes.CDLL:
    name = ctypes.util.find_library("xkbcommon")
    if name is None:
        raise GenerationError("libxkbcommon is missing: apt-get install libxkbcommon0")
    library = ctypes.CDLL(name)
    library.xkb_keysym_from_name.argtypes = [ctypes.c_char_p, ctypes.c_int]
    library.xkb_keysym_from_name.restype = ctypes.c_uint32
    library.xkb_keysym_to_utf32.argtypes = [ctypes.c_uint32]
    library.xkb_keysym_to_utf32.restype = ctypes.c_uint32
    return library


def keysym_text(name: str) -> str:
    """What a keysym (``adiaeresis``, ``Cyrillic_ie``, ``U0491``) types; empty for dead keys."""
    library = _xkbcommon()
    keysym = library.xkb_keysym_from_name(name.encode("ascii"), 0)
    code = library.xkb_keysym_to_utf32(keysym) if keysym else 0
    return chr(code) if code >= 0x20 else ""


_SECTION = re.compile(
    r'^[a-z_ ]*xkb_symbols\s+"(?P<name>[^"]+)"\s*\{(?P<body>.*?)^\};', re.M | re.S
)
_STATEMENT = re.compile(
    r'(?P<include>(?:include|augment|override|replace)\s+"(?P<what>[^"]+)")'
    r"|(?:replace\s+|override\s+)?key\s+<(?P<key>[A-Z0-9]+)>\s*\{(?P<keybody>[^}]*)\}"
)


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|#[^\n]*", "", text)


@cache
def _sections(file: str) -> tuple[dict[str, str], str]:
    path = XKB_SYMBOLS_DIR / file
    if not path.is_file():
        raise GenerationError(
            f"{path} is missing: apt-get install xkb-data (make test installs it)"
        )
    text = _strip_comments(path.read_text(encoding="utf-8"))
    sections, default = {}, ""
    for match in _SECTION.finditer(text):
        sections[match["name"]] = match["body"]
        header = text[text.rfind("\n", 0, match.start()) + 1 : match.start("name")]
        if "default" in header or not default:
            default = match["name"] if "default" in header or not default else default
    return sections, default


def _levels(body: str) -> list[str]:
    """The keysyms of group 1 in a key's body: ``[ a, A ]`` or ``symbols[Group1] = [ … ]``."""
    body = re.sub(r"actions\s*\[[^\]]*\]\s*=\s*\[[^\]]*\]", "", body)
    body = re.sub(r"type\s*(\[[^\]]*\])?\s*=\s*\"[^\"]*\"", "", body)
    symbols = re.search(r"symbols\s*\[\s*Group1\s*\]\s*=\s*\[([^\]]*)\]", body)
    plain = symbols or re.search(r"\[([^\]]*)\]", body)
    return [name.strip() for name in plain[1].split(",")] if plain else []


def _merge(keys: dict[str, list[str]], name: str, levels: list[str]) -> None:
    """Puts ``levels`` on key ``name``; NoSymbol keeps what was there on that level."""
    merged = list(keys.get(name, []))
    for level, keysym in enumerate(levels):
        if level >= len(merged):
            merged.append(keysym)
        elif keysym != "NoSymbol":
            merged[level] = keysym
    if merged:
        keys[name] = merged


def xkb_keys(spec: str) -> dict[str, list[str]]:
    """Key name → keysyms by level for ``file`` or ``file(section)``, includes resolved."""
    file, _, section = spec.partition("(")
    sections, default = _sections(file)
    section = section.rstrip(")") or default
    if section not in sections:
        raise GenerationError(f"{XKB_SYMBOLS_DIR / file} has no section {section!r}")
    keys: dict[str, list[str]] = {}
    for match in _STATEMENT.finditer(sections[section]):
        if match["include"]:
            for part in re.split(r"[+|]", match["what"]):
                if part and not part[0].isdigit():
                    for name, levels in xkb_keys(re.sub(r":\d+$", "", part)).items():
                        _merge(keys, name, levels)
        else:
            _merge(keys, match["key"], _levels(match["keybody"]))
    return keys


# Layouts --------------------------------------------------------------------------------


def _letter(name: str) -> str:
    """The letter a keysym types, with Arabic presentation forms as letters (ﻻ → لا); or ''."""
    text = keysym_text(name) if name and name != "NoSymbol" else ""
    if len(text) != 1:
        return ""
    if unicodedata.category(text).startswith("L") and 0xFB50 <= ord(text) <= 0xFEFF:
        text = unicodedata.normalize("NFKC", text)
    return text if all(unicodedata.category(char).startswith("L") for char in text) else ""


def _cased(letter: str) -> bool:
    return letter.upper() != letter or letter.lower() != letter


def _shifted(text: str, level2: str) -> str | None:
    """What shift types when it differs from the loader's default (``i`` → ``İ`` in Turkish)."""
    upper = text.upper()
    default = upper if len(text) == 1 and len(upper) == 1 else text
    if _cased(text) and level2 and level2 != default:
        return level2
    return None


def letter_rows(keys: dict[str, list[str]]) -> list[list[dict]]:
    rows = []
    for names in LETTER_ROWS:
        row = []
        for name in names:
            levels = keys.get(name, [])
            text = _letter(levels[0]) if levels else ""
            if not text:
                continue
            key: dict = {"text": text}
            drawn = keysym_text(levels[0])
            if drawn != text:
                # Lam-alef types two letters but is drawn as the one glyph on the
                # key, whichever direction the label is laid out in.
                key["label"] = drawn
            shifted = _shifted(text, _letter(levels[1]) if len(levels) > 1 else "")
            if shifted:
                key["shifted"] = shifted
            row.append(key)
        rows.append(row)
    return rows


def _typed(rows: list[list[dict]]) -> set[str]:
    typed = set()
    for row in rows:
        for key in row:
            text = key["text"]
            typed |= {text, key.get("shifted", text.upper() if len(text.upper()) == 1 else text)}
    return typed


def add_variants(source: Source, rows: list[list[dict]], keys: dict[str, list[str]]) -> None:
    """Gives every CLDR letter a key: its own (from outside the letter rows) or a long press."""
    letters = exemplars.letters(source.name)
    keyed = {key["text"]: key for row in rows for key in row}
    bases = COMMON_BASES | source.bases

    def base_of(letter: str) -> str:
        base = unicodedata.normalize("NFD", letter)[0]
        return base if base in keyed else bases.get(letter, "")

    # A letter of the language outside the letter rows (Arabic ذ left of 1,
    # the Ukrainian apostrophe) with no base letter on a key: a key of its own.
    for name in OTHER_KEYS:
        for level in keys.get(name, [])[:2]:
            letter = _letter(level)
            if letter in letters and letter not in _typed(rows) and base_of(letter) not in keyed:
                rows[2].append({"text": letter})
                keyed[letter] = rows[2][-1]
    typed = _typed(rows)
    for letter in letters:
        if letter in typed or letter.lower() in typed:
            continue
        base = base_of(letter)
        if base not in keyed:
            raise GenerationError(
                f"{source.name}: no key for {letter!r} (U+{ord(letter):04X}): it does not "
                f"decompose to a letter of {source.xkb}; name its key in Source.bases"
            )
        keyed[base].setdefault("variants", []).append(letter)


def arrange(source: Source, rows: list[list[dict]], space_label: str) -> dict:
    """Rows of equal width: gaps centre short rows; shift and backspace flank the bottom letters."""
    top, home, bottom = rows
    width = max(len(top), len(home), len(bottom) + 2 * SIDE_KEY_UNITS)
    arranged = []
    for row in (top, home):
        indent = (width - len(row)) / 2
        gap = [{"action": "gap", "width": indent}] if indent else []
        arranged.append(gap + row + gap)
    side = (width - len(bottom)) / 2
    # A script without capitals (Arabic, Hebrew) has no shift key; a gap keeps the letters centred.
    cased = any(_cased(key["text"]) for row in rows for key in row)
    left = {"action": "shift" if cased else "gap", "width": side}
    arranged.append([left] + bottom + [{"action": "backspace", "width": side}])
    arranged.append(
        [
            {"action": "layer", "to": "symbols", "width": SIDE_KEY_UNITS},
            source.comma,
            {"action": "space", "width": width - 2 * SIDE_KEY_UNITS - 2},
            source.period,
            {"action": "done", "width": SIDE_KEY_UNITS},
        ]
    )
    # The first three letters of the alphabet that carry no accent: ABC, АБВ, ΑΒΓ, אבג.
    plain = [
        c for c in exemplars.index_letters(source.name) if len(unicodedata.normalize("NFD", c)) == 1
    ]
    letters_label = "".join(plain[:3])
    return {
        "format": 1,
        "source": f"xkeyboard-config symbols/{source.xkb}; CLDR exemplars of {source.name}",
        "labels": {"space": space_label},
        "layers": {
            "letters": {"label": letters_label, "rows": arranged},
            "symbols": {"label": "123", "use": "symbols"},
        },
    }


def _compact(value) -> object:
    """Whole-number widths as integers (``5`` rather than ``5.0``), as the hand-written files."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def render(layout: dict) -> str:
    """The JSON as the hand-written files have it: one line per row of keys."""

    def dumps(value) -> str:
        return json.dumps(_compact(value), ensure_ascii=False)

    def short(key: dict) -> dict | str:
        return key["text"] if set(key) == {"text"} else key

    letters = layout["layers"]["letters"]
    rows = ",\n".join(f"        {dumps([short(key) for key in row])}" for row in letters["rows"])
    return (
        "{\n"
        f'  "format": {layout["format"]},\n'
        f'  "source": {dumps(layout["source"])},\n'
        f'  "labels": {dumps(layout["labels"])},\n'
        '  "layers": {\n'
        '    "letters": {\n'
        f'      "label": {dumps(letters["label"])},\n'
        '      "rows": [\n'
        f"{rows}\n"
        "      ]\n"
        "    },\n"
        f'    "symbols": {dumps(layout["layers"]["symbols"])}\n'
        "  }\n"
        "}\n"
    )


def layout_for(source: Source) -> dict:
    keys = xkb_keys(source.xkb)
    rows = letter_rows(keys)
    add_variants(source, rows, keys)
    name = exemplars.language_name(source.name)
    return arrange(source, rows, name[:1].upper() + name[1:])


def generate(directory: Path) -> Iterator[Path]:
    for source in SOURCES:
        path = directory / f"{source.name}.json"
        path.write_text(render(layout_for(source)), encoding="utf-8")
        yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", type=Path, metavar="DIR", help="write into DIR instead of beside this script"
    )
    args = parser.parse_args(argv)
    try:
        for path in generate(args.check or HERE):
            print(path)
    except (GenerationError, exemplars.CldrMissing) as exc:
        print(f"make_layouts: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
