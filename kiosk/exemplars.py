"""The letters a language is written with: CLDR's exemplar sets (Debian's unicode-cldr-core).

Not used by the running app: the keyboard generator
(``assets/keyboards/make_layouts.py``) reads them to give each layout its
long-press variants, and the tests read them to prove every letter can be
typed. CLDR's XML is the source rather than Babel, whose data leaves the
exemplar sets out.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from functools import cache
from pathlib import Path

#: Where Debian's unicode-cldr-core installs CLDR's XML.
CLDR_DIR = Path("/usr/share/unicode/cldr/common")
#: ``\u064B``, ``\U0001F600`` and ``\x`` (a quoted character) inside a UnicodeSet.
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")


class CldrMissing(RuntimeError):
    """CLDR's XML is not installed where it is looked for."""


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)) if (m[1] or m[2]) else m[3], text)


def parse_unicode_set(text: str) -> list[str]:
    """The items of a CLDR exemplar UnicodeSet such as ``[a ä b {ch} c-e]``, in its order.

    Handles what CLDR's exemplar sets use: single characters, ranges
    ``a-z``, strings ``{ch}`` and backslash escapes.
    """
    body = text.strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise ValueError(f"not a UnicodeSet: {text!r}")
    body = body[1:-1]
    items: list[str] = []
    index = 0
    tokens: list[str] = []
    while index < len(body):
        char = body[index]
        if char.isspace():
            index += 1
        elif char == "{":
            end = body.index("}", index)
            tokens.append("{" + _unescape(body[index + 1 : end]))
            index = end + 1
        elif char == "\\":
            match = _ESCAPE.match(body, index)
            if match is None:
                raise ValueError(f"a lone backslash in {text!r}")
            tokens.append(_unescape(match[0]))
            index = match.end()
        elif char == "-" and tokens and index + 1 < len(body) and not body[index + 1].isspace():
            tokens.append("-range")
            index += 1
        else:
            tokens.append(char)
            index += 1
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if position + 2 < len(tokens) and tokens[position + 1] == "-range":
            first, last = token, tokens[position + 2]
            items += [chr(code) for code in range(ord(first), ord(last) + 1)]
            position += 3
            continue
        items.append(token[1:] if token.startswith("{") else token)
        position += 1
    return items


@cache
def _parents(cldr_dir: Path) -> dict[str, str]:
    """CLDR's explicit parent locales (``nb`` → ``no``), from supplementalData.xml."""
    path = cldr_dir / "supplemental" / "supplementalData.xml"
    parents = {}
    for element in ElementTree.parse(path).getroot().iter("parentLocale"):
        for locale in element.get("locales", "").split():
            parents[locale] = element.get("parent", "root")
    return parents


def _chain(locale: str, cldr_dir: Path) -> list[str]:
    """``pt_PT`` → ``[pt_PT, pt]``; ``nb`` → ``[nb, no]``: where CLDR looks for inherited data."""
    chain = []
    while locale and locale != "root":
        chain.append(locale)
        locale = _parents(cldr_dir).get(locale) or locale.rpartition("_")[0]
    return chain


def _main_xml(locale: str, cldr_dir: Path) -> Path:
    path = cldr_dir / "main" / f"{locale}.xml"
    if not (cldr_dir / "main").is_dir():
        raise CldrMissing(
            f"CLDR's data is not in {cldr_dir}: apt-get install unicode-cldr-core "
            "(make test installs it)"
        )
    return path


@cache
def _find(locale: str, kind: str | None, cldr_dir: Path) -> tuple[str, ...]:
    for candidate in _chain(locale, cldr_dir):
        path = _main_xml(candidate, cldr_dir)
        if not path.is_file():
            continue
        for element in ElementTree.parse(path).getroot().iter("exemplarCharacters"):
            if element.get("type") == kind and element.get("alt") is None:
                return tuple(parse_unicode_set(element.text or "[]"))
    raise LookupError(f"CLDR in {cldr_dir} has no exemplar set {kind or 'main'!r} for {locale!r}")


def cldr_locale(language: str) -> str:
    """A BCP 47 tag as CLDR names its files: ``pt-BR`` → ``pt_BR``."""
    primary, _, rest = language.replace("_", "-").partition("-")
    return "_".join(filter(None, [primary.lower(), rest.upper()]))


def letters(language: str, cldr_dir: Path = CLDR_DIR) -> list[str]:
    """The letters of the language's main exemplar set, in CLDR's (alphabetical) order.

    Strings such as Czech ``ch`` count as their letters; marks (Arabic
    harakat) and other non-letters are left out. Each letter is NFC.
    """
    result: list[str] = []
    for item in _find(cldr_locale(language), None, cldr_dir):
        for char in unicodedata.normalize("NFC", item):
            if unicodedata.category(char).startswith("L") and char not in result:
                result.append(char)
    return result


def characters(language: str, cldr_dir: Path = CLDR_DIR) -> list[str]:
    """Every character of the language's main exemplar set, marks included, each once,
    NFC, in CLDR's order: what its texts are written with, so what the fonts must draw."""
    result: dict[str, None] = {}
    for item in _find(cldr_locale(language), None, cldr_dir):
        result.update(dict.fromkeys(unicodedata.normalize("NFC", item)))
    return list(result)


def index_letters(language: str, cldr_dir: Path = CLDR_DIR) -> list[str]:
    """The language's index exemplar set (``A B C …``): the heads of an alphabetical list."""
    return list(_find(cldr_locale(language), "index", cldr_dir))


def language_name(language: str, cldr_dir: Path = CLDR_DIR) -> str:
    """The language's name in itself (``Deutsch``, ``français``), from CLDR."""
    locale = cldr_locale(language)
    code = locale.split("_")[0]
    for candidate in _chain(locale, cldr_dir):
        path = _main_xml(candidate, cldr_dir)
        if not path.is_file():
            continue
        for element in (
            ElementTree.parse(path).getroot().iterfind("localeDisplayNames/languages/language")
        ):
            if element.get("type") == code and element.get("alt") is None:
                return element.text or code
    raise LookupError(f"CLDR in {cldr_dir} has no name for {code!r} in {locale!r}")
