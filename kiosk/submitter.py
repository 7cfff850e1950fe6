"""Hands finished visits to the outbox off the UI thread.

The screen shows thanks at once; this worker takes the photo (when the visit
asks for one) and calls ``Outbox.add``, which returns only once everything is
on disk. A failure to store is retried rather than dropped: a message in
memory is worth more than a clean log, and the queue is bounded by visitors'
patience.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from .flow import Submission

log = logging.getLogger(__name__)

#: Between tries to store a message the outbox refused (disk full, database busy).
STORE_RETRY_S = 5.0
#: The longest a visit waits for its photo; a stuck camera must not hold the queue.
PHOTO_TIMEOUT_S = 3.0


class Photo(Protocol):
    jpeg: bytes
    width: int
    height: int


class Store(Protocol):
    def add(self, message: dict[str, Any], *, photo: bytes | None = None,
            voice: bytes | None = None) -> str: ...

    def record_suppressed(self) -> None: ...


class Submitter:
    """One worker thread: photo, then the outbox, in the order visits ended."""

    def __init__(self, store: Store, take_photo: Callable[[float], Photo | None],
                 *, on_error: Callable[[str], None] = lambda text: None,
                 retry_s: float = STORE_RETRY_S):
        self.store = store
        self.take_photo = take_photo
        self.on_error = on_error
        self.retry_s = retry_s
        self._queue: queue.Queue[Submission | str | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="submitter", daemon=True)
        self._thread.start()

    def submit(self, submission: Submission) -> None:
        self._queue.put(submission)

    def count_suppressed(self) -> None:
        self._queue.put("suppressed")

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    def close(self, timeout_s: float = 10.0) -> None:
        """Stores what is queued (up to ``timeout_s``), then stops the worker."""
        self._queue.put(None)
        self._thread.join(timeout_s)
        self._stop.set()
        self._thread.join(1.0)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if item == "suppressed":
                self._retry(self.store.record_suppressed, "count a repeated visit")
                continue
            self._store(item)

    def _store(self, submission: Submission) -> None:
        message = dict(submission.message)
        photo_bytes = None
        if submission.take_photo:
            started = time.monotonic()
            photo = self._photo()
            if photo is not None:
                photo_bytes = photo.jpeg
                message["photo"] = {"content_type": "image/jpeg", "width": photo.width,
                                    "height": photo.height}
            log.debug("photo %s in %.0f ms", "taken" if photo else "missing",
                      (time.monotonic() - started) * 1000)
        self._retry(lambda: self._add(message, photo_bytes, submission.voice),
                    "store a visitor's message")

    def _photo(self) -> Photo | None:
        try:
            return self.take_photo(PHOTO_TIMEOUT_S)
        except Exception:  # a broken camera must never cost the message
            log.exception("the camera failed; the message is stored without a photo")
            return None

    def _add(self, message: dict, photo: bytes | None, voice: bytes | None) -> None:
        message_id = self.store.add(message, photo=photo, voice=voice)
        log.info("message %s stored (alert=%s, photo=%s, voice=%s)", message_id,
                 message["alert"], photo is not None, voice is not None)

    def _retry(self, action: Callable[[], None], what: str) -> None:
        while True:
            try:
                action()
                return
            except Exception as exc:  # noqa: BLE001 - every failure is retried, none dropped
                log.error("could not %s: %s; trying again in %.0f s", what, exc, self.retry_s)
                self.on_error(str(exc))
                if self._stop.wait(self.retry_s):
                    return
