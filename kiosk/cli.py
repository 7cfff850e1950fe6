"""The ``kiosk`` command: parses arguments, loads settings, runs one subcommand.

Exit codes are the contract's: 0 success, 1 a failure explained on stderr,
2 bad usage. Each subcommand lives in its own module under
``kiosk.commands`` and imports what it needs only when it runs, so
``kiosk validate`` on an operator's laptop never loads Kivy or OpenCV.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

#: journald adds the time and the unit; a line carries the level and the event.
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"

#: The subcommands, in the order ``kiosk --help`` lists them. Each module
#: has ``add_parser(subparsers)`` and keeps its imports inside its handler.
COMMAND_MODULES = (
    "kiosk.commands.run",
    "kiosk.commands.validate",
    "kiosk.commands.report",
    "kiosk.commands.pin",
    "kiosk.commands.sync",
    "kiosk.commands.status",
    "kiosk.commands.doctor",
    "kiosk.commands.outbox",
    "kiosk.commands.enroll",
)


class Failure(Exception):
    """A failure the user can act on; its text goes to stderr, exit code 1."""


def _common_options(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument(
        "--settings",
        metavar="PATH",
        default=default,
        help="settings file (default: $KIOSK_SETTINGS, else "
        "/etc/kiosk/settings.yaml, else the embedded defaults)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="log debug messages"
    )


def add_command(commands, name: str, **kwargs) -> argparse.ArgumentParser:
    """A subcommand's parser; it also takes the common options after its name,
    as in ``kiosk sync --once --settings FILE``."""
    parser = commands.add_parser(name, **kwargs)
    # SUPPRESS: given after the subcommand it wins; not given, the value from
    # before the subcommand stands.
    _common_options(parser, argparse.SUPPRESS)
    return parser


QUIET_LIBRARY_LOGGERS = ("httpx", "httpcore")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Feedback terminal: the touchscreen app and its tools."
    )
    _common_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(build_parser().parse_args(argv))


def run_command(args: argparse.Namespace) -> int:
    """Runs the parsed command's handler with the logging and exit codes of the contract."""
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format=LOG_FORMAT, stream=sys.stderr
    )
    # httpx logs every request, address included, at INFO: the journal keeps
    # the delivery service's own lines, and the libraries' warnings.
    for name in QUIET_LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        return args.handler(args)
    except Failure as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE


def load_settings_or_fail(args: argparse.Namespace):
    """The settings named by ``--settings`` (or found as the contract says), or a Failure."""
    from .settings import SettingsError, load_settings

    try:
        return load_settings(args.settings)
    except SettingsError as exc:
        raise Failure(
            f"{exc}\nThe settings file has errors; fix them and run "
            "`kiosk --settings FILE validate` to check."
        ) from exc


def print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
