"""Drain rate: the delivery service vs a bare httpx loop, same payloads, same local manager.

Run from the project's folder as ``PYTHONPATH=tests python -m benchmarks.bench_drain
[--messages N] [--validate]`` (not collected by pytest: the name does not start
with test_). It queues N messages
with a 100 KB photo and a 50 KB voice each, then measures in one run against
one test manager server (tests/support/manager_server.py, on 127.0.0.1):

1. a bare loop: one httpx.Client posting the same multipart bodies, payloads in memory;
2. ``DeliveryService.run(once=True)`` with the ManagerTarget draining the outbox;
3. the bare loop again (its two rates are averaged: drift falls on both sides);

and prints both rates and their ratio (the goal is ≥ 0.8). ``make bench`` runs
the same through :func:`bench_drain`. The server's full
contract checks are off by default so that the server is not the bottleneck
that hides the client's cost; ``--validate`` turns them on.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time

import httpx

from support.manager_server import ManagerServer
from support.visits import salty_food
from sync.backoff import Backoff
from sync.outbox import Outbox
from sync.service import DeliveryService
from sync.targets.manager import ManagerTarget

TOKEN = "bench-token"
PHOTO_BYTES = 100 * 1024
VOICE_BYTES = 50 * 1024


def message() -> dict:
    return salty_food(
        terminal_id="bench-01",
        site="Bench",
        voice={"content_type": "audio/ogg", "duration_s": 3.2},
    )


def queue(box: Outbox, count: int, log=print) -> None:
    started = time.perf_counter()
    for n in range(count):
        box.add(message(), photo=os.urandom(PHOTO_BYTES), voice=os.urandom(VOICE_BYTES))
        if n and n % 2000 == 0:
            log(f"  queued {n} ({time.perf_counter() - started:.0f} s)")
    log(f"  queued {count} messages in {time.perf_counter() - started:.1f} s")


def bare_loop(url: str, box: Outbox) -> float:
    """Post every queued message as the contract says, with nothing but httpx; seconds taken."""
    bodies = []
    for item in box.messages():
        bodies.append(
            (
                item["id"],
                json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode(),
                box.read_media(item["id"], "photo"),
                box.read_media(item["id"], "voice"),
            )
        )
    with httpx.Client(base_url=url + "/", headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        started = time.perf_counter()
        for message_id, body, photo, voice in bodies:
            response = client.post(
                "v1/messages",
                headers={"Idempotency-Key": message_id},
                files=[
                    ("message", (None, body, "application/json")),
                    ("photo", ("photo.jpg", photo, "image/jpeg")),
                    ("voice", ("voice.ogg", voice, "audio/ogg")),
                ],
            )
            assert response.status_code == 201, response.text
        return time.perf_counter() - started


def service_drain(url: str, box: Outbox) -> float:
    target = ManagerTarget(url, TOKEN, "bench-01")
    try:
        service = DeliveryService(box, [target], backoff=Backoff(0.01, 0.1))
        started = time.perf_counter()
        service.run(once=True)
        elapsed = time.perf_counter() - started
        assert service.join(10)
    finally:
        target.close()
    counts = box.counts()["manager"]
    assert counts["pending"] == 0 and counts["rejected"] == 0, counts
    return elapsed


def bench_drain(*, messages: int = 10_000, validate: bool = False, log=print) -> list:
    """Rows for #6: the service's drain rate against the bare loop's.

    The bare loop runs before and after the service (A-B-A) and its two
    rates are averaged, so that a drift of the shared machine over the run
    falls on both sides alike.
    """
    from benchmarks.benchlib import Row

    with (
        tempfile.TemporaryDirectory(prefix="bench-drain-") as data_dir,
        ManagerServer(TOKEN, terminal_id="bench-01", validate=validate) as server,
        Outbox(data_dir, reserve_bytes=0) as box,
    ):
        queue(box, messages, log=log)
        bare_before_s = bare_loop(server.url, box)
        assert len(server.messages) == messages
        server.messages.clear()  # the service's posts must be new ones (201), as the loop's were
        service_s = service_drain(server.url, box)
        assert len(server.messages) == messages and not server.errors, server.errors[:3]
        server.messages.clear()
        bare_after_s = bare_loop(server.url, box)
    bare_rate = (messages / bare_before_s + messages / bare_after_s) / 2
    service_rate = messages / service_s
    log(
        f"  drain: bare httpx {messages / bare_before_s:.0f} then {messages / bare_after_s:.0f} "
        f"messages/s, kiosk sync {service_rate:.0f} messages/s"
    )
    return [
        Row(
            "6",
            f"drain of {messages:,} queued messages to the local manager server, messages/s",
            service_rate,
            "/s",
            bare_rate,
            "bare httpx loop, same payloads (mean of before and after)",
            "≥ 0.8",
            lambda r: r >= 0.8,
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--validate",
        action="store_true",
        help="let the server check every request against the contract",
    )
    args = parser.parse_args()
    quiet_service_log()
    rows = bench_drain(messages=args.messages, validate=args.validate)
    print(f"ratio: {rows[0].ratio:.2f} (goal >= 0.8)")
    return 0 if rows[0].met else 1


def quiet_service_log() -> None:
    """The service logs one INFO line per delivery, as under journald; format it, drop it."""
    handler = logging.FileHandler(os.devnull)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


if __name__ == "__main__":
    sys.exit(main())
