"""Two sides at once: the app adds while two delivery processes claim and mark."""

from __future__ import annotations

import subprocess
from collections import Counter

from sync.outbox import Outbox

MESSAGES = 2000
CLAIMERS = 2
TIMEOUT_S = 100


def test_every_message_is_delivered_exactly_once(data_dir, tmp_path, helper_command, helper_env):
    # Created up front so that the processes race on the data, not on creating the file.
    Outbox(data_dir).close()
    added_file = tmp_path / "added.txt"
    claimed_files = [tmp_path / f"claimed-{n}.txt" for n in range(CLAIMERS)]
    commands = [
        helper_command("outbox_worker.py", "add", str(data_dir), str(MESSAGES), str(added_file))
    ]
    # The claimers register the target while the adder is already adding:
    # registration's backfill and add's own delivery rows must not miss a message.
    commands += [
        helper_command(
            "outbox_worker.py", "claim", str(data_dir), "manager", str(MESSAGES), str(path)
        )
        for path in claimed_files
    ]
    processes = [
        subprocess.Popen(command, env=helper_env, stderr=subprocess.PIPE) for command in commands
    ]
    errors = []
    try:
        for process in processes:
            _, err = process.communicate(timeout=TIMEOUT_S)
            if process.returncode != 0:
                errors.append(err.decode(errors="replace"))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert not errors, "\n".join(errors)

    added = added_file.read_text().split()
    claimed = [message_id for path in claimed_files for message_id in path.read_text().split()]
    assert len(set(added)) == MESSAGES
    duplicates = [message_id for message_id, n in Counter(claimed).items() if n > 1]
    assert duplicates == []
    assert set(claimed) == set(added)
    with Outbox(data_dir) as box:
        counts = box.counts()["manager"]
    assert (counts["pending"], counts["delivered"], counts["rejected"]) == (0, MESSAGES, 0)
