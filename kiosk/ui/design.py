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
#: With ``display.reach: low`` no control of a visit stands in this top share of the
#: screen: the lower 60 % is within reach from a wheelchair or of a child.
LOW_REACH_TOP_SHARE = 0.4
