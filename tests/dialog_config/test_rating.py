"""The rating rules the flow, the reports and the manager share."""

from __future__ import annotations

import pytest

from dialog_config.rating import (
    NPS_DETRACTORS,
    NPS_PASSIVES,
    NPS_PROMOTERS,
    is_low_rating,
    is_top_rating,
    satisfied_values,
    scale_values,
)


def test_the_nps_bands_split_every_answer_once():
    answers = list(NPS_DETRACTORS) + list(NPS_PASSIVES) + list(NPS_PROMOTERS)
    assert answers == list(scale_values("nps", 10)) == list(range(11))


@pytest.mark.parametrize(
    "scale, low, satisfied", [(3, [1], [3]), (4, [1, 2], [3, 4]), (5, [1, 2], [4, 5])]
)
def test_the_satisfied_faces_mirror_the_low_ones(scale, low, satisfied):
    values = scale_values("smileys", scale)
    assert [v for v in values if is_low_rating("smileys", v, scale)] == low
    assert list(satisfied_values(scale)) == satisfied
    assert [v for v in values if is_top_rating("smileys", v, scale)] == [scale]
