"""The text message: a docked keyboard in the visitor's language and a counter."""

from __future__ import annotations

from ...keyboard import FALLBACK_LAYOUT, KeyboardModel, layout_name_for_language, load_layout
from ..widgets.keyboard import KeyboardView  # noqa: F401  (the kv rule names it)
from . import KioskScreen, escape


class TextScreen(KioskScreen):
    def refresh(self) -> None:
        flow = self.kiosk.flow
        layout = load_layout(layout_name_for_language(flow.language) or FALLBACK_LAYOUT)
        self.model = KeyboardModel(
            layout,
            max_chars=flow.options.text_max_chars,
            text=flow.visit.text or "",
            on_change=self.show_text,
            on_done=self.done,
        )
        self.ids.keyboard.model = self.model
        self.ids.prompt.text = self.kiosk.text("text_button")
        self.show_text()

    def show_text(self) -> None:
        model = self.model
        self.ids.keyboard.update()
        if model.text:
            underline = f"[u]{escape(model.composing)}[/u]" if model.composing else ""
            self.ids.typed.text = escape(model.committed) + underline + "|"
            self.ids.typed.color = self.ids.typed.ink
        else:
            self.ids.typed.text = self.kiosk.text("text_placeholder")
            self.ids.typed.color = self.ids.typed.hint
        self.ids.counter.text = self.kiosk.tr("characters left: {count}", count=model.remaining)
        self.ids.counter.refused = model.refused

    def done(self, text: str | None = None) -> None:
        self.kiosk.act(self.kiosk.flow.set_text, self.model.text if text is None else text)


SCREEN_CLASS = TextScreen
