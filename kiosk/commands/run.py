"""``kiosk run``: the touchscreen app."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from typing import Any

from ..cli import Failure, add_command, load_settings_or_fail

log = logging.getLogger(__name__)


def add_parser(commands) -> None:
    parser = add_command(
        commands, "run", help="the touchscreen app", description="Start the touchscreen app."
    )
    parser.set_defaults(handler=command_run)


def command_run(args: argparse.Namespace, *, attach: Callable[[Any], None] | None = None) -> int:
    """``attach(app)`` is called with the app before it runs (see :func:`run_app`)."""
    from dialog_config import DialogError

    from ..dialog_copies import DialogCopies, choose_start_dialog

    settings = load_settings_or_fail(args)
    try:
        # A dialog file with errors must not keep the screen dark: the app
        # starts on the last good dialog, or the bundled one, and says why.
        start = choose_start_dialog(settings.dialog, DialogCopies(settings.data_dir))
    except DialogError as exc:
        raise Failure(
            f"{exc}\nNot even the bundled default dialog loads: the installation "
            "is damaged; install the software again."
        ) from exc
    if start.errors:
        log.error(
            "the dialog file %s has %d error(s): %s; running %s instead until it is "
            "fixed (`kiosk validate %s` lists them)",
            settings.dialog,
            len(start.errors),
            "; ".join(start.errors),
            start.describe(),
            settings.dialog,
        )
    from ..ui.launch import run_app

    return run_app(settings, start, attach=attach)
