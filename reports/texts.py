"""The report's own texts (sheet names, headers, notes) in the report's language.

The English text of each is the gettext message id; the translations are
in ``reports/locale/<lang>/LC_MESSAGES/reports.po``, read with Babel as the
terminal reads its own (:mod:`dialog_config.catalogs`): once per language,
on first use. ``reports.pot`` lists exactly the texts of :data:`TEXTS`
(a test checks it), so add a text here and to the catalogs in one change.
A text missing from a catalog, or still fuzzy there, is shown in English.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from dialog_config import catalogs

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "reports"
#: The language of the message ids, which needs no catalog, and of a report in a
#: language without one.
FALLBACK_LANGUAGE = "en"


class ReportText(NamedTuple):
    english: str
    #: What the text is for, as the catalogs show it to translators.
    description: str


#: The report's texts by the name the layout uses. ``{}`` is filled in with
#: :meth:`str.format`; translations keep it.
TEXTS: dict[str, ReportText] = {
    "sheet_summary": ReportText(
        "Summary", "Name of the first sheet: counts, ratings and the score by week"
    ),
    "sheet_classifier": ReportText(
        "Classifier", "Name of the sheet with the tree of what visitors chose"
    ),
    "sheet_comments": ReportText(
        "Comments", "Name of the sheet with the visitors' written comments"
    ),
    "sheet_callbacks": ReportText(
        "Callbacks", "Name of the sheet with the visitors who asked to be called back"
    ),
    "title": ReportText("Visitor feedback report", "Title at the top of the summary sheet"),
    "site": ReportText("Site: {}", "Note under the title; {} is the site's name"),
    "terminal": ReportText("Terminal: {}", "Note under the title; {} is the terminal's id"),
    "period": ReportText(
        "Period: {} – {}", "Note under the title; {} are the first and the last day"
    ),
    "timezone": ReportText(
        "Time zone: {}", "Note under the title; {} is a time zone such as Europe/Rome"
    ),
    "generated": ReportText(
        "Generated: {}", "Note under the title; {} is the date and time the report was made"
    ),
    "no_messages": ReportText(
        "No messages in this period.", "Note under the title when the period has no messages"
    ),
    "indicator": ReportText("Indicator", "Column header: what is counted"),
    "count": ReportText("Count", "Column header: how many"),
    "share": ReportText("Share", "Column header: the share of the total, as a percentage"),
    "messages": ReportText("Messages", "Row and column header: the number of messages"),
    "with_rating": ReportText("With a rating", "Row: messages with a rating"),
    "with_text": ReportText("With a comment", "Row: messages with a written comment"),
    "with_voice": ReportText("With a voice message", "Row: messages with a voice message"),
    "with_callback": ReportText("Callback requested", "Row: messages that ask to be called back"),
    "ratings": ReportText(
        "Ratings: {}", "Caption of a rating table; {} is the rating question's kind"
    ),
    "scheme_smileys": ReportText(
        "smileys, 1–{}", "A rating question's kind; {} is the number of faces"
    ),
    "scheme_nps": ReportText(
        "NPS question, 0–10",
        "A rating question's kind: the 0..10 'would you recommend us' question",
    ),
    "rating": ReportText("Rating", "Column header: the rating a visitor gave"),
    "rating_scale": ReportText(
        "Rating ({})", "Column header: the rating a visitor gave; {} is its range, such as 1–4"
    ),
    "promoters": ReportText("Promoters (9–10)", "Row: NPS answers 9 and 10"),
    "passives": ReportText("Passives (7–8)", "Row: NPS answers 7 and 8"),
    "detractors": ReportText("Detractors (0–6)", "Row: NPS answers 0 to 6"),
    "nps": ReportText("NPS", "The Net Promoter Score (an abbreviation most languages keep)"),
    "satisfied": ReportText(
        "Satisfied ({})", "Row: the happier half of the faces; {} is their range, such as 3–4"
    ),
    "satisfied_share": ReportText(
        "Satisfied, share", "Column header: the share of satisfied visitors by week"
    ),
    "by_week": ReportText("By week", "Caption of the table by week"),
    "week": ReportText("Week from", "Column header: the first day of a week"),
    "weekly_chart": ReportText(
        "Messages and score by week", "Title of the chart of messages and score by week"
    ),
    "weekly_x": ReportText("Week", "Axis title of the chart by week"),
    "tree": ReportText(
        "Topic / category / detail", "Column header of the tree of what visitors chose"
    ),
    "level": ReportText(
        "Level", "Column header: the level in the tree (topic, category or detail)"
    ),
    "level_topic": ReportText("Topic", "A level in the tree: the top row of buttons"),
    "level_category": ReportText("Category", "A level in the tree: under a topic"),
    "level_detail": ReportText("Detail", "A level in the tree: under a category"),
    "id": ReportText("ID", "Column header: the ids of a choice, as the dialog file names it"),
    "rank": ReportText("Rank", "Column header: the place in the list of most frequent choices"),
    "choice": ReportText(
        "Choice", "Column header: what a visitor chose (topic › category › detail)"
    ),
    "top_chart": ReportText(
        "Most frequent choices", "Title of the bar chart of the most frequent choices"
    ),
    "time": ReportText("Time", "Column header: when a message was left"),
    "language": ReportText("Language", "Column header: the language the visitor used"),
    "comment": ReportText("Comment", "Column header: the text a visitor wrote"),
    "callback": ReportText(
        "Callback", "Column header: whether the visitor asked to be called back (yes or no)"
    ),
    "yes": ReportText("Yes", "Cell: yes"),
    "no": ReportText("No", "Cell: no"),
    "name": ReportText("Name", "Column header: the name a visitor gave for the callback"),
    "phone": ReportText("Phone", "Column header: the phone number to call back"),
}


def catalog_path(language: str) -> Path:
    """Where the report's catalog of ``language`` lives, whether or not it exists."""
    return catalogs.catalog_path(LOCALE_DIR, DOMAIN, language)


@functools.cache
def translations(language: str) -> Mapping[str, str]:
    """The finished translations of ``language`` (or its base language): English → text."""
    return catalogs.find_translations(LOCALE_DIR, DOMAIN, language)


def strings_for(language: str) -> Mapping[str, str]:
    """The report's texts by name in ``language`` (or its base language), else English."""
    found = translations(language) if language != FALLBACK_LANGUAGE else {}
    return {name: found.get(text.english, text.english) for name, text in TEXTS.items()}


class _Languages(Mapping[str, Mapping[str, str]]):
    """The report's texts by language, as far as its catalog translates them: English,
    and each language with a catalog (a regional one, ``pt-BR``, only with its own)."""

    def __getitem__(self, language: str) -> Mapping[str, str]:
        if language == FALLBACK_LANGUAGE:
            return {name: text.english for name, text in TEXTS.items()}
        if not catalog_path(language).exists():
            raise KeyError(language)
        found = translations(language)
        return {name: found[text.english] for name, text in TEXTS.items() if text.english in found}

    def __iter__(self) -> Iterator[str]:
        yield FALLBACK_LANGUAGE
        if LOCALE_DIR.is_dir():
            for folder in sorted(LOCALE_DIR.iterdir()):
                if (folder / "LC_MESSAGES" / f"{DOMAIN}.po").is_file():
                    yield folder.name.replace("_", "-")

    def __len__(self) -> int:
        return sum(1 for _ in self)


#: Language → the texts its catalog translates, read when asked for.
STRINGS: Mapping[str, Mapping[str, str]] = _Languages()
