"""One client process of the exactly-once test: posts its share of the messages, prints counts.

Usage: poster.py URL TOKEN_FILE INDEX PROCESSES MESSAGES COPIES GO_FILE
Message ``i`` is posted by the processes ``i % P … (i + COPIES - 1) % P``,
so every message arrives COPIES times, from different processes at once.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from support.manager_messages import BOUNDARY, message, message_parts, multipart

NAMESPACE = uuid.UUID("6f1c9a52-5d7e-4c1e-9b43-2f0d8c1e7a10")


def body_of(index: int) -> bytes:
    body = message(id=str(uuid.uuid5(NAMESPACE, str(index))), text=f"message {index}")
    return body["id"], multipart(message_parts(body))


def main() -> None:
    url, token_file, index, processes, count, copies, go = sys.argv[1:8]
    index, processes, count, copies = int(index), int(processes), int(count), int(copies)
    token = Path(token_file).read_text().strip()
    mine = [i for i in range(count) if any((i + k) % processes == index for k in range(copies))]
    prepared = [body_of(i) for i in mine]
    while not Path(go).exists():
        time.sleep(0.01)
    statuses: Counter[int] = Counter()
    with httpx.Client(
        timeout=120,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        },
    ) as client:
        for message_id, content in prepared:
            response = client.post(
                f"{url}/v1/messages", content=content, headers={"Idempotency-Key": message_id}
            )
            statuses[response.status_code] += 1
    print(json.dumps(statuses))


if __name__ == "__main__":
    main()
