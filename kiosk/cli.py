"""The ``kiosk`` command: parses arguments, loads settings, runs one subcommand.

Exit codes are the contract's: 0 success, 1 a failure explained on stderr,
2 bad usage. Every subcommand imports what it needs only when it runs, so
``kiosk validate`` on an operator's laptop never loads Kivy or OpenCV.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

#: journald adds the time and the unit; a line carries the level and the event.
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


class Failure(Exception):
    """A failure the user can act on; its text goes to stderr, exit code 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Feedback terminal: the touchscreen app and its tools.")
    parser.add_argument("--settings", metavar="PATH",
                        help="settings file (default: $KIOSK_SETTINGS, else "
                             "/etc/kiosk/settings.yaml, else the embedded defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser("run", help="the touchscreen app",
                              description="Start the touchscreen app.")
    run.set_defaults(handler=command_run)

    validate = commands.add_parser(
        "validate", help="check a dialog file (or a settings file with --settings)",
        description="Check a dialog file and print every problem as "
                    "file:line:col: path: message. With --settings and no FILE, check the "
                    "settings file, the secret files it names and the dialog it uses. "
                    "Exit 0: valid (warnings allowed); 1: invalid.")
    validate.add_argument("file", nargs="?", metavar="FILE", help="the dialog file")
    validate.set_defaults(handler=command_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format=LOG_FORMAT, stream=sys.stderr)
    try:
        return args.handler(args)
    except Failure as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE


def _settings(args: argparse.Namespace):
    from .settings import SettingsError, load_settings

    try:
        return load_settings(args.settings)
    except SettingsError as exc:
        raise Failure(f"{exc}\nThe settings file has errors; fix them and run "
                      "`kiosk validate --settings FILE` to check.") from exc


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def command_validate(args: argparse.Namespace) -> int:
    from dialog_config import check_dialog

    if args.file is None:
        if not args.settings:
            print("kiosk validate: give a dialog FILE, or --settings FILE to check settings",
                  file=sys.stderr)
            return EXIT_USAGE
        return _validate_settings(args)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Failure(f"{path}: cannot read the file: {exc.strerror}") from exc
    result = check_dialog(data, file=str(path), base_dir=path.resolve().parent)
    _print_problems(result.problems)
    if result.errors:
        print(f"{path}: {len(result.errors)} error(s), {len(result.warnings)} warning(s); "
              "the terminal will not use this file until the errors are fixed",
              file=sys.stderr)
        return EXIT_FAILURE
    print(f"{path}: valid, {len(result.warnings)} warning(s), sha256 {result.sha256}")
    return EXIT_OK


def _validate_settings(args: argparse.Namespace) -> int:
    from dialog_config import DialogError, load_dialog

    from .settings import SettingsError

    settings = _settings(args)
    failed = False
    for secret in settings.secret_files():
        try:
            secret.read()
        except SettingsError as exc:
            _print_problems(exc.problems)
            failed = True
    try:
        dialog = load_dialog(settings.dialog)
    except DialogError as exc:
        _print_problems(exc.problems)
        failed = True
    else:
        _print_problems(dialog.warnings)
    if failed:
        return EXIT_FAILURE
    print(f"{settings.source}: valid; dialog {settings.dialog}, targets: "
          f"{', '.join(settings.targets) or 'none'}")
    return EXIT_OK


def command_run(args: argparse.Namespace) -> int:
    from dialog_config import DialogError, load_dialog

    settings = _settings(args)
    try:
        dialog = load_dialog(settings.dialog)
    except DialogError as exc:
        raise Failure(f"{exc}\nThe dialog file has errors; fix them and check with "
                      f"`kiosk validate {settings.dialog}`.") from exc
    from .app import run_app

    run_app(settings, dialog)
    return EXIT_OK
