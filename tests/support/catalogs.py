"""Reading gettext catalogs as the catalog tests of the terminal and the reports do."""

from __future__ import annotations

from babel.messages.pofile import read_po


def read_catalog(path):
    """The catalog at ``path``; a malformed file fails rather than reading partly."""
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def catalog_ids(catalog) -> list[str]:
    """The message ids, less the header entry."""
    return [message.id for message in catalog if message.id]
