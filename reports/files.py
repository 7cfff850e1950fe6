"""Report files written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

#: A report is read by whoever may read the folder it is written to, as files made with
#: the user's umask are; mkstemp alone would make it readable by its owner only.
FILE_MODE = 0o644


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Calls ``write`` with a temporary file beside ``path``, then renames it into place:
    a reader never sees half a report, and a failed write leaves the old file."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(temp))
        os.chmod(temp, FILE_MODE & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
