"""The callback: an optional name, a phone number on a keypad, and consent that must be ticked."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from dialog_config.phone import format_for_display

from ...keyboard import FALLBACK_LAYOUT, KeyboardModel, layout_name_for_language, load_layout
from ..theme import MUTED_INK_HEX
from ..widgets.keyboard import KeyboardView  # noqa: F401  (the kv rule names it)
from . import KioskScreen, escape

#: The longest phone number a visitor can type: E.164 has 15 digits, plus "+" and spaces.
PHONE_MAX_CHARS = 24
NAME_MAX_CHARS = 100


class CallbackScreen(KioskScreen):
    field = StringProperty("phone")
    consent = BooleanProperty(False)
    problem = StringProperty("")

    def refresh(self) -> None:
        flow = self.kiosk.flow
        existing = flow.visit.callback
        name_layout = load_layout(layout_name_for_language(flow.language) or FALLBACK_LAYOUT)
        self.name_model = KeyboardModel(
            name_layout,
            max_chars=NAME_MAX_CHARS,
            text=existing.name or "" if existing else "",
            on_change=self.show,
            on_done=lambda _t: self.done(),
        )
        self.phone_model = KeyboardModel(
            load_layout("phone"),
            max_chars=PHONE_MAX_CHARS,
            text=format_for_display(existing.phone) if existing else "",
            on_change=self.show,
            on_done=lambda _t: self.done(),
        )
        self.consent = existing is not None
        self.problem = ""
        self.focus("phone")

    def focus(self, field: str) -> None:
        self.field = field
        self.ids.keyboard.model = self.name_model if field == "name" else self.phone_model
        self.show()

    def toggle_consent(self) -> None:
        self.consent = not self.consent
        self.problem = ""

    def show(self) -> None:
        self.ids.keyboard.update()
        self._show_field(self.ids.name, self.name_model.text, "callback_name", "name")
        self._show_field(self.ids.phone, self.phone_model.text, "callback_phone", "phone")

    def _show_field(self, box, typed: str, hint: str, field: str) -> None:
        """The typed text with a caret, or the field's name as a hint while it is empty."""
        caret = "|" if self.field == field else ""
        if typed:
            box.text = escape(typed) + caret
        else:
            box.text = f"[color={MUTED_INK_HEX}]{escape(self.kiosk.text(hint))}[/color]" + caret

    def done(self) -> None:
        problem = self.kiosk.act(
            self.kiosk.flow.set_callback, self.name_model.text, self.phone_model.text, self.consent
        )
        if problem:
            self.problem = problem
            if problem == "phone_invalid":
                self.focus("phone")


SCREEN_CLASS = CallbackScreen
