"""The report's texts: its gettext catalogs, and how the report picks a language."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from dialog_config.catalogs import CatalogError
from kiosk.i18n import LOCALE_DIR as TERMINAL_LOCALE_DIR
from reports import texts
from reports.texts import LOCALE_DIR, STRINGS, TEXTS, catalog_path, strings_for, translations
from support.catalogs import SHIPPED_LANGUAGES, catalog_ids, plural_rule_problems, read_catalog

MSGIDS = tuple(text.english for text in TEXTS.values())
PLACEHOLDER = re.compile(r"\{(\w*)\}")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test reads the catalogs anew (one test points LOCALE_DIR elsewhere)."""
    translations.cache_clear()
    yield
    translations.cache_clear()


def test_texts_are_unique():
    assert len(set(MSGIDS)) == len(MSGIDS)


def test_the_template_lists_exactly_the_texts():
    assert catalog_ids(read_catalog(LOCALE_DIR / "reports.pot")) == list(MSGIDS)


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_text_has_a_finished_translation(language):
    catalog = read_catalog(catalog_path(language))
    assert sorted(catalog_ids(catalog)) == sorted(MSGIDS), "run the catalog through the .pot again"
    for msgid in MSGIDS:
        message = catalog[msgid]
        assert message.string.strip(), f"{language}: {msgid!r} has no translation"
        assert not message.fuzzy, f"{language}: {msgid!r} is fuzzy; review it and drop the flag"


def test_the_report_has_a_catalog_for_every_language_the_terminal_speaks():
    def shipped(locale_dir, domain):
        return {path.parent.parent.name for path in locale_dir.glob(f"*/LC_MESSAGES/{domain}.po")}

    assert (
        shipped(LOCALE_DIR, "reports")
        == shipped(TERMINAL_LOCALE_DIR, "kiosk")
        == set(SHIPPED_LANGUAGES)
    )


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_the_catalog_declares_its_language_and_the_cldr_plural_rule(language):
    assert plural_rule_problems(read_catalog(catalog_path(language)), language) == []


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_translations_keep_the_placeholders(language):
    catalog = read_catalog(catalog_path(language))
    for msgid in MSGIDS:
        translated = catalog[msgid].string
        assert PLACEHOLDER.findall(translated) == PLACEHOLDER.findall(msgid), (
            f"{language}: {msgid!r} → {translated!r}"
        )


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_catalogs_pass_msgfmt_check(language):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt is missing: apt-get install gettext (make test installs it)")
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(catalog_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_report_speaks_every_language_with_a_catalog():
    assert sorted(STRINGS) == sorted(
        ["en", *(code.replace("_", "-") for code in SHIPPED_LANGUAGES)]
    )
    assert (
        strings_for("ko")["period"].format("2026-03-01", "2026-03-31")
        == "기간: 2026-03-01 – 2026-03-31"
    )


def test_a_regional_language_uses_its_language_and_others_english():
    assert strings_for("ru-RU")["sheet_comments"] == "Комментарии"
    assert strings_for("pt-AO")["phone"] == "Telefone"
    assert strings_for("pt-BR")["with_callback"] == "Retorno solicitado"
    assert strings_for("pt")["with_callback"] == "Pedido de contacto"
    assert strings_for("ja")["sheet_comments"] == "Comments"


def test_a_text_the_catalog_lacks_or_has_as_a_draft_is_english(tmp_path, monkeypatch):
    catalog = tmp_path / "it" / "LC_MESSAGES" / "reports.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid "Summary"\nmsgstr "Riepilogo"\n\n#, fuzzy\nmsgid "Comments"\nmsgstr "Commenti?"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(texts, "LOCALE_DIR", tmp_path)
    it = strings_for("it")
    assert (it["sheet_summary"], it["sheet_comments"], it["phone"]) == (
        "Riepilogo",
        "Comments",
        "Phone",
    )
    assert dict(STRINGS["it"]) == {"sheet_summary": "Riepilogo"}


def test_a_broken_catalog_is_reported_with_its_file(tmp_path, monkeypatch):
    broken = tmp_path / "ru" / "LC_MESSAGES" / "reports.po"
    broken.parent.mkdir(parents=True)
    broken.write_text('msgid "Summary"\nmsgtsr "Сводка"\n', encoding="utf-8")
    monkeypatch.setattr(texts, "LOCALE_DIR", tmp_path)
    with pytest.raises(CatalogError, match=r"reports\.po.*msgfmt --check"):
        strings_for("ru")
