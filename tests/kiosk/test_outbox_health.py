"""The app's view of the outbox: opened without crashing, out of order while it cannot store, back after."""

from __future__ import annotations

from kiosk.outbox_health import OutboxHealth, UnavailableOutbox, open_outbox
from support.outbox_damage import corrupt_table
from support.visits import complaint
from sync import quarantine
from sync.outbox import Outbox

MESSAGE = complaint()


class Disk:
    def __init__(self, free_bytes: int):
        self.free = free_bytes

    def __call__(self, _path):
        return self


def test_an_outbox_that_cannot_be_opened_is_a_problem_not_a_crash(tmp_path):
    data = tmp_path / "data"
    with Outbox(data, reserve_bytes=0) as box:
        box.add(MESSAGE)
    corrupt_table(data / "outbox.sqlite3", "messages")  # recovery at open reads it
    outbox, problem = open_outbox(data, reserve_bytes=0)
    assert isinstance(outbox, UnavailableOutbox)
    assert "is damaged" in problem and "kiosk outbox repair" in problem


def test_quick_check_at_start_finds_a_damaged_page_the_open_does_not_read(tmp_path):
    data = tmp_path / "data"
    with Outbox(data, reserve_bytes=0) as box:
        box.record_suppressed()
    corrupt_table(data / "outbox.sqlite3", "suppressed_taps")
    outbox, problem = open_outbox(data, reserve_bytes=0)
    try:
        assert isinstance(outbox, Outbox)
        assert "is damaged" in problem
    finally:
        outbox.close()


def test_a_problem_clears_once_the_outbox_stores_again_and_the_quarantine_goes_back(tmp_path):
    data = tmp_path / "data"
    disk = Disk(free_bytes=10)
    changes: list[str | None] = []
    with Outbox(data, reserve_bytes=10**9, disk_usage=disk) as box:
        health = OutboxHealth(box, None, on_change=changes.append)
        quarantine.put(data, MESSAGE, photo=None, voice=None, reason="OutboxFullError")
        health.report("the disk is full")
        health.report("the disk is still full")  # told once
        assert changes == ["the disk is full"]
        health.check()  # still below the reserve
        assert "disk_reserve_mb" in health.problem and changes == ["the disk is full"]
        assert health.quarantined() == 1
        disk.free = 10**12
        health.check()
        assert health.problem is None and changes[-1] is None
        assert health.quarantined() == 0
        (stored,) = box.messages()
        assert stored["path"] == MESSAGE["path"]
