"""The start screen: the site, a welcome that cycles through the languages, language buttons."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty

from ...i18n import language_name
from ..widgets import KioskButton
from . import KioskScreen

#: How long each language's welcome stays before the next one shows.
WELCOME_CYCLE_S = 6.0
#: Up to this many language buttons stand in one row; more take two rows, so that
#: ten still leave each name room on an 800×480 screen.
LANGUAGES_PER_ROW = 5


def language_grid(count: int) -> tuple[int, int]:
    """Rows and columns for ``count`` language buttons: one row up to
    LANGUAGES_PER_ROW, else two rows as even as can be (7 → 4 + 3)."""
    rows = 1 if count <= LANGUAGES_PER_ROW else 2
    return rows, max(1, -(-count // rows))


class StartScreen(KioskScreen):
    #: Which of the dialog's languages the welcome is shown in now.
    shown_index = NumericProperty(0)
    language_rows = NumericProperty(1)
    language_columns = NumericProperty(1)

    def on_enter(self, *_args) -> None:
        self._cycle = Clock.schedule_interval(self._next_language, WELCOME_CYCLE_S)

    def on_leave(self, *_args) -> None:
        self._cycle.cancel()

    def _next_language(self, _dt) -> None:
        languages = self.kiosk.flow.dialog.languages
        self.shown_index = (self.shown_index + 1) % len(languages)
        self.refresh_welcome()

    def refresh(self) -> None:
        self.shown_index = 0
        box = self.ids.languages
        box.clear_widgets()
        dialog = self.kiosk.flow.dialog
        self.language_rows, self.language_columns = language_grid(len(dialog.languages))
        for code in dialog.languages:
            button = KioskButton(
                text=language_name(code),
                key=f"language:{code}",
                bg_color=[1, 1, 1, 1],
                # Ten languages in a grid: a long name shrinks rather than breaks.
                fit_words=True,
            )
            button.bind(
                on_release=lambda _b, code=code: self.kiosk.act(self.kiosk.flow.begin, code)
            )
            box.add_widget(button)
        self.refresh_welcome()

    def refresh_welcome(self) -> None:
        dialog = self.kiosk.flow.dialog
        language = dialog.languages[self.shown_index % len(dialog.languages)]
        self.ids.welcome.text = self.kiosk.text_in("welcome", language)
        self.ids.invitation.text = self.kiosk.text_in("invitation", language)

    def begin(self) -> None:
        self.kiosk.act(self.kiosk.flow.begin, None)


SCREEN_CLASS = StartScreen
