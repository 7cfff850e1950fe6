"""Errors raised by the outbox.

The hierarchy, so that callers can catch as broadly or as narrowly as they need::

    OutboxError                 anything the outbox refuses or cannot do
    ├── OutboxFullError         the disk reserve would be crossed; nothing was written
    ├── OutboxDamagedError      the database file is damaged (``kiosk outbox repair``)
    ├── SchemaTooNewError       the database was written by a newer kiosk version
    ├── InvalidMessageError     the message handed to ``add`` cannot be stored (also a ValueError)
    ├── UnknownMessageError     no such message in the outbox (also a LookupError)
    ├── UnknownDeliveryError    no such (message, target) delivery (also a LookupError)
    ├── ServiceRunningError     another delivery service already works on this outbox
    └── OutboxInUseError        a repair and a process using the outbox exclude each other

Every message says what to do next, because the reader is often a technician
looking at ``kiosk status`` or a journal, not the author of the code.
"""

from __future__ import annotations

from pathlib import Path


class OutboxError(Exception):
    """Base class: the outbox refused an operation or could not complete it."""


class OutboxFullError(OutboxError):
    """Storing the message would leave less free disk than the configured reserve.

    Raised before anything is written, so the outbox is unchanged.
    """

    def __init__(self, data_dir: Path, free_bytes: int, required_bytes: int, reserve_bytes: int):
        self.data_dir = data_dir
        self.free_bytes = free_bytes
        self.required_bytes = required_bytes
        self.reserve_bytes = reserve_bytes
        super().__init__(
            f"the outbox in {data_dir} is full: the disk has {free_bytes} bytes free, "
            f"this message needs {required_bytes} bytes and {reserve_bytes} bytes are kept "
            f"in reserve; free space on that disk (or let delivery and retention catch up), "
            f"or lower disk_reserve_mb in the settings"
        )


class OutboxDamagedError(OutboxError):
    """SQLite found the database file damaged (a bad page, not a database at all)."""

    def __init__(self, db_path: Path, detail: str):
        self.db_path = db_path
        super().__init__(
            f"{db_path} is damaged ({detail}); stop the app and the delivery service and run "
            f"`kiosk outbox repair`: it keeps the damaged file aside and copies what can be "
            f"read into a new outbox"
        )


class SchemaTooNewError(OutboxError):
    """The database's schema version is newer than this code knows how to read."""

    def __init__(self, db_path: Path, found_version: int, known_version: int):
        self.db_path = db_path
        self.found_version = found_version
        self.known_version = known_version
        super().__init__(
            f"{db_path} has outbox schema version {found_version}, but this kiosk software "
            f"only knows versions up to {known_version}: it was written by a newer release. "
            f"Install that release (or newer) again; do not delete the file, it holds "
            f"undelivered messages"
        )


class InvalidMessageError(OutboxError, ValueError):
    """The message given to ``Outbox.add`` cannot be stored as it is."""


class UnknownMessageError(OutboxError, LookupError):
    """No message with that id is in the outbox."""


class UnknownDeliveryError(OutboxError, LookupError):
    """No delivery of that message to that target is in the outbox."""


class ServiceRunningError(OutboxError):
    """Another delivery service process holds this outbox; two would send everything twice."""


class OutboxInUseError(OutboxError):
    """``kiosk outbox repair`` and any process using the outbox (the app, the
    delivery service) cannot run at once: the repair moves the database aside."""
