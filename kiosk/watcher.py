"""Watches the dialog file: a valid new version is offered to the flow, an invalid one reported.

The operator edits the file in place (or the delivery service replaces it
with the manager's version); the terminal notices within a few seconds.
Reading and checking happen on the caller's worker thread; the callbacks
say what was found.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from dialog_config import Dialog, DialogError, load_dialog

log = logging.getLogger(__name__)

#: How often the file's metadata is looked at; a stat is cheap.
POLL_S = 2.0


class DialogWatcher:
    def __init__(
        self,
        path: Path,
        current_sha256: str,
        *,
        on_valid: Callable[[Dialog], None],
        on_invalid: Callable[[DialogError], None],
        errors: tuple[str, ...] = (),
    ):
        """``errors``: what is wrong with the file now, when the app started on another dialog."""
        self.path = path
        self.on_valid = on_valid
        self.on_invalid = on_invalid
        self._sha256 = current_sha256
        self._signature = self._stat()
        self.last_errors: tuple[str, ...] = errors

    def _stat(self) -> tuple | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def poll(self) -> None:
        """Checks the file once; calls back only when its content changed."""
        signature = self._stat()
        if signature == self._signature:
            return
        self._signature = signature
        try:
            dialog = load_dialog(self.path)
        except DialogError as exc:
            errors = tuple(str(p) for p in exc.problems)
            if errors != self.last_errors:
                self.last_errors = errors
                log.error(
                    "the dialog file %s has %d error(s); the previous dialog stays in use: %s",
                    self.path,
                    len(errors),
                    "; ".join(errors),
                )
                self.on_invalid(exc)
            return
        repaired = bool(self.last_errors)
        self.last_errors = ()
        # A file repaired back to the dialog in use is offered too: the
        # errors shown for it must go.
        if dialog.sha256 != self._sha256 or repaired:
            self._sha256 = dialog.sha256
            log.info(
                "dialog %s changed (sha256 %s); it applies at the next start screen",
                self.path,
                dialog.sha256[:12],
            )
            self.on_valid(dialog)

    def reload(self) -> None:
        """Checks the file now, even if its metadata looks unchanged (operator's reload)."""
        self._signature = None
        self.poll()
