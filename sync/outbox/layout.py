"""What the outbox keeps in ``data_dir``, and who may write it.

::

    data_dir/outbox.sqlite3      messages, delivery state, registered targets
    data_dir/outbox.lock         coordinates writers of media files with recovery
    data_dir/outbox.users        held (shared) by every open outbox; a repair takes it alone
    data_dir/sync.lock           held by the delivery service while it runs
    data_dir/media/              the photos and voices (see sync.outbox.media)

Ownership: the app, the delivery service and root's tools (``kiosk doctor
--send-test``) all may be the first to open an outbox. Whoever creates a
file or folder here gives it ``data_dir``'s group, and when ``data_dir`` is
group-writable (``/var/lib/kiosk`` is 2770, group ``kiosk``) the group may
write it too, whatever the creator's umask: the others must be able to
write what the first one made.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
from pathlib import Path

from sync.errors import OutboxInUseError
from sync.outbox.media import open_lock_file

DB_NAME = "outbox.sqlite3"
LOCK_NAME = "outbox.lock"
USERS_LOCK_NAME = "outbox.users"
SERVICE_LOCK_NAME = "sync.lock"
MEDIA_DIR_NAME = "media"

# The database and lock file when data_dir lets its group write (see
# shared_modes); SQLite gives the -wal and -shm files the database's mode
# and owner.
SHARED_FILE_MODE = 0o660
SHARED_DIR_MODE = 0o2770


@dataclasses.dataclass(frozen=True)
class SharedModes:
    """The group and modes of what the outbox creates in a data_dir (see the module docstring).

    ``shared`` when data_dir is group-writable: its users share the outbox.
    Otherwise (a developer's ./var) what is made keeps the creator's umask.
    """

    gid: int
    shared: bool

    @property
    def file_mode(self) -> int:
        return SHARED_FILE_MODE if self.shared else 0o644

    def apply(self, path: Path, *, directory: bool = False) -> None:
        """Give a file or folder just made the data_dir's group and mode, whatever the umask."""
        if not self.shared:
            return
        if path.stat().st_gid != self.gid:
            # Only root (or a member of the group) may; inside a setgid
            # data_dir the group is already right.
            with contextlib.suppress(PermissionError):
                os.chown(path, -1, self.gid)
        path.chmod(SHARED_DIR_MODE if directory else SHARED_FILE_MODE)


def shared_modes(data_dir: Path) -> SharedModes:
    """The group of ``data_dir``, and whether that group may write what is made in it."""
    info = data_dir.stat()
    return SharedModes(info.st_gid, bool(info.st_mode & 0o020))


def create_missing(data_dir: Path) -> None:
    """Make ``data_dir``, its media folder, lock file and database file where missing.

    Each with the group's modes (see the module docstring). Raises OSError.
    """
    media_dir = data_dir / MEDIA_DIR_NAME
    lock_path = data_dir / LOCK_NAME
    db_path = data_dir / DB_NAME
    data_dir.mkdir(parents=True, exist_ok=True)
    modes = shared_modes(data_dir)
    if not media_dir.exists():
        media_dir.mkdir(exist_ok=True)
        modes.apply(media_dir, directory=True)
    # The lock file must exist before any add or recovery opens it.
    # Read-only is enough for flock, and works when another user
    # (the app or the service) created it.
    for path in (lock_path, data_dir / USERS_LOCK_NAME):
        if not path.exists():
            os.close(open_lock_file(path))
            modes.apply(path)
    if not db_path.exists():
        # Made here rather than by SQLite, so that it gets the group's
        # mode; SQLite then gives its -wal and -shm files the same.
        os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, modes.file_mode))
        modes.apply(db_path)


def hold_as_user(data_dir: Path) -> int:
    """The open outbox's share of USERS_LOCK_NAME: a descriptor to close when it closes.

    Raises OutboxInUseError while ``kiosk outbox repair`` runs.
    """
    fd = open_lock_file(data_dir / USERS_LOCK_NAME)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(fd)
        raise OutboxInUseError(
            f"the outbox in {data_dir} is being repaired (`kiosk outbox repair`); "
            "it can be opened once the repair is done"
        ) from exc
    return fd


def hold_alone(data_dir: Path) -> int:
    """USERS_LOCK_NAME alone, for a repair: a descriptor to close when done.

    Raises OutboxInUseError, naming who has the outbox open, when anyone does.
    """
    fd = open_lock_file(data_dir / USERS_LOCK_NAME)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(fd)
        who = (
            "the delivery service (kiosk sync)"
            if _held(data_dir / SERVICE_LOCK_NAME)
            else "the app or another kiosk command"
        )
        raise OutboxInUseError(
            f"{who} has the outbox in {data_dir} open; stop the app and the delivery "
            "service first (sudo systemctl stop kiosk kiosk-sync), then repair"
        ) from exc
    return fd


def _held(path: Path) -> bool:
    """Whether another process holds an flock on ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
