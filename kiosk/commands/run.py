"""``kiosk run``: the touchscreen app."""

from __future__ import annotations

import argparse

from ..cli import EXIT_OK, add_command, load_dialog_or_fail, load_settings_or_fail


def add_parser(commands) -> None:
    parser = add_command(commands, "run", help="the touchscreen app",
                                 description="Start the touchscreen app.")
    parser.set_defaults(handler=command_run)


def command_run(args: argparse.Namespace) -> int:
    settings = load_settings_or_fail(args)
    dialog = load_dialog_or_fail(settings.dialog)
    from ..app import run_app

    run_app(settings, dialog)
    return EXIT_OK
