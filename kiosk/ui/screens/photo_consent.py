"""Photo mode ``ask``: the visitor agrees to the photo, or not, before the message is sent."""

from __future__ import annotations

from . import KioskScreen


class PhotoConsentScreen(KioskScreen):
    def refresh(self) -> None:
        self.ids.question.text = self.kiosk.text("photo_ask")


SCREEN_CLASS = PhotoConsentScreen
