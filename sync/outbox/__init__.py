"""The outbox: where a visitor's message is made durable, and where delivery state lives.

Two processes share it: the touchscreen app (``kiosk run``) adds messages and
forgets them; the delivery service (``kiosk sync``) claims what is due for each
target, tries to deliver it, and records the outcome. They meet only here, in
an SQLite database and a directory of media files under ``data_dir``::

    data_dir/outbox.sqlite3      messages, delivery state, registered targets
    data_dir/outbox.lock         coordinates writers of media files with recovery
    data_dir/media/<id>.photo.jpg, <id>.voice.ogg

Durability: ``add`` writes each media file to a temporary file in ``media/``,
fsyncs it, renames it into place and fsyncs the directory; only then does one
SQLite transaction (WAL, ``synchronous=FULL``) record the message and one
pending delivery per registered target. A crash before that commit leaves at
most unreferenced files, which ``recover`` removes; after it, a whole message.

Delivery state is per (message, target): ``pending`` (with ``attempts``,
``next_attempt_at`` and ``last_error``), ``delivered``, ``rejected`` or
``skipped`` (the target does not take this message by its settings).
A claim puts a lease on a pending delivery so that two delivery processes
never work on the same one; a lease that runs out (its holder died) makes the
delivery due again.

Ownership: the app, the delivery service and root's tools (``kiosk doctor
--send-test``) all may be the first to open an outbox. Whoever creates a
file or folder here gives it ``data_dir``'s group, and when ``data_dir`` is
group-writable (``/var/lib/kiosk`` is 2770, group ``kiosk``) the group may
write it too, whatever the creator's umask: the others must be able to
write what the first one made.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable

from sync.errors import (
    InvalidMessageError,
    OutboxDamagedError,
    OutboxError,
    OutboxFullError,
    SchemaTooNewError,
    ServiceRunningError,
    UnknownDeliveryError,
    UnknownMessageError,
)
from sync.outbox import schema
from sync.outbox.adding import AddingMixin, is_transient
from sync.outbox.delivery import (
    DEFAULT_CLAIM_LIMIT,
    LEASE_S,
    MAX_ERROR_CHARS,
    Delivery,
    DeliveryMixin,
    TargetPause,
)
from sync.outbox.layout import (
    DB_NAME,
    LOCK_NAME,
    MEDIA_DIR_NAME,
    SharedModes,
    shared_modes,
)
from sync.outbox.media import (
    MEDIA_FILE_MODE,
)
from sync.outbox.purge import PurgeMixin
from sync.outbox.queries import LAST_ERRORS_SHOWN, QueriesMixin
from sync.outbox.recovery import RECOVERY_WAIT_S, RecoveryMixin, RecoveryReport
from sync.outbox.store import BUSY_TIMEOUT_S, DiskUsage, OutboxStore

__all__ = [
    "is_transient",
    "BUSY_TIMEOUT_S",
    "DB_NAME",
    "DEFAULT_RESERVE_BYTES",
    "DEFAULT_CLAIM_LIMIT",
    "LAST_ERRORS_SHOWN",
    "LEASE_S",
    "MAX_ERROR_CHARS",
    "LOCK_NAME",
    "MEDIA_DIR_NAME",
    "MEDIA_FILE_MODE",
    "Delivery",
    "Outbox",
    "OutboxDamagedError",
    "OutboxError",
    "OutboxFullError",
    "RECOVERY_WAIT_S",
    "RecoveryReport",
    "SharedModes",
    "TargetPause",
    "SchemaTooNewError",
    "ServiceRunningError",
    "InvalidMessageError",
    "UnknownDeliveryError",
    "UnknownMessageError",
    "shared_modes",
]

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
            schema.migrate(conn, self.db_path)

# --------------------------------------------------------------------- helpers


