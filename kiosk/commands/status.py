"""``kiosk status``: the outbox at a glance, per target, for a technician or a script (``--json``)."""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import EXIT_OK, Failure, add_command, load_settings_or_fail


def add_parser(commands) -> None:
    parser = add_command(
        commands,
        "status",
        help="the outbox at a glance: pending, delivered, rejected per target",
        description="Show per delivery target how many messages are pending, delivered, "
        "rejected and skipped, the oldest pending one, the last errors, pauses, "
        "the spam taps the app did not store, and the last dialog fetched.",
    )
    parser.add_argument("--json", action="store_true", help="print the same as one JSON object")
    parser.set_defaults(handler=command_status)


def command_status(args: argparse.Namespace) -> int:
    from sync import quarantine
    from sync.errors import OutboxError
    from sync.outbox import DB_NAME, Outbox
    from sync.status import outbox_report

    settings = load_settings_or_fail(args)
    waiting = quarantine.count(settings.data_dir)
    # What waits in the quarantine is said even when the outbox cannot be read:
    # that is when visits go there.
    aside = (
        f"\n{waiting} message(s) the outbox refused wait in "
        f"{settings.data_dir / quarantine.QUARANTINE_DIR_NAME}; once the outbox works, "
        f"`kiosk outbox requeue` puts them back"
        if waiting
        else ""
    )
    if not (settings.data_dir / DB_NAME).exists():
        raise Failure(
            f"no outbox in {settings.data_dir}: nothing was saved yet, or data_dir "
            f"in the settings points elsewhere than the app's{aside}"
        )
    try:
        with Outbox(settings.data_dir, reserve_bytes=0, recover=False) as outbox:
            report = outbox_report(outbox)
    except OutboxError as exc:
        raise Failure(f"{exc}{aside}") from exc
    report["configured_targets"] = list(settings.targets)
    report["quarantined"] = waiting
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_report(report)
    return EXIT_OK


def print_report(report: dict) -> None:
    print(f"Outbox {report['data_dir']}")
    targets = report["targets"]
    for name in report["configured_targets"]:
        if name not in targets:
            print(f"  {name}: configured, not started yet (run `kiosk sync`)")
    for name, entry in targets.items():
        note = "" if name in report["configured_targets"] else "  (no longer in the settings)"
        print(
            f"  {name}: {entry['pending']} pending, {entry['delivered']} delivered, "
            f"{entry['rejected']} rejected, {entry['skipped']} skipped{note}"
        )
        if entry["oldest_pending_at"]:
            print(f"    oldest pending: {entry['oldest_pending_at']}")
        if entry["paused"]:
            pause = entry["paused"]
            print(f"    PAUSED since {pause['since']} until {pause['until']}: {pause['reason']}")
        for error in entry["last_errors"]:
            print(
                f"    {error['at']} {error['message_id']} {error['state']}, "
                f"{error['attempts']} failed attempt(s): {error['error']}"
            )
    if report["quarantined"]:
        print(
            f"Quarantined: {report['quarantined']} message(s) the outbox refused wait in "
            f"{report['data_dir']}/quarantine; `kiosk outbox requeue` puts them back"
        )
    else:
        print("Quarantined: 0")
    taps = report["suppressed_taps"]
    print(f"Spam taps not stored: {taps['total']} ({taps['last_24h']} in the last 24 h)")
    pin = report.get("operator_pin")
    if pin and pin["locked_until"]:
        print(
            f"Operator PIN pad LOCKED until {pin['locked_until']} after wrong PINs "
            f"(lockout {pin['lockouts']} in a row; a right PIN afterwards resets it)"
        )
    elif pin:
        print(
            f"Operator PIN: {pin['wrong_tries']} wrong tries, {pin['lockouts']} lockout(s) "
            "since the last right PIN"
        )
    dialog = report["dialog"]
    if dialog["errors"]:
        print(f"The manager's dialog was NOT applied ({len(dialog['errors'])} error(s)):")
        for error in dialog["errors"]:
            print(f"  {error}")
    elif dialog["applied_at"]:
        print(f"The manager's dialog applied at {dialog['applied_at']}")
