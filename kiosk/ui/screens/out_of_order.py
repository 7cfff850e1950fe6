"""Out of order: shown instead of the start screen while the outbox cannot store a visit.

The terminal says so, in each of the dialog's languages in turn, rather
than thanking visitors for feedback it could not keep. A tap shows the next
language at once; the operator corner opens the operator screen, which
says why.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty

from ...i18n import gettext
from . import KioskScreen
from .start import WELCOME_CYCLE_S


class OutOfOrderScreen(KioskScreen):
    has_access_bar = False
    #: Which of the dialog's languages the notice is shown in now.
    shown_index = NumericProperty(0)

    def on_enter(self, *_args) -> None:
        self._cycle = Clock.schedule_interval(lambda _dt: self.next_language(), WELCOME_CYCLE_S)

    def on_leave(self, *_args) -> None:
        self._cycle.cancel()

    def refresh(self) -> None:
        self.shown_index = 0
        self._show()

    def next_language(self) -> None:
        self.shown_index = (self.shown_index + 1) % len(self.kiosk.flow.dialog.languages)
        self._show()

    def _show(self) -> None:
        languages = self.kiosk.flow.dialog.languages
        language = languages[self.shown_index % len(languages)]
        self.ids.title.text = gettext(language, "Out of order")
        self.ids.notice.text = gettext(
            language, "This terminal cannot save feedback right now. Please tell a member of staff."
        )


SCREEN_CLASS = OutOfOrderScreen
