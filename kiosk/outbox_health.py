"""Whether the outbox can store visits: checked at start, told on a refused write, checked again.

The terminal must not thank a visitor it cannot serve. So the app opens the
outbox with :func:`open_outbox`, which never raises: a database that cannot
be opened, that ``PRAGMA quick_check`` finds damaged, that this user cannot
write, or a disk below the reserve, is a *problem*. :class:`OutboxHealth`
holds the current one (None while the outbox works); the submitter reports
one when a write is refused for good (the error's class says so). While
there is a problem the start screen shows the out-of-order screen.

A worker thread checks a problem again every RECHECK_S and clears it once
the outbox could store again (the disk was freed, the permissions fixed).
A damaged database stays out of order until the technician runs ``kiosk
outbox repair`` and restarts the app. Whenever the outbox works (at start,
and when a problem clears) the quarantined messages are put back into it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from sync import quarantine
from sync.errors import OutboxError
from sync.outbox import Outbox

log = logging.getLogger(__name__)

#: How often a problem with the outbox is checked again.
RECHECK_S = 30.0


class UnavailableOutbox:
    """Stands in for an outbox that could not be opened: it refuses everything, with why."""

    def __init__(self, data_dir: str | os.PathLike[str], reason: str):
        self.data_dir = Path(data_dir)
        self.reason = reason

    def add(self, message, *, photo=None, voice=None) -> str:
        raise OutboxError(self.reason)

    def record_suppressed(self) -> None:
        raise OutboxError(self.reason)

    def counts(self) -> dict:
        raise OutboxError(self.reason)

    def health_problem(self) -> str | None:
        return self.reason

    def close(self) -> None:
        pass


def open_outbox(
    data_dir: str | os.PathLike[str], *, reserve_bytes: int
) -> tuple[Outbox | UnavailableOutbox, str | None]:
    """The outbox, and why it cannot store visits (None when it can)."""
    try:
        outbox = Outbox(data_dir, reserve_bytes=reserve_bytes)
    except (OutboxError, OSError, sqlite3.Error) as exc:
        log.error("the outbox cannot be opened: %s", exc)
        return UnavailableOutbox(data_dir, str(exc)), str(exc)
    try:
        problem = outbox.health_problem()
    except OutboxError as exc:
        problem = str(exc)
    if problem:
        log.error("the outbox cannot store visits: %s", problem)
    return outbox, problem


class OutboxHealth:
    """The outbox's current problem, kept up to date; ``on_change(problem)`` runs on this thread."""

    def __init__(
        self,
        outbox: Outbox | UnavailableOutbox,
        problem: str | None,
        *,
        on_change: Callable[[str | None], None] = lambda problem: None,
        recheck_s: float = RECHECK_S,
    ):
        self.outbox = outbox
        self.problem = problem
        self.on_change = on_change
        self.recheck_s = recheck_s
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def report(self, problem: str) -> None:
        """A write was refused for good: the outbox is out of order until a check passes."""
        with self._lock:
            changed = self.problem is None
            self.problem = problem
        if changed:
            log.error("the outbox cannot store visits; the terminal is out of order: %s", problem)
            self.on_change(problem)

    def quarantined(self) -> int:
        return quarantine.count(self.outbox.data_dir)

    def run(self) -> None:
        """The worker: requeue at start, then check a problem every ``recheck_s``."""
        if self.problem is None:
            self._requeue()
        while not self._stop.wait(self.recheck_s):
            if self.problem is not None:
                self.check()

    def check(self) -> None:
        """Checks the outbox again; clears the problem (and requeues) when it works."""
        try:
            problem = self.outbox.health_problem()
        except OutboxError as exc:
            problem = str(exc)
        if problem is not None:
            with self._lock:
                self.problem = problem
            return
        with self._lock:
            self.problem = None
        log.info("the outbox stores visits again; the terminal is back in order")
        self.on_change(None)
        self._requeue()

    def stop(self) -> None:
        self._stop.set()

    def _requeue(self) -> None:
        if isinstance(self.outbox, UnavailableOutbox) or not self.quarantined():
            return
        try:
            report = quarantine.requeue(self.outbox)
        except (OutboxError, OSError, sqlite3.Error) as exc:
            log.error("the quarantined messages could not be put back: %s", exc)
            return
        log.info(
            "%d quarantined message(s) put back into the outbox, %d left in %s",
            len(report.stored),
            len(report.left),
            quarantine.quarantine_dir(self.outbox.data_dir),
        )
