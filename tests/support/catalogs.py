"""Reading gettext catalogs as the catalog tests of the terminal and the reports do."""

from __future__ import annotations

from gettext import c2py

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

#: Counts where plural rules differ: 0, 1, 2, the teens, 21-24, 101, 111, a million.
PLURAL_SAMPLES = (*range(0, 130), 1001, 1011, 1021, 1_000_000, 2_000_000, 1_000_001)


def read_catalog(path):
    """The catalog at ``path``; a malformed file fails rather than reading partly."""
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def catalog_ids(catalog) -> list[str]:
    """The message ids, less the header entry."""
    return [message.id for message in catalog if message.id]


def plural_rule_problems(catalog, language: str) -> list[str]:
    """How the catalog's language and plural rule differ from CLDR's for ``language``."""
    problems = []
    if str(catalog.locale) != language:
        problems.append(f"declares language {catalog.locale}, not {language}")
    cldr = get_plural(language)
    if catalog.num_plurals != cldr.num_plurals:
        problems.append(f"{catalog.num_plurals} plural forms, CLDR has {cldr.num_plurals}")
    declared, expected = c2py(catalog.plural_expr), c2py(cldr.plural_expr)
    wrong = [n for n in PLURAL_SAMPLES if declared(n) != expected(n)]
    if wrong:
        problems.append(f"the plural rule picks another form than CLDR for {wrong[:10]}")
    return problems


#: Every language the terminal ships texts for, the reports too (the English
#: source aside): what the catalog tests of both check.
SHIPPED_LANGUAGES = (
    "ru",
    "it",
    "ko",
    "de",
    "fr",
    "es",
    "pt",
    "pt_BR",
    "nl",
    "pl",
    "uk",
    "tr",
    "cs",
    "sv",
    "da",
    "nb",
    "fi",
    "el",
    "ro",
    "hu",
    "ar",
    "he",
)
