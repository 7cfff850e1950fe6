"""1,000 messages through a manager that fails 30 % of requests: each stored exactly once."""

from __future__ import annotations

import hashlib
import os
import random
import threading

import pytest

from support.delivery_service import running
from support.manager_server import Reply, Reset, Stall
from support.waiting import wait_for
from sync.backoff import Backoff
from sync.outbox import Outbox
from sync.service import DeliveryService

#: 1,000 messages through a faulty server: about 30 s.
pytestmark = pytest.mark.slow

MESSAGES = 1000
FAULT_RATE = 0.3
READ_TIMEOUT_S = 0.15
#: Correctness, not speed: about 30 s on a quiet machine, several times that on
#: a loaded one, where answers slower than READ_TIMEOUT_S are retried too.
DRAIN_TIMEOUT_S = 300


def test_every_message_arrives_exactly_once_despite_faults(
    data_dir, make_message, manager_server, manager_target_factory
):
    rng = random.Random(20261122)
    lock = threading.Lock()
    faults = {"n": 0}

    def fault(method, path):
        with lock:
            if rng.random() >= FAULT_RATE:
                return None
            faults["n"] += 1
            when = rng.choice(["before", "after"])  # after: stored, but the answer is lost
            return rng.choice(
                [
                    Reply(500, when=when),
                    Reply(503, {"Retry-After": "0"}, when=when),
                    Reset(when=when),
                    Stall(READ_TIMEOUT_S * 3, when=when),
                ]
            )

    expected = {}
    with Outbox(data_dir, reserve_bytes=0) as box:
        box.register_targets(["manager"])
        for n in range(MESSAGES):
            photo = os.urandom(512) if n % 2 == 0 else None
            voice = os.urandom(256) if n % 3 == 0 else None
            message_id = box.add(make_message(), photo=photo, voice=voice)
            expected[message_id] = (
                photo and hashlib.sha256(photo).hexdigest(),
                voice and hashlib.sha256(voice).hexdigest(),
            )
        manager_server.fault = fault
        target = manager_target_factory(manager_server.url, read_timeout_s=READ_TIMEOUT_S)
        service = DeliveryService(box, [target], backoff=Backoff(base_s=0.005, cap_s=0.05))
        with running(service):
            wait_for(
                lambda: box.counts()["manager"]["delivered"] == MESSAGES,
                timeout_s=DRAIN_TIMEOUT_S,
                poll_s=0.2,
            )

        assert box.counts()["manager"]["pending"] == 0
        assert faults["n"] > MESSAGES * FAULT_RATE * 0.8
    stored = manager_server.messages
    assert set(stored) == set(expected)
    for message_id, (photo_sha, voice_sha) in expected.items():
        assert (stored[message_id].photo_sha256, stored[message_id].voice_sha256) == (
            photo_sha,
            voice_sha,
        )
    # Exactly once at the manager; repeats were answered 200 and stored nothing.
    assert len(stored) == MESSAGES
