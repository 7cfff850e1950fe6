"""Telling systemd how the process is doing (``sd_notify``), without libsystemd.

A ``Type=notify`` unit waits for ``READY=1`` before it counts the service as
started; with ``WatchdogSec=`` it kills and restarts a process that stops
sending ``WATCHDOG=1``. systemd passes the socket to write to in
``$NOTIFY_SOCKET`` (a path, or ``@name`` for Linux's abstract namespace) and
the watchdog period in ``$WATCHDOG_USEC``; outside systemd neither is set
and every call here does nothing, so ``kiosk run`` and ``kiosk sync`` behave
the same in a terminal and in the tests.

Both processes use this module: ``kiosk`` may import ``sync``, not the
other way round.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)

NOTIFY_SOCKET_ENV = "NOTIFY_SOCKET"
WATCHDOG_USEC_ENV = "WATCHDOG_USEC"
WATCHDOG_PID_ENV = "WATCHDOG_PID"
#: Feed the watchdog at this fraction of its period, as sd_watchdog_enabled(3) advises.
WATCHDOG_FRACTION = 0.5
#: Status texts are short; systemd shows them in ``systemctl status``.
STATUS_MAX_CHARS = 200


def notify(*fields: str) -> bool:
    """Send ``fields`` (``"READY=1"``, ``"STATUS=..."``) to systemd; True if sent.

    Never raises: a service must not die because its supervisor went away.
    """
    address = os.environ.get(NOTIFY_SOCKET_ENV)
    if not address:
        return False
    if address.startswith("@"):
        # Abstract namespace: the name starts with a NUL byte instead of "@".
        address = "\0" + address[1:]
    elif not address.startswith("/"):
        log.warning(
            "%s=%r is neither a path nor @abstract; not notifying systemd",
            NOTIFY_SOCKET_ENV,
            address,
        )
        return False
    payload = "\n".join(fields).encode("utf-8")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(payload, address)
    except OSError as exc:
        log.warning("cannot notify systemd at %s: %s", os.environ.get(NOTIFY_SOCKET_ENV), exc)
        return False
    return True


def ready(status: str | None = None) -> bool:
    """The service is up: systemd finishes ``systemctl start`` and starts what waits for it."""
    return notify("READY=1", *_status(status))


def stopping(status: str | None = None) -> bool:
    """The service is shutting down on purpose (no watchdog alarm while it finishes)."""
    return notify("STOPPING=1", *_status(status))


def status(text: str) -> bool:
    """A one-line state for ``systemctl status``."""
    return notify(*_status(text))


def watchdog() -> bool:
    """Still alive: resets systemd's watchdog timer."""
    return notify("WATCHDOG=1")


def watchdog_interval_s() -> float | None:
    """How often to call :func:`watchdog` (half systemd's period), or None when not watched.

    ``$WATCHDOG_PID``, when set, names the process the watchdog is for; a
    child process that inherited the environment is not it.
    """
    usec = os.environ.get(WATCHDOG_USEC_ENV)
    if not usec:
        return None
    pid = os.environ.get(WATCHDOG_PID_ENV)
    if pid and pid != str(os.getpid()):
        return None
    try:
        period_us = int(usec)
    except ValueError:
        log.warning(
            "%s=%r is not a number of microseconds; not feeding the watchdog",
            WATCHDOG_USEC_ENV,
            usec,
        )
        return None
    if period_us <= 0:
        return None
    return period_us / 1_000_000 * WATCHDOG_FRACTION


def _status(text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    line = " ".join(text.split())[:STATUS_MAX_CHARS]
    return (f"STATUS={line}",)
