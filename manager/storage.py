"""Media storage on a local disk that survives a power cut, as the terminal's outbox does.

A terminal deletes its copy of a photo some days after the manager said
201; a file still in the page cache at that moment must not be lost.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator

from django.core.files.storage import FileSystemStorage

#: Folders whose fsync waits for the end of the enclosing ``folders_synced_once()``.
_PENDING_FOLDERS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "pending_folders", default=None
)


class DurableFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that fsyncs each saved file and its folder before returning
    (inside ``folders_synced_once()``, the folder when that block ends)."""

    def _save(self, name, content):
        name = super()._save(name, content)
        path = self.path(name)
        _fsync(path, os.O_RDONLY)
        folder = os.path.dirname(path)
        pending = _PENDING_FOLDERS.get()
        if pending is None:
            _fsync(folder, os.O_RDONLY | os.O_DIRECTORY)
        else:
            pending.add(folder)
        return name


@contextlib.contextmanager
def folders_synced_once() -> Iterator[None]:
    """Files saved together in this block (a message's photo and voice, in one folder)
    have their folder fsynced once, when the block ends without an error, instead of
    once a file. Each file is still fsynced as it is saved; other storages ignore it."""
    pending: set[str] = set()
    token = _PENDING_FOLDERS.set(pending)
    try:
        yield
    finally:
        _PENDING_FOLDERS.reset(token)
    for folder in sorted(pending):
        _fsync(folder, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path: str, flags: int) -> None:
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
