"""Reading the outbox: the status counts, single messages and their media, messages over a period.

What ``kiosk status``, the status the service sends, the operator screen and
``kiosk report`` read, and the count of visits the app's spam filter dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sync.errors import UnknownMessageError
from sync.media_types import MediaKind
from sync.outbox.delivery import TargetPause
from sync.outbox.media import media_column
from sync.outbox.store import OutboxStore

# How many recent errors per target ``counts`` reports.
LAST_ERRORS_SHOWN = 5

# Messages read per query when iterating over a period for a report.
_MESSAGES_PAGE = 500


class QueriesMixin(OutboxStore):
    """The Outbox's part that reads messages and counts deliveries."""

    def newest_seq(self) -> int:
        """The insertion number of the newest message (0 when empty).

        Cheap (the primary key's last entry), so that the delivery service can
        look once a second whether the app added a message.
        """
        with self._lock:
            newest: int = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM messages").fetchone()[
                0
            ]
        return newest

    def queue_summary(self) -> dict[str, Any]:
        """The queue across targets, counted in messages, for the terminal's status.

        ``{"pending": n, "rejected": n, "oldest_pending_at": created_at or None,
        "last_delivery_at": epoch s or None}``: a message is pending while any
        target still has to deliver it, rejected when any target refused it.
        """
        with self._read() as conn:
            pending = conn.execute(
                "SELECT COUNT(DISTINCT message_id) FROM deliveries WHERE state = 'pending'"
            ).fetchone()[0]
            rejected = conn.execute(
                "SELECT COUNT(DISTINCT message_id) FROM deliveries WHERE state = 'rejected'"
            ).fetchone()[0]
            oldest = conn.execute(
                "SELECT m.created_at FROM messages m WHERE EXISTS (SELECT 1 FROM deliveries d"
                " WHERE d.message_id = m.id AND d.state = 'pending') ORDER BY m.created_ts, m.seq LIMIT 1"
            ).fetchone()
            last = conn.execute(
                "SELECT MAX(delivered_at) FROM deliveries WHERE state = 'delivered'"
            ).fetchone()[0]
        return {
            "pending": pending,
            "rejected": rejected,
            "oldest_pending_at": oldest[0] if oldest else None,
            "last_delivery_at": last,
        }

    def get_message(self, message_id: str) -> dict[str, Any]:
        """The stored message, exactly as it is sent."""
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
        if row is None:
            raise UnknownMessageError(f"no message {message_id} in {self.db_path}")
        message: dict[str, Any] = json.loads(row[0])
        return message

    def media_path(self, message_id: str, kind: MediaKind) -> Path | None:
        """The path of the message's photo or voice file, or None if it has none."""
        column = media_column(kind)
        with self._lock:
            row = self._db.execute(
                f"SELECT {column} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
        if row is None:
            raise UnknownMessageError(f"no message {message_id} in {self.db_path}")
        return self.media_dir / row[0] if row[0] else None

    def read_media(self, message_id: str, kind: MediaKind) -> bytes | None:
        """The bytes of the message's photo or voice, or None if it has none."""
        path = self.media_path(message_id, kind)
        return None if path is None else path.read_bytes()

    def counts(self) -> dict[str, dict[str, Any]]:
        """Per registered target: the queue at a glance, for ``kiosk status``.

        ``{target: {"pending": n, "delivered": n, "rejected": n, "skipped": n,
        "oldest_pending_at": created_at or None, "paused": TargetPause or None,
        "last_errors": [{"message_id", "at", "error", "state", "attempts"}, ...]}}``,
        the most recent errors first (retry errors and rejections).
        """
        with self._read() as conn:
            result: dict[str, dict[str, Any]] = {
                name: {
                    "pending": 0,
                    "delivered": 0,
                    "rejected": 0,
                    "skipped": 0,
                    "oldest_pending_at": None,
                    "paused": None,
                    "last_errors": [],
                }
                for (name,) in conn.execute("SELECT name FROM targets ORDER BY name")
            }
            for target, state, count in conn.execute(
                "SELECT target, state, COUNT(*) FROM deliveries GROUP BY target, state"
            ):
                result[target][state] = count
            for row in conn.execute("SELECT target, since, until, reason FROM target_pauses"):
                if row[0] in result:
                    result[row[0]]["paused"] = TargetPause(*row)
            for name, entry in result.items():
                oldest = conn.execute(
                    "SELECT m.created_at FROM deliveries d JOIN messages m ON m.id = d.message_id"
                    " WHERE d.target = ? AND d.state = 'pending' ORDER BY m.created_ts, m.seq LIMIT 1",
                    (name,),
                ).fetchone()
                entry["oldest_pending_at"] = oldest[0] if oldest else None
                entry["last_errors"] = [
                    {
                        "message_id": message_id,
                        "at": failed_at,
                        "error": reason if state == "rejected" else last_error,
                        "state": state,
                        "attempts": attempts,
                    }
                    for message_id, failed_at, state, last_error, reason, attempts in conn.execute(
                        "SELECT message_id, failed_at, state, last_error, reason, attempts"
                        " FROM deliveries WHERE target = ? AND failed_at IS NOT NULL"
                        " ORDER BY failed_at DESC LIMIT ?",
                        (name, LAST_ERRORS_SHOWN),
                    )
                ]
        return result

    def messages(
        self, start_ts: float | None = None, end_ts: float | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stored messages created in [start_ts, end_ts) (UTC epoch s), oldest first.

        For reports: yields each message as sent, fetched in pages so that
        years of messages never sit in memory at once.
        """
        low = float("-inf") if start_ts is None else start_ts
        high = float("inf") if end_ts is None else end_ts
        after = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT seq, body FROM messages WHERE created_ts >= ? AND created_ts < ?"
                    " AND seq > ? ORDER BY seq LIMIT ?",
                    (low, high, after, _MESSAGES_PAGE),
                ).fetchall()
            if not rows:
                return
            for _, body in rows:
                yield json.loads(body)
            after = rows[-1][0]

    def record_suppressed(self) -> None:
        """Count one visit that the spam filter did not store."""
        with self._write() as conn:
            conn.execute("INSERT INTO suppressed_taps (at) VALUES (?)", (self._clock(),))

    def suppressed_count(self, since: float | None = None) -> int:
        """How many visits the spam filter dropped (since ``since``, epoch s)."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM suppressed_taps WHERE at >= ?",
                (float("-inf") if since is None else since,),
            ).fetchone()
        count: int = row[0]
        return count
