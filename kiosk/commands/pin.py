"""``kiosk pin``: writes the operator PIN's hash to the file the settings name.

The PIN itself is never stored; the file is made readable by its owner only.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ..cli import EXIT_OK, EXIT_USAGE, Failure, add_command


def add_parser(commands) -> None:
    parser = add_command(
        commands,
        "pin",
        help="set the operator PIN (its hash goes to operator.pin_file)",
        description="Ask for a new operator PIN (4 to 12 digits) twice and write its hash to "
        "FILE, or to operator.pin_file of the settings, readable by the owner only.",
    )
    parser.add_argument("--file", type=Path, help="where to write the hash")
    parser.set_defaults(handler=command_pin)


def _ask(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()


def command_pin(args: argparse.Namespace) -> int:
    from ..cli import load_settings_or_fail
    from ..operator import hash_pin

    target = args.file
    if target is None:
        settings = load_settings_or_fail(args)
        if settings.operator_pin_file is None:
            print(
                "kiosk pin: give --file PATH, or set operator.pin_file in the settings",
                file=sys.stderr,
            )
            return EXIT_USAGE
        target = settings.operator_pin_file.path
    pin = _ask("New operator PIN: ")
    if pin != _ask("The same PIN again: "):
        raise Failure("kiosk pin: the two PINs differ; nothing was written")
    try:
        stored = hash_pin(pin)
    except ValueError as exc:
        raise Failure(f"kiosk pin: {exc}; nothing was written") from exc
    temp = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(stored + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        raise Failure(f"kiosk pin: cannot write {target}: {exc.strerror}") from exc
    print(f"{target}: operator PIN set")
    return EXIT_OK
