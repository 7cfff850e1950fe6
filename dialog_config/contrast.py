"""Contrast between a text colour and its background, as WCAG 2.2 defines it.

Plain Python, for the dialog validator (a node's ``style``) and for the
terminal's theme test alike. Colours are ``#RRGGBB`` strings.

- relative luminance: https://www.w3.org/TR/WCAG22/#dfn-relative-luminance
- contrast ratio: https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio
- large text: at least 18 pt (24 CSS px), or 14 pt (18.66 px) bold
"""

from __future__ import annotations

#: Success criterion 1.4.3 (Contrast, Minimum), level AA.
NORMAL_TEXT_MIN_RATIO = 4.5
LARGE_TEXT_MIN_RATIO = 3.0
LARGE_TEXT_PX = 24.0
LARGE_BOLD_TEXT_PX = 18.66


def rgb(color: str) -> tuple[int, int, int]:
    """``#RRGGBB`` → its three channels, 0..255."""
    text = color.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"{color!r} is not a colour like #1F2933")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(color: str) -> float:
    """0 for black to 1 for white, weighted for the eye's sensitivity to each channel."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(text: str, background: str) -> float:
    """From 1 (the same colour) to 21 (black on white); the order of the two does not matter."""
    lighter, darker = sorted((relative_luminance(text), relative_luminance(background)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def is_large_text(size_px: float, *, bold: bool = False) -> bool:
    return size_px >= LARGE_TEXT_PX or (bold and size_px >= LARGE_BOLD_TEXT_PX)


def minimum_ratio(size_px: float, *, bold: bool = False) -> float:
    """The least contrast WCAG 2.2 AA asks of text this size."""
    return LARGE_TEXT_MIN_RATIO if is_large_text(size_px, bold=bold) else NORMAL_TEXT_MIN_RATIO


def blend(color: str, alpha: float, background: str) -> str:
    """``color`` drawn at ``alpha`` (0..1) over ``background``, as the eye sees it."""
    mixed = (
        round(alpha * top + (1 - alpha) * bottom)
        for top, bottom in zip(rgb(color), rgb(background), strict=True)
    )
    return "#{:02X}{:02X}{:02X}".format(*mixed)


def format_ratio(ratio: float) -> str:
    """As WCAG writes ratios: ``4.48:1``, rounded down so that a failing one never reads as
    passing (4.499 is 4.49:1, not 4.50:1)."""
    return f"{int(ratio * 100) / 100:.2f}:1"


def readable_text(preferred: str, background: str, alternatives: tuple[str, ...]) -> str:
    """``preferred`` where it meets NORMAL_TEXT_MIN_RATIO on ``background``, else whichever of
    ``preferred`` and ``alternatives`` stands out most from it."""
    if contrast_ratio(preferred, background) >= NORMAL_TEXT_MIN_RATIO:
        return preferred
    return max((preferred, *alternatives), key=lambda color: contrast_ratio(color, background))
