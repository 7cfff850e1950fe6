"""Starts the touchscreen app: Kivy's settings first, then the app.

Kivy reads its configuration and the command line when it is first
imported, so every Kivy import happens inside :func:`run_app`, after the
environment is set; :mod:`kiosk.ui.app` (the app itself) is imported only
then.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from typing import Any

from ..dialog_copies import StartDialog
from ..settings import Settings
from .design import DESIGN_SIZE_PX

log = logging.getLogger(__name__)


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


def run_app(
    settings: Settings, start: StartDialog, *, attach: Callable[[Any], None] | None = None
) -> int:
    """Runs the app until it stops; returns the process's exit code.

    ``attach(app)``, when given, is called with the app before it runs: the UI
    tests attach their probe this way (``python -m support.probed_app``), so
    that the app as installed carries no test hooks of its own.
    """
    _configure_kivy(settings)
    # Ctrl+C in the terminal that started the app must not end a visit; only
    # the operator screen exits (SIGTERM from systemd still stops it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .app import KioskApp

    app = KioskApp(settings=settings, start=start)
    if attach is not None:
        attach(app)
    app.run()
    return app.exit_code
