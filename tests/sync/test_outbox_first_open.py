"""At first boot the app and the delivery service create the outbox at the same moment."""

from __future__ import annotations

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
        processes = [subprocess.Popen(command, env=helper_env, stderr=subprocess.PIPE) for _ in range(OPENERS)]
        errors = []
        for process in processes:
            _, err = process.communicate(timeout=TIMEOUT_S)
            if process.returncode != 0:
                errors.append(err.decode(errors="replace"))
        assert not errors, "\n".join(errors)
        with Outbox(data_dir) as box:
            assert box.counts()["manager"]["pending"] == OPENERS
