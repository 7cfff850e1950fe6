"""Retention: media after delivered_media_days, records after delivered_messages_days, pending never."""

from __future__ import annotations

from sync.outbox import Outbox
from sync.retention import SECONDS_PER_DAY, Retention

NOW = 1_800_000_000.0
DAY = SECONDS_PER_DAY


def test_media_then_records_go_on_schedule_and_pending_stays(data_dir, make_message):
    clock = [NOW]
    with Outbox(data_dir, reserve_bytes=0, clock=lambda: clock[0]) as box:
        box.register_targets(["manager", "mailbox"])
        done = box.add(make_message(), photo=b"photo", voice=b"voice")
        half = box.add(make_message(), photo=b"photo")
        rejected = box.add(make_message(), photo=b"photo")
        done_files = [box.media_path(done, "photo"), box.media_path(done, "voice")]
        box.mark_delivered(done, "manager")
        box.mark_skipped(done, "mailbox", "not an alert")
        box.mark_delivered(half, "manager")  # the mailbox still has it pending
        box.mark_rejected(rejected, "manager", "422")
        box.mark_delivered(rejected, "mailbox")
        retention = Retention(
            box, delivered_media_days=7, delivered_messages_days=400, clock=lambda: clock[0]
        )

        clock[0] = NOW + 6.9 * DAY
        assert retention.run().media_deleted == 0
        assert all(path.exists() for path in done_files)

        clock[0] = NOW + 7.1 * DAY
        report = retention.run()
        assert (report.media_deleted, report.messages_deleted) == (2, 0)
        assert not any(path.exists() for path in done_files)
        assert box.media_path(done, "photo") is None and box.media_path(done, "voice") is None
        assert box.get_message(done)["photo"]["sha256"]  # the record keeps what was sent
        assert box.read_media(half, "photo") == b"photo"
        assert box.recover().missing_media == ()  # deleted on purpose, not lost

        clock[0] = NOW + 401 * DAY
        assert retention.run().messages_deleted == 2
        assert [m["id"] for m in box.messages()] == [half]
        assert box.read_media(half, "photo") == b"photo"
        assert box.counts()["mailbox"]["pending"] == 1


def test_a_message_no_target_has_had_is_kept(data_dir, make_message):
    clock = [NOW]
    with Outbox(data_dir, reserve_bytes=0, clock=lambda: clock[0]) as box:
        kept = box.add(make_message(), photo=b"photo")
        clock[0] = NOW + 1000 * DAY
        Retention(
            box, delivered_media_days=0, delivered_messages_days=0, clock=lambda: clock[0]
        ).run()
        assert box.read_media(kept, "photo") == b"photo"
