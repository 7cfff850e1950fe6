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

The package, one module per job::

    core.py       Outbox: the facade, the whole public API in one class; opening
    store.py      OutboxStore: the connection, transactions, clock and paths all parts share
    layout.py     the files in data_dir and their group and modes (who may write them)
    schema.py     the migrations, applied at open
    media.py      media file names, durable writes, the lock between adds and recovery
    adding.py     add, and is_transient for the app's retries
    delivery.py   targets, claims and leases, outcomes, pauses
    queries.py    status counts, messages and media, messages over a period for reports
    purge.py      deleting what every target is done with (for sync.retention)
    recovery.py   orphan clean-up at open, restore for a repair, the health check
    repair.py     ``kiosk outbox repair``: a damaged database aside, a new one with what was read

Each job's methods are a mixin over ``OutboxStore``, and ``Outbox`` is their
sum. Mixins rather than functions that take the connection: the public
methods keep their documented signatures and docstrings next to their code,
with no second layer of forwarding methods, and every mixin sees only what
``OutboxStore`` declares (the connection, ``_write``, ``_read``, the clock,
the paths). No mixin imports another; the imports run one way: ``core`` →
the job modules → ``store`` → ``layout`` → ``media`` (``queries`` takes the
``TargetPause`` record from ``delivery``).
"""

from __future__ import annotations

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
from sync.media_types import MediaKind
from sync.outbox.adding import is_transient
from sync.outbox.core import DEFAULT_RESERVE_BYTES, Outbox
from sync.outbox.delivery import (
    DEFAULT_CLAIM_LIMIT,
    LEASE_S,
    MAX_ERROR_CHARS,
    Delivery,
    TargetPause,
)
from sync.outbox.layout import (
    DB_NAME,
    LOCK_NAME,
    MEDIA_DIR_NAME,
    SHARED_DIR_MODE,
    SHARED_FILE_MODE,
    SharedModes,
    shared_modes,
)
from sync.outbox.media import MEDIA_FILE_MODE
from sync.outbox.queries import LAST_ERRORS_SHOWN
from sync.outbox.recovery import RECOVERY_WAIT_S, RecoveryReport
from sync.outbox.store import BUSY_TIMEOUT_S, DiskUsage

__all__ = [
    "BUSY_TIMEOUT_S",
    "DB_NAME",
    "DEFAULT_CLAIM_LIMIT",
    "DEFAULT_RESERVE_BYTES",
    "LAST_ERRORS_SHOWN",
    "LEASE_S",
    "LOCK_NAME",
    "MAX_ERROR_CHARS",
    "MEDIA_DIR_NAME",
    "MEDIA_FILE_MODE",
    "RECOVERY_WAIT_S",
    "SHARED_DIR_MODE",
    "SHARED_FILE_MODE",
    "Delivery",
    "DiskUsage",
    "InvalidMessageError",
    "MediaKind",
    "Outbox",
    "OutboxDamagedError",
    "OutboxError",
    "OutboxFullError",
    "RecoveryReport",
    "SchemaTooNewError",
    "ServiceRunningError",
    "SharedModes",
    "TargetPause",
    "UnknownDeliveryError",
    "UnknownMessageError",
    "is_transient",
    "shared_modes",
]
