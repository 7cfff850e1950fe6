"""The docked on-screen keyboard: draws a :class:`kiosk.keyboard.KeyboardModel`.

The model decides everything (layers, shift, Hangul composition, the
character limit); this widget only lays out its keys and forwards taps.
"""

from __future__ import annotations

from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from ...keyboard import KeyAction, KeyboardModel, Shift
from ..theme import INK, NEUTRAL, PRIMARY, PRIMARY_INK, SURFACE
from . import KioskButton

ACTION_COLORS = {KeyAction.DONE: PRIMARY}


class KeyboardView(BoxLayout):
    model = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("orientation", "vertical")
        super().__init__(**kwargs)
        self._buttons: list[tuple[KioskButton, object]] = []
        self._layer = None
        self._shift = None

    def on_model(self, _instance, _model) -> None:
        self.update()

    def update(self) -> None:
        """Redraws after the model changed: rebuilt for a new layer, relabelled for shift."""
        model: KeyboardModel | None = self.model
        if model is None:
            self.clear_widgets()
            self._layer = None
            return
        if model.layer is not self._layer:
            self._build(model)
        elif model.shift is not self._shift:
            for button, key in self._buttons:
                button.text = model.label(key)
        self._shift = model.shift
        for button, key in self._buttons:
            if key.action is KeyAction.SHIFT:
                button.selected = model.shift is not Shift.OFF
                button.bold = model.shift is Shift.LOCKED

    def _build(self, model: KeyboardModel) -> None:
        self.clear_widgets()
        self._buttons = []
        self._layer = model.layer
        for row in model.layer.rows:
            line = BoxLayout(spacing=self.spacing)
            for key in row:
                if key.action is KeyAction.GAP:
                    line.add_widget(Widget(size_hint_x=key.width))
                    continue
                button = KioskButton(
                    text=model.label(key),
                    size_hint_x=key.width,
                    key=f"kb:{key.text or key.layer or key.action.value}",
                    bg_color=ACTION_COLORS.get(
                        key.action,
                        SURFACE if key.action in (KeyAction.TYPE, KeyAction.SPACE) else NEUTRAL,
                    ),
                    color=PRIMARY_INK if key.action is KeyAction.DONE else INK,
                    radius=8,
                )
                button.bind(on_release=lambda _b, key=key: self._press(key))
                line.add_widget(button)
                self._buttons.append((button, key))
            self.add_widget(line)

    def _press(self, key) -> None:
        self.model.press(key)
