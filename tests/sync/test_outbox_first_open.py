"""At first boot the app and the delivery service create the outbox at the same moment."""

from __future__ import annotations

import grp
import os
import stat
import subprocess
import sys

from sync.outbox import Outbox

OPENERS = 4
ROUNDS = 5
TIMEOUT_S = 30
OPEN_AND_ADD = """
import sys
from sync.outbox import Outbox
with Outbox(sys.argv[1], reserve_bytes=0) as box:
    box.register_targets(["manager"])
    box.add({"created_at": "2026-11-22T15:04:05+01:00", "alert": False}, photo=b"p")
"""


def test_processes_opening_a_new_data_dir_together_all_succeed(tmp_path, helper_env):
    for round_ in range(ROUNDS):
        data_dir = tmp_path / f"round-{round_}"
        command = [sys.executable, "-c", OPEN_AND_ADD, str(data_dir)]
        processes = [
            subprocess.Popen(command, env=helper_env, stderr=subprocess.PIPE)
            for _ in range(OPENERS)
        ]
        errors = []
        for process in processes:
            _, err = process.communicate(timeout=TIMEOUT_S)
            if process.returncode != 0:
                errors.append(err.decode(errors="replace"))
        assert not errors, "\n".join(errors)
        with Outbox(data_dir) as box:
            assert box.counts()["manager"]["pending"] == OPENERS


def test_the_first_opener_gives_every_file_the_shared_data_dirs_group_and_mode(
    tmp_path, make_message
):
    """A group-writable data_dir (the installer's 2770) is shared: umask 022 must not narrow it."""
    group = grp.getgrnam("users") if os.getuid() == 0 else grp.getgrgid(os.getgid())
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, -1, group.gr_gid)
    data.chmod(0o2770)
    old_umask = os.umask(0o022)
    try:
        with Outbox(data, reserve_bytes=0) as box:
            box.add(make_message(), photo=b"\xff\xd8jpeg")
            # While open, SQLite's -wal and -shm exist too.
            paths = {
                p.name: p.stat()
                for p in (
                    data / "outbox.sqlite3-wal",
                    data / "outbox.sqlite3-shm",
                    data / "outbox.sqlite3",
                    data / "outbox.lock",
                    data / "outbox.users",
                    data / "media",
                )
            }
    finally:
        os.umask(old_umask)
    for name, info in paths.items():
        assert info.st_gid == group.gr_gid, name
        expected = 0o2770 if name == "media" else 0o660
        assert stat.S_IMODE(info.st_mode) == expected, f"{name}: {stat.S_IMODE(info.st_mode):o}"
