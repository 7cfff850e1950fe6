"""The design's size and where its assets are: what both the launcher and the app need.

Kivy-free, so that the launcher can read it before Kivy is configured.
"""

from __future__ import annotations

from pathlib import Path

#: Fonts, keyboards and icons, at the top of the source tree.
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
#: The design is drawn for this window; sizes scale from it.
DESIGN_SIZE_PX = (1280, 800)
#: The smallest scale: at 800×480 on a 7-inch screen it keeps a button at
#: 48 px, which is 9 mm, the size of a thumb.
MIN_SCALE = 0.75
#: A+ multiplies every text by this (WCAG 1.4.4 asks for up to 2x; 1.5x still
#: keeps a screen's words on an 800×480 panel).
LARGE_TEXT_SCALE = 1.5
#: A+ grows a text up to this size at the design size (pixels), and no further:
#: titles are that large already, and growing them would push the rest off
#: an 800×480 screen.
LARGE_TEXT_MAX_PX = 48


def font_px(design_px: float, scale: float, text_scale: float) -> float:
    """A font size on screen: the design's size grown by A+ (up to LARGE_TEXT_MAX_PX),
    then scaled to the window."""
    return scale * min(design_px * text_scale, max(design_px, LARGE_TEXT_MAX_PX))


#: With ``display.reach: low`` no control of a visit stands in this top share of the
#: screen: the lower 60 % is within reach from a wheelchair or of a child.
LOW_REACH_TOP_SHARE = 0.4
