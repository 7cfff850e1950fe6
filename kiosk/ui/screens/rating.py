"""The rating: 3, 4 or 5 drawn faces, or the NPS scale 0..10."""

from __future__ import annotations

from dialog_config.rating import NPS_DETRACTORS, NPS_PROMOTERS

from ..theme import NPS_COLORS, hex_color
from ..widgets import Face, KioskButton, face_color
from . import KioskScreen


class RatingScreen(KioskScreen):
    def refresh(self) -> None:
        rating = self.kiosk.flow.dialog.rating
        self.ids.prompt.text = (
            self.kiosk.label(rating.prompt) if rating.prompt else self.kiosk.text("rating_prompt")
        )
        row = self.ids.choices
        row.clear_widgets()
        nps = rating.kind == "nps"
        self.ids.low_end.text = self.kiosk.tr("Not at all likely" if nps else "Not the best")
        self.ids.high_end.text = self.kiosk.tr("Extremely likely" if nps else "Excellent")
        for value in rating.values:
            if nps:
                widget = KioskButton(
                    text=str(value),
                    key=f"rating:{value}",
                    bg_color=hex_color(NPS_COLORS[nps_group(value)]),
                    bold=True,
                )
            else:
                steps = max(1, len(rating.values) - 1)
                widget = Face(
                    mood=-1 + 2 * (value - 1) / steps,
                    key=f"rating:{value}",
                    face_color=face_color(value, rating.values),
                )
            widget.bind(
                on_release=lambda _w, value=value: self.kiosk.act(self.kiosk.flow.rate, value)
            )
            row.add_widget(widget)
        self.ids.choices_holder.nps = nps


def nps_group(value: int) -> str:
    if value in NPS_DETRACTORS:
        return "detractor"
    return "promoter" if value in NPS_PROMOTERS else "passive"


SCREEN_CLASS = RatingScreen
