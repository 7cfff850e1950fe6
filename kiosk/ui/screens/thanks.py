"""Thanks, with the promoter link as a QR code after a top rating; then back to the start."""

from __future__ import annotations

from . import KioskScreen


class ThanksScreen(KioskScreen):
    def refresh(self) -> None:
        kiosk = self.kiosk
        flow = kiosk.flow
        self.ids.thanks.text = kiosk.text("thanks")
        link = flow.dialog.promoter_link if flow.shows_promoter_link else None
        self.ids.qr.data = link.url if link else ""
        self.ids.qr_box.opacity = 1 if link else 0
        self.ids.qr_prompt.text = (
            (kiosk.label(link.prompt) if link.prompt else kiosk.text("promoter_prompt"))
            if link
            else ""
        )


SCREEN_CLASS = ThanksScreen
