"""The rating rules, in one place: what a rating's values mean.

The terminal's flow uses them for alerts and the promoter link, the
reports for their figures and scores, the manager for the same; a rule
changed here changes in all of them at once.

- smileys, ``scale`` faces (values 1..scale): the low half (rounded down)
  is a low rating (an alert); the top half, its mirror, counts as
  satisfied; the happiest face alone earns the promoter link.
- NPS, values 0..10: detractors 0..6 (a low rating), passives 7..8,
  promoters 9..10 (the promoter link); the score is
  ``100 × (promoters − detractors) / rated``, a whole number −100..100.
"""

from __future__ import annotations

from collections.abc import Mapping

#: An NPS question is always answered 0..10.
NPS_SCALE = 10
NPS_DETRACTORS = range(0, 7)
NPS_PASSIVES = range(7, 9)
NPS_PROMOTERS = range(9, NPS_SCALE + 1)


def scale_values(kind: str, scale: int) -> range:
    """Every answer a rating question allows: NPS 0..10, smileys 1..scale."""
    return range(0, NPS_SCALE + 1) if kind == "nps" else range(1, scale + 1)


def is_low_rating(kind: str, value: int, scale: int) -> bool:
    """The mail contract's low rating: the lowest half of the faces (rounded down), NPS 0..6."""
    if kind == "nps":
        return value in NPS_DETRACTORS
    return value <= scale // 2


def is_top_rating(kind: str, value: int, scale: int) -> bool:
    """A rating that earns the promoter link: the happiest face, or NPS 9..10."""
    if kind == "nps":
        return value in NPS_PROMOTERS
    return value == scale


def satisfied_values(scale: int) -> range:
    """Smileys: the top half of the faces, the mirror of the low half that alerts."""
    return range(scale - scale // 2 + 1, scale + 1)


def rating_score(kind: str, scale: int, counts: Mapping[int, int]) -> int | float | None:
    """The score of answers counted by value: NPS as a whole number −100..100, for
    smileys the share (0..1) of satisfied answers; None without answers."""
    rated = sum(counts.values())
    if not rated:
        return None
    if kind == "nps":
        promoters = sum(n for value, n in counts.items() if value in NPS_PROMOTERS)
        detractors = sum(n for value, n in counts.items() if value in NPS_DETRACTORS)
        return _round_half_away(100 * (promoters - detractors), rated)
    top = satisfied_values(scale)
    return sum(n for value, n in counts.items() if value in top) / rated


def _round_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest whole number, halves away from zero."""
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))
