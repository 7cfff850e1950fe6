"""Send to durable: ``Outbox.add`` with a 100 KB photo and a 50 KB voice, against the bare floor.

The floor is what durability cannot avoid: write and fsync two files of the
same sizes, and commit one row of the same JSON body in SQLite with WAL and
``synchronous=FULL``, in the same directory's file system. The outbox does
that plus what makes it crash-safe (a rename per file, a directory fsync, a
shared flock, a free-space check, one delivery row per target). Adds and
bare rounds alternate, one for one, so drift on the shared disk falls on both.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.bench_drain import PHOTO_BYTES, VOICE_BYTES, message
from benchmarks.benchlib import Row, median, p95
from sync.outbox import Outbox


class BareDurable:
    """Two fsynced files and one SQLite commit: the least a durable message can cost."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(directory / "bare.sqlite3", isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, body TEXT)")
        self.count = 0

    def store(self, body: str, photo: bytes, voice: bytes) -> None:
        self.count += 1
        for name, data in ((f"{self.count}.photo", photo), (f"{self.count}.voice", voice)):
            fd = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO messages (body) VALUES (?)", (body,))
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def bench_durable(*, adds: int = 200, log=print) -> list[Row]:
    add_s: list[float] = []
    bare_s: list[float] = []
    body = json.dumps(message(), ensure_ascii=False, separators=(",", ":"))
    with tempfile.TemporaryDirectory(prefix="bench-durable-", dir=_disk_dir()) as temp:
        work = Path(temp)
        bare = BareDurable(work / "bare")
        try:
            with Outbox(work / "outbox", reserve_bytes=0) as box:
                box.register_targets(["manager", "mailbox"])
                for index in range(adds):
                    photo, voice = os.urandom(PHOTO_BYTES), os.urandom(VOICE_BYTES)
                    # Alternate who goes first, so neither always follows the other's fsyncs.
                    order = ("add", "bare") if index % 2 == 0 else ("bare", "add")
                    for which in order:
                        started = time.perf_counter()
                        if which == "add":
                            box.add(message(), photo=photo, voice=voice)
                            add_s.append(time.perf_counter() - started)
                        else:
                            bare.store(body, photo, voice)
                            bare_s.append(time.perf_counter() - started)
        finally:
            bare.close()
    log(
        f"  durable: {adds} adds, median {median(add_s) * 1000:.2f} ms, bare "
        f"{median(bare_s) * 1000:.2f} ms"
    )
    base = "2 files fsynced + 1 SQLite commit (WAL, synchronous=FULL)"
    return [
        Row(
            "5",
            f"Outbox.add, 100 KB photo + 50 KB voice, median (n={adds})",
            median(add_s) * 1000,
            "ms",
            median(bare_s) * 1000,
            base,
            "≤ 2×",
            lambda r: r <= 2,
        ),
        Row(
            "5",
            f"Outbox.add, 100 KB photo + 50 KB voice, p95 (n={adds})",
            p95(add_s) * 1000,
            "ms",
            p95(bare_s) * 1000,
            base,
            "≤ 2×",
            lambda r: r <= 2,
        ),
    ]


def _disk_dir() -> str | None:
    """A directory on a real disk: /tmp may be a tmpfs, where fsync costs nothing."""
    for candidate in (os.environ.get("BENCH_DISK_DIR"), "/var/tmp"):
        if candidate and os.path.isdir(candidate) and os.access(candidate, os.W_OK):
            return candidate
    return None
