"""Media storage on a local disk that survives a power cut, as the terminal's outbox does.

A terminal deletes its copy of a photo some days after the manager said
201; a file still in the page cache at that moment must not be lost.
"""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage


class DurableFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that fsyncs each saved file and its folder before returning."""

    def _save(self, name, content):
        name = super()._save(name, content)
        path = self.path(name)
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        folder = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        return name
