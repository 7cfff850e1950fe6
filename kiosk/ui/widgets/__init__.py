"""The app's own widgets: rounded buttons, drawn faces, a QR code, a level meter, the
more-time prompt.

Their look is in ``widgets.kv``; this module holds their behaviour. Colours
are RGBA lists, as Kivy takes them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from ..theme import FACE_COLORS, INK, hex_color, is_white_symbol

log = logging.getLogger(__name__)

#: Space between a button's edge and its text, at the design size (pixels).
BUTTON_TEXT_MARGIN = 10
#: How long a finger must rest on the operator corner.
HOT_CORNER_HOLD_S = 3.0


@dataclass
class Icon:
    """A dialog's icon, read once: its pixels and whether it takes the text colour."""

    path: Path
    #: RGBA, top row first, at the file's own size.
    pixels: np.ndarray
    tinted: bool
    _textures: dict[tuple[int, int], Texture] = field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        return self.pixels.shape[1], self.pixels.shape[0]

    def drawn_size(self, box_px: float) -> tuple[int, int]:
        """Its size in a square of ``box_px``, never bigger than its own pixels (no blur)."""
        width, height = self.size
        fit = min(box_px / width, box_px / height, 1.0)
        return max(1, round(width * fit)), max(1, round(height * fit))

    def texture(self, size: tuple[int, int]) -> Texture:
        """A texture of exactly ``size`` pixels, to be drawn one to one.

        Scaled down once on the CPU with area averaging, it is as sharp as the
        screen allows; a large texture scaled by the GPU at every frame blurs
        (mipmaps) or flickers (no mipmaps).
        """
        if size not in self._textures:
            import cv2

            # Averaged with the alpha applied: the colour under transparent
            # pixels (black, in most files) would otherwise darken the edges.
            alpha = self.pixels[:, :, 3:].astype(np.float32) / 255
            premultiplied = np.dstack([self.pixels[:, :, :3] * alpha, alpha])
            small = cv2.resize(premultiplied, size, interpolation=cv2.INTER_AREA)
            small_alpha = small[:, :, 3:]
            colour = small[:, :, :3] / np.maximum(small_alpha, 1e-6)
            scaled = np.dstack([colour, small_alpha * 255]).round().clip(0, 255).astype(np.uint8)
            texture = Texture.create(size=size, colorfmt="rgba")
            # Kivy's textures start at the bottom row.
            texture.blit_buffer(
                np.ascontiguousarray(scaled[::-1]).tobytes(), colorfmt="rgba", bufferfmt="ubyte"
            )
            self._textures[size] = texture
        return self._textures[size]


#: Icons read, by file and modification time: screens rebuild their buttons on every tap.
_ICONS: dict[tuple[str, int], Icon] = {}


def load_icon(path: Path) -> Icon | None:
    """The icon at ``path``; None, logged, when it cannot be drawn.

    A missing or broken icon costs the button its picture, never the screen:
    the dialog was valid when it was loaded, but a file can go away since.
    """
    import cv2

    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError as exc:
        log.warning(
            "icon %s cannot be read (%s); its button shows the text only", path, exc.strerror
        )
        return None
    if key in _ICONS:
        return _ICONS[key]
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None or image.size == 0:
        log.warning(
            "icon %s cannot be decoded as PNG or JPEG; its button shows the text only", path
        )
        return None
    if image.dtype != np.uint8:  # a 16-bit PNG
        image = (image / 257).astype(np.uint8)
    conversion = {2: cv2.COLOR_GRAY2RGBA, 3: cv2.COLOR_BGR2RGBA, 4: cv2.COLOR_BGRA2RGBA}
    channels = 2 if image.ndim == 2 else image.shape[2]
    pixels = cv2.cvtColor(image, conversion.get(channels, cv2.COLOR_BGRA2RGBA))
    icon = Icon(path, pixels, is_white_symbol(pixels.tobytes()))
    _ICONS[key] = icon
    return icon


class KioskButton(ButtonBehavior, Label):
    """A flat rounded button whose text wraps to its width, with an optional icon.

    The icon stands left of the text, or above it with ``icon_above``; the
    text keeps the rest of the button (``widgets.kv`` pads it by the icon).
    """

    bg_color = ColorProperty([0.9, 0.9, 0.9, 1])
    #: Multiplies the theme's font size; below 1 where long words must fit.
    font_scale = NumericProperty(1.0)
    selected = BooleanProperty(False)
    #: The name tests and screenshots know the button by.
    key = StringProperty("")
    radius = NumericProperty(14)
    icon_texture = ObjectProperty(None, allownone=True)
    #: Draw the icon in the text's colour (a white symbol) rather than as it is.
    icon_tinted = BooleanProperty(False)
    icon_above = BooleanProperty(False)
    #: The icon as drawn, in pixels; its place follows the text (``place_icon``).
    icon_size = ListProperty([0, 0])
    icon_pos = ListProperty([0, 0])
    #: Space between the text's box and the icon beside it, taken from the
    #: text's room on both sides so that icon and text stand together.
    icon_offset = NumericProperty(0)
    #: Right-to-left text: the icon stands right of the text, where that text begins.
    mirrored = BooleanProperty(False)
    #: With the icon above: the height of icon and text together, the same
    #: for a whole row, so that its icons line up whatever the text's lines.
    stack_height = NumericProperty(0)
    icon_source = StringProperty("")
    #: The icon file's own size in pixels (it is drawn at most that big).
    icon_source_size = ListProperty([0, 0])
    #: Its text is spoken when it is tapped, while the visitor has speech on.
    speaks = BooleanProperty(True)
    #: Shrink the font (``font_scale``) until the longest word fits the width:
    #: for buttons too narrow for their words at a larger text size.
    fit_words = BooleanProperty(False)

    def __init__(self, **kwargs):
        self._place_icon = Clock.create_trigger(self.place_icon)
        self._fit_words = Clock.create_trigger(self.fit_words_to_width)
        super().__init__(**kwargs)
        self.fbind("width", self._fit_words)
        self.fbind("text", self._fit_words)
        self.fbind("fit_words", self._fit_words)
        app = App.get_running_app()
        if app is not None and hasattr(app, "type_scale"):
            app.fbind("type_scale", self._fit_words)
        self._fit_words()
        self.bind(
            pos=self._place_icon,
            size=self._place_icon,
            texture_size=self._place_icon,
            icon_size=self._place_icon,
            icon_offset=self._place_icon,
            mirrored=self._place_icon,
            icon_above=self._place_icon,
            parent=self._follow_scroll_views,
        )

    def fit_words_to_width(self, *_args) -> None:
        """With ``fit_words``: the largest font scale (up to 1) at which every word fits."""
        if not self.fit_words or not self.text or self.width < 2:
            return
        from ..text import KioskLabel

        app = App.get_running_app()
        scale = getattr(app, "scale", 1.0)
        base = self.font_size / self.font_scale if self.font_scale else self.font_size
        # As widgets.kv lays the text out: its margins, and the padding of an icon.
        room = self.width - 2 * BUTTON_TEXT_MARGIN * scale - self.padding[0] - self.padding[2]
        measure = KioskLabel(text=self.text, font_size=base, bold=self.bold)
        widest = max(measure.get_extents(word)[0] for word in self.text.split())
        self.font_scale = min(1.0, room / widest) if widest else 1.0

    def on_press(self) -> None:
        # On press, not release: the release's own handler shows the next
        # screen, whose question is said after this label.
        app = App.get_running_app()
        if self.speaks and self.text and hasattr(app, "button_tapped"):
            app.button_tapped(self.text)

    def _follow_scroll_views(self, *_args) -> None:
        """Places the icon again when a scroll view above it moves (it moves no ``pos``)."""
        parent = self.parent
        while parent is not None and parent is not parent.parent:
            if isinstance(parent, ScrollView):
                parent.fbind("scroll_y", self._place_icon)
                parent.fbind("scroll_x", self._place_icon)
                parent.fbind("size", self._place_icon)
            parent = parent.parent
        self._place_icon()

    def place_icon(self, *_args) -> None:
        """Puts the icon on whole screen pixels, so that it is drawn one to one, sharp.

        Left of the text's box (``icon_offset`` in), or above the text; whole
        pixels of the window, not of the widget, which a scroll view may
        have moved by a fraction.
        """
        if self.icon_texture is None:
            return
        width, height = self.icon_size
        if self.icon_above:
            x = self.center_x - width / 2
            y = self.center_y + self.texture_size[1] / 2 - height
        elif self.mirrored:
            x = self.center_x + self.texture_size[0] / 2 - self.icon_offset - width
            y = self.center_y - height / 2
        else:
            x = self.center_x - self.texture_size[0] / 2 + self.icon_offset
            y = self.center_y - height / 2
        window_x, window_y = self.to_window(x, y)
        self.icon_pos = list(self.to_widget(round(window_x), round(window_y)))

    def show_icon(
        self,
        icon: Icon,
        box_px: float,
        *,
        above: bool = False,
        offset: float = 0,
        stack_height: float = 0,
    ) -> None:
        """Draws ``icon`` within a square of ``box_px``: beside the text, ``offset``
        pixels in from the left of the text's box, or above it in a stack of
        ``stack_height`` pixels."""
        size = icon.drawn_size(box_px)
        self.icon_size = list(size)
        self.icon_offset = 0 if above else offset
        self.stack_height = stack_height if above else 0
        self.icon_tinted = icon.tinted
        self.icon_above = above
        self.icon_source = str(icon.path)
        self.icon_source_size = list(icon.size)
        self.icon_texture = icon.texture(size)
        self._place_icon()


class AccessBar(BoxLayout):
    """The strip along the top of every visit screen: A+ and the speaker button at the
    left, the operator's corner at the right (look and actions in ``widgets.kv``)."""


class MirrorBox(BoxLayout):
    """A row that runs right to left when ``mirrored``: for Arabic and Hebrew, Back stands
    on the right and Next on the left, as their readers expect."""

    mirrored = BooleanProperty(False)

    def on_mirrored(self, *_args) -> None:
        self._trigger_layout()

    def do_layout(self, *args) -> None:
        super().do_layout(*args)
        if self.mirrored and self.orientation == "horizontal":
            for child in self.children:
                child.x = 2 * self.x + self.width - child.x - child.width


class TapArea(ButtonBehavior, Widget):
    """An invisible area that takes a tap (the start and thanks screens' background).

    It draws nothing: a full-window rectangle in the background colour would
    be filled again with every frame, which costs a software renderer a
    whole screen of pixels (measured by make bench).
    """

    key = StringProperty("")


#: A check button's tick box: its side in pixels at scale 1, and its gap from the edge.
TICK_BOX_PX = 28
TICK_BOX_INSET_PX = 16


def tick_box_x(x: float, right: float, mirrored: bool, scale: float) -> float:
    """Where a check button draws its tick box: where its text begins, on the left, or
    on the right of right-to-left text."""
    if mirrored:
        return right - (TICK_BOX_INSET_PX + TICK_BOX_PX) * scale
    return x + TICK_BOX_INSET_PX * scale


def tick_points(box_x: float, center_y: float, scale: float) -> list[float]:
    """The tick's three points inside the box that starts at ``box_x``."""
    return [
        box_x + 6 * scale,
        center_y,
        box_x + 12 * scale,
        center_y - 7 * scale,
        box_x + 23 * scale,
        center_y + 8 * scale,
    ]


def darker(color, amount: float = 0.18):
    r, g, b, a = color
    return [r * (1 - amount), g * (1 - amount), b * (1 - amount), a]


class Face(ButtonBehavior, Widget):
    """A face drawn for a rating: ``mood`` from -1 (unhappy) to 1 (happy)."""

    mood = NumericProperty(0.0)
    face_color = ColorProperty([1, 0.8, 0.2, 1])
    key = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._redraw = Clock.create_trigger(self.redraw)
        self.bind(
            pos=self._redraw,
            size=self._redraw,
            mood=self._redraw,
            face_color=self._redraw,
            state=self._redraw,
        )

    def redraw(self, *_args) -> None:
        self.canvas.clear()
        size = min(self.width, self.height) * (0.92 if self.state == "down" else 1.0)
        x = self.center_x - size / 2
        y = self.center_y - size / 2
        ink = INK
        with self.canvas:
            Color(*self.face_color)
            Ellipse(pos=(x, y), size=(size, size))
            Color(*ink)
            Line(ellipse=(x, y, size, size), width=max(1.5, size * 0.025))
            eye = size * 0.09
            for dx in (0.33, 0.67):
                Ellipse(pos=(x + size * dx - eye / 2, y + size * 0.6), size=(eye, eye * 1.3))
            # The mouth is a curve whose middle sags (sad) or lifts (happy).
            left, right = x + size * 0.27, x + size * 0.73
            base = y + size * 0.32 + size * 0.05 * self.mood
            bend = size * 0.16 * self.mood
            Line(
                bezier=(left, base, self.center_x, base - 2 * bend, right, base),
                width=max(2.0, size * 0.035),
                cap="round",
            )


class QRCode(Widget):
    """A QR code of ``data``, drawn module by module (segno makes the matrix)."""

    data = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._matrix: list[list[bool]] = []
        self._redraw = Clock.create_trigger(self.redraw)
        self.bind(pos=self._redraw, size=self._redraw, data=self._on_data)

    def _on_data(self, *_args) -> None:
        import segno

        self._matrix = (
            [list(row) for row in segno.make(self.data, error="m").matrix] if self.data else []
        )
        self._redraw()

    def redraw(self, *_args) -> None:
        self.canvas.clear()
        if not self._matrix:
            return
        quiet = 4  # modules of white border that scanners need
        count = len(self._matrix) + 2 * quiet
        side = min(self.width, self.height)
        module = side / count
        x0 = self.center_x - side / 2
        y0 = self.center_y - side / 2
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(pos=(x0, y0), size=(side, side))
            Color(0, 0, 0, 1)
            for row_index, row in enumerate(self._matrix):
                y = y0 + (count - quiet - row_index - 1) * module
                for col_index, dark in enumerate(row):
                    if dark:
                        Rectangle(
                            pos=(x0 + (quiet + col_index) * module, y),
                            size=(module + 0.5, module + 0.5),
                        )


class LevelMeter(Widget):
    """A bar for the microphone's level, 0 (silence) to 1 (full scale)."""

    level = NumericProperty(0.0)
    bar_color = ColorProperty(hex_color("#2E7D32"))


class HotCorner(Widget):
    """An invisible corner that fires ``on_hold`` after a finger rests on it for 3 s."""

    __events__ = ("on_hold",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._timer = None

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        self._timer = Clock.schedule_once(self._fire, HOT_CORNER_HOLD_S)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
            self._cancel()
            return True
        return False

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self, _dt) -> None:
        self._timer = None
        self.dispatch("on_hold")

    def on_hold(self) -> None:
        """The default handler: nothing."""


def face_color(value: int, values: range) -> list[float]:
    """Red for the lowest value to green for the highest."""
    position = (value - values.start) / max(1, (values.stop - 1 - values.start))
    index = round(position * (len(FACE_COLORS) - 1))
    return hex_color(FACE_COLORS[index])


class MoreTimePrompt(FloatLayout):
    """ "Do you need more time?" over whatever screen is showing (``widgets.kv``).

    It covers the whole screen and takes every touch, so that a tap meant
    for it never lands on a button of the screen behind; any tap on it, on
    its button or beside it, fires ``on_more_time``.
    """

    __events__ = ("on_more_time",)
    #: Whole seconds until the idle reset, for the countdown line.
    seconds_left = NumericProperty(0)

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        touch.grab(self)
        return True

    def on_touch_move(self, touch):
        super().on_touch_move(touch)
        return True

    def on_touch_up(self, touch):
        super().on_touch_up(touch)
        if touch.grab_current is self:
            touch.ungrab(self)
            self.dispatch("on_more_time")
        return True

    def on_more_time(self) -> None:
        pass
