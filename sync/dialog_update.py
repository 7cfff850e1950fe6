"""Taking the dialog the manager assigns: validated as ``kiosk validate`` does, applied only if valid.

A valid file replaces the settings' ``dialog`` file atomically, where the
app's watcher picks it up; an invalid one is never written, and its errors
are kept for the status (and ``kiosk status``) until a good one comes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from dialog_config import check_dialog
from sync.fileio import write_atomically
from sync.state import ServiceState
from sync.targets.manager import DialogFetch

log = logging.getLogger(__name__)

#: How often the terminal asks for its dialog; an operator's change shows within a minute.
DIALOG_POLL_S = 60.0
#: The dialog file is the operator's, not secret: readable by the app's user.
DIALOG_FILE_MODE = 0o644


class DialogUpdater:
    def __init__(
        self,
        fetch: Callable[[str | None], DialogFetch],
        dialog_path: str | Path,
        state: ServiceState,
        clock: Callable[[], float] = time.time,
    ):
        self.fetch = fetch
        self.dialog_path = Path(dialog_path)
        self.state = state
        self._clock = clock

    @property
    def errors(self) -> list[str]:
        """Why the last fetched dialog was not applied; empty when it was (or none came)."""
        return list(self.state.get("dialog", {}).get("errors", []))

    def poll(self) -> None:
        """Ask the manager once; raises the target's Retry or Paused like a delivery."""
        previous = self.state.get("dialog", {})
        fetched = self.fetch(previous.get("etag"))
        now = self._clock()
        if fetched.status == 304:
            self.state.update(dialog={**previous, "checked_at": now})
            return
        if fetched.status == 404:
            # Nothing assigned: the local dialog stands, and no errors are pending.
            self.state.update(dialog={"checked_at": now, "errors": [], "assigned": False})
            return
        # The manager sends the file alone: its icons can only be bundled
        # ones, and what goes back in the status says nothing of the
        # terminal's own files.
        result = check_dialog(
            fetched.content,
            file=str(self.dialog_path),
            base_dir=self.dialog_path.parent,
            bundled_icons_only=True,
        )
        record = {
            "checked_at": now,
            "etag": fetched.etag,
            "sha256": result.sha256,
            "assigned": True,
        }
        if result.errors:
            log.warning(
                "the manager's dialog %s has %d error(s); keeping the current dialog",
                result.sha256[:12],
                len(result.errors),
            )
            self.state.update(dialog={**record, "errors": [str(p) for p in result.errors]})
            return
        if _sha256_of(self.dialog_path) != result.sha256:
            write_atomically(self.dialog_path, fetched.content, mode=DIALOG_FILE_MODE)
            log.info("applied the manager's dialog %s to %s", result.sha256[:12], self.dialog_path)
            record["applied_at"] = now
        elif previous.get("applied_at"):
            record["applied_at"] = previous["applied_at"]
        self.state.update(dialog={**record, "errors": []})


def _sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
