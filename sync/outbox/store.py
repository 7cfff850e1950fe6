"""The outbox's database connection, its transactions, and the state every part of the outbox shares.

``OutboxStore`` is the base of the ``Outbox`` facade and of each of its
parts (``sync.outbox.adding``, ``delivery``, ...): it opens the database
(creating ``data_dir``'s files where missing, in WAL mode with
``synchronous=FULL``), and gives the parts a write transaction
(``_write``), a read snapshot (``_read``), the clock and the paths. It
knows nothing of messages or deliveries.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Self

from sync.errors import OutboxDamagedError, OutboxError
from sync.outbox.layout import DB_NAME, LOCK_NAME, MEDIA_DIR_NAME, create_missing, hold_as_user

# How long a writer waits for another process's write transaction before
# giving up. Transactions here last milliseconds; seconds means something is stuck.
BUSY_TIMEOUT_S = 5.0
_WAL_RETRY_S = 0.01

DiskUsage = Callable[[str | os.PathLike[str]], Any]


class OutboxStore:
    """One SQLite connection to the outbox in ``data_dir``, shared by threads (calls are serialised)."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        reserve_bytes: int,
        disk_usage: DiskUsage,
        clock: Callable[[], float],
    ) -> None:
        """Open (creating if needed) the database in ``data_dir``; see ``Outbox``."""
        if reserve_bytes < 0:
            raise ValueError(f"reserve_bytes must be 0 or more, not {reserve_bytes}")
        self.data_dir = Path(data_dir)
        self.media_dir = self.data_dir / MEDIA_DIR_NAME
        self.db_path = self.data_dir / DB_NAME
        self.lock_path = self.data_dir / LOCK_NAME
        self.reserve_bytes = reserve_bytes
        self._disk_usage = disk_usage
        self._clock = clock
        # Serialises threads sharing this instance; sqlite3 connections are not
        # safe for concurrent use, and a transaction must not interleave.
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._user_fd: int | None = None

        try:
            create_missing(self.data_dir)
        except OSError as exc:
            raise OutboxError(
                f"cannot create the outbox in {self.data_dir}: {exc.strerror}; "
                f"check data_dir in the settings and that this user may write there"
            ) from exc

        # Held while open: `kiosk outbox repair` refuses to move the database
        # from under a process that has it open, and the other way round.
        self._user_fd = hold_as_user(self.data_dir)
        try:
            self._conn = self._connect()
        except BaseException:
            self.close()
            raise

    # ----------------------------------------------------------------- life cycle

    def close(self) -> None:
        """Close the database connection. Safe to call more than once."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._user_fd is not None:
                os.close(self._user_fd)  # also releases the lock
                self._user_fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.data_dir)!r})"

    def _connect(self) -> sqlite3.Connection:
        try:
            # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so that a
            # write transaction takes the write lock up front and cannot fail
            # half-way with a lock upgrade error.
            conn = sqlite3.connect(
                self.db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise OutboxError(
                f"cannot open {self.db_path}: {exc}; check the file's permissions"
            ) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = _switch_to_wal(conn)
            if mode.lower() != "wal":
                raise OutboxError(
                    f"{self.db_path} cannot use SQLite's WAL mode (got {mode!r}); "
                    f"put data_dir on a local file system (not NFS or a FAT stick)"
                )
            # FULL: a commit has reached the disk when it returns; the power can
            # be cut at any moment on a kiosk.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.OperationalError as exc:
            conn.close()
            raise OutboxError(f"cannot set up {self.db_path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:  # "file is not a database": page 1 is damaged
            conn.close()
            raise OutboxDamagedError(self.db_path, str(exc)) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    # ----------------------------------------------------------------- transactions

    @property
    def _db(self) -> sqlite3.Connection:
        return self._ensure_open()

    def _ensure_open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise OutboxError(f"{self!r} is closed; open a new Outbox")
        return self._conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, holding SQLite's write lock from its first statement."""
        with self._lock:
            conn = self._db
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as exc:
                raise self._db_error(exc) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    raise self._db_error(exc) from exc
                raise

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot across several queries."""
        with self._lock:
            conn = self._db
            try:
                conn.execute("BEGIN DEFERRED")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise self._db_error(exc) from exc

    def _db_error(self, exc: sqlite3.DatabaseError) -> OutboxError:
        """What SQLite's error means for the outbox: busy or unwritable, or damaged."""
        if not isinstance(exc, sqlite3.OperationalError):
            return OutboxDamagedError(self.db_path, str(exc))
        return OutboxError(
            f"{self.db_path}: {exc}; if another process holds the database for long, "
            f"look for a stuck kiosk process; otherwise check that the disk is writable and not full"
        )


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Put the database in WAL mode; return the journal mode it is in.

    WAL lets the delivery service read while the app writes. It is persistent
    in the file, so only the first opener switches. The switch needs an
    exclusive lock and SQLite reports "locked" at once instead of waiting when
    another process is opening the same new file, so this retries for a while.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode: str = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal":
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            return mode
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
        time.sleep(_WAL_RETRY_S)
