"""The terminal's health: the Status the manager receives, and what ``kiosk status`` shows."""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sync.health import read_device_status, read_pin_lockout
from sync.outbox import Outbox
from sync.state import read_service_state

#: How often the service reports its health to the manager.
STATUS_INTERVAL_S = 60.0
_PROC_UPTIME = Path("/proc/uptime")


def software_version() -> str:
    """The installed kiosk-feedback version; "unknown" when run from an uninstalled tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kiosk-feedback")
    except PackageNotFoundError:
        return "unknown"


def rfc3339(epoch_s: float | None) -> str | None:
    """An epoch time as RFC 3339 with the terminal's own UTC offset."""
    if epoch_s is None:
        return None
    return datetime.datetime.fromtimestamp(epoch_s).astimezone().isoformat(timespec="seconds")


def system_uptime_s() -> float | None:
    try:
        return float(_PROC_UPTIME.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def terminal_status(
    outbox: Outbox,
    *,
    dialog_path: str | os.PathLike[str],
    dialog_errors: list[str],
    version: str,
    clock: Callable[[], float] = time.time,
    service_started: float | None = None,
) -> dict[str, Any]:
    """The manager API's Status: queue, dialog, disk, devices, version, uptime.

    The queue counts messages across targets (pending while any target
    still has to deliver one), and each target's own backlog. ``uptime_s`` is the terminal's (from
    /proc/uptime), or the service's where that cannot be read.
    """
    queue = outbox.queue_summary()
    status: dict[str, Any] = {
        "at": rfc3339(clock()),
        "version": version,
        "dialog_sha256": _sha256_of(Path(dialog_path)),
        "dialog_errors": list(dialog_errors),
        "queue": {
            **{key: queue[key] for key in ("pending", "rejected", "oldest_pending_at")},
            "targets": {
                name: {"pending": entry["pending"], "rejected": entry["rejected"]}
                for name, entry in outbox.counts().items()
            },
        },
        "last_delivery_at": rfc3339(queue["last_delivery_at"]),
        "disk_free_bytes": int(shutil.disk_usage(outbox.data_dir).free),
    }
    status.update(read_device_status(outbox.data_dir))
    status.update(pin_pad_report(outbox.data_dir, clock()))
    uptime = system_uptime_s()
    if uptime is None and service_started is not None:
        uptime = time.monotonic() - service_started
    if uptime is not None:
        status["uptime_s"] = round(uptime, 1)
    return status


def outbox_report(outbox: Outbox, *, now: float | None = None) -> dict[str, Any]:
    """Everything ``kiosk status`` shows, as plain JSON-ready data."""
    now = time.time() if now is None else now
    targets = {}
    for name, entry in outbox.counts().items():
        pause = entry.pop("paused")
        entry["paused"] = (
            None
            if pause is None or pause.until <= now
            else {
                "since": rfc3339(pause.since),
                "until": rfc3339(pause.until),
                "reason": pause.reason,
            }
        )
        entry["last_errors"] = [
            {**error, "at": rfc3339(error["at"])} for error in entry["last_errors"]
        ]
        targets[name] = entry
    state = read_service_state(outbox.data_dir)
    dialog = state.get("dialog", {})
    return {
        "data_dir": str(outbox.data_dir),
        "targets": targets,
        "suppressed_taps": {
            "total": outbox.suppressed_count(),
            "last_24h": outbox.suppressed_count(since=now - 86_400),
        },
        "dialog": {
            "errors": dialog.get("errors", []),
            "checked_at": rfc3339(dialog.get("checked_at")),
            "applied_at": rfc3339(dialog.get("applied_at")),
        },
        "service": {
            "started_at": rfc3339(state.get("started_at")),
            "status_sent_at": rfc3339(state.get("status_sent_at")),
        },
        **pin_pad_report(outbox.data_dir, now),
    }


def pin_pad_report(data_dir: str | os.PathLike[str], now: float) -> dict[str, Any]:
    """The operator PIN pad, for the technician: locked until when, after how many lockouts.

    Empty when no wrong PIN was typed since the last right one.
    """
    record = read_pin_lockout(data_dir, now=now)
    if record is None or not (record["lockouts"] or record["wrong_tries"]):
        return {}
    until = record["locked_until"]
    return {
        "operator_pin": {
            "locked_until": rfc3339(until) if until is not None and until > now else None,
            "lockouts": record["lockouts"],
            "wrong_tries": record["wrong_tries"],
        }
    }


def _sha256_of(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
