"""The catalogs of the terminal's own texts, and how screens look texts up."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from dialog_config import check_dialog
from dialog_config.texts import SCREEN_TEXTS
from kiosk import i18n
from kiosk.i18n import (
    APP_STRINGS,
    LOCALE_DIR,
    CatalogError,
    gettext,
    language_name,
    screen_text,
    translations,
)
from support.catalogs import SHIPPED_LANGUAGES, catalog_ids, plural_rule_problems, read_catalog

MSGIDS = tuple(text.english for text in SCREEN_TEXTS.values()) + APP_STRINGS
PLACEHOLDER = re.compile(r"\{(\w*)\}")

DIALOG_YAML = """\
version: 1
languages: [en, ru, it, ko]
texts:
  send: {en: "Submit", ru: "Отправить отзыв", it: "Invia il commento", ko: "의견 보내기"}
topics:
  - id: food
    label: {en: "Food", ru: "Еда", it: "Cibo", ko: "음식"}
"""


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test reads the catalogs anew (one test points LOCALE_DIR elsewhere)."""
    translations.cache_clear()
    yield
    translations.cache_clear()


@pytest.fixture
def dialog():
    result = check_dialog(DIALOG_YAML.encode(), file="d.yaml")
    assert result.dialog is not None, result.errors
    return result.dialog


def test_app_strings_are_unique_and_distinct_from_the_screen_texts():
    assert len(set(MSGIDS)) == len(MSGIDS)


def test_the_template_lists_exactly_the_screen_texts_and_app_strings():
    assert catalog_ids(read_catalog(LOCALE_DIR / "kiosk.pot")) == list(MSGIDS)


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_text_has_a_finished_translation(language):
    catalog = read_catalog(i18n.catalog_path(language))
    assert sorted(catalog_ids(catalog)) == sorted(MSGIDS), "run the catalog through the .pot again"
    for msgid in MSGIDS:
        message = catalog[msgid]
        assert message.string.strip(), f"{language}: {msgid!r} has no translation"
        assert not message.fuzzy, f"{language}: {msgid!r} is fuzzy; review it and drop the flag"


def test_the_locale_folder_holds_exactly_the_shipped_catalogs():
    shipped = {path.parent.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES/kiosk.po")}
    assert shipped == set(SHIPPED_LANGUAGES)


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_the_catalog_declares_its_language_and_the_cldr_plural_rule(language):
    catalog = read_catalog(i18n.catalog_path(language))
    assert plural_rule_problems(catalog, language) == []


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_translations_keep_the_placeholders(language):
    catalog = read_catalog(i18n.catalog_path(language))
    for msgid in MSGIDS:
        translated = catalog[msgid].string
        assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(msgid)), (
            f"{language}: {msgid!r} → {translated!r}"
        )
        values = dict.fromkeys(PLACEHOLDER.findall(msgid), 7)
        translated.format(**values)  # no stray braces


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_catalogs_pass_msgfmt_check(language):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt is missing: apt-get install gettext (make test installs it)")
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(i18n.catalog_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_gettext_translates_and_fills_placeholders():
    assert gettext("ru", "Send") == "Отправить"
    assert gettext("ko", "Back") == "뒤로"
    assert gettext("it", "Locked for {minutes} min", minutes=5) == "Bloccato per 5 min"
    assert gettext("en", "Recording… {seconds} s left", seconds=12) == "Recording… 12 s left"


def test_english_and_unknown_languages_fall_back_to_the_message_id():
    assert gettext("en", "Cancel") == "Cancel"
    assert gettext("zz", "Cancel") == "Cancel"
    assert gettext("ru", "A string no catalog has") == "A string no catalog has"


def test_a_regional_language_uses_its_language_catalog():
    assert gettext("ru-RU", "Cancel") == "Отмена"
    assert gettext("de-AT", "Cancel") == "Abbrechen"


def test_brazil_has_its_own_words_and_portugal_keeps_its_own():
    assert gettext("pt-BR", "Touch the screen to leave feedback") == (
        "Toque na tela para deixar sua opinião"
    )
    assert gettext("pt", "Touch the screen to leave feedback") == (
        "Toque no ecrã para deixar a sua opinião"
    )


def test_the_dialogs_texts_beat_the_catalog(dialog):
    assert screen_text(dialog, "send", "ru") == "Отправить отзыв"
    assert screen_text(dialog, "send", "en") == "Submit"
    assert screen_text(dialog, "back", "ru") == "Назад"
    assert screen_text(dialog, "back", "ko") == "뒤로"
    assert screen_text(dialog, "back", "en") == "Back"


def test_an_unknown_screen_text_name_says_where_the_names_are(dialog):
    with pytest.raises(KeyError, match="SCREEN_TEXTS"):
        screen_text(dialog, "sned", "ru")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("ru", "Русский"),
        ("it", "Italiano"),
        ("ko", "한국어"),
        ("en", "English"),
        ("pt-BR", "Português (Brasil)"),
        ("zz", "zz"),
    ],
)
def test_language_names_as_a_button_shows_them(code, name):
    assert language_name(code) == name


def test_a_broken_catalog_is_reported_with_its_file(tmp_path, monkeypatch):
    broken = tmp_path / "ru" / "LC_MESSAGES" / "kiosk.po"
    broken.parent.mkdir(parents=True)
    broken.write_text('msgid "Send"\nmsgtsr "Отправить"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    with pytest.raises(CatalogError, match=r"kiosk\.po.*msgfmt --check"):
        i18n.preload(["ru"])
