"""Colours and sizes of the app, in one place (kv files import them from here)."""

from __future__ import annotations

from dialog_config.model import DEFAULT_NODE_COLORS


def hex_color(text: str, alpha: float = 1.0) -> list[float]:
    """``#RRGGBB`` → ``[r, g, b, a]`` as Kivy takes colours."""
    text = text.lstrip("#")
    return [int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)] + [alpha]


#: The palette by name, as ``#RRGGBB``: what the contrast test reads.
PALETTE = {
    "BACKGROUND": "#F6F4F0",
    "SURFACE": "#FFFFFF",
    "INK": "#1F2933",
    "MUTED_INK": "#52606D",
    "NEUTRAL": "#E4E7EB",
    "PRIMARY": "#1F6F8B",
    "PRIMARY_INK": "#FFFFFF",
    "DANGER": "#B3261E",
    "SUCCESS": "#2E7D32",
    # The colours of a topic and of a category or detail whose `style` gives none.
    "TOPIC": DEFAULT_NODE_COLORS["topic"].color,
    "TOPIC_INK": DEFAULT_NODE_COLORS["topic"].text_color,
}
BACKGROUND = hex_color(PALETTE["BACKGROUND"])
SURFACE = hex_color(PALETTE["SURFACE"])
INK = hex_color(PALETTE["INK"])
MUTED_INK_HEX = PALETTE["MUTED_INK"]
MUTED_INK = hex_color(MUTED_INK_HEX)
NEUTRAL = hex_color(PALETTE["NEUTRAL"])
PRIMARY = hex_color(PALETTE["PRIMARY"])
PRIMARY_INK = hex_color(PALETTE["PRIMARY_INK"])
DANGER = hex_color(PALETTE["DANGER"])
SUCCESS = hex_color(PALETTE["SUCCESS"])
#: A default for topics the dialog gives no colour.
TOPIC = hex_color(PALETTE["TOPIC"])
TOPIC_INK = hex_color(PALETTE["TOPIC_INK"])
#: Dims the screen behind a prompt that stands over it.
SCRIM = hex_color(PALETTE["INK"], 0.6)
#: Faces from unhappy to happy (drawn, with no text on them).
FACE_COLORS = ("#E4572E", "#F29E4C", "#F1C453", "#A7C957", "#4CAF50")
#: NPS buttons: detractors, passives, promoters; their numbers are drawn in INK.
NPS_COLORS = {"detractor": "#EC6B45", "passive": "#F1C453", "promoter": "#4CAF50"}
#: The topics not chosen, once one is, show their colour at this opacity over BACKGROUND.
DIMMED_TOPIC_ALPHA = 0.45

#: Font sizes at the design size (1280×800), in pixels; the app scales them.
FONT_TITLE = 46
FONT_HEADING = 32
FONT_BUTTON = 24
FONT_BODY = 22
FONT_SMALL = 18
#: The least a topic's text shrinks to where long words must fit its button.
MIN_TOPIC_FONT = 14
#: Heights at the design size, in pixels.
BUTTON_HEIGHT = 78
BAR_HEIGHT = 88
#: The strip above every visit screen with A+ and the speaker button; its buttons
#: are this less two margins high, 48 px (a thumb) at the smallest scale.
ACCESS_BAR_HEIGHT = 72
ACCESS_BAR_MARGIN = 4
#: The choice screen's row of topics; taller where icons stand above the text.
TOPIC_ROW_HEIGHT = 112
#: An icon beside a button's text is this share of the button's height.
ICON_SHARE = 0.42
#: Space between an icon and its text, at the design size (pixels).
ICON_GAP = 10

#: Every text colour with each background it is drawn on, the smallest font it has there
#: (design pixels) and whether that text is bold. tests/kiosk/test_theme_contrast.py holds each
#: to WCAG 2.2 AA at MIN_SCALE and checks that the screens use no other pairing.
#: A style's own colours are checked by ``kiosk validate`` (dialog_config/contrast.py).
TEXT_ON_BACKGROUND: tuple[tuple[str, str, float, bool], ...] = (
    ("INK", "BACKGROUND", FONT_SMALL, False),
    ("INK", "SURFACE", FONT_SMALL, False),
    ("INK", "NEUTRAL", FONT_SMALL, False),
    ("MUTED_INK", "BACKGROUND", FONT_SMALL, False),
    ("MUTED_INK", "SURFACE", FONT_SMALL, False),
    ("PRIMARY", "BACKGROUND", FONT_BODY, False),
    ("DANGER", "BACKGROUND", FONT_BODY, False),
    ("DANGER", "SURFACE", FONT_BODY, False),
    ("PRIMARY_INK", "PRIMARY", FONT_BUTTON, False),
    ("PRIMARY_INK", "DANGER", FONT_BUTTON, False),
    ("PRIMARY_INK", "INK", FONT_HEADING, True),
    ("TOPIC_INK", "TOPIC", MIN_TOPIC_FONT, True),
)

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
