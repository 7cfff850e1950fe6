"""A window into the running app for UI tests, screenshots and benchmarks.

Not part of the product: ``python -m support.probed_app DIR ...`` (tests/support/
probed_app.py) starts the real app as ``kiosk run`` does and attaches a probe
that writes ``DIR/state.json`` after every change of screen: the step, the
language and every button on screen with its place in X's coordinates, so a
test can send real X input to it. The test may write ``DIR/control.json``
with ``{"advance_s": N}`` to move the app's clock forward (the idle reset)
without waiting, or with ``{"fail": "choose", "times": N}`` to make the
flow's ``choose`` raise ``ValueError`` on its next N calls, as a bug in the
flow would (the app's recovery from unexpected errors). The PIN lockout
keeps its own monotonic clock (kiosk/operator.py), which no probe moves.

For the benchmarks (``tests/benchmarks``) it also appends to ``DIR/frames.log``
one line per event, stamped with ``time.monotonic()`` (CLOCK_MONOTONIC, the
clock every process on the machine shares): ``d T`` when Kivy dispatches a
touch down, ``u T`` a touch up, ``b T`` when the window starts drawing a frame
and ``f T`` when that frame has been flipped to the screen. A bench pairs the
X input it sent with the first flip after the app saw it. The app as
installed runs without any of this.
"""

from __future__ import annotations

import json
import os
import time
import types
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.ui.text import KioskLabel as CoreLabel

#: Layouts settle within a frame or two after a change; the state is written after that.
SETTLE_S = 0.15
RECHECK_S = 0.25
FRAMES_LOG = "frames.log"


class Probe:
    def __init__(self, app, directory: Path):
        self.app = app
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.serial = 0
        self._last = None
        self._trigger = Clock.create_trigger(self._write, SETTLE_S)
        # Layouts keep settling for a few frames after a change (and the
        # window after start-up); a regular look catches what a trigger missed.
        Clock.schedule_interval(self._write, RECHECK_S)
        self._start_frame_log()

    def _start_frame_log(self) -> None:
        # Line-buffered: each event reaches the file with one write(), so a
        # bench reading it sees a flip as soon as it has happened.
        self._frames = (self.directory / FRAMES_LOG).open("a", encoding="ascii", buffering=1)
        # Stamped after the buffers are swapped, not in an on_flip handler:
        # bound handlers run before the window's own on_flip does the swap.
        flip = Window.flip

        def timed_flip() -> None:
            flip()
            self._frames.write(f"f {time.monotonic():.6f}\n")

        Window.flip = timed_flip
        Window.bind(
            on_touch_down=lambda *_: self._stamp("d"),
            on_touch_up=lambda *_: self._stamp("u"),
            on_draw=lambda *_: self._stamp("b"),
        )

    def _stamp(self, kind: str) -> bool:
        self._frames.write(f"{kind} {time.monotonic():.6f}\n")
        return False  # the touch goes on to the app as if nobody looked

    def changed(self) -> None:
        self._trigger()

    def tick(self) -> None:
        """Takes a command from ``control.json``, in the app's tick (before the flow's)."""
        app = self.app
        control = self.directory / "control.json"
        try:
            command = json.loads(control.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        control.unlink(missing_ok=True)
        app.clock_offset_s += float(command.get("advance_s", 0))
        if command.get("fail"):
            fail_next_calls(app.flow, command["fail"], int(command.get("times", 1)))

    def _write(self, _dt) -> None:
        app = self.app
        screen = app.current_screen()
        state = {
            "step": app.flow.step.value,
            "screen": app.manager.current,
            "language": app.language,
            "operator_open": app.operator_open,
            "window": list(Window.size),
            "buttons": list(self._buttons(screen)) if screen else [],
            "texts": [
                w.text
                for w in screen.walk()
                if isinstance(w, Label) and w.text and not getattr(w, "key", "")
            ]
            if screen
            else [],
            "offscreen": [
                w.text
                for w in screen.walk()
                if isinstance(w, Label) and w.text and w.opacity and not self._on_window(w)
            ]
            if screen
            else [],
        }
        if state == self._last:
            return
        self._last = state
        self.serial += 1
        temp = self.directory / "state.json.tmp"
        temp.write_text(
            json.dumps(dict(state, serial=self.serial), ensure_ascii=False), encoding="utf-8"
        )
        os.replace(temp, self.directory / "state.json")

    def _buttons(self, screen):
        height = Window.height
        for widget in screen.walk():
            key = getattr(widget, "key", "")
            if not key or widget.opacity == 0 or widget.width < 2:
                continue
            x, y = widget.to_window(widget.x, widget.y)
            if not self._inside_scroll_view(widget, x, y):
                continue
            yield {
                "key": key,
                "text": getattr(widget, "text", ""),
                "disabled": widget.disabled,
                "words_fit": self._words_fit(widget),
                "font_size": round(getattr(widget, "font_size", 0), 1),
                # The label's colour, red green blue from 0 to 1: what its icon is tinted in.
                "color": [round(c, 4) for c in getattr(widget, "color", (0, 0, 0))[:3]],
                # X counts from the top; Kivy from the bottom.
                "x": round(x),
                "y": round(height - y - widget.height),
                "width": round(widget.width),
                "height": round(widget.height),
                "icon": self._icon(widget),
            }

    @staticmethod
    def _icon(widget) -> dict | None:
        """Where a button draws its icon, in X's coordinates, and from which file."""
        if getattr(widget, "icon_texture", None) is None:
            return None
        width, height = widget.icon_size
        x, y = widget.to_window(*widget.icon_pos)
        return {
            "source": widget.icon_source,
            "tinted": widget.icon_tinted,
            "above": widget.icon_above,
            "x": round(x),
            "y": round(Window.height - y - height),
            "width": width,
            "height": height,
            # Partly hidden by the edge of a scroll view that holds it.
            "clipped": not Probe._box_in_scroll_views(widget, x, y, width, height),
            "texture": list(widget.icon_texture.size),
            "file_size": list(widget.icon_source_size),
        }

    @staticmethod
    def _on_window(widget) -> bool:
        """Whether the widget's text lies wholly inside the window (nothing cut off).

        What a scroll view holds may lie outside it by design: that scrolls.
        """
        parent = widget.parent
        while parent is not None and parent is not parent.parent:
            if isinstance(parent, ScrollView):
                return True
            parent = parent.parent
        x, y = widget.to_window(widget.x, widget.y)
        width, height = widget.width, widget.height
        if isinstance(widget, Label) and widget.texture_size[1]:
            # A label may be taller than its text; the text is what must show.
            y += (height - widget.texture_size[1]) / 2
            height = widget.texture_size[1]
        return (
            x >= -1
            and y >= -1
            and x + width <= Window.width + 1
            and y + height <= Window.height + 1
        )

    @staticmethod
    def _words_fit(widget) -> bool:
        """Whether every word of a button's text fits its width unbroken (no "Complimen-ti")."""
        text = getattr(widget, "text", "")
        if not text or not isinstance(widget, Label) or widget.markup:
            return True
        room = widget.text_size[0] if widget.text_size[0] else widget.width
        # Kivy lays the text out inside the padding (an icon's slot, a check box).
        room -= widget.padding[0] + widget.padding[2]
        # Given the whole text, the measure picks the face the button draws it with.
        measure = CoreLabel(
            text=text, font_size=widget.font_size, bold=widget.bold, font_name=widget.font_name
        )
        return all(measure.get_extents(word)[0] <= room + 1 for word in text.split())

    @staticmethod
    def _box_in_scroll_views(widget, x: float, y: float, width: float, height: float) -> bool:
        """Whether a box (window coordinates) lies wholly inside every scroll view above it."""
        parent = widget.parent
        while parent is not None and parent is not parent.parent:
            if isinstance(parent, ScrollView):
                left, bottom = parent.to_window(parent.x, parent.y)
                if not (
                    left - 1 <= x
                    and x + width <= left + parent.width + 1
                    and bottom - 1 <= y
                    and y + height <= bottom + parent.height + 1
                ):
                    return False
            parent = parent.parent
        return True

    @staticmethod
    def _inside_scroll_view(widget, x: float, y: float) -> bool:
        """Whether the widget's middle is inside every scroll view that holds it."""
        middle_x, middle_y = x + widget.width / 2, y + widget.height / 2
        parent = widget.parent
        while parent is not None and parent is not parent.parent:
            if isinstance(parent, ScrollView):
                left, bottom = parent.to_window(parent.x, parent.y)
                if not (
                    left <= middle_x <= left + parent.width
                    and bottom <= middle_y <= bottom + parent.height
                ):
                    return False
            parent = parent.parent
        return True


def fail_next_calls(flow, name: str, times: int) -> None:
    """The flow's method ``name`` raises ValueError on its next ``times`` calls, then works again.

    Screens still call it as ``app.flow.<name>``; the failure is raised from
    inside the tap handler (or the clock's tick), where a real bug would be.
    """
    getattr(type(flow), name)  # only a method the flow has can fail
    left = [times]

    def failing(self, *_args, **_kwargs):
        left[0] -= 1
        if left[0] <= 0:
            del self.__dict__[name]
        raise ValueError(f"Flow.{name} failed as the test probe asked")

    setattr(flow, name, types.MethodType(failing, flow))
