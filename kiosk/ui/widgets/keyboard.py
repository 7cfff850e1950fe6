"""The docked on-screen keyboard: draws a :class:`kiosk.keyboard.KeyboardModel`.

The model decides everything (layers, shift, Hangul composition, the
character limit); this widget only lays out its keys and forwards taps.
A key with variants (é è ê ë on e) shows them above itself after a long
press, as phone keyboards do: sliding the finger onto one and letting go
types it, and so does a tap on one after letting go; a tap anywhere else
closes them.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from ...keyboard import Key, KeyAction, KeyboardModel, Shift
from ..theme import INK, NEUTRAL, PRIMARY, PRIMARY_INK, SURFACE
from . import KioskButton

ACTION_COLORS = {KeyAction.DONE: PRIMARY}
#: How long a finger rests on a key before its variants show (seconds), as on phones.
LONG_PRESS_S = 0.5


class VariantBubble(BoxLayout):
    """The variants of one key, in a row above it; closes on a tap outside it."""

    def __init__(self, keyboard: KeyboardView, key: Key, touch_uid: int, **kwargs):
        super().__init__(**kwargs)
        self.keyboard = keyboard
        self.source_key = key  # not `key`: widgets with a `key` are buttons to the probe
        #: The touch that opened the bubble: letting it go on a variant chooses it.
        self.touch_uid = touch_uid

    def on_touch_down(self, touch) -> bool:
        if not self.collide_point(*touch.pos):
            self.keyboard.close_variants()
            return True  # the tap that closes the variants types nothing
        return super().on_touch_down(touch)

    def on_touch_up(self, touch) -> bool:
        if touch.uid == self.touch_uid:
            self.touch_uid = None
            for button in self.children:
                if button.collide_point(*touch.pos):
                    self.keyboard.choose_variant(button.text)
                    return True
            return False
        return super().on_touch_up(touch)


class KeyboardView(BoxLayout):
    model = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("orientation", "vertical")
        super().__init__(**kwargs)
        self._buttons: list[tuple[KioskButton, Key]] = []
        self._layer = None
        self._shift = None
        self._bubble: VariantBubble | None = None
        self._long_press = None
        #: The key whose long press opened the variants: its release types nothing.
        self._held: KioskButton | None = None

    def on_model(self, _instance, _model) -> None:
        self.close_variants()
        self.update()

    def update(self) -> None:
        """Redraws after the model changed: rebuilt for a new layer, relabelled for shift."""
        model: KeyboardModel | None = self.model
        if model is None:
            self.close_variants()
            self.clear_widgets()
            self._layer = None
            return
        if model.layer is not self._layer:
            self.close_variants()
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
                    # A key's text (a wide letter, Done, a language's name) shrinks
                    # to the key rather than breaking, at any text size.
                    fit_words=True,
                )
                if key.variants:
                    button.bind(on_press=lambda b, key=key: self._start_long_press(b, key))
                button.bind(on_release=lambda b, key=key: self._release(b, key))
                line.add_widget(button)
                self._buttons.append((button, key))
            self.add_widget(line)

    def _release(self, button: KioskButton, key: Key) -> None:
        self._cancel_long_press()
        if self._held is button:
            self._held = None  # the long press showed the variants; the key types nothing
            return
        self.model.press(key)

    # Long press ---------------------------------------------------------------------

    def _start_long_press(self, button: KioskButton, key: Key) -> None:
        self._cancel_long_press()
        touch = button.last_touch
        self._long_press = Clock.schedule_once(
            lambda _dt: self._open_variants(button, key, touch.uid), LONG_PRESS_S
        )

    def _cancel_long_press(self) -> None:
        if self._long_press is not None:
            self._long_press.cancel()
            self._long_press = None

    def _open_variants(self, button: KioskButton, key: Key, touch_uid: int) -> None:
        self._long_press = None
        if button.state != "down" or self.model is None:
            return  # the finger left the key before the long press was up
        screen = self._screen()
        variants = self.model.variants(key)
        if screen is None or not variants:
            return
        self.close_variants()
        width, height = button.size
        gap = self.spacing if isinstance(self.spacing, (int, float)) else self.spacing[0]
        bubble = VariantBubble(
            self,
            key,
            touch_uid,
            size_hint=(None, None),
            size=(len(variants) * width + (len(variants) + 1) * gap, height + 2 * gap),
            spacing=gap,
            padding=gap,
        )
        for variant in variants:
            choice = KioskButton(
                text=variant,
                key=f"kbv:{variant}",
                bg_color=SURFACE,
                color=INK,
                radius=8,
            )
            choice.bind(on_release=lambda b: self.choose_variant(b.text))
            bubble.add_widget(choice)
        # Above the key, over the row above it, and inside the screen.
        x, y = screen.to_widget(*button.to_window(button.center_x, button.top), relative=True)
        bubble.x = min(max(0, x - bubble.width / 2), screen.width - bubble.width)
        bubble.y = min(y, screen.height - bubble.height)
        screen.add_widget(bubble)
        self._bubble = bubble
        self._held = button

    def _screen(self) -> Screen | None:
        parent = self.parent
        while parent is not None and not isinstance(parent, Screen):
            parent = parent.parent
        return parent

    def choose_variant(self, variant: str) -> None:
        bubble = self._bubble
        self.close_variants()
        if bubble is not None and self.model is not None:
            self.model.press_variant(bubble.source_key, variant)

    def close_variants(self) -> None:
        self._cancel_long_press()
        self._held = None
        if self._bubble is not None:
            if self._bubble.parent is not None:
                self._bubble.parent.remove_widget(self._bubble)
            self._bubble = None
