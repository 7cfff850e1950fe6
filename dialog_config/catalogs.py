"""Gettext catalogs read with Babel, and languages named, for every package with texts.

The terminal's screens (``kiosk/locale``) and the reports
(``reports/locale``) keep their texts in catalogs
``<locale dir>/<lang>/LC_MESSAGES/<domain>.po`` whose message ids are the
English texts. They are read at run time with Babel's ``read_po``: a fresh
clone runs without a compile step that could be forgotten or go stale (no
``.mo`` files), and reading a small catalog takes milliseconds. Each
package caches what it reads (see ``kiosk.i18n`` and ``reports.texts``).
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import PoFileError, read_po


class CatalogError(Exception):
    """A catalog file Babel cannot read; the message names the file and what to do."""


def catalog_path(locale_dir: Path, domain: str, language: str) -> Path:
    """Where the catalog of ``language`` (``ru``, ``pt-BR``…) lives, whether or not it exists."""
    return locale_dir / locale_id(language) / "LC_MESSAGES" / f"{domain}.po"


def find_translations(locale_dir: Path, domain: str, language: str) -> dict[str, str]:
    """The usable translations of ``language``: message id → text.

    A regional language without a catalog of its own (``pt-BR``) uses the
    catalog of its language (``pt``); a language without any catalog has no
    translations, so everything falls back to English. Fuzzy and empty
    entries are left out: they are drafts, not translations.
    """
    for candidate in language_candidates(language):
        path = catalog_path(locale_dir, domain, candidate)
        if path.exists():
            return read_catalog(path, domain)
    return {}


def read_catalog(path: Path, domain: str) -> dict[str, str]:
    """The finished translations of one catalog file; :class:`CatalogError` if it is damaged."""
    try:
        with path.open("rb") as file:
            # abort_invalid: a damaged catalog is a bug to fix, not a file to half-use.
            catalog = read_po(file, domain=domain, abort_invalid=True)
    except (OSError, PoFileError, ValueError) as exc:
        raise CatalogError(
            f"{path}: cannot read the translations: {exc}; fix the file "
            f"(`msgfmt --check {path}` shows where) or restore it"
        ) from exc
    return {
        message.id: message.string
        for message in catalog
        if message.id
        and isinstance(message.id, str)
        and message.string
        and isinstance(message.string, str)
        and not message.fuzzy
    }


def language_display_name(code: str, in_language: str) -> str:
    """The name of language ``code`` in ``in_language``, capitalised as a heading or a
    button shows it: ``ru`` in ``en`` → Russian, in ``ru`` → Русский.

    Babel gives names as they appear inside a sentence ("русский",
    "italiano"); alone they start with a capital letter, as every language
    menu writes them. Scripts without case (한국어) are unchanged. An
    unknown code is shown as it is.
    """
    try:
        name = Locale.parse(locale_id(code)).get_display_name(Locale.parse(locale_id(in_language)))
    except (ValueError, UnknownLocaleError, TypeError):
        return code
    return name[:1].upper() + name[1:] if name else code


def language_candidates(language: str) -> tuple[str, ...]:
    """``pt-BR`` → (``pt-BR``, ``pt``); ``ru`` → (``ru``,)."""
    base = language.split("-", 1)[0]
    return (language,) if base == language else (language, base)


def locale_id(language: str) -> str:
    """A BCP 47 tag as gettext and Babel name locales: ``pt-BR`` → ``pt_BR``."""
    return language.replace("-", "_")


def is_rtl_language(language: str) -> bool:
    """Whether a language writes right to left (CLDR's character order): the screens
    mirror for it and the report's sheets run from the right."""
    try:
        locale = Locale.parse(locale_id(language))
    except (ValueError, UnknownLocaleError):
        return False
    return locale.character_order == "right-to-left"
