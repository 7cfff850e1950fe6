"""Reading the outbox for reports and the status: messages over a period, spam counts."""

from __future__ import annotations

from sync.outbox import Outbox


def test_messages_over_a_period_in_order_across_pages(data_dir, make_message, monkeypatch):
    from sync.outbox import queries as outbox_module

    monkeypatch.setattr(outbox_module, "_MESSAGES_PAGE", 7)
    with Outbox(data_dir, reserve_bytes=0) as box:
        ids = [
            box.add(make_message(created_at=f"2026-11-{day:02d}T10:00:00.000+01:00"))
            for day in range(1, 31)
        ]
        # 2026-11-10T09:00Z .. 2026-11-20T09:00Z (exclusive): days 10..19.
        start, end = 1794301200.0, 1795165200.0
        found = [m["id"] for m in box.messages(start, end)]
        assert found == ids[9:19]
        assert [m["id"] for m in box.messages()] == ids


def test_suppressed_count_since(data_dir):
    now = [1000.0]
    with Outbox(data_dir, reserve_bytes=0, clock=lambda: now[0]) as box:
        assert box.suppressed_count() == 0
        box.record_suppressed()
        now[0] = 2000.0
        box.record_suppressed()
        box.record_suppressed()
        assert box.suppressed_count() == 3
        assert box.suppressed_count(since=1500.0) == 2
