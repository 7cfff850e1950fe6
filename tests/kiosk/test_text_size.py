"""A+: every font size comes from one rule, the design's size grown by the visitor's
choice, then scaled to the window."""

from __future__ import annotations

import pytest

from kiosk.ui.design import LARGE_TEXT_MAX_PX, LARGE_TEXT_SCALE, font_px


@pytest.mark.parametrize("design_px", [18, 22, 24, 32])
def test_a_plus_makes_body_buttons_and_headings_half_again_as_large(design_px):
    assert font_px(design_px, 1.0, 1.0) == design_px
    assert font_px(design_px, 1.0, LARGE_TEXT_SCALE) == design_px * 1.5
    assert font_px(design_px, 0.75, LARGE_TEXT_SCALE) == design_px * 1.5 * 0.75


def test_a_title_grows_only_to_the_largest_size_and_a_larger_one_stays():
    assert font_px(46, 1.0, LARGE_TEXT_SCALE) == LARGE_TEXT_MAX_PX == 48
    assert font_px(69, 0.75, LARGE_TEXT_SCALE) == 69 * 0.75
