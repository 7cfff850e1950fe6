"""A helper process for the concurrency test: the app's side or the delivery service's side.

outbox_worker.py add DATA_DIR COUNT OUT_FILE
    adds COUNT messages (every tenth with a small photo), writes their ids
outbox_worker.py claim DATA_DIR TARGET COUNT OUT_FILE
    registers TARGET, then claims and marks delivered until COUNT messages
    are delivered for it (by any claimer), writes every id it claimed
"""

import sys
import time
from pathlib import Path

from sync.outbox import Outbox

DEADLINE_S = 90.0
IDLE_SLEEP_S = 0.002


def add(data_dir: str, count: int, out_file: str) -> None:
    ids = []
    with Outbox(data_dir, reserve_bytes=0) as box:
        for n in range(count):
            message = {
                "terminal_id": "concurrency-test",
                "site": "",
                "created_at": "2026-11-22T15:04:05+01:00",
                "locale": "en",
                "dialog": {"version": 1, "sha256": "0" * 64},
                "rating": None,
                "path": [],
                "tone": "none",
                "alert": n % 7 == 0,
                "text": f"message {n}",
                "callback": None,
                "photo": None,
                "voice": None,
            }
            ids.append(box.add(message, photo=b"jpeg" * 256 if n % 10 == 0 else None))
    Path(out_file).write_text("".join(f"{message_id}\n" for message_id in ids))


def claim(data_dir: str, target: str, count: int, out_file: str) -> None:
    claimed = []
    deadline = time.monotonic() + DEADLINE_S
    with Outbox(data_dir) as box:
        box.register_targets([target])
        while True:
            deliveries = box.claim(target, limit=25)
            for delivery in deliveries:
                claimed.append(delivery.message_id)
                box.mark_delivered(delivery.message_id, target)
            if not deliveries:
                if box.counts()[target]["delivered"] >= count:
                    break
                if time.monotonic() > deadline:
                    sys.exit(f"gave up: {box.counts()}")
                time.sleep(IDLE_SLEEP_S)
    Path(out_file).write_text("".join(f"{message_id}\n" for message_id in claimed))


if __name__ == "__main__":
    if sys.argv[1] == "add":
        add(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        claim(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
