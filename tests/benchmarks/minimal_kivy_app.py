"""The tap-latency baseline: the least a Kivy app can be, one button changing a label.

``python minimal_kivy_app.py FRAMES_LOG`` with the same KCFG_* window
settings and the same input provider as the kiosk. It stamps touches and
flips into FRAMES_LOG exactly as tests/support/probe.py does, so the bench measures
both apps with one ruler: whatever the kiosk adds on top of this is the
kiosk's own cost, not X's, SDL's, Kivy's or llvmpipe's.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    frames = Path(sys.argv[1]).open("a", encoding="ascii", buffering=1)
    for name in ("KIVY_NO_ARGS", "KIVY_NO_CONSOLELOG", "KIVY_NO_FILELOG"):
        os.environ.setdefault(name, "1")
    from kivy.config import Config

    Config.set("input", "mouse", "mouse,disable_multitouch")
    from kivy.app import App
    from kivy.core.window import Window
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.button import Button
    from kivy.uix.label import Label

    flip = Window.flip

    def timed_flip() -> None:
        flip()
        frames.write(f"f {time.monotonic():.6f}\n")

    def stamp(kind: str) -> bool:
        frames.write(f"{kind} {time.monotonic():.6f}\n")
        return False

    Window.flip = timed_flip
    Window.bind(
        on_touch_down=lambda *_: stamp("d"),
        on_touch_up=lambda *_: stamp("u"),
        on_draw=lambda *_: stamp("b"),
    )

    class MinimalApp(App):
        def build(self):
            box = BoxLayout(orientation="vertical")
            label = Label(text="0", font_size=46)
            button = Button(text="Tap", font_size=24)
            button.bind(on_release=lambda _b: setattr(label, "text", str(int(label.text) + 1)))
            box.add_widget(label)
            box.add_widget(button)
            return box

    MinimalApp().run()


if __name__ == "__main__":
    main()
