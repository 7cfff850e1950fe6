"""The Kivy application: builds the window from the settings and shows the start screen.

Kivy reads its configuration and the command line when it is first
imported, so every Kivy import happens inside :func:`run_app`, after the
environment is set.
"""

from __future__ import annotations

import os

from dialog_config import Dialog

from .settings import Settings

#: How long each language's welcome stays before the next one shows.
WELCOME_CYCLE_S = 4.0


def _configure_kivy(settings: Settings) -> None:
    # The kiosk has its own arguments; Kivy must not read sys.argv.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("graphics", "fullscreen", "auto" if settings.display.fullscreen else "0")
    Config.set("graphics", "rotation", str(settings.display.rotation))
    Config.set("graphics", "show_cursor", "1" if settings.display.show_cursor else "0")
    # Escape would close the window; a visitor must never leave the app.
    Config.set("kivy", "exit_on_escape", "0")


def run_app(settings: Settings, dialog: Dialog) -> None:
    _configure_kivy(settings)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label

    class KioskApp(App):
        title = "Feedback terminal"

        def build(self):
            self.language_index = 0
            root = BoxLayout(orientation="vertical", padding=48, spacing=24)
            root.add_widget(Label(text=settings.site, font_size="28sp"))
            self.welcome = Label(text=self._welcome(), font_size="44sp", bold=True)
            root.add_widget(self.welcome)
            Clock.schedule_interval(self._next_language, WELCOME_CYCLE_S)
            return root

        def _welcome(self) -> str:
            language = dialog.languages[self.language_index]
            label = dialog.texts.get("welcome")
            return label.get(language) if label else "Your opinion matters"

        def _next_language(self, _dt: float) -> None:
            self.language_index = (self.language_index + 1) % len(dialog.languages)
            self.welcome.text = self._welcome()

    KioskApp().run()
