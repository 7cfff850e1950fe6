"""A terminal's health as the pages show it, its flags, and the incidents the tick keeps.

A terminal is flagged when it has been silent longer than SILENT_AFTER_S
(a setting) or when its last status reports a device ``missing`` or in
``error`` (``off`` is a device switched off on purpose, not a failure).
``review`` turns flags into incidents: one opens when a flag appears and
closes when it goes, so the site's admins hear once per incident.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from manager.fleet.models import Terminal, TerminalIncident, TerminalStatus

DEVICES = ("camera", "microphone", "display")
FAILED_STATES = ("missing", "error")
#: What a status row is compared on for the history; the queue's counts and the
#: times change with every report and are not a change of health.
HEALTH_KEYS = ("version", "dialog_sha256", "dialog_errors", *DEVICES)
#: How many of a terminal's latest reports the history looks through.
HISTORY_ROWS = 2000


def silent_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SILENT_AFTER_S)


def failed_devices(status: dict | None) -> list[str]:
    """The devices the status reports missing or in error, e.g. ``["camera"]``."""
    status = status or {}
    return [device for device in DEVICES if status.get(device) in FAILED_STATES]


def is_silent(terminal: Terminal, now: datetime.datetime) -> bool:
    """Enrolled, heard from once, and not since SILENT_AFTER_S: a terminal that stopped.

    One never heard from is awaiting its first contact, not silent.
    """
    return (
        terminal.active
        and terminal.last_seen_at is not None
        and now - terminal.last_seen_at > silent_after()
    )


def flags(terminal: Terminal, now: datetime.datetime) -> dict[str, str]:
    """``{kind: detail}`` of what is wrong with the terminal now; empty when nothing is."""
    found = {}
    if is_silent(terminal, now):
        found[TerminalIncident.SILENT] = f"last seen {terminal.last_seen_at:%Y-%m-%d %H:%M} UTC"
    if terminal.active:
        failed = failed_devices(terminal.last_status)
        if failed:
            status = terminal.last_status or {}
            found[TerminalIncident.DEVICE] = ", ".join(
                f"{device} {status[device]}" for device in failed
            )
    return found


@dataclasses.dataclass
class Health:
    """What the terminals page shows of one terminal."""

    terminal: Terminal
    flags: dict[str, str]
    status: dict
    failed: list[str]

    @property
    def silent(self) -> bool:
        return TerminalIncident.SILENT in self.flags

    @property
    def failures(self) -> list[tuple[str, str]]:
        return [(device, self.status[device]) for device in self.failed]

    @property
    def backlog(self) -> list[tuple[str, int, int]]:
        """``(target, pending, rejected)`` per delivery target, or the total as "all"."""
        queue = self.status.get("queue") or {}
        targets = queue.get("targets") or {}
        if targets:
            return [
                (name, int(counts.get("pending") or 0), int(counts.get("rejected") or 0))
                for name, counts in sorted(targets.items())
            ]
        if not queue:
            return []
        return [("", int(queue.get("pending") or 0), int(queue.get("rejected") or 0))]


def health(terminal: Terminal, now: datetime.datetime | None = None) -> Health:
    now = now or timezone.now()
    status = terminal.last_status or {}
    return Health(terminal, flags(terminal, now), status, failed_devices(status))


def changes(terminal: Terminal, limit: int = HISTORY_ROWS) -> list[TerminalStatus]:
    """The terminal's reports where its health changed, newest first (the first report too)."""
    rows = list(terminal.statuses.only("received_at", "data").order_by("-received_at")[:limit])
    kept: list[TerminalStatus] = []
    previous: tuple | None = None
    for row in reversed(rows):
        signature = tuple(repr(row.data.get(key)) for key in HEALTH_KEYS)
        rejected = (row.data.get("queue") or {}).get("rejected") or 0
        signature += (bool(rejected),)
        if signature != previous:
            row.changed = _changed_keys(kept[-1].data if kept else None, row.data)
            kept.append(row)
        previous = signature
    kept.reverse()
    return kept


def _changed_keys(before: dict | None, after: dict) -> list[str]:
    if before is None:
        return list(HEALTH_KEYS)
    return [key for key in HEALTH_KEYS if before.get(key) != after.get(key)]


# ------------------------------------------------------------------ incidents


def review(now: datetime.datetime) -> list[TerminalIncident]:
    """Opens an incident for each new flag and closes those whose flag went; returns the
    incidents opened. Safe to run twice at once: the open incident is unique."""
    opened = []
    open_incidents = {
        (incident.terminal_id, incident.kind): incident
        for incident in TerminalIncident.objects.filter(cleared_at=None)
    }
    for terminal in _terminals():
        current = flags(terminal, now)
        for kind, detail in current.items():
            if (terminal.pk, kind) in open_incidents:
                continue
            try:
                with transaction.atomic():
                    opened.append(
                        TerminalIncident.objects.create(
                            terminal=terminal, kind=kind, detail=detail[:200], started_at=now
                        )
                    )
            except IntegrityError:
                continue  # another tick opened it a moment ago
        for kind in (TerminalIncident.SILENT, TerminalIncident.DEVICE):
            incident = open_incidents.get((terminal.pk, kind))
            if incident is not None and kind not in current:
                TerminalIncident.objects.filter(pk=incident.pk, cleared_at=None).update(
                    cleared_at=now
                )
    return opened


def _terminals() -> Iterator[Terminal]:
    return Terminal.objects.only(
        "id", "terminal_id", "site_id", "token_hash", "revoked_at", "last_seen_at", "last_status"
    ).iterator()
