"""The ``Outbox`` facade: one class with the whole public API, composed of the outbox's parts.

Opening is done here (the files, the connection, the schema, recovery); each
group of methods comes from its part (see the package docstring).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable

from sync.errors import OutboxDamagedError
from sync.outbox.adding import AddingMixin
from sync.outbox.delivery import DeliveryMixin
from sync.outbox.purge import PurgeMixin
from sync.outbox.queries import QueriesMixin
from sync.outbox.recovery import RecoveryMixin
from sync.outbox.schema import migrate
from sync.outbox.store import DiskUsage, OutboxStore

# Free disk that adding a message must leave untouched, so that the system,
# its journal and SQLite's own WAL growth never hit a full disk because of us.
DEFAULT_RESERVE_BYTES = 50 * 1024 * 1024


class Outbox(AddingMixin, DeliveryMixin, PurgeMixin, QueriesMixin, RecoveryMixin, OutboxStore):
    """The message outbox in ``data_dir``: created if missing, migrated and recovered at open.

    One instance holds one SQLite connection; it may be shared by threads (calls
    are serialised) and any number of processes may open the same ``data_dir``.
    Close it (or use it as a context manager) when done.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        reserve_bytes: int = DEFAULT_RESERVE_BYTES,
        disk_usage: DiskUsage = shutil.disk_usage,
        clock: Callable[[], float] = time.time,
        recover: bool = True,
    ) -> None:
        """Open (creating if needed) the outbox in ``data_dir``.

        ``disk_usage`` and ``clock`` are injectable so that tests can simulate a
        full disk and the passing of time; ``recover=False`` skips the orphan
        clean-up at open (tools that only read).
        """
        super().__init__(data_dir, reserve_bytes=reserve_bytes, disk_usage=disk_usage, clock=clock)
        try:
            self._migrate()
            if recover:
                self.recover()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise OutboxDamagedError(self.db_path, str(exc)) from exc
        except BaseException:
            self.close()
            raise

    def _migrate(self) -> None:
        """Bring the schema to the newest version, all steps in one transaction."""
        with self._write() as conn:
            migrate(conn, self.db_path)
