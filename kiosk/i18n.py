"""The terminal's own texts in the visitor's language (gettext catalogs, read with Babel).

Two kinds of text are translated here:

- the built-in screen texts of :data:`dialog_config.texts.SCREEN_TEXTS`,
  whose English text is the message id and which a dialog file may
  override in its ``texts:`` (:func:`screen_text`);
- the app's own strings, every one listed in :data:`APP_STRINGS`
  (:func:`gettext`).

Catalogs are ``kiosk/locale/<lang>/LC_MESSAGES/kiosk.po``, read at run time
with Babel (:mod:`dialog_config.catalogs`, shared with the reports). Each
catalog is read once, on first use, and cached; :func:`preload` reads them
at start-up so that a broken file stops the app there rather than in the
middle of a visit. English needs no
catalog: the message id is the English text.

Texts may hold ``{placeholders}`` for :meth:`str.format`; translations keep
them. Plain Python, no Kivy: tests and the CLI use it without a display.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

from dialog_config import Dialog, catalogs
from dialog_config.catalogs import CatalogError as CatalogError
from dialog_config.texts import SCREEN_TEXTS

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"
#: The language of the message ids; it needs no catalog.
SOURCE_LANGUAGE = "en"

#: Every string the app itself shows, besides the screen texts: the gettext
#: message ids the screens pass to :func:`gettext`. ``kiosk.pot`` lists
#: exactly these plus the English screen texts (a test checks it), so add a
#: string here and to the catalogs in one change.
APP_STRINGS: tuple[str, ...] = (
    # the outbox cannot store visits: the visitor's screen, then the operator's
    "Out of order",
    "This terminal cannot save feedback right now. Please tell a member of staff.",
    "The outbox is out of order: {reason}",
    "Messages kept in the quarantine: {count}",
    # operator screen
    "Operator",
    "Enter PIN",
    "Wrong PIN",
    "Locked for {minutes} min",
    "Outbox",
    "Pending",
    "Delivered",
    "Rejected",
    "Last errors",
    "Dialog in use",
    "Warnings",
    "Reload dialog",
    "Camera test",
    "Microphone test",
    "Leave the app",
    "Close",
    "Camera: {state}",
    "Microphone: {state}",
    "Dialog reloaded",
    "The dialog file has errors; the previous one stays in use",
    "The dialog file has errors; the last good dialog runs instead",
    "The dialog file has errors; the bundled default dialog runs instead",
    "Nothing to show",
    # visitor screens
    "Recording… {seconds} s left",
    "characters left: {count}",
    "Skip",
    "Next",
    "Your name",
    "Not the best",
    "Excellent",
    "How likely are you to recommend us to a friend?",
    "Not at all likely",
    "Extremely likely",
    "Touch to start",
    "Scan to leave a review",
    "Nothing was heard; please try again",
    # asked before an idle reset (WCAG 2.2.1)
    "Do you need more time?",
    "Yes, more time",
    "Otherwise the screen goes back to the start in {seconds} s",
)


def catalog_path(language: str) -> Path:
    """Where the catalog of ``language`` (``ru``, ``pt-BR``…) lives, whether or not it exists."""
    return catalogs.catalog_path(LOCALE_DIR, DOMAIN, language)


def shipped_languages() -> tuple[str, ...]:
    """The languages the terminal has its own texts in: English and every catalog
    (``pt-BR`` for the folder ``pt_BR``)."""
    found = {
        path.parent.parent.name.replace("_", "-")
        for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    }
    return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))


@functools.cache
def translations(language: str) -> Mapping[str, str]:
    """The usable translations of ``language``: message id → text, read once and cached.

    A regional language without a catalog of its own (``pt-BR``) uses the
    catalog of its language (``pt``); a language without any catalog has no
    translations, so everything falls back to English. Fuzzy and empty
    entries are left out: they are drafts, not translations.
    """
    return catalogs.find_translations(LOCALE_DIR, DOMAIN, language)


def gettext(language: str, msgid: str, **values: object) -> str:
    """``msgid`` in ``language``, else in English; ``values`` fill its ``{placeholders}``."""
    text = translations(language).get(msgid, msgid) if language != SOURCE_LANGUAGE else msgid
    return text.format(**values) if values else text


def screen_text(dialog: Dialog, name: str, language: str) -> str:
    """A built-in screen text: the dialog's own ``texts`` entry, else the catalog's.

    ``name`` is a key of :data:`dialog_config.texts.SCREEN_TEXTS`.
    """
    override = dialog.texts.get(name)
    if override is not None:
        return override.get(language)
    try:
        english = SCREEN_TEXTS[name].english
    except KeyError:
        raise KeyError(
            f"{name!r} is not a screen text; the names are the keys of "
            "dialog_config.texts.SCREEN_TEXTS"
        ) from None
    return gettext(language, english)


@functools.cache
def language_name(code: str) -> str:
    """The language's own name as a language button shows it: Русский, Italiano, 한국어;
    an unknown code as it is."""
    return catalogs.language_display_name(code, code)


def preload(languages: Iterable[str]) -> None:
    """Reads the catalogs of ``languages`` now; raises :class:`CatalogError` for a broken one."""
    for language in languages:
        translations(language)
