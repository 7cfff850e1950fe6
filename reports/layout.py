"""A report laid out as sheets of tables, in the report's language.

:func:`layout` turns a :class:`~reports.figures.Report` into
:class:`Sheet` objects (notes, :class:`Block` tables, :class:`Chart`
specs) with every value's kind; the xlsx and CSV writers render these same
sheets, so the workbook and the CSV files can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dialog_config.catalogs import is_rtl_language, language_display_name
from dialog_config.phone import format_for_display
from dialog_config.rating import NPS_DETRACTORS, NPS_PASSIVES, NPS_PROMOTERS

from .figures import RatingFigures, Report
from .texts import strings_for

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%Y-%m-%d %H:%M"


#: Kinds of cell value, each with its number format in the workbook.
TEXT, WRAP, INT, SHARE, NPS_SCORE, DATETIME, DATE, LABEL = (
    "text",
    "wrap",
    "int",
    "share",
    "nps",
    "datetime",
    "date",
    "label",
)
NUMERIC = (INT, SHARE, NPS_SCORE)
NUMBER_FORMATS = {
    INT: "#,##0",
    SHARE: "0.0%",
    NPS_SCORE: "0",
    DATETIME: "yyyy-mm-dd hh:mm",
    DATE: "yyyy-mm-dd",
}


@dataclass(frozen=True)
class Cell:
    """A value whose kind differs from its column's."""

    value: Any
    kind: str


@dataclass
class Block:
    """A table on a sheet: an optional caption, a bold header row and rows."""

    name: str
    row: int  # 1-based, of the caption (or of the header when there is none)
    column: int
    header: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    caption: str | None = None
    #: Indent levels of the first column, one per row (the classifier tree).
    indents: tuple[int, ...] = ()
    #: Rows to show in bold (0-based, within ``rows``).
    bold_rows: frozenset[int] = frozenset()
    #: The sheet's main table: frozen header and autofilter.
    table: bool = False

    @property
    def header_row(self) -> int:
        return self.row + (1 if self.caption else 0)

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        return self.header_row + len(self.rows)


@dataclass
class Chart:
    kind: str  # "weekly" or "top"
    block: str
    anchor: tuple[int, int]  # row, column of its top left corner
    title: str
    x_title: str | None = None


@dataclass
class Sheet:
    key: str
    title: str
    #: Lines above the tables (row, text); the first is the report's title.
    notes: list[tuple[int, str]]
    blocks: list[Block]
    charts: list[Chart] = field(default_factory=list)
    #: Whether the sheet runs from the right, as a reader of Arabic or Hebrew expects.
    right_to_left: bool = False


def layout(report: Report) -> list[Sheet]:
    """The report as sheets of tables, in the report's language."""
    sheets = [_summary(report), _classifier(report), _comments(report), _callbacks(report)]
    for sheet in sheets:
        sheet.right_to_left = is_rtl_language(report.language)
    return sheets


def _summary(report: Report) -> Sheet:
    s = strings_for(report.language)
    period = report.period
    notes = [s["title"]]
    if report.site:
        notes.append(s["site"].format(report.site))
    if report.terminal_id:
        notes.append(s["terminal"].format(report.terminal_id))
    notes += [
        s["period"].format(period.first.isoformat(), period.last.isoformat()),
        s["timezone"].format(period.timezone_name),
        s["generated"].format(report.generated_at.strftime(TIME_FORMAT)),
    ]
    if not report.messages:
        notes.append(s["no_messages"])
    sheet = Sheet("summary", s["sheet_summary"], list(enumerate(notes, start=1)), [])
    row = len(notes) + 2

    def share(count: int, total: int) -> float | None:
        return count / total if total else None

    total = report.messages
    figures = Block(
        "figures",
        row,
        1,
        (s["indicator"], s["count"], s["share"]),
        (TEXT, INT, SHARE),
        [
            (s["messages"], total, None),
            (s["with_rating"], report.with_rating, share(report.with_rating, total)),
            (s["with_text"], report.with_text, share(report.with_text, total)),
            (s["with_voice"], report.with_voice, share(report.with_voice, total)),
            (s["with_callback"], report.with_callback, share(report.with_callback, total)),
        ],
        bold_rows=frozenset({0}),
    )
    sheet.blocks.append(figures)
    row = figures.last_row + 2
    for number, rating in enumerate(report.ratings):
        rows: list[tuple[Any, ...]] = [
            (value, rating.counts.get(value, 0), share(rating.counts.get(value, 0), rating.rated))
            for value in rating.values
        ]
        if rating.kind == "nps":
            for key, values in (
                ("promoters", NPS_PROMOTERS),
                ("passives", NPS_PASSIVES),
                ("detractors", NPS_DETRACTORS),
            ):
                count = sum(rating.counts.get(value, 0) for value in values)
                rows.append((s[key], count, share(count, rating.rated)))
            rows.append((s["nps"], Cell(rating.score, NPS_SCORE), None))
        else:
            top = rating.top_values
            count = sum(rating.counts.get(value, 0) for value in top)
            span = f"{top.start}–{top.stop - 1}" if len(top) > 1 else str(top.start)
            rows.append((s["satisfied"].format(span), count, share(count, rating.rated)))
        block = Block(
            f"rating{number}",
            row,
            1,
            (s["rating"], s["count"], s["share"]),
            (LABEL, INT, SHARE),
            rows,
            caption=s["ratings"].format(_scheme(s, rating)),
            bold_rows=frozenset({len(rows) - 1}),
        )
        sheet.blocks.append(block)
        row = block.last_row + 2
    main = report.main_rating
    header: tuple[str, ...] = (s["week"], s["messages"])
    kinds: tuple[str, ...] = (DATE, INT)
    if main is not None:
        header += (s["nps"] if main.kind == "nps" else s["satisfied_share"],)
        kinds += (NPS_SCORE if main.kind == "nps" else SHARE,)
    weekly = Block(
        "weekly",
        row,
        1,
        header,
        kinds,
        [(week.start, week.messages) + ((week.score,) if main else ()) for week in report.weeks],
        caption=s["by_week"],
    )
    sheet.blocks.append(weekly)
    if report.messages:
        sheet.charts.append(
            Chart("weekly", "weekly", (figures.row, 5), s["weekly_chart"], s["weekly_x"])
        )
    return sheet


def _scheme(s: Mapping[str, str], rating: RatingFigures) -> str:
    return s["scheme_nps"] if rating.kind == "nps" else s["scheme_smileys"].format(rating.scale)


def _classifier(report: Report) -> Sheet:
    s = strings_for(report.language)
    levels = (s["level_topic"], s["level_category"], s["level_detail"])
    tree = Block(
        "tree",
        1,
        1,
        (s["tree"], s["level"], s["count"], s["share"], s["id"]),
        (TEXT, TEXT, INT, SHARE, TEXT),
        [
            (row.label, levels[min(len(row.ids), 3) - 1], row.count, row.share, "/".join(row.ids))
            for row in report.tree
        ],
        indents=tuple(len(row.ids) - 1 for row in report.tree),
        bold_rows=frozenset(i for i, row in enumerate(report.tree) if len(row.ids) == 1),
        table=True,
    )
    top = Block(
        "top",
        1,
        7,
        (s["rank"], s["choice"], s["count"], s["share"]),
        (INT, TEXT, INT, SHARE),
        [
            (rank, choice.label, choice.count, choice.share)
            for rank, choice in enumerate(report.top, start=1)
        ],
    )
    sheet = Sheet("classifier", s["sheet_classifier"], [], [tree, top])
    if report.top:
        sheet.charts.append(Chart("top", "top", (top.last_row + 2, 7), s["top_chart"]))
    return sheet


def _rating_header(report: Report) -> str:
    s = strings_for(report.language)
    if len(report.ratings) == 1:
        rating = report.ratings[0]
        span = "0–10" if rating.kind == "nps" else f"1–{rating.scale}"
        return s["rating_scale"].format(span)
    return s["rating"]


def _comments(report: Report) -> Sheet:
    s = strings_for(report.language)
    block = Block(
        "comments",
        1,
        1,
        (
            s["time"],
            s["choice"],
            _rating_header(report),
            s["language"],
            s["comment"],
            s["callback"],
        ),
        (DATETIME, TEXT, INT, TEXT, WRAP, TEXT),
        [
            (
                c.time,
                c.path,
                c.rating,
                language_display_name(c.language, report.language),
                c.text,
                s["yes"] if c.callback else s["no"],
            )
            for c in report.comments
        ],
        table=True,
    )
    return Sheet("comments", s["sheet_comments"], [], [block])


def _callbacks(report: Report) -> Sheet:
    s = strings_for(report.language)
    block = Block(
        "callbacks",
        1,
        1,
        (s["time"], s["name"], s["phone"], s["choice"], _rating_header(report), s["comment"]),
        (DATETIME, TEXT, TEXT, TEXT, INT, WRAP),
        [
            (c.time, c.name, format_for_display(c.phone), c.path, c.rating, c.text)
            for c in report.callbacks
        ],
        table=True,
    )
    return Sheet("callbacks", s["sheet_callbacks"], [], [block])
