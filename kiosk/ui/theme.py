"""Colours and sizes of the app, in one place (kv files import them from here)."""

from __future__ import annotations


def hex_color(text: str, alpha: float = 1.0) -> list[float]:
    """``#RRGGBB`` → ``[r, g, b, a]`` as Kivy takes colours."""
    text = text.lstrip("#")
    return [int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)] + [alpha]


BACKGROUND = hex_color("#F6F4F0")
SURFACE = hex_color("#FFFFFF")
INK = hex_color("#1F2933")
MUTED_INK_HEX = "#52606D"
MUTED_INK = hex_color(MUTED_INK_HEX)
NEUTRAL = hex_color("#E4E7EB")
#: Dims the screen behind a prompt that stands over it.
SCRIM = hex_color("#1F2933", 0.6)
PRIMARY = hex_color("#1F6F8B")
PRIMARY_INK = hex_color("#FFFFFF")
DANGER = hex_color("#B3261E")
SUCCESS = hex_color("#2E7D32")
#: A default for topics the dialog gives no colour.
TOPIC = hex_color("#3E5C76")
TOPIC_INK = hex_color("#FFFFFF")
#: Faces from unhappy to happy.
FACE_COLORS = ("#E4572E", "#F29E4C", "#F1C453", "#A7C957", "#4CAF50")
#: NPS buttons: detractors, passives, promoters.
NPS_COLORS = {"detractor": "#E4572E", "passive": "#F1C453", "promoter": "#4CAF50"}

#: Font sizes at the design size (1280×800), in pixels; the app scales them.
FONT_TITLE = 46
FONT_HEADING = 32
FONT_BUTTON = 24
FONT_BODY = 22
FONT_SMALL = 18
#: Heights at the design size, in pixels.
BUTTON_HEIGHT = 78
BAR_HEIGHT = 88
#: The choice screen's row of topics; taller where icons stand above the text.
TOPIC_ROW_HEIGHT = 112
#: An icon beside a button's text is this share of the button's height.
ICON_SHARE = 0.42
#: Space between an icon and its text, at the design size (pixels).
ICON_GAP = 10

#: An icon pixel counts as drawn from this alpha (0..255) on.
_ICON_DRAWN_ALPHA = 16
#: ... and as white from this value of each of red, green and blue.
_ICON_WHITE = 240


def is_white_symbol(rgba: bytes) -> bool:
    """Whether an RGBA image is white wherever it is drawn (a symbol on transparency).

    Such an icon is drawn in its button's text colour, like the text beside
    it, so one file serves light and dark buttons; any other image (a
    coloured PNG, a JPEG photo) is drawn as it is.
    """
    import numpy as np

    pixels = np.frombuffer(rgba, dtype=np.uint8).reshape(-1, 4)
    drawn = pixels[:, 3] >= _ICON_DRAWN_ALPHA
    return bool(drawn.any() and (pixels[drawn, :3] >= _ICON_WHITE).all())
