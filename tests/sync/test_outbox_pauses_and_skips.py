"""Schema step 3: the skipped state, releasing claims, target pauses, the queue summary."""

from __future__ import annotations

import sqlite3

import pytest

from sync.outbox import Outbox
from sync.outbox import schema as outbox_module

NOW = 1_800_000_000.0


@pytest.fixture
def box(data_dir):
    with Outbox(data_dir, reserve_bytes=0, clock=lambda: NOW) as outbox:
        outbox.register_targets(["manager", "mailbox"])
        yield outbox


def test_skipped_is_final_and_counted(box, make_message):
    message_id = box.add(make_message())
    assert box.mark_skipped(message_id, "mailbox", "not an alert") is True
    assert box.claim("mailbox", now=NOW + 10**6) == []
    assert box.mark_delivered(message_id, "mailbox") is False
    counts = box.counts()["mailbox"]
    assert (counts["skipped"], counts["pending"], counts["last_errors"]) == (1, 0, [])


def test_release_makes_a_claim_due_at_once_without_an_attempt(box, make_message):
    message_id = box.add(make_message())
    box.claim("manager", now=NOW)
    assert box.release(message_id, "manager") is True
    [again] = box.claim("manager", now=NOW)
    assert again.attempts == 0


def test_pauses_persist_and_keep_their_start(data_dir, box):
    box.pause_target("manager", NOW + 300, "401 Unauthorized")
    box.pause_target("manager", NOW + 600, "403 Forbidden")
    with Outbox(data_dir, recover=False) as other:
        pause = other.target_pause("manager")
    assert (pause.since, pause.until, pause.reason) == (NOW, NOW + 600, "403 Forbidden")
    assert box.counts()["manager"]["paused"] == pause
    assert box.resume_target("manager") is True
    assert box.target_pause("manager") is None
    assert box.resume_target("manager") is False


def test_queue_summary_counts_messages_across_targets(box, make_message):
    first = box.add(make_message(created_at="2026-11-22T10:00:00+01:00"))
    second = box.add(make_message(created_at="2026-11-22T11:00:00+01:00"))
    box.mark_delivered(first, "manager")
    box.mark_delivered(first, "mailbox")
    box.mark_rejected(second, "manager", "422")
    assert box.queue_summary() == {
        "pending": 1,
        "rejected": 1,
        "oldest_pending_at": "2026-11-22T11:00:00+01:00",
        "last_delivery_at": NOW,
    }
    assert box.newest_seq() == 2


def test_a_version_2_database_is_upgraded_with_its_deliveries(data_dir):
    released = outbox_module._MIGRATIONS
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / "outbox.sqlite3")
    for step in released[:2]:
        for statement in step:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO targets VALUES ('manager', 0)")
    for seq, (message_id, alert, created_ts) in enumerate(
        [("m-old", 0, 100.0), ("m-alert", 1, 200.0), ("m-new", 0, 300.0)], start=1
    ):
        conn.execute(
            "INSERT INTO messages VALUES (?, ?, '', ?, ?, 0, '{}', NULL, NULL)",
            (seq, message_id, created_ts, alert),
        )
        conn.execute(
            "INSERT INTO deliveries (message_id, target, next_attempt_at, last_error)"
            " VALUES (?, 'manager', 0, ?)",
            (message_id, f"error {seq}"),
        )
    conn.commit()
    conn.close()

    with Outbox(data_dir) as box:
        # The claim order survived the rebuild: alerts first, then oldest first.
        assert [d.message_id for d in box.claim("manager", now=NOW)] == [
            "m-alert",
            "m-old",
            "m-new",
        ]
        assert box.mark_skipped("m-old", "manager", "test") is True
        assert {e["error"] for e in box.counts()["manager"]["last_errors"]} == set()
    conn = sqlite3.connect(data_dir / "outbox.sqlite3")
    try:
        errors = {row[0] for row in conn.execute("SELECT last_error FROM deliveries")}
        assert errors == {"error 1", "error 2", "error 3"}
        indexes = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {"deliveries_pending", "deliveries_failed", "deliveries_claim_order"} <= indexes
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(released)
    finally:
        conn.close()
