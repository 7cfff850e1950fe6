"""Recovery, repair support and the health check: keeping the outbox able to store a visit.

``recover`` (at every open) removes the media files a crash left without a
message; ``restore`` copies what ``sync.outbox.repair`` read from a damaged
database into a new one; ``health_problem`` says why the outbox cannot take
a message now (a damaged database, no write permission, a full disk).
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sync.errors import OutboxDamagedError, OutboxFullError
from sync.fileio import fsync_directory
from sync.outbox.media import (
    FINAL_NAME_RE,
    TEMP_NAME_RE,
    lock_exclusive,
    open_lock_file,
)
from sync.outbox.store import OutboxStore

# How long recovery waits for adds in progress (in any process) to finish
# before it gives up for this time and leaves the files for the next recovery.
RECOVERY_WAIT_S = 2.0


@dataclasses.dataclass(frozen=True)
class RecoveryReport:
    """What ``Outbox.recover`` did.

    ``skipped`` is True when adds in progress kept recovery from running; the
    files are then left for the next recovery, which is harmless.
    ``missing_media`` lists messages whose recorded media file is absent,
    which should never happen and is worth a look (disk damage, manual deletion).
    """

    removed: tuple[Path, ...] = ()
    missing_media: tuple[str, ...] = ()
    skipped: bool = False


class RecoveryMixin(OutboxStore):
    """The Outbox's part that recovers, restores and checks the outbox."""

    # ----------------------------------------------------------------- recovery

    def recover(self) -> RecoveryReport:
        """Remove media files no message refers to and leftover temporary files.

        They are what a crash between writing the files and committing leaves.
        Runs only while no add is in progress in any process (see
        ``media.writer_lock``); if adds keep it waiting longer than RECOVERY_WAIT_S,
        it does nothing this time and says so.
        """
        fd = open_lock_file(self.lock_path)
        try:
            if not lock_exclusive(fd, RECOVERY_WAIT_S):
                return RecoveryReport(skipped=True)
            # With the lock held no add can be between its file writes and its
            # commit, so the database and the directory are consistent here.
            with self._read() as conn:
                referenced: dict[str, str] = {}
                for message_id, photo_file, voice_file in conn.execute(
                    "SELECT id, photo_file, voice_file FROM messages"
                    " WHERE photo_file IS NOT NULL OR voice_file IS NOT NULL"
                ):
                    for name in (photo_file, voice_file):
                        if name:
                            referenced[name] = message_id
            present = set(os.listdir(self.media_dir))
            removed = []
            for name in sorted(present):
                orphan = TEMP_NAME_RE.match(name) or (
                    FINAL_NAME_RE.match(name) and name not in referenced
                )
                if orphan:
                    path = self.media_dir / name
                    try:
                        path.unlink()
                    except FileNotFoundError:
                        continue
                    removed.append(path)
            if removed:
                fsync_directory(self.media_dir)
            missing = sorted(
                {message_id for name, message_id in referenced.items() if name not in present}
            )
            return RecoveryReport(removed=tuple(removed), missing_media=tuple(missing))
        finally:
            os.close(fd)

    # ----------------------------------------------------------------- repair

    def restore(
        self,
        targets: Iterable[tuple[str, float]],
        messages: Iterable[Mapping[str, Any]],
        deliveries: Iterable[Mapping[str, Any]],
        suppressed: Iterable[float],
    ) -> int:
        """Copy rows read from a damaged outbox into this one, in one transaction.

        For ``sync.outbox.repair``: ``messages`` are rows of the messages
        table (with their ``seq``, ``id``, ``body``, file names...),
        ``deliveries`` rows of the deliveries table (leases are dropped).
        A message without a delivery row for a target gets a pending one.
        Returns how many messages got such new pending deliveries.
        """
        now = self._clock()
        with self._write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO targets (name, registered_at) VALUES (?, ?)", list(targets)
            )
            conn.executemany(
                "INSERT INTO messages (seq, id, created_at, created_ts, alert, added_at, body,"
                " photo_file, voice_file) VALUES (:seq, :id, :created_at, :created_ts, :alert,"
                " :added_at, :body, :photo_file, :voice_file)",
                [dict(row) for row in messages],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO deliveries (message_id, target, state, attempts,"
                " next_attempt_at, last_error, failed_at, delivered_at, reason) VALUES"
                " (:message_id, :target, :state, :attempts, :next_attempt_at, :last_error,"
                " :failed_at, :delivered_at, :reason)",
                [dict(row) for row in deliveries],
            )
            missing: int = conn.execute(
                "SELECT COUNT(*) FROM messages m WHERE EXISTS (SELECT 1 FROM targets t"
                " WHERE NOT EXISTS (SELECT 1 FROM deliveries d"
                " WHERE d.message_id = m.id AND d.target = t.name))"
            ).fetchone()[0]
            conn.execute(
                "INSERT OR IGNORE INTO deliveries (message_id, target, next_attempt_at)"
                " SELECT m.id, t.name, ? FROM messages m, targets t",
                (now,),
            )
            conn.executemany(
                "INSERT INTO suppressed_taps (at) VALUES (?)", [(at,) for at in suppressed]
            )
        return missing

    # ----------------------------------------------------------------- health

    def health_problem(self) -> str | None:
        """Why this outbox cannot store a message now, or None when it can.

        Checks what a write needs, without writing: the database's structure
        (``PRAGMA quick_check``, which reads every page: milliseconds for a
        kiosk's outbox), that this process may write the database and the
        media folder, and free disk above the reserve.
        """
        try:
            with self._lock:
                rows = self._db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:
            return str(OutboxDamagedError(self.db_path, str(exc)))
        findings = [row[0] for row in rows if row[0] != "ok"]
        if findings:
            more = f" and {len(findings) - 1} more finding(s)" if len(findings) > 1 else ""
            return str(OutboxDamagedError(self.db_path, f"{findings[0]}{more}"))
        for path in (self.db_path, self.data_dir, self.media_dir):
            if not os.access(path, os.W_OK):
                return f"{path} is not writable for this user"
        free_bytes = int(self._disk_usage(self.data_dir).free)
        if free_bytes < self.reserve_bytes:
            return str(OutboxFullError(self.data_dir, free_bytes, 0, self.reserve_bytes))
        return None
