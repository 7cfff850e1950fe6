"""The app's own widgets: rounded buttons, drawn faces, a QR code, a level meter.

Their look is in ``widgets.kv``; this module holds their behaviour. Colours
are RGBA lists, as Kivy takes them.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from ..theme import FACE_COLORS, INK, hex_color

#: Space between a button's edge and its text, at the design size (pixels).
BUTTON_TEXT_MARGIN = 10
#: How long a finger must rest on the operator corner.
HOT_CORNER_HOLD_S = 3.0


class KioskButton(ButtonBehavior, Label):
    """A flat rounded button whose text wraps to its width."""

    bg_color = ColorProperty([0.9, 0.9, 0.9, 1])
    #: Multiplies the theme's font size; below 1 where long words must fit.
    font_scale = NumericProperty(1.0)
    selected = BooleanProperty(False)
    #: The name tests and screenshots know the button by.
    key = StringProperty("")
    radius = NumericProperty(14)


class TapArea(ButtonBehavior, Widget):
    """An invisible area that takes a tap (the start and thanks screens' background).

    It draws nothing: a full-window rectangle in the background colour would
    be filled again with every frame, which costs a software renderer a
    whole screen of pixels (measured by make bench).
    """

    key = StringProperty("")


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
        self.bind(pos=self._redraw, size=self._redraw, mood=self._redraw,
                  face_color=self._redraw, state=self._redraw)

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
            Line(bezier=(left, base, self.center_x, base - 2 * bend, right, base),
                 width=max(2.0, size * 0.035), cap="round")


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

        self._matrix = ([list(row) for row in segno.make(self.data, error="m").matrix]
                        if self.data else [])
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
                        Rectangle(pos=(x0 + (quiet + col_index) * module, y),
                                  size=(module + 0.5, module + 0.5))


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
