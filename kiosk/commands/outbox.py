"""``kiosk outbox repair`` and ``kiosk outbox requeue``: the technician's way back from a broken outbox."""

from __future__ import annotations

import argparse

from ..cli import EXIT_FAILURE, EXIT_OK, Failure, add_command, load_settings_or_fail

BYTES_PER_MB = 1024 * 1024


def add_parser(commands) -> None:
    parser = add_command(
        commands,
        "outbox",
        help="repair a damaged outbox; put quarantined messages back",
        description="`repair` moves the outbox database aside (data_dir/damaged-TIME/), "
        "starts a new one and copies over every message, delivery state and "
        "media file that can still be read. Stop the app and the delivery "
        "service first (`sudo systemctl stop kiosk kiosk-sync`). `requeue` puts "
        "the messages the app kept in data_dir/quarantine/ back into the "
        "outbox. Both print what they did, in counts.",
    )
    parser.add_argument(
        "action",
        choices=("repair", "requeue"),
        help="repair: keep the damaged file aside and start a new outbox "
        "with what can be read; requeue: quarantine → outbox",
    )
    parser.set_defaults(handler=command_outbox)


def command_outbox(args: argparse.Namespace) -> int:
    settings = load_settings_or_fail(args)
    if args.action == "repair":
        return _repair(settings)
    return _requeue(settings)


def _repair(settings) -> int:
    from sync import quarantine
    from sync.errors import OutboxError
    from sync.outbox.repair import repair

    try:
        report = repair(settings.data_dir)
    except (OutboxError, OSError) as exc:
        raise Failure(f"the outbox was not repaired: {exc}") from exc
    print(f"The damaged outbox is kept in {report.aside}.")
    print(
        f"New outbox in {settings.data_dir}: {report.messages} message(s) copied, "
        f"{report.unreadable_messages} unreadable; {report.deliveries} delivery state(s) "
        f"copied, {report.redelivered_messages} message(s) due again for a target whose "
        f"state was lost; {report.targets} target(s); {report.suppressed_taps} spam tap(s)."
    )
    print(
        f"Media: {report.media_kept} file(s) kept, {report.media_missing} missing (those "
        f"messages are delivered without them), {report.media_moved_aside} no message "
        f"names moved to {report.aside / 'media'}."
    )
    waiting = quarantine.count(settings.data_dir)
    if waiting:
        print(
            f"{waiting} message(s) wait in the quarantine: `kiosk outbox requeue` puts them "
            f"back (the app also does at its next start)."
        )
    print("Start the services again: sudo systemctl start kiosk kiosk-sync")
    return EXIT_OK


def _requeue(settings) -> int:
    from sync import quarantine
    from sync.errors import OutboxError
    from sync.outbox import Outbox

    if not quarantine.count(settings.data_dir):
        print(f"The quarantine in {quarantine.quarantine_dir(settings.data_dir)} is empty.")
        return EXIT_OK
    try:
        with Outbox(
            settings.data_dir, reserve_bytes=settings.disk_reserve_mb * BYTES_PER_MB, recover=False
        ) as outbox:
            report = quarantine.requeue(outbox)
    except (OutboxError, OSError) as exc:
        raise Failure(f"the outbox cannot take the quarantined messages: {exc}") from exc
    print(
        f"{len(report.stored)} quarantined message(s) put back into the outbox; "
        f"{len(report.left)} left in {quarantine.quarantine_dir(settings.data_dir)}."
    )
    for path, reason in report.left:
        print(f"  {path.name}: {reason}")
    return EXIT_FAILURE if report.left else EXIT_OK
