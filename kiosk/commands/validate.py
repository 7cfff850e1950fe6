"""``kiosk validate``: checks a dialog file, or the settings file with ``--settings``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    Failure,
    add_command,
    load_settings_or_fail,
    print_problems,
)


def add_parser(commands) -> None:
    parser = add_command(
        commands,
        "validate",
        help="check a dialog file (or a settings file with --settings)",
        description="Check a dialog file and print every problem as "
        "file:line:col: path: message. With --settings and no FILE, check the "
        "settings file, the secret files it names and the dialog it uses. "
        "Exit 0: valid (warnings allowed); 1: invalid.",
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="the dialog file")
    parser.set_defaults(handler=command_validate)


def command_validate(args: argparse.Namespace) -> int:
    from dialog_config import check_dialog

    from ..languages import terminal_problems

    if args.file is None:
        if not args.settings:
            print(
                "kiosk validate: give a dialog FILE, or --settings FILE to check settings",
                file=sys.stderr,
            )
            return EXIT_USAGE
        return _validate_settings(args)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Failure(f"{path}: cannot read the file: {exc.strerror}") from exc
    result = check_dialog(data, file=str(path), base_dir=path.resolve().parent)
    problems = list(result.problems) + terminal_problems(data, str(path), result.dialog)
    print_problems(problems)
    errors = [problem for problem in problems if problem.is_error]
    warnings = len(problems) - len(errors)
    if errors:
        print(
            f"{path}: {len(errors)} error(s), {warnings} warning(s); "
            "the terminal will not use this file until the errors are fixed",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    print(f"{path}: valid, {warnings} warning(s), sha256 {result.sha256}")
    return EXIT_OK


def _validate_settings(args: argparse.Namespace) -> int:
    from dialog_config import DialogError, load_dialog

    from ..languages import terminal_problems
    from ..settings import SettingsError

    settings = load_settings_or_fail(args)
    failed = False
    for secret in settings.secret_files():
        try:
            secret.read()
        except SettingsError as exc:
            print_problems(exc.problems)
            failed = True
    try:
        dialog = load_dialog(settings.dialog)
    except DialogError as exc:
        print_problems(exc.problems)
        failed = True
    else:
        terminal = terminal_problems(
            Path(settings.dialog).read_bytes(), str(settings.dialog), dialog
        )
        print_problems(list(dialog.warnings) + terminal)
        failed = failed or any(problem.is_error for problem in terminal)
    if failed:
        return EXIT_FAILURE
    print(
        f"{settings.source}: valid; dialog {settings.dialog}, targets: "
        f"{', '.join(settings.targets) or 'none'}"
    )
    return EXIT_OK
