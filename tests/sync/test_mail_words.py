"""The mail's own words come in every language the terminal speaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.targets.mail_format import WORDS, subject, words_in

KIOSK_LOCALE = Path(__file__).resolve().parents[2] / "kiosk" / "locale"
TERMINAL_LANGUAGES = sorted(
    path.parent.parent.name.replace("_", "-") for path in KIOSK_LOCALE.glob("*/LC_MESSAGES/*.po")
)


def test_every_language_with_interface_texts_has_the_mails_words():
    assert set(TERMINAL_LANGUAGES) <= set(WORDS)


@pytest.mark.parametrize("language", sorted(WORDS))
def test_each_language_has_every_word_filled(language):
    assert WORDS[language].keys() == WORDS["en"].keys()
    assert all(word.strip() for word in WORDS[language].values())


def test_a_regional_language_uses_its_base_language_then_english():
    assert words_in("de-AT") is WORDS["de"]
    assert words_in("pt-BR") is WORDS["pt-BR"]
    assert words_in("zz") is WORDS["en"]


def test_the_subject_speaks_the_dialogs_language():
    message = {
        "site": "Café Central",
        "tone": "complaint",
        "path": [{"label": "Bedienung"}],
    }
    assert subject(message, "de").startswith("[Café Central] Beschwerde: Bedienung")
