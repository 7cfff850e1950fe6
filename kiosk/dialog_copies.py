"""The dialogs the terminal ran, kept in ``data_dir``, so that a bad dialog file never stops it.

Each dialog the app applies is copied to ``data_dir/dialogs/<serial>-<sha256
prefix>/`` with the icon files it names, laid out as they were beside the
original, so the copy still validates after an original icon is deleted or
replaced. The copy has the original's bytes, hence its sha256: messages name
the same dialog. Only the last :data:`KEPT_COPIES` are kept.

At start, :func:`choose_start_dialog` takes the settings' dialog file if it
is valid, else the newest kept copy that still validates, else the bundled
default: the terminal keeps collecting feedback, and says why it is not
running the file (the app logs it and shows it on the operator screen,
``kiosk doctor`` reports it).

Plain Python, no Kivy: the app, ``kiosk doctor`` and tests share it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import posixpath
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dialog_config import DEFAULT_DIALOG, Dialog, DialogError, check_dialog, load_dialog
from dialog_config.validate import find_icon
from sync.fileio import fsync_directory, write_atomically

log = logging.getLogger(__name__)

#: The folder under ``data_dir`` that holds the copies.
COPIES_DIR = "dialogs"
#: How many applied dialogs are kept: enough to step back past a few bad
#: versions, few enough that the copies (each a YAML file and its icons,
#: a few hundred KB at most) never matter on the disk.
KEPT_COPIES = 5
COPY_FILE = "dialog.yaml"
#: A copy whose icons are named with ``..`` puts its dialog file this many
#: folders deep, one per ``..``, so that every icon lands inside the copy.
NESTING_DIR = "up"
#: Copy folders are ``<serial>-<first 16 hex digits of the dialog's sha256>``.
COPY_NAME = re.compile(r"(\d{6,})-([0-9a-f]{16})")
FILE_MODE = 0o644

#: What runs instead of a dialog file with errors, in the order they are tried.
LAST_GOOD = "last good"
BUNDLED_DEFAULT = "bundled default"


@dataclass(frozen=True)
class StartDialog:
    """The dialog the terminal starts with, and why it is not the settings' file if it is not."""

    dialog: Dialog
    #: The errors of the settings' dialog file; empty when the file itself runs.
    errors: tuple[str, ...] = ()
    #: :data:`LAST_GOOD` or :data:`BUNDLED_DEFAULT`; None when the file itself runs.
    fallback: str | None = None

    def describe(self) -> str:
        """Which dialog runs, for the log, the operator screen and ``kiosk doctor``."""
        what = {
            LAST_GOOD: "the last good dialog",
            BUNDLED_DEFAULT: "the bundled default dialog",
            None: "the dialog",
        }[self.fallback]
        return f"{what} {self.dialog.source} (sha256 {self.dialog.sha256[:12]})"


class DialogCopies:
    """The kept copies in ``data_dir/dialogs``; :meth:`keep` may be called from any thread."""

    def __init__(self, data_dir: str | os.PathLike[str], *, kept: int = KEPT_COPIES):
        self.directory = Path(data_dir) / COPIES_DIR
        self.kept = kept
        self._lock = threading.Lock()

    def newest_first(self) -> list[Path]:
        """The kept dialog files, the most recently applied first."""
        return [
            found for folder in self._folders() if (found := _dialog_file_in(folder)) is not None
        ]

    def holds(self, dialog: Dialog) -> bool:
        """Whether ``dialog`` was read from one of the copies."""
        if dialog.source is None:
            return False
        try:
            return Path(dialog.source).resolve().is_relative_to(self.directory.resolve())
        except OSError:
            return False

    def keep(self, dialog: Dialog) -> Path | None:
        """Copies an applied dialog and its icons; returns the copy's dialog file.

        Nothing is copied when the newest copy is already this dialog, or when
        ``dialog`` was itself read from a copy. A copy that cannot be written
        (a full or read-only disk) is logged and skipped: the app runs on
        without it, and only a later fallback would miss it.
        """
        if dialog.source is None or self.holds(dialog):
            return None
        with self._lock:
            newest = self.newest_first()
            if newest and _sha_part(newest[0]) == dialog.sha256[:16]:
                return newest[0]
            try:
                kept = self._write(dialog)
            except (OSError, DialogError, _CopyMismatch) as exc:
                log.warning(
                    "could not keep a copy of the dialog %s in %s: %s; a dialog "
                    "file with errors at the next start falls back to an older copy",
                    dialog.source,
                    self.directory,
                    exc,
                )
                return None
            self._prune(kept)
            log.info(
                "kept a copy of the dialog %s (sha256 %s) in %s",
                dialog.source,
                dialog.sha256[:12],
                kept.parent,
            )
            return kept

    # -- internals ------------------------------------------------------------

    def _folders(self) -> list[Path]:
        """The copy folders, the most recent first (their serials say the order)."""
        try:
            entries = list(self.directory.iterdir())
        except OSError:
            return []
        return sorted(
            (e for e in entries if COPY_NAME.fullmatch(e.name)), key=_serial, reverse=True
        )

    def _write(self, dialog: Dialog) -> Path:
        assert dialog.source is not None  # keep() copies only dialogs read from a file
        source = Path(dialog.source)
        data = source.read_bytes()
        raw = check_dialog(data, file=str(source))
        if raw.sha256 != dialog.sha256 or raw.dialog is None:
            raise _CopyMismatch(f"{source} changed since it was read")
        names = icon_names(raw.dialog)
        depth = max((_leading_parents(name) for name in names), default=0)
        folders = self._folders()
        serial = 1 + (_serial(folders[0]) if folders else 0)
        final = self.directory / f"{serial:06d}-{dialog.sha256[:16]}"
        self.directory.mkdir(parents=True, exist_ok=True)
        for leftover in self.directory.glob(".*.tmp"):
            # A copy a power cut interrupted; only this process writes copies.
            shutil.rmtree(leftover, ignore_errors=True)
        temp = self.directory / f".{final.name}.tmp"
        try:
            home = temp.joinpath(*[NESTING_DIR] * depth)
            home.mkdir(parents=True)
            write_atomically(home / COPY_FILE, data, mode=FILE_MODE)
            base = source.resolve().parent
            for name in names:
                if posixpath.isabs(name):
                    continue  # an absolute path names the same file from the copy
                target = Path(posixpath.normpath(posixpath.join(str(home), name)))
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(target, find_icon(base, name).read_bytes(), mode=FILE_MODE)
            for folder in _folders_deepest_first(temp):
                fsync_directory(folder)
            copy = load_dialog(home / COPY_FILE)
            if copy.sha256 != dialog.sha256:
                raise _CopyMismatch(f"{source} changed while it was copied")
            os.rename(temp, final)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        fsync_directory(self.directory)
        return final.joinpath(*[NESTING_DIR] * depth, COPY_FILE)

    def _prune(self, kept: Path) -> None:
        """Drops older copies of the same dialog, then all but the newest ``self.kept``."""
        sha = _sha_part(kept)
        folders = self._folders()
        stale = [f for f in folders[1:] if _sha_part(f) == sha]
        survivors = [f for f in folders if f not in stale]
        for folder in stale + survivors[self.kept :]:
            shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            fsync_directory(self.directory)


class _CopyMismatch(Exception):
    """The dialog file changed between reading it and copying it."""


def choose_start_dialog(path: str | Path, copies: DialogCopies) -> StartDialog:
    """The settings' dialog file if valid, else the newest valid copy, else the bundled default.

    Raises :class:`DialogError` only if not even the bundled default loads
    (a broken installation).
    """
    try:
        return StartDialog(load_dialog(path))
    except DialogError as exc:
        errors = tuple(str(p) for p in exc.problems)
    for kept in copies.newest_first():
        try:
            return StartDialog(load_dialog(kept), errors, LAST_GOOD)
        except DialogError as exc:
            log.warning(
                "the kept dialog %s is no longer valid either: %s",
                kept,
                "; ".join(str(p) for p in exc.problems),
            )
    return StartDialog(load_dialog(DEFAULT_DIALOG), errors, BUNDLED_DEFAULT)


def icon_names(dialog: Dialog) -> list[str]:
    """The icon paths as the file writes them, for a dialog checked without a ``base_dir``."""
    names = {str(path[-1].style.icon) for path in dialog.walk() if path[-1].style.icon}
    return sorted(names)


def _leading_parents(name: str) -> int:
    parts = posixpath.normpath(name).split("/")
    count = 0
    while count < len(parts) and parts[count] == "..":
        count += 1
    return count


def _dialog_file_in(folder: Path) -> Path | None:
    """The dialog file of one copy folder, however deep its icons made it."""
    current = folder
    while True:
        candidate = current / COPY_FILE
        if candidate.is_file():
            return candidate
        current = current / NESTING_DIR
        if not current.is_dir():
            return None


def _serial(folder: Path) -> int:
    match = COPY_NAME.fullmatch(folder.name)
    return int(match[1]) if match else 0


def _sha_part(path: Path) -> str:
    """The dialog's sha256 prefix from a copy folder's name, for the folder or a file in it."""
    for part in reversed(path.parts):
        match = COPY_NAME.fullmatch(part)
        if match:
            return match[2]
    return ""


def _folders_deepest_first(root: Path) -> Iterator[Path]:
    for folder, _dirs, _files in sorted(os.walk(root), key=lambda entry: -len(entry[0])):
        yield Path(folder)
