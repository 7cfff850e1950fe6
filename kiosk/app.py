"""The Kivy application: wires the flow, the devices and the outbox to the screens.

Kivy reads its configuration and the command line when it is first
imported, so every Kivy import happens inside :func:`run_app`, after the
environment is set. The screens render :class:`kiosk.flow.Flow`'s state and
forward taps to it; this module owns the threads and the clock:

- visits go to the outbox through :class:`kiosk.submitter.Submitter`, off the
  UI thread, so the thanks screen shows at once;
- the dialog file is polled on a worker thread; results come back to the UI
  thread through ``Clock.schedule_once``;
- a one-second tick drives the idle reset.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

from .dialog_copies import StartDialog
from .settings import Settings

log = logging.getLogger(__name__)

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
SCREENS_DIR = Path(__file__).resolve().parent / "screens"
#: How often the flow checks for inactivity.
TICK_S = 1.0
#: The design is drawn for this window; sizes scale from it.
DESIGN_SIZE_PX = (1280, 800)
#: The smallest scale: at 800×480 on a 7-inch screen it keeps a button at
#: 48 px, which is 9 mm, the size of a thumb.
MIN_SCALE = 0.75
#: Screens, in the order the flow's steps name them.
SCREEN_NAMES = ("start", "rating", "choice", "message", "text", "voice", "callback",
                "photo_consent", "thanks", "pin", "operator")


def _configure_kivy(settings: Settings) -> None:
    """Kivy settings that must be in place before the window exists.

    A ``KCFG_<SECTION>_<KEY>`` variable in the environment (as the systemd
    unit and the tests set them) wins over what the settings file implies.
    """
    # The kiosk has its own arguments, logging and config; Kivy must not
    # read sys.argv, add a second console log, or write log files of its own.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    # SDL would turn SIGTERM into a window close request, which the lockdown
    # refuses; the app handles SIGTERM itself (see KioskApp.build).
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    from kivy.config import Config

    def default(section: str, key: str, value: object) -> None:
        if f"KCFG_{section.upper()}_{key.upper()}" not in os.environ:
            Config.set(section, key, str(value))

    display = settings.display
    default("graphics", "fullscreen", "auto" if display.fullscreen else "0")
    default("graphics", "rotation", display.rotation)
    default("graphics", "show_cursor", int(display.show_cursor))
    if not display.fullscreen:
        default("graphics", "width", DESIGN_SIZE_PX[0])
        default("graphics", "height", DESIGN_SIZE_PX[1])
    # A visitor must never leave the app: Escape does not close it.
    default("kivy", "exit_on_escape", 0)
    # The mouse provider serves a desktop window; on the appliance the unit
    # sets the one touch input path, so that a tap is never counted twice.
    default("input", "mouse", "mouse,disable_multitouch")
    # The app draws its own keyboard; Kivy's virtual keyboard never shows.
    default("kivy", "keyboard_mode", "system")


def run_app(settings: Settings, start: StartDialog) -> int:
    """Runs the app until it stops; returns the process's exit code."""
    _configure_kivy(settings)
    # Ctrl+C in the terminal that started the app must not end a visit; only
    # the operator screen exits (SIGTERM from systemd still stops it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .kivy_app import KioskApp

    app = KioskApp(settings=settings, start=start)
    app.run()
    return app.exit_code


def start_daemon(target, name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread
