"""The report's figures from plain message records: what visitors chose, what
they wrote, whom to call back, and how the score moves, over a period.

Messages are the manager API's ``Message`` records (dicts), from the
terminal's outbox or the manager's database alike; the dialog is the
version whose labels the report shows.

Labels across dialog versions: the id path is the key. A node's label is the
current dialog's (default language) where it still has that id path, else
the label carried by the most recent message with that id path.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from dialog_config import Dialog
from dialog_config.rating import rating_score, satisfied_values, scale_values

from .texts import FALLBACK_LANGUAGE

#: How many of the most frequent choices the Classifier's bar chart shows.
TOP_CHOICES = 15
#: Between the labels of a path, as managers read it.
PATH_SEPARATOR = " › "


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
        return datetime.datetime.fromtimestamp(ts, self.timezone).replace(
            tzinfo=None, microsecond=0
        )


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


def collect(
    messages: Iterable[Mapping[str, Any]],
    period: Period,
    *,
    dialog: Dialog | None = None,
    later_messages: Callable[[], Iterable[Mapping[str, Any]]] | None = None,
    language: str | None = None,
    site: str = "",
    terminal_id: str = "",
    now: datetime.datetime | None = None,
) -> Report:
    """The report's figures from the period's messages (any order).

    ``dialog`` is the current dialog (for labels and the report's language);
    ``later_messages`` yields messages after the period, read only when a node
    of the period is no longer in the current dialog, for its latest label.
    """
    language = language or (dialog.default_language if dialog is not None else FALLBACK_LANGUAGE)
    labels = _Labels(
        {tuple(node.id for node in nodes): nodes[-1].label.default for nodes in dialog.walk()}
        if dialog is not None
        else {}
    )
    # One pass that keeps counters, and only the messages with a comment or a callback
    # (their labels wait for every label to be seen): a year of a fleet's messages
    # never sits in memory. Where order matters it is (time, position in the input).
    messages_in = with_rating = with_voice = 0
    ratings: dict[tuple[str, int], Counter] = {}
    #: Per scheme: its latest answer's time, and its first answer's (time, position).
    latest_rating: dict[tuple[str, int], float] = {}
    first_rating: dict[tuple[str, int], tuple[float, int]] = {}
    weekly_counts: Counter = Counter()
    weekly_ratings: dict[tuple[str, int], dict[datetime.date, Counter]] = {}
    paths: Counter = Counter()
    prefixes: Counter = Counter()
    noted: list[tuple[float, int, datetime.datetime, tuple[str, ...], Mapping[str, Any]]] = []
    latest: tuple[float, int, Mapping[str, Any]] | None = None
    for order, message in enumerate(messages):
        ts = created_ts(message)
        if not period.start_ts <= ts < period.end_ts:
            continue
        labels.see(message["path"], ts)
        messages_in += 1
        if latest is None or (ts, order) > latest[:2]:
            latest = (ts, order, message)
        local = period.local(ts)
        week = _week_start(local.date(), period.first)
        weekly_counts[week] += 1
        rating = message.get("rating")
        if rating is not None:
            with_rating += 1
            key = (rating["kind"], rating["scale"])
            ratings.setdefault(key, Counter())[rating["value"]] += 1
            latest_rating[key] = max(ts, latest_rating.get(key, ts))
            first_rating[key] = min((ts, order), first_rating.get(key, (ts, order)))
            weekly_ratings.setdefault(key, defaultdict(Counter))[week][rating["value"]] += 1
        if message.get("voice") is not None:
            with_voice += 1
        ids = tuple(item["id"] for item in message["path"])
        if ids:
            paths[ids] += 1
            for n in range(1, len(ids) + 1):
                prefixes[ids[:n]] += 1
        if message.get("text") or message.get("callback") is not None:
            noted.append((ts, order, local, ids, message))
    noted.sort(key=lambda row: row[:2])
    if later_messages is not None and labels.missing_from_dialog():
        for message in later_messages():
            labels.see(message["path"], created_ts(message))

    comments, callbacks = [], []
    for _, _, local, ids, message in noted:
        rating = message.get("rating")
        value = rating["value"] if rating is not None else None
        if message.get("text"):
            comments.append(
                Comment(
                    local,
                    labels.path(ids),
                    value,
                    message.get("locale", ""),
                    message["text"],
                    message.get("callback") is not None,
                )
            )
        callback = message.get("callback")
        if callback is not None:
            callbacks.append(
                CallbackRequest(
                    local,
                    callback.get("name") or "",
                    callback["phone"],
                    labels.path(ids),
                    value,
                    message.get("text") or "",
                )
            )

    # The most recently used scheme first; of two used last at the same instant, the
    # one used first.
    schemes = sorted(ratings, key=lambda key: (-latest_rating[key], first_rating[key]))
    rating_figures = tuple(
        RatingFigures(kind, scale, dict(ratings[(kind, scale)])) for kind, scale in schemes
    )
    main = schemes[0] if schemes else None
    main_weekly = weekly_ratings[main] if main is not None else {}
    weeks = tuple(
        Week(
            start,
            weekly_counts[start],
            rating_score(main[0], main[1], main_weekly.get(start, Counter())) if main else None,
        )
        for start in _week_starts(period)
    )

    chosen = sum(paths.values())
    tree = tuple(
        TreeRow(ids, labels.label(ids), prefixes[ids], prefixes[ids] / chosen)
        for ids in _tree_order(prefixes, labels)
    )
    top = sorted(paths, key=lambda ids: (-paths[ids], labels.path(ids).casefold(), ids))
    top_rows = tuple(
        Choice(ids, labels.path(ids), paths[ids], paths[ids] / chosen) for ids in top[:TOP_CHOICES]
    )

    newest: Mapping[str, Any] = latest[2] if latest is not None else {}
    return Report(
        language=language,
        period=period,
        generated_at=(now or datetime.datetime.now(period.timezone))
        .astimezone(period.timezone)
        .replace(tzinfo=None, microsecond=0),
        site=newest.get("site") or site,
        terminal_id=newest.get("terminal_id") or terminal_id,
        messages=messages_in,
        with_rating=with_rating,
        with_text=len(comments),
        with_voice=with_voice,
        with_callback=len(callbacks),
        ratings=rating_figures,
        weeks=weeks,
        chosen=chosen,
        tree=tree,
        top=top_rows,
        comments=tuple(comments),
        callbacks=tuple(callbacks),
    )


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
        for ids in sorted(
            children[parent], key=lambda ids: (-counts[ids], labels.label(ids).casefold(), ids)
        ):
            result.append(ids)
            visit(ids)

    visit(())
    return result
