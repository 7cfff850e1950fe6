"""The page's comparisons: the selection's sites side by side, and this period against the last.

Counted by the database in one grouped query per period; the score is
``dialog_config.rating.rating_score`` over the counts, as in the report.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

from django.db.models import Count, Q

from dialog_config.rating import rating_score

from .source import Selection


@dataclasses.dataclass
class Figures:
    """The headline numbers of some messages; ``score`` is of one rating scheme."""

    messages: int = 0
    rated: int = 0
    with_text: int = 0
    with_callback: int = 0
    counts: Counter = dataclasses.field(default_factory=Counter)
    score: int | float | None = None

    def add(self, other: Figures) -> None:
        self.messages += other.messages
        self.rated += other.rated
        self.with_text += other.with_text
        self.with_callback += other.with_callback
        self.counts.update(other.counts)


def by_site(selection: Selection, scheme: tuple[str, int] | None) -> dict[int, Figures]:
    """Figures per site id over the selection's period; the score is of ``scheme``."""
    grouped = (
        selection.in_period()
        .order_by()
        .values("site_id", "rating_kind", "rating_scale", "rating_value")
        .annotate(
            n=Count("pk"),
            texts=Count("pk", filter=Q(text__isnull=False) & ~Q(text="")),
            callbacks=Count("pk", filter=~Q(callback_phone="")),
        )
    )
    found: dict[int, Figures] = defaultdict(Figures)
    for row in grouped:
        figures = found[row["site_id"]]
        figures.messages += row["n"]
        figures.with_text += row["texts"]
        figures.with_callback += row["callbacks"]
        if row["rating_kind"]:
            figures.rated += row["n"]
            if scheme == (row["rating_kind"], row["rating_scale"]):
                figures.counts[row["rating_value"]] += row["n"]
    for figures in found.values():
        figures.score = _score(scheme, figures.counts)
    return found


def total(per_site: dict[int, Figures], scheme: tuple[str, int] | None) -> Figures:
    whole = Figures()
    for figures in per_site.values():
        whole.add(figures)
    whole.score = _score(scheme, whole.counts)
    return whole


def _score(scheme: tuple[str, int] | None, counts: Counter) -> int | float | None:
    return rating_score(scheme[0], scheme[1], counts) if scheme else None


@dataclasses.dataclass(frozen=True)
class Change:
    """One indicator in this period and the previous one."""

    key: str
    now: int | float | None
    before: int | float | None

    @property
    def difference(self) -> int | float | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


def periods(selection: Selection, scheme: tuple[str, int] | None) -> tuple[Selection, list[Change]]:
    """This period against the one of the same length before it."""
    previous = selection.previous()
    now = total(by_site(selection, scheme), scheme)
    before = total(by_site(previous, scheme), scheme)
    return previous, [
        Change(key, getattr(now, key), getattr(before, key))
        for key in ("messages", "rated", "score", "with_text", "with_callback")
    ]
