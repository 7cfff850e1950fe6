"""Claiming and marking deliveries, per target, with leases."""

from __future__ import annotations

import pytest

from sync.errors import UnknownDeliveryError
from sync.outbox import LEASE_S, Delivery, Outbox

NOW = 1_800_000_000.0


@pytest.fixture
def box(data_dir):
    clock = [NOW]
    with Outbox(data_dir, reserve_bytes=0, clock=lambda: clock[0]) as outbox:
        outbox.register_targets(["manager", "mailbox"])
        yield outbox


def claimed_ids(deliveries):
    return [delivery.message_id for delivery in deliveries]


def test_a_claim_returns_the_message_and_its_media(box, make_message):
    message_id = box.add(make_message(), photo=b"photo")

    [delivery] = box.claim("manager", now=NOW)

    assert isinstance(delivery, Delivery)
    assert delivery.message_id == message_id
    assert delivery.target == "manager"
    assert delivery.attempts == 0
    assert delivery.message == box.get_message(message_id)
    assert delivery.photo_path.read_bytes() == b"photo"
    assert delivery.voice_path is None


def test_alerts_first_then_oldest_first(box, make_message):
    late = box.add(make_message(created_at="2026-11-22T16:00:00+01:00"))
    early = box.add(make_message(created_at="2026-11-22T15:30:00+01:00"))
    # 14:15 UTC: older than both, although it sorts later as text.
    earliest = box.add(make_message(created_at="2026-11-22T16:15:00+02:00"))
    alert = box.add(make_message(created_at="2026-11-22T17:00:00+01:00", alert=True))

    assert claimed_ids(box.claim("manager", limit=2, now=NOW)) == [alert, earliest]
    assert claimed_ids(box.claim("manager", limit=10, now=NOW)) == [early, late]
    assert box.claim("manager", now=NOW) == []


def test_claims_are_per_target(box, make_message):
    message_id = box.add(make_message())

    assert claimed_ids(box.claim("manager", now=NOW)) == [message_id]
    assert claimed_ids(box.claim("mailbox", now=NOW)) == [message_id]
    assert box.claim("nowhere", now=NOW) == []


def test_a_lease_hides_a_delivery_until_it_runs_out(box, make_message):
    message_id = box.add(make_message())

    assert claimed_ids(box.claim("manager", lease_s=30, now=NOW)) == [message_id]
    assert box.claim("manager", now=NOW + 29) == []
    assert box.next_due_at("manager") == NOW + 30
    # The claimer died: the delivery is due again, with no attempt counted.
    [again] = box.claim("manager", now=NOW + 30)
    assert again.message_id == message_id
    assert again.attempts == 0


def test_default_lease(box, make_message):
    box.add(make_message())
    box.claim("manager", now=NOW)
    assert box.next_due_at("manager") == NOW + LEASE_S


def test_delivered_is_never_claimed_again(box, make_message):
    message_id = box.add(make_message())
    box.claim("manager", now=NOW)

    assert box.mark_delivered(message_id, "manager") is True

    assert box.claim("manager", now=NOW + 10 * LEASE_S) == []
    assert box.next_due_at("manager") is None
    assert box.next_due_at("mailbox") == 0


def test_retry_counts_attempts_clears_the_lease_and_waits(box, make_message):
    message_id = box.add(make_message())
    box.claim("manager", now=NOW)

    assert box.mark_retry(message_id, "manager", "503 Service Unavailable", NOW + 60) is True

    assert box.next_due_at("manager") == NOW + 60
    assert box.claim("manager", now=NOW + 59) == []
    [delivery] = box.claim("manager", now=NOW + 60)
    assert delivery.attempts == 1
    box.mark_retry(message_id, "manager", "timeout", NOW + 120)
    assert box.claim("manager", now=NOW + 120)[0].attempts == 2


def test_rejected_is_final(box, make_message):
    message_id = box.add(make_message())
    box.claim("manager", now=NOW)

    assert box.mark_rejected(message_id, "manager", "422: rating.value out of range") is True

    assert box.claim("manager", now=NOW + 10**6) == []
    # A late mark from a claimer whose lease ran out changes nothing.
    assert box.mark_delivered(message_id, "manager") is False
    assert box.mark_retry(message_id, "manager", "late", NOW) is False
    assert box.counts()["manager"]["rejected"] == 1


def test_marking_an_unknown_delivery_says_what_to_check(box, make_message):
    message_id = box.add(make_message())
    with pytest.raises(UnknownDeliveryError, match="registered"):
        box.mark_delivered(message_id, "fax")
    with pytest.raises(UnknownDeliveryError):
        box.mark_retry("no-such-id", "manager", "x", NOW)


def test_a_target_registered_later_receives_what_is_stored(data_dir, make_message):
    with Outbox(data_dir) as box:
        before = [box.add(make_message()), box.add(make_message())]
        assert box.claim("manager", now=NOW) == []

        box.register_targets(["manager"])
        after = box.add(make_message())

        assert sorted(claimed_ids(box.claim("manager", now=NOW))) == sorted([*before, after])
        box.register_targets(["manager"])  # again: harmless, nothing duplicated
        assert box.counts()["manager"]["pending"] == 3
        assert box.targets() == ["manager"]


def test_registration_is_persistent(data_dir, make_message):
    with Outbox(data_dir) as box:
        box.register_targets(["manager", "mailbox"])
    with Outbox(data_dir) as box:
        message_id = box.add(make_message())
        assert box.targets() == ["mailbox", "manager"]
        assert claimed_ids(box.claim("mailbox", now=NOW)) == [message_id]


def test_counts_per_target(box, make_message):
    first = box.add(make_message(created_at="2026-11-22T10:00:00+01:00"))
    second = box.add(make_message(created_at="2026-11-22T11:00:00+01:00"))
    third = box.add(make_message(created_at="2026-11-22T12:00:00+01:00"))
    box.mark_delivered(first, "manager")
    box.mark_retry(second, "manager", "connection refused", NOW + 60)
    box.mark_rejected(third, "manager", "413 too large")
    box.mark_delivered(first, "mailbox")

    counts = box.counts()

    assert counts["mailbox"] == {
        "pending": 2,
        "delivered": 1,
        "rejected": 0,
        "skipped": 0,
        "oldest_pending_at": "2026-11-22T11:00:00+01:00",
        "paused": None,
        "last_errors": [],
    }
    manager = counts["manager"]
    assert (manager["pending"], manager["delivered"], manager["rejected"]) == (1, 1, 1)
    assert manager["oldest_pending_at"] == "2026-11-22T11:00:00+01:00"
    assert {(e["message_id"], e["error"], e["state"]) for e in manager["last_errors"]} == {
        (second, "connection refused", "pending"),
        (third, "413 too large", "rejected"),
    }
    assert all(e["at"] == NOW for e in manager["last_errors"])


def test_last_errors_are_the_most_recent_few(data_dir, make_message):
    clock = [NOW]
    with Outbox(data_dir, clock=lambda: clock[0]) as box:
        box.register_targets(["manager"])
        ids = [box.add(make_message()) for _ in range(8)]
        for n, message_id in enumerate(ids):
            clock[0] = NOW + n
            box.mark_retry(message_id, "manager", f"error {n}", NOW + 60)

        errors = box.counts()["manager"]["last_errors"]

    assert [e["error"] for e in errors] == ["error 7", "error 6", "error 5", "error 4", "error 3"]
    assert errors[0]["message_id"] == ids[7]
    assert errors[0]["attempts"] == 1


def test_long_errors_are_clipped(box, make_message):
    message_id = box.add(make_message())
    box.mark_retry(message_id, "manager", "x" * 100_000, NOW)
    assert len(box.counts()["manager"]["last_errors"][0]["error"]) <= 2000


def test_next_due_at_without_pending(box):
    assert box.next_due_at("manager") is None
