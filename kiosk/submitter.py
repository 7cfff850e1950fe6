"""Hands finished visits to the outbox off the UI thread, and never loses one.

The screen shows thanks at once; this worker takes the photo (when the visit
asks for one) and calls ``Outbox.add``, which returns only once everything is
on disk. What happens when the outbox refuses:

- A transient refusal (the disk below the reserve, the database locked by
  another process: :func:`sync.outbox.is_transient`) is tried again every
  STORE_RETRY_S.
- Any other refusal is permanent (a damaged, read-only or unwritable
  database, an I/O error, a message the outbox cannot store): trying again
  would block every later visit. The message goes at once to the quarantine
  on disk (:mod:`sync.quarantine`), and the next visit is stored normally.
- A transient refusal that lasts is not kept in memory either: once the
  outbox has refused for TRANSIENT_LIMIT_S without storing anything, or
  QUEUE_LIMIT visits wait behind the refused one, or the app is stopping,
  the waiting message goes to the quarantine, and so does every later one
  the outbox refuses, until it stores one again. At most TRANSIENT_LIMIT_S
  of visits are ever only in memory, and a stop (SIGTERM) writes them out.

Except for a message the outbox finds invalid, a refusal that ends in the
quarantine means the outbox cannot store visits: ``on_outbox_problem`` says
why, so that the app can put the terminal out of order instead of thanking
visitors it cannot serve. If even the quarantine cannot be written (the disk
is full or read-only) the message stays in memory and both are tried again
every STORE_RETRY_S: there is nowhere else to keep it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from sync import quarantine
from sync.errors import InvalidMessageError
from sync.outbox import is_transient

from .flow import Submission

log = logging.getLogger(__name__)

#: Between tries to store a message the outbox refused for a transient reason.
STORE_RETRY_S = 5.0
#: How long the outbox may refuse (transiently) before messages go to the quarantine.
TRANSIENT_LIMIT_S = 60.0
#: How many visits may wait behind a refused one before it goes to the quarantine.
QUEUE_LIMIT = 3
#: The longest a visit waits for its photo; a stuck camera must not hold the queue.
PHOTO_TIMEOUT_S = 3.0

_SUPPRESSED = "suppressed"


class Photo(Protocol):
    jpeg: bytes
    width: int
    height: int


class Store(Protocol):
    data_dir: Path

    def add(
        self, message: dict[str, Any], *, photo: bytes | None = None, voice: bytes | None = None
    ) -> str: ...

    def record_suppressed(self) -> None: ...


class Submitter:
    """One worker thread: photo, then the outbox (or the quarantine), in the order visits ended."""

    def __init__(
        self,
        store: Store,
        take_photo: Callable[[float], Photo | None],
        *,
        on_error: Callable[[str], None] = lambda text: None,
        on_outbox_problem: Callable[[str], None] = lambda reason: None,
        retry_s: float = STORE_RETRY_S,
        transient_limit_s: float = TRANSIENT_LIMIT_S,
        queue_limit: int = QUEUE_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.store = store
        self.take_photo = take_photo
        self.on_error = on_error
        self.on_outbox_problem = on_outbox_problem
        self.retry_s = retry_s
        self.transient_limit_s = transient_limit_s
        self.queue_limit = queue_limit
        self._clock = clock
        #: Since when the outbox has refused every try (None while it stores).
        self._refusing_since: float | None = None
        self._queue: queue.Queue[Submission | str | None] = queue.Queue()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="submitter", daemon=True)
        self._thread.start()

    def submit(self, submission: Submission) -> None:
        self._queue.put(submission)

    def count_suppressed(self) -> None:
        self._queue.put(_SUPPRESSED)

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    def close(self, timeout_s: float = 10.0) -> None:
        """Stores what is queued, quarantining what the outbox refuses; then stops the worker."""
        self._closing.set()
        self._queue.put(None)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, Submission):
                self._store(item)
            else:
                self._count_suppressed()

    # -- one visit -----------------------------------------------------------

    def _store(self, submission: Submission) -> None:
        message = dict(submission.message)
        photo_bytes = None
        if submission.take_photo:
            started = time.monotonic()
            photo = self._photo()
            if photo is not None:
                photo_bytes = photo.jpeg
                message["photo"] = {
                    "content_type": "image/jpeg",
                    "width": photo.width,
                    "height": photo.height,
                }
            log.debug(
                "photo %s in %.0f ms",
                "taken" if photo else "missing",
                (time.monotonic() - started) * 1000,
            )
        voice = submission.voice
        while True:
            try:
                message_id = self.store.add(message, photo=photo_bytes, voice=voice)
            except Exception as exc:  # noqa: BLE001 - each failure is sorted below, none dropped
                if self._wait_for_transient(exc, "store a visitor's message"):
                    continue
                if self._quarantine(message, photo_bytes, voice, exc):
                    return
                if self._closing.is_set():
                    log.error(
                        "a visitor's message is lost: neither the outbox nor the "
                        "quarantine in %s could take it before the app stopped",
                        self.store.data_dir,
                    )
                    return
                self._closing.wait(self.retry_s)
                continue
            self._refusing_since = None
            log.info(
                "message %s stored (alert=%s, photo=%s, voice=%s)",
                message_id,
                message["alert"],
                photo_bytes is not None,
                voice is not None,
            )
            return

    def _photo(self) -> Photo | None:
        try:
            return self.take_photo(PHOTO_TIMEOUT_S)
        except Exception:  # a broken camera must never cost the message
            log.exception("the camera failed; the message is stored without a photo")
            return None

    def _quarantine(
        self, message: dict, photo: bytes | None, voice: bytes | None, exc: Exception
    ) -> bool:
        """Keeps the message in the quarantine; False when even that cannot be written."""
        reason = f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, InvalidMessageError):
            self.on_outbox_problem(str(exc))
        try:
            where = quarantine.put(
                self.store.data_dir, message, photo=photo, voice=voice, reason=reason
            )
        except OSError as quarantine_exc:
            log.error(
                "the outbox refused a visitor's message (%s) and the quarantine "
                "cannot be written either (%s); trying both again in %.0f s",
                reason,
                quarantine_exc,
                self.retry_s,
            )
            self.on_error(f"{exc}; the quarantine: {quarantine_exc}")
            return False
        log.error(
            "the outbox refused a visitor's message for good (%s); it is kept in %s "
            "until `kiosk outbox requeue` puts it back",
            reason,
            where,
        )
        self.on_error(str(exc))
        return True

    # -- spam taps -----------------------------------------------------------------

    def _count_suppressed(self) -> None:
        """Counts a repeated visit; a count the outbox cannot take is only logged."""
        while True:
            try:
                self.store.record_suppressed()
                self._refusing_since = None
                return
            except Exception as exc:  # noqa: BLE001 - a lost count must not stop the worker
                if self._wait_for_transient(exc, "count a repeated visit"):
                    continue
                if not isinstance(exc, InvalidMessageError):
                    self.on_outbox_problem(str(exc))
                log.warning("a repeated visit was not counted: %s", exc)
                return

    # -- the rule for transient refusals ------------------------------------------------

    def _wait_for_transient(self, exc: Exception, what: str) -> bool:
        """True after waiting STORE_RETRY_S when ``exc`` deserves another try (see the module)."""
        if not is_transient(exc):
            return False
        now = self._clock()
        if self._refusing_since is None:
            self._refusing_since = now
        if (
            self._closing.is_set()
            or now - self._refusing_since >= self.transient_limit_s
            or self.backlog >= self.queue_limit
        ):
            return False
        log.warning("could not %s: %s; trying again in %.0f s", what, exc, self.retry_s)
        self.on_error(str(exc))
        # Waking early on close: the message then goes to the quarantine.
        self._closing.wait(self.retry_s)
        return True
