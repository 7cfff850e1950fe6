"""Reports for managers from the outbox: what visitors choose, what they wrote,
whom to call back, and how the score moves.

Three steps, so that every figure is plain Python, tested without a spreadsheet:

1. :func:`collect` reads the messages of a :class:`Period` into a :class:`Report`:
   counts, the rating distribution and score, weekly figures, the classifier
   tree, comments and callbacks.
2. :func:`layout` lays a report out as sheets of tables (:class:`Sheet`,
   :class:`Block`), in the dialog's default language.
3. :func:`write_xlsx` and :func:`write_csv` render those same sheets, so the
   workbook and the CSV files can never disagree.

Labels across dialog versions: the id path is the key. A node's label is the
current dialog's (default language) where it still has that id path, else
the label carried by the most recent message with that id path.

Nothing personal that is not asked for: photos and voice are never embedded
(only counted), and phone numbers appear only on the Callbacks sheet.
"""

from __future__ import annotations

import csv
import datetime
import math
import os
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dialog_config.catalogs import language_display_name
from dialog_config.phone import format_for_display
from dialog_config.rating import (NPS_DETRACTORS, NPS_PASSIVES, NPS_PROMOTERS, rating_score,
                                  satisfied_values, scale_values)

#: The report's own texts, by language; other languages get English.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "sheet_summary": "Summary",
        "sheet_classifier": "Classifier",
        "sheet_comments": "Comments",
        "sheet_callbacks": "Callbacks",
        "title": "Visitor feedback report",
        "site": "Site: {}",
        "terminal": "Terminal: {}",
        "period": "Period: {} – {}",
        "timezone": "Time zone: {}",
        "generated": "Generated: {}",
        "no_messages": "No messages in this period.",
        "indicator": "Indicator",
        "count": "Count",
        "share": "Share",
        "messages": "Messages",
        "with_rating": "With a rating",
        "with_text": "With a comment",
        "with_voice": "With a voice message",
        "with_callback": "Callback requested",
        "ratings": "Ratings: {}",
        "scheme_smileys": "smileys, 1–{}",
        "scheme_nps": "NPS question, 0–10",
        "rating": "Rating",
        "rating_scale": "Rating ({})",
        "promoters": "Promoters (9–10)",
        "passives": "Passives (7–8)",
        "detractors": "Detractors (0–6)",
        "nps": "NPS",
        "satisfied": "Satisfied ({})",
        "satisfied_share": "Satisfied, share",
        "by_week": "By week",
        "week": "Week from",
        "weekly_chart": "Messages and score by week",
        "weekly_x": "Week",
        "tree": "Topic / category / detail",
        "level": "Level",
        "level_topic": "Topic",
        "level_category": "Category",
        "level_detail": "Detail",
        "id": "ID",
        "top": "Top {} choices",
        "rank": "Rank",
        "choice": "Choice",
        "top_chart": "Most frequent choices",
        "time": "Time",
        "language": "Language",
        "comment": "Comment",
        "callback": "Callback",
        "yes": "Yes",
        "no": "No",
        "name": "Name",
        "phone": "Phone",
    },
    "ru": {
        "sheet_summary": "Сводка",
        "sheet_classifier": "Классификатор",
        "sheet_comments": "Комментарии",
        "sheet_callbacks": "Обратные звонки",
        "title": "Отчёт по отзывам посетителей",
        "site": "Объект: {}",
        "terminal": "Терминал: {}",
        "period": "Период: {} – {}",
        "timezone": "Часовой пояс: {}",
        "generated": "Сформирован: {}",
        "no_messages": "За этот период сообщений нет.",
        "indicator": "Показатель",
        "count": "Количество",
        "share": "Доля",
        "messages": "Всего сообщений",
        "with_rating": "С оценкой",
        "with_text": "С комментарием",
        "with_voice": "С голосовым сообщением",
        "with_callback": "С просьбой перезвонить",
        "ratings": "Оценки: {}",
        "scheme_smileys": "смайлики, 1–{}",
        "scheme_nps": "вопрос NPS, 0–10",
        "rating": "Оценка",
        "rating_scale": "Оценка ({})",
        "promoters": "Промоутеры (9–10)",
        "passives": "Нейтральные (7–8)",
        "detractors": "Критики (0–6)",
        "nps": "NPS",
        "satisfied": "Довольные ({})",
        "satisfied_share": "Доля довольных",
        "by_week": "По неделям",
        "week": "Неделя с",
        "weekly_chart": "Сообщения и оценка по неделям",
        "weekly_x": "Неделя",
        "tree": "Тема / категория / уточнение",
        "level": "Уровень",
        "level_topic": "Тема",
        "level_category": "Категория",
        "level_detail": "Уточнение",
        "id": "ID",
        "top": "{} самых частых причин",
        "rank": "Место",
        "choice": "Выбор посетителя",
        "top_chart": "Самые частые причины обращений",
        "time": "Время",
        "language": "Язык",
        "comment": "Комментарий",
        "callback": "Перезвонить",
        "yes": "Да",
        "no": "Нет",
        "name": "Имя",
        "phone": "Телефон",
    },
    "it": {
        "sheet_summary": "Riepilogo",
        "sheet_classifier": "Classificazione",
        "sheet_comments": "Commenti",
        "sheet_callbacks": "Richiamate",
        "title": "Report sui feedback dei clienti",
        "site": "Sede: {}",
        "terminal": "Terminale: {}",
        "period": "Periodo: {} – {}",
        "timezone": "Fuso orario: {}",
        "generated": "Generato il: {}",
        "no_messages": "Nessun messaggio in questo periodo.",
        "indicator": "Indicatore",
        "count": "Numero",
        "share": "Quota",
        "messages": "Messaggi totali",
        "with_rating": "Con valutazione",
        "with_text": "Con commento",
        "with_voice": "Con messaggio vocale",
        "with_callback": "Con richiesta di richiamata",
        "ratings": "Valutazioni: {}",
        "scheme_smileys": "faccine, 1–{}",
        "scheme_nps": "domanda NPS, 0–10",
        "rating": "Valutazione",
        "rating_scale": "Valutazione ({})",
        "promoters": "Promotori (9–10)",
        "passives": "Passivi (7–8)",
        "detractors": "Detrattori (0–6)",
        "nps": "NPS",
        "satisfied": "Soddisfatti ({})",
        "satisfied_share": "Quota di soddisfatti",
        "by_week": "Per settimana",
        "week": "Settimana dal",
        "weekly_chart": "Messaggi e punteggio per settimana",
        "weekly_x": "Settimana",
        "tree": "Argomento / categoria / dettaglio",
        "level": "Livello",
        "level_topic": "Argomento",
        "level_category": "Categoria",
        "level_detail": "Dettaglio",
        "id": "ID",
        "top": "Le {} scelte più frequenti",
        "rank": "Posizione",
        "choice": "Scelta",
        "top_chart": "Scelte più frequenti",
        "time": "Data e ora",
        "language": "Lingua",
        "comment": "Commento",
        "callback": "Richiamata",
        "yes": "Sì",
        "no": "No",
        "name": "Nome",
        "phone": "Telefono",
    },
    "ko": {
        "sheet_summary": "요약",
        "sheet_classifier": "분류",
        "sheet_comments": "의견",
        "sheet_callbacks": "회신 요청",
        "title": "방문객 의견 보고서",
        "site": "지점: {}",
        "terminal": "단말기: {}",
        "period": "기간: {} – {}",
        "timezone": "시간대: {}",
        "generated": "작성 일시: {}",
        "no_messages": "이 기간에는 메시지가 없습니다.",
        "indicator": "항목",
        "count": "건수",
        "share": "비율",
        "messages": "전체 메시지",
        "with_rating": "평가 포함",
        "with_text": "의견 작성",
        "with_voice": "음성 메시지 포함",
        "with_callback": "회신 요청",
        "ratings": "평가: {}",
        "scheme_smileys": "표정 평가, 1–{}",
        "scheme_nps": "NPS 문항, 0–10",
        "rating": "평가",
        "rating_scale": "평가 ({})",
        "promoters": "추천 고객 (9–10)",
        "passives": "중립 고객 (7–8)",
        "detractors": "비추천 고객 (0–6)",
        "nps": "NPS",
        "satisfied": "만족 ({})",
        "satisfied_share": "만족 비율",
        "by_week": "주별 추이",
        "week": "주 시작일",
        "weekly_chart": "주별 메시지 수와 점수",
        "weekly_x": "주",
        "tree": "주제 / 카테고리 / 세부 항목",
        "level": "단계",
        "level_topic": "주제",
        "level_category": "카테고리",
        "level_detail": "세부 항목",
        "id": "ID",
        "top": "가장 많이 선택된 항목 {}개",
        "rank": "순위",
        "choice": "선택 항목",
        "top_chart": "가장 많이 선택된 항목",
        "time": "일시",
        "language": "언어",
        "comment": "의견 내용",
        "callback": "회신 요청",
        "yes": "예",
        "no": "아니요",
        "name": "이름",
        "phone": "전화번호",
    },
}
FALLBACK_LANGUAGE = "en"

#: How many of the most frequent choices the Classifier's bar chart shows.
TOP_CHOICES = 15
#: Between the labels of a path, as managers read it.
PATH_SEPARATOR = " › "
#: The CSV files, one per sheet, by sheet key: stable names for scripts.
CSV_NAMES = {"summary": "summary.csv", "classifier": "classifier.csv",
             "comments": "comments.csv", "callbacks": "callbacks.csv"}
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%Y-%m-%d %H:%M"


def strings_for(language: str) -> Mapping[str, str]:
    """The report's texts in ``language`` (or its base language), else English."""
    return (STRINGS.get(language) or STRINGS.get(language.split("-")[0])
            or STRINGS[FALLBACK_LANGUAGE])


# ---------------------------------------------------------------- the period


@dataclass(frozen=True)
class Period:
    """Whole local days ``first``..``last`` (inclusive) in the terminal's timezone."""

    first: datetime.date
    last: datetime.date
    timezone: datetime.tzinfo
    timezone_name: str

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def start_ts(self) -> float:
        return _local_midnight(self.first, self.timezone).timestamp()

    @property
    def end_ts(self) -> float:
        """The first instant after the period (exclusive)."""
        return _local_midnight(self.last + datetime.timedelta(days=1), self.timezone).timestamp()

    def local(self, ts: float) -> datetime.datetime:
        """An epoch time as the terminal's local wall time, to the second, without offset."""
        return datetime.datetime.fromtimestamp(ts, self.timezone).replace(tzinfo=None,
                                                                          microsecond=0)


def _local_midnight(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)


def resolve_timezone(name: str | None) -> tuple[datetime.tzinfo, str]:
    """The zone for a name (settings or system), else UTC."""
    if name:
        try:
            return ZoneInfo(name), name
        except (ValueError, KeyError, OSError):
            pass
    return datetime.timezone.utc, "UTC"


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class RatingFigures:
    """The answers to one rating question (kind and scale) in the period."""

    kind: str  # "smileys" or "nps"
    scale: int
    counts: Mapping[int, int]

    @property
    def values(self) -> list[int]:
        return sorted(set(scale_values(self.kind, self.scale)) | set(self.counts))

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def top_values(self) -> range:
        """Smileys: the top half of the faces (the mirror of the low half that alerts)."""
        return satisfied_values(self.scale)

    @property
    def score(self) -> int | float | None:
        """NPS as a whole number −100..100, or for smileys the share of the top half."""
        return rating_score(self.kind, self.scale, self.counts)


@dataclass(frozen=True)
class Week:
    start: datetime.date  # the Monday, or the period's first day for a partial first week
    messages: int
    score: int | float | None  # of the report's main rating question


@dataclass(frozen=True)
class TreeRow:
    ids: tuple[str, ...]
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class Choice:
    ids: tuple[str, ...]
    label: str  # the whole path
    count: int
    share: float


@dataclass(frozen=True)
class Comment:
    time: datetime.datetime
    path: str
    rating: int | None
    language: str
    text: str
    callback: bool


@dataclass(frozen=True)
class CallbackRequest:
    time: datetime.datetime
    name: str
    phone: str
    path: str
    rating: int | None
    text: str


@dataclass(frozen=True)
class Report:
    language: str
    period: Period
    generated_at: datetime.datetime
    site: str
    terminal_id: str
    messages: int
    with_rating: int
    with_text: int
    with_voice: int
    with_callback: int
    #: Most recent question first (the one the weekly score follows).
    ratings: tuple[RatingFigures, ...]
    weeks: tuple[Week, ...]
    #: How many messages have at least a topic: the base of the classifier's shares.
    chosen: int
    tree: tuple[TreeRow, ...]
    top: tuple[Choice, ...]
    comments: tuple[Comment, ...]
    callbacks: tuple[CallbackRequest, ...]

    @property
    def strings(self) -> Mapping[str, str]:
        return strings_for(self.language)

    @property
    def main_rating(self) -> RatingFigures | None:
        return self.ratings[0] if self.ratings else None


@dataclass
class _Labels:
    """Labels by id path: the current dialog's, else the most recent message's."""

    current: dict[tuple[str, ...], str]
    seen: dict[tuple[str, ...], tuple[float, str]] = field(default_factory=dict)

    def see(self, path: list[Mapping[str, Any]], ts: float) -> None:
        ids: tuple[str, ...] = ()
        for item in path:
            ids += (item["id"],)
            known = self.seen.get(ids)
            if known is None or ts >= known[0]:
                self.seen[ids] = (ts, item["label"])

    def missing_from_dialog(self) -> bool:
        return any(ids not in self.current for ids in self.seen)

    def label(self, ids: tuple[str, ...]) -> str:
        if ids in self.current:
            return self.current[ids]
        return self.seen[ids][1] if ids in self.seen else ids[-1]

    def path(self, ids: tuple[str, ...]) -> str:
        return PATH_SEPARATOR.join(self.label(ids[:n]) for n in range(1, len(ids) + 1))


def created_ts(message: Mapping[str, Any]) -> float:
    """A message's created_at as UTC epoch seconds."""
    return datetime.datetime.fromisoformat(message["created_at"]).timestamp()


def collect(messages: Iterable[Mapping[str, Any]], period: Period, *, dialog=None,
            later_messages: Callable[[], Iterable[Mapping[str, Any]]] | None = None,
            language: str | None = None, site: str = "", terminal_id: str = "",
            now: datetime.datetime | None = None) -> Report:
    """The report's figures from the period's messages (any order).

    ``dialog`` is the current dialog (for labels and the report's language);
    ``later_messages`` yields messages after the period, read only when a node
    of the period is no longer in the current dialog, for its latest label.
    """
    language = language or (dialog.default_language if dialog is not None
                            else FALLBACK_LANGUAGE)
    labels = _Labels({tuple(node.id for node in nodes): nodes[-1].label.default
                      for nodes in dialog.walk()} if dialog is not None else {})
    rows = []
    for order, message in enumerate(messages):
        ts = created_ts(message)
        if period.start_ts <= ts < period.end_ts:
            rows.append((ts, order, message))
            labels.see(message["path"], ts)
    rows.sort(key=lambda row: row[:2])
    if later_messages is not None and labels.missing_from_dialog():
        for message in later_messages():
            labels.see(message["path"], created_ts(message))

    ratings: dict[tuple[str, int], Counter] = {}
    latest_rating: dict[tuple[str, int], float] = {}
    weekly_counts: Counter = Counter()
    weekly_ratings: dict[datetime.date, Counter] = defaultdict(Counter)
    paths: Counter = Counter()
    prefixes: Counter = Counter()
    comments, callbacks = [], []
    for ts, _, message in rows:
        local = period.local(ts)
        week = _week_start(local.date(), period.first)
        weekly_counts[week] += 1
        rating = message.get("rating")
        if rating is not None:
            key = (rating["kind"], rating["scale"])
            ratings.setdefault(key, Counter())[rating["value"]] += 1
            latest_rating[key] = ts
        ids = tuple(item["id"] for item in message["path"])
        if ids:
            paths[ids] += 1
            for n in range(1, len(ids) + 1):
                prefixes[ids[:n]] += 1
        value = rating["value"] if rating is not None else None
        if message.get("text"):
            comments.append(Comment(local, labels.path(ids), value, message.get("locale", ""),
                                    message["text"], message.get("callback") is not None))
        callback = message.get("callback")
        if callback is not None:
            callbacks.append(CallbackRequest(local, callback.get("name") or "", callback["phone"],
                                             labels.path(ids), value, message.get("text") or ""))

    order = sorted(ratings, key=lambda key: -latest_rating[key])
    rating_figures = tuple(RatingFigures(kind, scale, dict(ratings[(kind, scale)]))
                           for kind, scale in order)
    main = order[0] if order else None
    for ts, _, message in rows:
        rating = message.get("rating")
        if main is not None and rating is not None and (rating["kind"], rating["scale"]) == main:
            weekly_ratings[_week_start(period.local(ts).date(), period.first)][rating["value"]] += 1
    weeks = tuple(Week(start, weekly_counts[start],
                       rating_score(*main, weekly_ratings[start]) if main else None)
                  for start in _week_starts(period))

    chosen = sum(paths.values())
    tree = tuple(TreeRow(ids, labels.label(ids), prefixes[ids], prefixes[ids] / chosen)
                 for ids in _tree_order(prefixes, labels))
    top = sorted(paths, key=lambda ids: (-paths[ids], labels.path(ids).casefold(), ids))
    top_rows = tuple(Choice(ids, labels.path(ids), paths[ids], paths[ids] / chosen)
                     for ids in top[:TOP_CHOICES])

    latest = rows[-1][2] if rows else {}
    return Report(
        language=language, period=period,
        generated_at=(now or datetime.datetime.now(period.timezone)).astimezone(
            period.timezone).replace(tzinfo=None, microsecond=0),
        site=latest.get("site") or site, terminal_id=latest.get("terminal_id") or terminal_id,
        messages=len(rows),
        with_rating=sum(1 for *_, m in rows if m.get("rating") is not None),
        with_text=len(comments),
        with_voice=sum(1 for *_, m in rows if m.get("voice") is not None),
        with_callback=len(callbacks),
        ratings=rating_figures, weeks=weeks, chosen=chosen, tree=tree, top=top_rows,
        comments=tuple(comments), callbacks=tuple(callbacks))


def _week_start(day: datetime.date, first: datetime.date) -> datetime.date:
    """The week (Monday to Sunday) a day is in, named by its first day in the period."""
    return max(day - datetime.timedelta(days=day.weekday()), first)


def _week_starts(period: Period) -> list[datetime.date]:
    starts = [period.first]
    monday = period.first - datetime.timedelta(days=period.first.weekday())
    while (monday := monday + datetime.timedelta(days=7)) <= period.last:
        starts.append(monday)
    return starts


def _tree_order(counts: Counter, labels: _Labels) -> list[tuple[str, ...]]:
    """Id paths depth first, the most chosen sibling first (then by label)."""
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for ids in counts:
        children[ids[:-1]].append(ids)
    result: list[tuple[str, ...]] = []

    def visit(parent: tuple[str, ...]) -> None:
        for ids in sorted(children[parent],
                          key=lambda ids: (-counts[ids], labels.label(ids).casefold(), ids)):
            result.append(ids)
            visit(ids)

    visit(())
    return result


# ---------------------------------------------------------------- the layout

#: Kinds of cell value, each with its number format in the workbook.
TEXT, WRAP, INT, SHARE, NPS_SCORE, DATETIME, DATE, LABEL = (
    "text", "wrap", "int", "share", "nps", "datetime", "date", "label")
NUMERIC = (INT, SHARE, NPS_SCORE)
NUMBER_FORMATS = {INT: "#,##0", SHARE: "0.0%", NPS_SCORE: "0", DATETIME: "yyyy-mm-dd hh:mm",
                  DATE: "yyyy-mm-dd"}


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


def layout(report: Report) -> list[Sheet]:
    """The report as sheets of tables, in the report's language."""
    return [_summary(report), _classifier(report), _comments(report), _callbacks(report)]


def _summary(report: Report) -> Sheet:
    s = report.strings
    period = report.period
    notes = [s["title"]]
    if report.site:
        notes.append(s["site"].format(report.site))
    if report.terminal_id:
        notes.append(s["terminal"].format(report.terminal_id))
    notes += [s["period"].format(period.first.isoformat(), period.last.isoformat()),
              s["timezone"].format(period.timezone_name),
              s["generated"].format(report.generated_at.strftime(TIME_FORMAT))]
    if not report.messages:
        notes.append(s["no_messages"])
    sheet = Sheet("summary", s["sheet_summary"], list(enumerate(notes, start=1)), [])
    row = len(notes) + 2

    def share(count: int, total: int) -> float | None:
        return count / total if total else None

    total = report.messages
    figures = Block("figures", row, 1, (s["indicator"], s["count"], s["share"]),
                    (TEXT, INT, SHARE), [
                        (s["messages"], total, None),
                        (s["with_rating"], report.with_rating, share(report.with_rating, total)),
                        (s["with_text"], report.with_text, share(report.with_text, total)),
                        (s["with_voice"], report.with_voice, share(report.with_voice, total)),
                        (s["with_callback"], report.with_callback,
                         share(report.with_callback, total)),
                    ], bold_rows=frozenset({0}))
    sheet.blocks.append(figures)
    row = figures.last_row + 2
    for number, rating in enumerate(report.ratings):
        rows = [(value, rating.counts.get(value, 0), share(rating.counts.get(value, 0), rating.rated))
                for value in rating.values]
        if rating.kind == "nps":
            for key, values in (("promoters", NPS_PROMOTERS), ("passives", NPS_PASSIVES),
                                ("detractors", NPS_DETRACTORS)):
                count = sum(rating.counts.get(value, 0) for value in values)
                rows.append((s[key], count, share(count, rating.rated)))
            rows.append((s["nps"], Cell(rating.score, NPS_SCORE), None))
        else:
            top = rating.top_values
            count = sum(rating.counts.get(value, 0) for value in top)
            span = f"{top.start}–{top.stop - 1}" if len(top) > 1 else str(top.start)
            rows.append((s["satisfied"].format(span), count, share(count, rating.rated)))
        block = Block(f"rating{number}", row, 1, (s["rating"], s["count"], s["share"]),
                      (LABEL, INT, SHARE), rows, caption=s["ratings"].format(_scheme(s, rating)),
                      bold_rows=frozenset({len(rows) - 1}))
        sheet.blocks.append(block)
        row = block.last_row + 2
    main = report.main_rating
    header = (s["week"], s["messages"])
    kinds: tuple[str, ...] = (DATE, INT)
    if main is not None:
        header += (s["nps"] if main.kind == "nps" else s["satisfied_share"],)
        kinds += (NPS_SCORE if main.kind == "nps" else SHARE,)
    weekly = Block("weekly", row, 1, header, kinds,
                   [(week.start, week.messages) + ((week.score,) if main else ())
                    for week in report.weeks], caption=s["by_week"])
    sheet.blocks.append(weekly)
    if report.messages:
        sheet.charts.append(Chart("weekly", "weekly", (figures.row, 5), s["weekly_chart"],
                                  s["weekly_x"]))
    return sheet


def _scheme(s: Mapping[str, str], rating: RatingFigures) -> str:
    return s["scheme_nps"] if rating.kind == "nps" else s["scheme_smileys"].format(rating.scale)


def _classifier(report: Report) -> Sheet:
    s = report.strings
    levels = (s["level_topic"], s["level_category"], s["level_detail"])
    tree = Block("tree", 1, 1, (s["tree"], s["level"], s["count"], s["share"], s["id"]),
                 (TEXT, TEXT, INT, SHARE, TEXT),
                 [(row.label, levels[min(len(row.ids), 3) - 1], row.count, row.share,
                   "/".join(row.ids)) for row in report.tree],
                 indents=tuple(len(row.ids) - 1 for row in report.tree),
                 bold_rows=frozenset(i for i, row in enumerate(report.tree) if len(row.ids) == 1),
                 table=True)
    top = Block("top", 1, 7, (s["rank"], s["choice"], s["count"], s["share"]),
                (INT, TEXT, INT, SHARE),
                [(rank, choice.label, choice.count, choice.share)
                 for rank, choice in enumerate(report.top, start=1)])
    sheet = Sheet("classifier", s["sheet_classifier"], [], [tree, top])
    if report.top:
        sheet.charts.append(Chart("top", "top", (top.last_row + 2, 7), s["top_chart"]))
    return sheet


def _rating_header(report: Report) -> str:
    s = report.strings
    if len(report.ratings) == 1:
        rating = report.ratings[0]
        span = "0–10" if rating.kind == "nps" else f"1–{rating.scale}"
        return s["rating_scale"].format(span)
    return s["rating"]


def _comments(report: Report) -> Sheet:
    s = report.strings
    block = Block("comments", 1, 1,
                  (s["time"], s["choice"], _rating_header(report), s["language"], s["comment"],
                   s["callback"]),
                  (DATETIME, TEXT, INT, TEXT, WRAP, TEXT),
                  [(c.time, c.path, c.rating, language_display_name(c.language, report.language), c.text,
                    s["yes"] if c.callback else s["no"]) for c in report.comments], table=True)
    return Sheet("comments", s["sheet_comments"], [], [block])


def _callbacks(report: Report) -> Sheet:
    s = report.strings
    block = Block("callbacks", 1, 1,
                  (s["time"], s["name"], s["phone"], s["choice"], _rating_header(report),
                   s["comment"]),
                  (DATETIME, TEXT, TEXT, TEXT, INT, WRAP),
                  [(c.time, c.name, format_for_display(c.phone), c.path, c.rating, c.text)
                   for c in report.callbacks], table=True)
    return Sheet("callbacks", s["sheet_callbacks"], [], [block])




# ---------------------------------------------------------------- xlsx

#: Column widths in characters (a CJK character counts two).
MIN_WIDTH = 6
MAX_WIDTH = 80
WRAP_WIDTH = 60
WIDTH_PADDING = 2
#: An indent step of the tree, in characters, as Excel and LibreOffice draw it.
INDENT_WIDTH = 2
LINE_HEIGHT_PT = 15
#: Proportional text fits about this many average characters per unit of column width.
CHARS_PER_WIDTH = 1.2
MAX_ROW_HEIGHT_PT = 409
HEADER_FILL = "DCE6F1"
#: openpyxl's default font for every cell; LibreOffice shows it as Carlito where installed.
FONT_NAME = "Calibri"
CHART_STYLE = 10
WEEKLY_CHART_CM = (24.0, 11.0)
#: Axis ids of the weekly chart's score, on the right (any ids unused by the counts' axes).
SCORE_AXIS_ID = 200
SCORE_CATEGORY_AXIS_ID = 500
TOP_CHART_WIDTH_CM = 24.0


def display_width(text: str) -> int:
    """How many character cells ``text`` takes: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shown(value: Any, kind: str) -> str:
    """A value as the workbook shows it (for widths) and as CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, Cell):
        return _shown(value.value, value.kind)
    if kind == DATETIME:
        return value.strftime(TIME_FORMAT)
    if kind == DATE:
        return value.strftime(DATE_FORMAT)
    if kind == SHARE:
        return f"{value:.1%}"
    if kind == INT and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_xlsx(sheets: list[Sheet], path: str | os.PathLike[str]) -> None:
    """The workbook, written to a temporary file and renamed into place."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(sheet.title), sheet)
    _save_atomically(workbook, Path(path))


def _save_atomically(workbook, path: Path) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        workbook.save(temp)
        os.chmod(temp, 0o644 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_sheet(ws, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    # Fonts made here must name the workbook's font, or viewers fall back to a serif.
    bold = Font(name=FONT_NAME, bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    header_border = Border(bottom=Side(style="thin"))
    widths: dict[int, int] = defaultdict(int)
    wrapped_columns: set[int] = set()

    for row, text in sheet.notes:
        cell = ws.cell(row=row, column=1)
        _set_text(cell, text)
        cell.font = Font(name=FONT_NAME, bold=True, size=14) if row == 1 else Font(name=FONT_NAME)
    for block in sheet.blocks:
        if block.caption:
            cell = ws.cell(row=block.row, column=block.column)
            _set_text(cell, block.caption)
            cell.font = Font(name=FONT_NAME, bold=True, size=12)
        for offset, title in enumerate(block.header):
            cell = ws.cell(row=block.header_row, column=block.column + offset)
            _set_text(cell, title)
            cell.font = bold
            cell.fill = header_fill
            cell.border = header_border
            # Headers of number columns sit over their numbers, on the right.
            numeric = block.kinds[offset] in NUMERIC
            after_number = offset and not numeric and block.kinds[offset - 1] in NUMERIC
            cell.alignment = Alignment(horizontal="right" if numeric else "left",
                                       indent=1 if after_number else 0, vertical="center")
            # Bold text is a little wider; the autofilter button needs room too.
            extra = 3 if block.table else 1
            widths[cell.column] = max(widths[cell.column], display_width(title) + extra)
        for index, values in enumerate(block.rows):
            row = block.first_data_row + index
            for offset, value in enumerate(values):
                kind = block.kinds[offset]
                if isinstance(value, Cell):
                    value, kind = value.value, value.kind
                cell = ws.cell(row=row, column=block.column + offset)
                if isinstance(value, str):
                    if value:  # an empty string would be an empty-looking, non-empty cell
                        _set_text(cell, value)
                else:
                    cell.value = value
                if kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[kind]
                indent = block.indents[index] if offset == 0 and block.indents else 0
                if offset and kind in (TEXT, WRAP) and block.kinds[offset - 1] in NUMERIC:
                    # Text right after right-aligned numbers would touch them.
                    indent = 1
                width = display_width(_shown(value, kind)) + indent * INDENT_WIDTH
                if kind == WRAP:
                    cell.alignment = Alignment(wrap_text=True, vertical="top",
                                               horizontal="left", indent=indent)
                    wrapped_columns.add(cell.column)
                    width = min(width, WRAP_WIDTH)
                elif kind in (LABEL, DATE, DATETIME):
                    cell.alignment = Alignment(horizontal="left", vertical="top")
                elif indent:
                    # An indent shows only on left-aligned text.
                    cell.alignment = Alignment(horizontal="left", indent=indent, vertical="top")
                else:
                    cell.alignment = Alignment(vertical="top")
                if index in block.bold_rows:
                    cell.font = bold
                widths[cell.column] = max(widths[cell.column], width)
        if block.table:
            ws.freeze_panes = ws.cell(row=block.first_data_row, column=1).coordinate
            last = ws.cell(row=max(block.last_row, block.header_row),
                           column=block.column + len(block.header) - 1)
            first = ws.cell(row=block.header_row, column=block.column)
            ws.auto_filter.ref = f"{first.coordinate}:{last.coordinate}"
            ws.print_title_rows = f"{block.header_row}:{block.header_row}"

    from openpyxl.utils import get_column_letter

    for column, width in widths.items():
        limit = WRAP_WIDTH if column in wrapped_columns else MAX_WIDTH
        ws.column_dimensions[get_column_letter(column)].width = max(
            MIN_WIDTH, min(width, limit) + WIDTH_PADDING)
    if wrapped_columns:
        _fit_row_heights(ws, sheet, wrapped_columns)
    for chart in sheet.charts:
        block = next(b for b in sheet.blocks if b.name == chart.block)
        made = _weekly_chart(ws, block, chart) if chart.kind == "weekly" else _top_chart(ws, block, chart)
        ws.add_chart(made, ws.cell(row=chart.anchor[0], column=chart.anchor[1]).coordinate)
    # Printed (and converted to PDF) one page wide, landscape, as managers print it.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _set_text(cell, text: str) -> None:
    """Text stays text: never a formula (a visitor may type "=..."), no control characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"


def _fit_row_heights(ws, sheet: Sheet, wrapped_columns: set[int]) -> None:
    """Rows tall enough for their wrapped text: neither Excel nor every viewer does it on open."""
    from openpyxl.utils import get_column_letter

    for block in sheet.blocks:
        for index in range(len(block.rows)):
            row = block.first_data_row + index
            lines = 1
            for column in wrapped_columns:
                value = ws.cell(row=row, column=column).value
                if not isinstance(value, str):
                    continue
                width = (ws.column_dimensions[get_column_letter(column)].width
                         - WIDTH_PADDING) * CHARS_PER_WIDTH
                lines = max(lines, sum(max(1, math.ceil(display_width(line) / width))
                                       for line in value.split("\n")))
            if lines > 1:
                ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT)


def _titled_axes(chart, x_title: str | None, y_title: str | None) -> None:
    # openpyxl 3.1 leaves axes "deleted" unless told: Excel then draws no labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title


def _weekly_chart(ws, block: Block, chart: Chart):
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.axis import ChartLines, TextAxis

    header = block.header
    counts = LineChart()
    counts.title = chart.title
    counts.style = CHART_STYLE
    counts.width, counts.height = WEEKLY_CHART_CM
    counts.add_data(Reference(ws, min_col=2, min_row=block.header_row, max_row=block.last_row),
                    titles_from_data=True)
    categories = Reference(ws, min_col=1, min_row=block.first_data_row, max_row=block.last_row)
    counts.set_categories(categories)
    _titled_axes(counts, chart.x_title, header[1])
    counts.x_axis.number_format = NUMBER_FORMATS[DATE]
    counts.y_axis.majorGridlines = ChartLines()
    counts.y_axis.scaling.min = 0
    counts.legend.position = "b"
    lines = list(counts.series)
    if len(header) > 2:
        score = LineChart()
        score.add_data(Reference(ws, min_col=3, min_row=block.header_row, max_row=block.last_row),
                       titles_from_data=True)
        # Its own hidden category axis: with the first chart's, LibreOffice
        # draws that axis (and its title) a second time along the top.
        score.x_axis = TextAxis(axId=SCORE_CATEGORY_AXIS_ID, crossAx=SCORE_AXIS_ID, delete=True)
        score.y_axis.axId = SCORE_AXIS_ID
        score.y_axis.crossAx = SCORE_CATEGORY_AXIS_ID
        score.y_axis.title = header[2]
        score.y_axis.delete = False
        score.y_axis.crosses = "max"
        score.y_axis.majorGridlines = None
        if block.kinds[2] == NPS_SCORE:
            score.y_axis.scaling.min, score.y_axis.scaling.max = -100, 100
            score.y_axis.number_format = "0"
        else:
            score.y_axis.scaling.min, score.y_axis.scaling.max = 0, 1
            score.y_axis.number_format = "0%"
        lines += score.series
        counts += score
    for series in lines:
        series.smooth = False
        series.marker.symbol = "circle"
        series.marker.size = 6
    return counts


def _top_chart(ws, block: Block, spec: Chart):
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.axis import ChartLines
    from openpyxl.chart.label import DataLabelList

    chart = BarChart()
    chart.type = "bar"
    chart.style = CHART_STYLE
    chart.title = spec.title
    chart.add_data(Reference(ws, min_col=block.column + 2, min_row=block.header_row,
                             max_row=block.last_row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=block.column + 1, min_row=block.first_data_row,
                                   max_row=block.last_row))
    _titled_axes(chart, None, block.header[2])
    # The most frequent at the top, with the value axis below the bars.
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"
    chart.y_axis.majorGridlines = ChartLines()
    chart.legend = None
    # Only the count beside each bar: LibreOffice shows every unset part.
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                     showLegendKey=False, showPercent=False,
                                     showBubbleSize=False)
    chart.width = TOP_CHART_WIDTH_CM
    chart.height = max(6.0, 0.75 * len(block.rows) + 3.0)
    chart.gapWidth = 60
    return chart



# ---------------------------------------------------------------- csv

#: Leading characters that make Excel read a CSV field as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(sheet: Sheet) -> list[list[str]]:
    """A sheet as CSV rows: its notes, then each table (caption, header, rows) after a blank row."""
    rows: list[list[str]] = [[_csv_value(text, TEXT)] for _, text in sheet.notes]
    for block in sheet.blocks:
        if rows:
            rows.append([])
        if block.caption:
            rows.append([_csv_value(block.caption, TEXT)])
        rows.append([_csv_value(title, TEXT) for title in block.header])
        rows.extend([_csv_value(value, kind) for value, kind in zip(values, block.kinds)]
                    for values in block.rows)
    return rows


def _csv_value(value: Any, kind: str) -> str:
    if isinstance(value, Cell):
        return _csv_value(value.value, value.kind)
    if value is None:
        return ""
    if isinstance(value, str):
        # A leading apostrophe keeps Excel from running a visitor's "=..." (or
        # reading "+39 ..." as a sum); it is the usual guard against CSV injection.
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if kind == DATETIME:
        return value.strftime(TIME_FORMAT)
    if kind == DATE:
        return value.strftime(DATE_FORMAT)
    if kind == SHARE:
        return f"{value:.4f}"
    return str(value)


def write_csv(sheets: list[Sheet], directory: str | os.PathLike[str]) -> list[Path]:
    """One CSV file per sheet in ``directory`` (created if needed), UTF-8 with a BOM
    so that Excel reads Cyrillic and Hangul right. Returns the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets:
        path = directory / CSV_NAMES[sheet.key]
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        try:
            with open(fd, "w", encoding="utf-8-sig", newline="") as stream:
                csv.writer(stream).writerows(csv_rows(sheet))
            os.chmod(temp, 0o644 & ~_umask())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
