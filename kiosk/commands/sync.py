"""``kiosk sync``: the delivery service; ``--once`` delivers what is due and exits."""

from __future__ import annotations

import argparse
import logging

from ..cli import EXIT_OK, Failure, add_command, load_settings_or_fail

log = logging.getLogger(__name__)


def add_parser(commands) -> None:
    parser = add_command(
        commands,
        "sync",
        help="deliver saved messages to the manager and the mailbox",
        description="Deliver the outbox to the targets set under `sync:` in the settings, "
        "until stopped (SIGTERM or Ctrl-C). With --once, deliver what is due "
        "now and exit.",
    )
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    parser.set_defaults(handler=command_sync)


def command_sync(args: argparse.Namespace) -> int:
    import signal

    from sync.errors import OutboxError
    from sync.outbox import Outbox

    settings = load_settings_or_fail(args)
    if not settings.targets:
        raise Failure(
            f"{settings.source or 'the embedded settings'}: no delivery target is set; "
            "add `sync: manager:` and/or `sync: mailbox:` to the settings file"
        )
    try:
        outbox = Outbox(settings.data_dir, reserve_bytes=settings.disk_reserve_mb * 1024 * 1024)
    except OutboxError as exc:
        raise Failure(str(exc)) from exc
    service = None
    try:
        service = build_service(settings, outbox)
        previous = {
            sig: signal.signal(sig, lambda *_: service.request_stop())
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            service.run(once=args.once)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    except OutboxError as exc:
        raise Failure(f"{exc}") from exc
    finally:
        # A delivery stuck in flight keeps its thread: leave it to the process's
        # exit rather than closing its connection under it.
        if service is not None and not service.alive():
            for target in service.targets:
                target.close()
            outbox.close()
    return EXIT_OK


def build_targets(settings) -> list:
    """The delivery targets the settings configure, with their secrets read.

    ``kiosk sync`` delivers through them; ``kiosk doctor`` tries them.
    """
    from dialog_config import DialogError, load_dialog
    from sync.status import software_version
    from sync.targets.mailbox import MailboxTarget
    from sync.targets.manager import ManagerTarget

    from ..settings import SettingsError

    targets = []
    try:
        if settings.manager:
            targets.append(
                ManagerTarget(
                    settings.manager.url,
                    settings.manager.token_file.read(),
                    settings.terminal_id,
                    ca_file=settings.manager.ca_file,
                    user_agent=f"kiosk-feedback/{software_version()}",
                )
            )
        if settings.mailbox:
            mailbox = settings.mailbox
            try:
                language = load_dialog(settings.dialog).default_language
            except DialogError:
                language = "en"  # the app refuses that dialog too; the mail still goes out
            targets.append(
                MailboxTarget(
                    mailbox.host,
                    mailbox.port,
                    sender=mailbox.sender,
                    recipients=mailbox.recipients,
                    security=mailbox.security,
                    username=mailbox.username,
                    password=mailbox.password_file.read() if mailbox.password_file else None,
                    ca_file=mailbox.ca_file,
                    send=mailbox.send,
                    language=language,
                    max_mails_per_hour=mailbox.max_mails_per_hour,
                )
            )
    except (SettingsError, ValueError) as exc:
        for target in targets:
            target.close()
        raise Failure(f"{exc}") from exc
    return targets


def build_service(settings, outbox):
    """The targets and periodic jobs the settings ask for, around ``outbox``."""
    import time

    from dialog_config import DEFAULT_DIALOG
    from sync.dialog_update import DIALOG_POLL_S, DialogUpdater
    from sync.retention import RETENTION_INTERVAL_S, Retention
    from sync.service import DeliveryService, PeriodicJob
    from sync.state import ServiceState
    from sync.status import STATUS_INTERVAL_S, software_version, terminal_status
    from sync.targets.manager import ManagerTarget

    version = software_version()
    state = ServiceState(settings.data_dir)
    state.update(started_at=time.time())
    started = time.monotonic()
    retention = Retention(
        outbox,
        delivered_media_days=settings.retention.delivered_media_days,
        delivered_messages_days=settings.retention.delivered_messages_days,
    )
    jobs = [PeriodicJob("retention", RETENTION_INTERVAL_S, retention.run)]
    targets = build_targets(settings)
    manager = next((t for t in targets if isinstance(t, ManagerTarget)), None)
    if manager is not None:
        updater = DialogUpdater(manager.fetch_dialog, settings.dialog, state)
        if settings.manager.poll_dialog:
            if settings.dialog == DEFAULT_DIALOG:
                log.warning(
                    "not polling the manager's dialog: the settings name no "
                    "`dialog:` file to write it to (the bundled example is read-only)"
                )
            else:
                jobs.append(PeriodicJob("dialog poll", DIALOG_POLL_S, updater.poll, "manager"))

        def send_status() -> None:
            manager.put_status(
                terminal_status(
                    outbox,
                    dialog_path=settings.dialog,
                    dialog_errors=updater.errors,
                    version=version,
                    service_started=started,
                )
            )
            state.update(status_sent_at=time.time())

        jobs.append(PeriodicJob("status report", STATUS_INTERVAL_S, send_status, "manager"))
    return DeliveryService(outbox, targets, jobs=jobs)
