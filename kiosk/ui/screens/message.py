"""The message step: add a voice message, a text or a callback, or just send."""

from __future__ import annotations

from ...flow import Step
from . import KioskScreen

#: Shown on a part's button once the visitor has added it.
ADDED_MARK = "✓ "


class MessageScreen(KioskScreen):
    def refresh(self) -> None:
        kiosk = self.kiosk
        flow = kiosk.flow
        visit = flow.visit
        self.ids.prompt.text = kiosk.text("message_prompt")
        self.ids.path.text = f"  {kiosk.onward_mark}  ".join(
            kiosk.label(node.label) for node in visit.path
        )
        parts = (
            (self.ids.voice, flow.can_add_voice, "voice_button", visit.voice is not None),
            (self.ids.text, flow.can_add_text, "text_button", visit.text is not None),
            (
                self.ids.callback,
                flow.options.callback,
                "callback_button",
                visit.callback is not None,
            ),
        )
        for button, offered, name, added in parts:
            button.disabled = not offered
            button.opacity = 1 if offered else 0
            button.size_hint_x = 1 if offered else 0.001
            button.text = (ADDED_MARK if added else "") + kiosk.text(name)
            button.selected = added
        notice = flow.dialog.photo_mode == "notice"
        self.ids.photo_notice.text = kiosk.text("photo_notice") if notice else ""

    def open(self, step: str) -> None:
        self.kiosk.act(self.kiosk.flow.open_part, Step(step))


SCREEN_CLASS = MessageScreen
