"""Child of the crash test: adds messages with media until it is killed.

It prints ``ready`` once the outbox is open, then one line per message that
``add`` returned: the id and the SHA-256 of the photo and the voice. Each line
is one write(2) of less than PIPE_BUF bytes, so the parent sees whole lines
only. Imports are kept to the minimum so that the 200 children start fast.
"""

import hashlib
import os
import sys

from sync.outbox import Outbox

MEDIA_BYTES = 100 * 1024


def main(data_dir: str) -> None:
    with Outbox(data_dir, reserve_bytes=0) as box:
        os.write(1, b"ready\n")
        n = 0
        while True:
            photo, voice = os.urandom(MEDIA_BYTES), os.urandom(MEDIA_BYTES)
            message = {
                "terminal_id": "crash-test",
                "site": "",
                "created_at": "2026-11-22T15:04:05.123+01:00",
                "locale": "en",
                "dialog": {"version": 1, "sha256": "0" * 64},
                "rating": None,
                "path": [],
                "tone": "none",
                "alert": n % 3 == 0,
                "text": f"message {n} of child {os.getpid()}",
                "callback": None,
                "photo": {"width": 1280, "height": 720},
                "voice": {"duration_s": 3.0},
            }
            message_id = box.add(message, photo=photo, voice=voice)
            line = f"{message_id} {hashlib.sha256(photo).hexdigest()} {hashlib.sha256(voice).hexdigest()}\n"
            os.write(1, line.encode())
            n += 1


if __name__ == "__main__":
    main(sys.argv[1])
