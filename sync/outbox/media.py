"""The outbox's media files: their names, how they are written, and the lock that guards them.

::

    data_dir/media/<id>.photo.jpg, <id>.voice.ogg   a message's photo and voice (the
                                                    extension by sync.media_types)
    data_dir/media/.<id>.photo.tmp                  a photo being written
    data_dir/outbox.lock                            held by adds, taken by recovery

A file is written under its temporary name, fsynced and renamed into place;
the caller fsyncs the directory once for all of a message's files, and only
then commits the message that names them. Every add holds the lock file
shared from its first write until its commit; recovery takes it exclusively,
so it never mistakes a file an add is about to commit for an orphan.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from sync.fileio import fsync_directory, write_and_sync
from sync.media_types import MEDIA_KINDS, MediaKind, extension

# Visitors' photos and voices are personal data: readable by the owner and the
# group (the app and the delivery service may run as two users of one group),
# never by everyone. The umask can only narrow this.
MEDIA_FILE_MODE = 0o640

# Only names the outbox itself makes are ever considered by recovery, so a
# file someone else put in media/ is never deleted.
_UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
FINAL_NAME_RE = re.compile(rf"^{_UUID_RE}\.(?:photo|voice)\.[a-z0-9]+$")
TEMP_NAME_RE = re.compile(rf"^\.{_UUID_RE}\.(?:photo|voice)\.tmp$")

# How often a caller waiting for the lock file looks again.
_LOCK_POLL_S = 0.01


def media_file_name(message_id: str, kind: MediaKind, content_type: str) -> str:
    """The name of a message's photo or voice file in media/."""
    return f"{message_id}.{kind}.{extension(content_type)}"


def media_temp_name(message_id: str, kind: MediaKind) -> str:
    """The name a media file has while it is being written."""
    return f".{message_id}.{kind}.tmp"


def media_column(kind: str) -> str:
    """The messages table's column naming the file of ``kind``."""
    if kind not in MEDIA_KINDS:
        raise ValueError(f"kind must be 'photo' or 'voice', not {kind!r}")
    return f"{kind}_file"


def write_durably(temp: Path, final: Path, data: bytes) -> None:
    """Write ``data`` to ``temp``, fsync it and rename it to ``final``.

    The rename is atomic: ``final`` is either absent or whole. The caller
    fsyncs the directory to make the rename itself durable.
    """
    # O_EXCL: a leftover temp file with this name is impossible (the id is
    # new), so finding one means something is badly wrong; fail loudly.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, MEDIA_FILE_MODE)
    write_and_sync(fd, data)
    os.replace(temp, final)


def unlink_media(media_dir: Path, names: Iterable[str]) -> None:
    """Delete the named files from ``media_dir`` (those already gone are fine), durably."""
    removed = False
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            (media_dir / name).unlink()
            removed = True
    if removed:
        fsync_directory(media_dir)


def open_lock_file(path: Path) -> int:
    return os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)


@contextlib.contextmanager
def writer_lock(lock_path: Path) -> Iterator[None]:
    """Held (shared) by every add from its first file write until its commit.

    Recovery takes the same lock exclusively, so it only runs when no add is
    in progress in any process: then every unreferenced media file and every
    temporary file is truly an orphan. flock locks die with their process,
    so a killed writer never leaves the lock behind.
    """
    fd = open_lock_file(lock_path)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # also releases the lock


def lock_exclusive(fd: int, wait_s: float) -> bool:
    """Take an exclusive flock on ``fd``, waiting at most ``wait_s``; False if not taken.

    Polling rather than a blocking flock, so that a stuck writer cannot hang
    the caller (recovery runs at open, in the app's start-up path).
    """
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
        if time.monotonic() >= deadline:
            return False
        time.sleep(_LOCK_POLL_S)
