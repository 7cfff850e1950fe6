"""The operator's PIN pad: digits, clear, OK; five wrong PINs lock it for five minutes."""

from __future__ import annotations

import math

from kivy.properties import StringProperty

from ...operator import PIN_DIGITS
from ..widgets import KioskButton
from . import KioskScreen

PAD_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok")


class PinScreen(KioskScreen):
    has_access_bar = False
    entered = StringProperty("")
    status = StringProperty("")

    def on_kv_post(self, _base) -> None:
        pad = self.ids.pad
        for key in PAD_KEYS:
            label = {"clear": "⌫", "ok": "OK"}.get(key, key)
            button = KioskButton(text=label, key=f"pin:{key}", bold=True, bg_color=[1, 1, 1, 1])
            button.bind(on_release=lambda _b, key=key: self.press(key))
            pad.add_widget(button)

    def refresh(self) -> None:
        self.entered = ""
        self.status = self.kiosk.tr("Enter PIN")

    def press(self, key: str) -> None:
        if key == "clear":
            self.entered = self.entered[:-1]
        elif key == "ok":
            if len(self.entered) >= PIN_DIGITS[0]:
                pin, self.entered = self.entered, ""
                self.kiosk.check_pin(pin, self._checked)
        elif len(self.entered) < PIN_DIGITS[1]:
            self.entered += key

    def _checked(self, result: str) -> None:
        kiosk = self.kiosk
        if result == "wrong":
            self.status = kiosk.tr("Wrong PIN")
        elif result == "locked":
            minutes = math.ceil(kiosk.pin_guard.locked_for_s / 60)
            self.status = kiosk.tr("Locked for {minutes} min", minutes=minutes)
        elif result == "no_pin":
            # For the technician, who reads the settings in English.
            self.status = "No operator PIN is set: run `kiosk pin` (operator.pin_file)"


SCREEN_CLASS = PinScreen
