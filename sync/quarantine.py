"""Visits the outbox could not take, kept on disk until it can.

When the outbox refuses a visitor's message for good (a damaged or
read-only database, an I/O error, a message it cannot store), or for longer
than the app waits (see ``kiosk.submitter``), the message goes here rather
than being lost or held in memory::

    data_dir/quarantine/<UTC time>-<8 hex>/message.json   the message as given to Outbox.add
                                           reason.txt     why the outbox refused it
                                           photo.<ext>    the photo, when there is one
                                           voice.<ext>    the voice message, when there is one

Each entry is written into a hidden temporary folder, every file fsynced,
then renamed into place and the folder fsynced: an entry is whole or absent
after a power cut. Files get the outbox's media mode and data_dir's group.
``requeue`` puts the entries back into a working outbox (``kiosk outbox
requeue``); an entry the outbox still refuses stays, with its new reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from sync import media_types
from sync.errors import OutboxError
from sync.fileio import fsync_directory, write_and_sync
from sync.outbox import MEDIA_FILE_MODE, Outbox, shared_modes

QUARANTINE_DIR_NAME = "quarantine"
MESSAGE_FILE = "message.json"
REASON_FILE = "reason.txt"
_TEMP_PREFIX = "."


def quarantine_dir(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / QUARANTINE_DIR_NAME


def put(
    data_dir: str | os.PathLike[str],
    message: dict[str, Any],
    *,
    photo: bytes | None,
    voice: bytes | None,
    reason: str,
) -> Path:
    """Keep ``message`` and its media durably in the quarantine; return the entry's folder.

    Raises OSError when even that cannot be written (the disk is full or
    read-only): the caller keeps the message and tries again.
    """
    folder = quarantine_dir(data_dir)
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shared_modes(Path(data_dir)).apply(folder, directory=True)
    now = datetime.datetime.now(datetime.UTC)
    name = f"{now:%Y%m%dT%H%M%S.%fZ}-{uuid.uuid4().hex[:8]}"
    temp = folder / f"{_TEMP_PREFIX}{name}.tmp"
    temp.mkdir()
    try:
        files = {
            MESSAGE_FILE: json.dumps(message, ensure_ascii=False, indent=2).encode("utf-8"),
            REASON_FILE: (reason.rstrip() + "\n").encode("utf-8"),
        }
        for kind, data in (("photo", photo), ("voice", voice)):
            if data is not None:
                files[f"{kind}.{_extension(message, kind)}"] = bytes(data)
        for file_name, data in files.items():
            fd = os.open(
                temp / file_name,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                MEDIA_FILE_MODE,
            )
            write_and_sync(fd, data)
        fsync_directory(temp)
        final = folder / name
        os.replace(temp, final)
        fsync_directory(folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return final


@dataclasses.dataclass(frozen=True)
class Entry:
    """One quarantined message as read back from its folder."""

    path: Path
    message: dict[str, Any]
    reason: str
    photo: bytes | None
    voice: bytes | None


def entries(data_dir: str | os.PathLike[str]) -> list[Path]:
    """The folders of the quarantined messages, oldest first (half-written ones left out)."""
    folder = quarantine_dir(data_dir)
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    return [
        folder / name
        for name in names
        if not name.startswith(_TEMP_PREFIX) and (folder / name / MESSAGE_FILE).is_file()
    ]


def count(data_dir: str | os.PathLike[str]) -> int:
    """How many messages wait in the quarantine (0 when there is none)."""
    return len(entries(data_dir))


def read(path: Path) -> Entry:
    """One entry; raises OSError or ValueError for a damaged one."""
    message = json.loads((path / MESSAGE_FILE).read_text(encoding="utf-8"))
    if not isinstance(message, dict):
        raise ValueError(f"{path / MESSAGE_FILE} does not hold a message")  # noqa: TRY004 - a bad file, not a bad argument
    reason = ""
    with contextlib.suppress(FileNotFoundError):
        reason = (path / REASON_FILE).read_text(encoding="utf-8").strip()
    media: dict[str, bytes | None] = {"photo": None, "voice": None}
    for kind in media:
        found = sorted(path.glob(f"{kind}.*"))
        if found:
            media[kind] = found[0].read_bytes()
    return Entry(path, message, reason, media["photo"], media["voice"])


@dataclasses.dataclass(frozen=True)
class RequeueReport:
    """What ``requeue`` did: ids stored in the outbox, and entries left with why."""

    stored: tuple[str, ...] = ()
    left: tuple[tuple[Path, str], ...] = ()


def requeue(outbox: Outbox) -> RequeueReport:
    """Add every quarantined message to ``outbox``; each one added leaves the quarantine.

    The entry is removed only after ``add`` has returned: a crash in between
    stores the message twice rather than never.
    """
    stored: list[str] = []
    left: list[tuple[Path, str]] = []
    for path in entries(outbox.data_dir):
        try:
            entry = read(path)
        except (OSError, ValueError) as exc:
            left.append((path, f"cannot be read: {exc}"))
            continue
        try:
            message_id = outbox.add(entry.message, photo=entry.photo, voice=entry.voice)
        except OutboxError as exc:
            _write_reason(path, str(exc))
            left.append((path, str(exc)))
            continue
        shutil.rmtree(path)
        stored.append(message_id)
    if stored:
        fsync_directory(quarantine_dir(outbox.data_dir))
    return RequeueReport(tuple(stored), tuple(left))


def _write_reason(path: Path, reason: str) -> None:
    with contextlib.suppress(OSError):
        (path / REASON_FILE).write_text(reason.rstrip() + "\n", encoding="utf-8")


def _extension(message: dict[str, Any], kind: str) -> str:
    extra = message.get(kind)
    named = extra.get("content_type") if isinstance(extra, dict) else None
    usual = media_types.DEFAULT_CONTENT_TYPE[kind]
    # A type the table does not know keeps the kind's usual extension: the
    # file is read back as photo.* or voice.* whatever it is called.
    return media_types.extension(named or usual, fallback=media_types.extension(usual))
