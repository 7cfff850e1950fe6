"""``kiosk doctor``: checks a terminal, one line per check, a hint under each failure."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from ..cli import EXIT_FAILURE, EXIT_OK, add_command

#: How each check's state is shown, padded to one width.
STATE_LABELS = {"ok": "ok", "failed": "FAIL", "off": "off"}
QUIETED_LOGGERS = ("kiosk.devices", "httpx")


def add_parser(commands) -> None:
    parser = add_command(
        commands,
        "doctor",
        help="check a terminal: settings, devices, disk, clock, targets",
        description="Check this terminal as the app and the delivery service will use it: "
        "the settings and their secret files, the dialog and its languages, the camera (one photo), "
        "the microphone (one second), the display, the disk, the clock, and each "
        "delivery target with its credentials (nothing is sent). Run it as the "
        "user the services run as. Exit 0 when nothing failed, 1 otherwise.",
    )
    parser.add_argument(
        "--send-test",
        action="store_true",
        help="also queue a test message; the running `kiosk sync` delivers it to every target",
    )
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    parser.set_defaults(handler=command_doctor)


def command_doctor(args: argparse.Namespace) -> int:
    from ..doctor import failed, run_checks, send_test_message

    if not args.verbose:
        # Each check reports what it found; the devices' and httpx's own log
        # lines would say it twice.
        for name in QUIETED_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
    results, settings = run_checks(args.settings)
    if args.send_test and settings is not None:
        results.append(send_test_message(settings))
    if args.json:
        json.dump(
            {
                "ok": not failed(results),
                "checks": [
                    {"name": r.name, "state": r.state, "detail": r.detail, "hint": r.hint}
                    for r in results
                ],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        width = max(len(label) for label in STATE_LABELS.values())
        for result in results:
            print(f"{STATE_LABELS[result.state]:<{width}}  {result.name}: {result.detail}")
            if result.hint:
                print(f"  → {result.hint}")
    return EXIT_FAILURE if failed(results) else EXIT_OK
