"""Adding a message: the outbox's one write from the touchscreen app.

``add`` checks and completes the message (its id, the attachments' size and
hash), refuses it while the disk is below the reserve, writes the media files
durably (``sync.outbox.media``) and then records the message and one pending
delivery per registered target in one transaction. ``is_transient`` tells the
app which refusals are worth trying again.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import sqlite3
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sync import media_types
from sync.errors import InvalidMessageError, OutboxError, OutboxFullError
from sync.fileio import fsync_directory
from sync.media_types import MediaKind
from sync.outbox.media import (
    media_file_name,
    media_temp_name,
    write_durably,
    writer_lock,
)
from sync.outbox.store import OutboxStore

# SQLite's words for "another connection holds the lock": worth waiting for.
_TRANSIENT_SQLITE_WORDS = ("locked", "busy")


class AddingMixin(OutboxStore):
    """The Outbox's part that stores new messages."""

    def add(
        self,
        message: Mapping[str, Any],
        *,
        photo: bytes | None = None,
        voice: bytes | None = None,
    ) -> str:
        """Store a message durably with its media; return its new id (a uuid4 string).

        ``message`` is the manager API's ``Message`` less what the outbox fills
        in: ``id`` and the attachments' ``bytes`` and ``sha256``. It is not
        modified. When ``photo`` (``voice``) bytes are given, ``message["photo"]``
        (``["voice"]``) may be None or a dict of extra fields (``width``,
        ``duration_s``, ...); ``content_type`` defaults to image/jpeg (audio/ogg).
        Without bytes the attachment is null.

        Returns once the message and its files are on disk. A pending delivery
        is recorded, in the same transaction, for every registered target.
        """
        self._ensure_open()  # a closed outbox refuses before writing any file
        message_id = str(uuid.uuid4())
        body, media = _complete_message(message, message_id, photo=photo, voice=voice)
        created_at = body["created_at"]
        created_ts = _parse_created_at(created_at)
        try:
            body_json = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError as exc:
            raise InvalidMessageError(f"message cannot be stored as JSON: {exc}") from exc

        # Checked before anything is written, so that a refusal leaves nothing behind.
        self._check_reserve(len(body_json.encode()) + sum(len(data) for _, _, data in media))

        files = {kind: name for kind, name, _ in media}
        with writer_lock(self.lock_path):
            written: list[Path] = []
            try:
                for kind, name, data in media:
                    temp = self.media_dir / media_temp_name(message_id, kind)
                    written.append(temp)
                    final = self.media_dir / name
                    write_durably(temp, final, data)
                    written[-1] = final
                if media:
                    # The renames are durable only once the directory is synced.
                    fsync_directory(self.media_dir)
                with self._write() as conn:
                    conn.execute(
                        "INSERT INTO messages (id, created_at, created_ts, alert, added_at, body,"
                        " photo_file, voice_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            message_id,
                            created_at,
                            created_ts,
                            int(body["alert"]),
                            self._clock(),
                            body_json,
                            files.get("photo"),
                            files.get("voice"),
                        ),
                    )
                    # Due at once for every target the delivery service runs with.
                    conn.execute(
                        "INSERT INTO deliveries (message_id, target, next_attempt_at)"
                        " SELECT ?, name, 0 FROM targets",
                        (message_id,),
                    )
            except BaseException:
                # Normally not committed, so the files are unreferenced: remove
                # them now rather than at the next recovery. If the database
                # cannot say (or a failed COMMIT did reach the disk), keep them:
                # recovery decides safely, a missing photo cannot be undone.
                if not self._is_stored(message_id, default=True):
                    for path in written:
                        with contextlib.suppress(OSError):
                            path.unlink()
                raise
        return message_id

    def _is_stored(self, message_id: str, *, default: bool) -> bool:
        """Whether the message is in the database; ``default`` when that cannot be read."""
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT 1 FROM messages WHERE id = ?", (message_id,)
                ).fetchone()
        except (sqlite3.Error, OutboxError):
            return default
        return row is not None

    def _check_reserve(self, required_bytes: int) -> None:
        free_bytes = int(self._disk_usage(self.data_dir).free)
        if free_bytes - required_bytes < self.reserve_bytes:
            raise OutboxFullError(self.data_dir, free_bytes, required_bytes, self.reserve_bytes)


def is_transient(exc: BaseException) -> bool:
    """Whether ``add`` may well succeed if tried again soon with the same message.

    Only two failures are: the disk reserve (delivery and retention free
    space) and another connection holding the database's lock. Everything
    else (a damaged or read-only database, an I/O error, a message that
    cannot be stored) fails again the same way.
    """
    if isinstance(exc, OutboxFullError):
        return True
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.OperationalError) and any(
            word in str(seen).lower() for word in _TRANSIENT_SQLITE_WORDS
        ):
            return True
        seen = seen.__cause__
    return False


def _complete_message(
    message: Mapping[str, Any], message_id: str, *, photo: bytes | None, voice: bytes | None
) -> tuple[dict[str, Any], list[tuple[MediaKind, str, bytes]]]:
    """The message as it will be sent, and the media files to write as (kind, file name, bytes)."""
    if not isinstance(message, Mapping):
        raise InvalidMessageError(f"a message must be a dict, not {type(message).__name__}")
    if message.get("id") is not None:
        raise InvalidMessageError(
            f"the message already has an id ({message['id']!r}); leave it out, the outbox assigns ids"
        )
    try:
        # A JSON round trip is a deep copy (the caller's dict stays untouched)
        # and proves early that everything in it can be sent.
        body: dict[str, Any] = {
            "id": message_id,
            **json.loads(json.dumps(dict(message), allow_nan=False)),
        }
    except (TypeError, ValueError) as exc:
        raise InvalidMessageError(f"message cannot be stored as JSON: {exc}") from exc
    body["id"] = message_id
    if not isinstance(body.get("alert"), bool):
        raise InvalidMessageError(
            f"message['alert'] must be true or false, not {body.get('alert')!r}"
        )

    media: list[tuple[MediaKind, str, bytes]] = []
    given: tuple[tuple[MediaKind, bytes | None], ...] = (("photo", photo), ("voice", voice))
    for kind, data in given:
        if data is None:
            body[kind] = None
            continue
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidMessageError(f"{kind} must be bytes or None, not {type(data).__name__}")
        data = bytes(data)
        if not data:
            raise InvalidMessageError(f"{kind} is empty; pass None when there is no {kind}")
        extra = body.get(kind)
        if extra is None:
            extra = {}
        elif not isinstance(extra, dict):
            raise InvalidMessageError(f"message[{kind!r}] must be a dict or None, not {extra!r}")
        content_type = media_types.content_type(kind, extra)
        body[kind] = {
            **extra,
            "content_type": content_type,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        media.append((kind, media_file_name(message_id, kind, content_type), data))
    return body, media


def _parse_created_at(created_at: Any) -> float:
    """created_at as UTC epoch seconds; it must be RFC 3339 with an offset."""
    example = "e.g. 2026-11-22T15:04:05.123+01:00"
    if not isinstance(created_at, str):
        raise InvalidMessageError(
            f"message['created_at'] must be an RFC 3339 string ({example}), not {created_at!r}"
        )
    try:
        moment = datetime.datetime.fromisoformat(created_at)
    except ValueError as exc:
        raise InvalidMessageError(
            f"message['created_at'] {created_at!r} is not RFC 3339 ({example})"
        ) from exc
    if moment.tzinfo is None:
        raise InvalidMessageError(
            f"message['created_at'] {created_at!r} lacks its UTC offset ({example})"
        )
    return moment.timestamp()
