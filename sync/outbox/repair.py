"""Repairing a damaged outbox: the damaged file kept aside, a new one, what could be read copied over.

For ``kiosk outbox repair``, with the app and the delivery service stopped::

    data_dir/damaged-<local time>/outbox.sqlite3(-wal, -shm)   the damaged database, as it was
    data_dir/damaged-<local time>/media/                       media no readable message names
    data_dir/outbox.sqlite3                                    a new outbox with what was read

Rows are read table by table; where a whole table cannot be read, row by
row (messages by their insertion number, deliveries by message), so that
one bad page costs only the rows on it. A message whose delivery state
cannot be read is due again for every target: a repeat (which the manager
drops by id) is better than a loss. Media files stay where they are; those
no readable message names are moved aside with the damaged file, never
deleted.
"""

from __future__ import annotations

import dataclasses
import datetime
import fcntl
import os
import sqlite3
from pathlib import Path
from typing import Any

from sync.errors import OutboxError
from sync.fileio import fsync_directory
from sync.outbox.core import Outbox
from sync.outbox.layout import DB_NAME, hold_alone, shared_modes
from sync.outbox.media import FINAL_NAME_RE

_MESSAGE_COLUMNS = (
    "seq",
    "id",
    "created_at",
    "created_ts",
    "alert",
    "added_at",
    "body",
    "photo_file",
    "voice_file",
)
_DELIVERY_COLUMNS = (
    "message_id",
    "target",
    "state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "failed_at",
    "delivered_at",
    "reason",
)
#: Where neither table tells how many messages there were: rows per page, generously.
_ROWS_PER_PAGE_BOUND = 200


@dataclasses.dataclass(frozen=True)
class RepairReport:
    """What ``repair`` did, in counts, and where the damaged file went."""

    aside: Path
    messages: int
    unreadable_messages: int
    deliveries: int
    redelivered_messages: int
    targets: int
    suppressed_taps: int
    media_kept: int
    media_missing: int
    media_moved_aside: int


def repair(
    data_dir: str | os.PathLike[str], *, now: datetime.datetime | None = None
) -> RepairReport:
    """Move the outbox in ``data_dir`` aside and start a new one with what could be read."""
    data_dir = Path(data_dir)
    db_path = data_dir / DB_NAME
    if not db_path.exists():
        raise OutboxError(
            f"there is no outbox in {data_dir} ({DB_NAME} is missing); "
            f"check data_dir in the settings"
        )
    # Alone with the outbox, or not at all: the app or the delivery service
    # writing into a database being moved aside would lose what it wrote.
    alone = hold_alone(data_dir)
    try:
        return _repair(data_dir, alone, now or datetime.datetime.now().astimezone())
    finally:
        os.close(alone)  # also releases the lock


def _repair(data_dir: Path, alone: int, now: datetime.datetime) -> RepairReport:
    aside = data_dir / f"damaged-{now:%Y%m%dT%H%M%S}"
    aside.mkdir()
    modes = shared_modes(data_dir)
    modes.apply(aside, directory=True)
    for suffix in ("", "-wal", "-shm"):
        source = data_dir / f"{DB_NAME}{suffix}"
        if source.exists():
            os.replace(source, aside / source.name)
    fsync_directory(data_dir)

    salvage = _Salvage(aside / DB_NAME)
    # Shared from now on: the new outbox below takes its own share.
    fcntl.flock(alone, fcntl.LOCK_SH)
    with Outbox(data_dir, reserve_bytes=0, recover=False) as outbox:
        redelivered = outbox.restore(
            salvage.targets, salvage.messages, salvage.deliveries, salvage.suppressed
        )
        named = {
            name
            for row in salvage.messages
            for name in (row["photo_file"], row["voice_file"])
            if name
        }
        present = set(os.listdir(outbox.media_dir))
        orphans = sorted(
            name for name in present if FINAL_NAME_RE.match(name) and name not in named
        )
        if orphans:
            (aside / "media").mkdir()
            modes.apply(aside / "media", directory=True)
            for name in orphans:
                os.replace(outbox.media_dir / name, aside / "media" / name)
            fsync_directory(outbox.media_dir)
    return RepairReport(
        aside=aside,
        messages=len(salvage.messages),
        unreadable_messages=salvage.unreadable_messages,
        deliveries=len(salvage.deliveries),
        redelivered_messages=redelivered,
        targets=len(salvage.targets),
        suppressed_taps=len(salvage.suppressed),
        media_kept=len(named & present),
        media_missing=len(named - present),
        media_moved_aside=len(orphans),
    )


class _Salvage:
    """Everything readable in a damaged outbox database, read once at construction."""

    def __init__(self, db_path: Path):
        self.messages: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []
        self.targets: list[tuple[str, float]] = []
        self.suppressed: list[float] = []
        self.unreadable_messages = 0
        try:
            conn = sqlite3.connect(db_path, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            self._read(conn)
        except sqlite3.DatabaseError:
            pass  # the schema itself is unreadable: nothing can be told apart
        finally:
            conn.close()

    def _read(self, conn: sqlite3.Connection) -> None:
        columns = ", ".join(_MESSAGE_COLUMNS)
        rows = _all_or_none(conn, f"SELECT {columns} FROM messages ORDER BY seq")
        if rows is None:
            rows = []
            for seq in range(1, self._last_seq(conn) + 1):
                try:
                    rows.extend(
                        conn.execute(
                            f"SELECT {columns} FROM messages WHERE seq = ?", (seq,)
                        ).fetchall()
                    )
                except sqlite3.DatabaseError:
                    self.unreadable_messages += 1
        self.messages = [dict(zip(_MESSAGE_COLUMNS, row, strict=True)) for row in rows]

        columns = ", ".join(_DELIVERY_COLUMNS)
        deliveries = _all_or_none(conn, f"SELECT {columns} FROM deliveries")
        if deliveries is None:
            deliveries = []
            for message in self.messages:
                deliveries.extend(
                    _all_or_none(
                        conn,
                        f"SELECT {columns} FROM deliveries WHERE message_id = ?",
                        (message["id"],),
                    )
                    or []
                )
        ids = {message["id"] for message in self.messages}
        self.deliveries = [
            dict(zip(_DELIVERY_COLUMNS, row, strict=True)) for row in deliveries if row[0] in ids
        ]

        targets = _all_or_none(conn, "SELECT name, registered_at FROM targets")
        if targets is None:
            names = sorted({delivery["target"] for delivery in self.deliveries})
            targets = [(name, 0.0) for name in names]
        self.targets = [tuple(row) for row in targets]
        self.suppressed = [
            row[0] for row in _all_or_none(conn, "SELECT at FROM suppressed_taps") or []
        ]

    def _last_seq(self, conn: sqlite3.Connection) -> int:
        """The highest insertion number any readable part of the file gives."""
        for query in ("SELECT MAX(seq) FROM messages", "SELECT MAX(seq) FROM deliveries"):
            rows = _all_or_none(conn, query)
            if rows and rows[0][0]:
                return int(rows[0][0])
        pages = _all_or_none(conn, "PRAGMA page_count")
        return int(pages[0][0]) * _ROWS_PER_PAGE_BOUND if pages else 0


def _all_or_none(
    conn: sqlite3.Connection, query: str, parameters: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]] | None:
    try:
        return conn.execute(query, parameters).fetchall()
    except sqlite3.DatabaseError:
        return None
