"""`kiosk outbox repair|requeue`, and a broken outbox or a quarantine in `kiosk status` and `kiosk doctor`."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from support.outbox_damage import corrupt_page, corrupt_table
from support.visits import salty_food
from sync import quarantine
from sync.errors import OutboxInUseError
from sync.outbox import Outbox
from sync.outbox.layout import SERVICE_LOCK_NAME, hold_alone

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 40


def message(number: int) -> dict:
    # A long text, so that the messages spread over many pages of the table.
    return salty_food(
        site="",
        locale="en",
        created_at=f"2026-11-20T09:{number // 60:02d}:{number % 60:02d}+01:00",
        rating=None,
        path=[{"level": "topic", "id": "food", "label": "Food"}],
        tone="none",
        alert=False,
        text=f"visit {number} " + "x" * 900,
    )


def kiosk(settings: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args, "--settings", str(settings)],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def terminal(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    settings = tmp_path / "settings.yaml"
    settings.write_text(f"data_dir: {data}\ndisk_reserve_mb: 0\n", encoding="utf-8")
    return settings, data


def filled_outbox(data: Path) -> dict[str, str]:
    """MESSAGES messages, the first with a photo, half delivered to the manager: id → text."""
    texts = {}
    with Outbox(data, reserve_bytes=0) as box:
        box.register_targets(["manager", "mailbox"])
        for number in range(MESSAGES):
            message_id = box.add(message(number), photo=b"\xff\xd8jpeg" if number == 0 else None)
            texts[message_id] = message(number)["text"]
            if number % 2:
                box.mark_delivered(message_id, "manager")
        box.record_suppressed()
    return texts


def leaf_page_of(db_path: Path, table: str, nth: int) -> tuple[int, int]:
    """The page size and the ``nth`` leaf page of ``table`` (SQLite's dbstat)."""
    with sqlite3.connect(db_path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
                (table,),
            )
        ]
    conn.close()
    return page_size, leaves[nth]


def test_repair_keeps_the_damaged_file_and_copies_every_readable_message(tmp_path):
    settings, data = terminal(tmp_path)
    texts = filled_outbox(data)
    with Outbox(data, reserve_bytes=0) as box:
        before = {m["id"]: m for m in box.messages()}
        states = {
            (d["message_id"], d["target"]): d["state"]
            for d in (
                dict(zip(("message_id", "target", "state"), row, strict=True))
                for row in box._db.execute("SELECT message_id, target, state FROM deliveries")
            )
        }
    page_size, page = leaf_page_of(data / "outbox.sqlite3", "messages", 3)
    corrupt_page(data / "outbox.sqlite3", page, page_size)
    # Damaged: kiosk status cannot read it, the doctor's check fails.
    assert kiosk(settings, "status").returncode == 1

    done = kiosk(settings, "outbox", "repair")
    assert done.returncode == 0, done.stderr
    (aside,) = data.glob("damaged-*")
    assert (aside / "outbox.sqlite3").exists()
    with Outbox(data, reserve_bytes=0) as box:
        assert box.health_problem() is None
        after = {m["id"]: m for m in box.messages()}
        # One page held a few messages; every other one is back, exactly as it was.
        lost = set(before) - set(after)
        assert 0 < len(lost) < MESSAGES // 4
        assert all(after[i] == before[i] for i in after)
        copied = {(m, t): s for (m, t), s in states.items() if m in after}
        for (message_id, target), state in copied.items():
            assert (
                box._db.execute(
                    "SELECT state FROM deliveries WHERE message_id = ? AND target = ?",
                    (message_id, target),
                ).fetchone()[0]
                == state
            )
        assert box.targets() == ["mailbox", "manager"]
        assert box.suppressed_count() == 1
        # The first message is on the first leaf, not the damaged fourth: its photo is kept.
        first = next(i for i, text in texts.items() if text.startswith("visit 0 "))
        assert box.read_media(first, "photo") == b"\xff\xd8jpeg"
    assert f"{len(after)} message(s) copied" in done.stdout
    assert str(aside) in done.stdout


@pytest.mark.parametrize(
    ("service_runs", "who"),
    [(False, "the app or another kiosk command"), (True, "the delivery service (kiosk sync)")],
)
def test_repair_refuses_while_the_outbox_is_open_and_says_to_stop_the_services(
    tmp_path, service_runs, who
):
    settings, data = terminal(tmp_path)
    filled_outbox(data)
    with Outbox(data, reserve_bytes=0) as box:  # as the app or the service holds it
        service_lock = os.open(data / SERVICE_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if service_runs:
                fcntl.flock(service_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            refused = kiosk(settings, "outbox", "repair")
        finally:
            os.close(service_lock)
        # Untouched: the open outbox still works on its own database.
        assert len(list(box.messages())) == MESSAGES
    assert refused.returncode == 1
    assert f"{who} has the outbox in {data} open" in refused.stderr
    assert "sudo systemctl stop kiosk kiosk-sync" in refused.stderr
    assert not list(data.glob("damaged-*"))


def test_the_outbox_does_not_open_while_a_repair_runs(tmp_path):
    _, data = terminal(tmp_path)
    filled_outbox(data)
    repairing = hold_alone(data)
    try:
        with pytest.raises(OutboxInUseError, match="is being repaired"):
            Outbox(data, reserve_bytes=0)
    finally:
        os.close(repairing)
    with Outbox(data, reserve_bytes=0) as box:
        assert len(list(box.messages())) == MESSAGES


def test_a_quarantined_message_is_counted_and_requeued(tmp_path):
    settings, data = terminal(tmp_path)
    Outbox(data, reserve_bytes=0).close()
    quarantine.put(data, message(1), photo=None, voice=b"OggS", reason="OutboxDamagedError: x")
    status = kiosk(settings, "status", "--json")
    assert json.loads(status.stdout)["quarantined"] == 1
    assert "Quarantined: 1 message(s)" in kiosk(settings, "status").stdout

    done = kiosk(settings, "outbox", "requeue")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 quarantined message(s) put back into the outbox; 0 left")
    with Outbox(data, reserve_bytes=0) as box:
        (stored,) = box.messages()
        assert box.read_media(stored["id"], "voice") == b"OggS"
    assert json.loads(kiosk(settings, "status", "--json").stdout)["quarantined"] == 0


def test_the_doctor_finds_a_damaged_outbox_and_names_the_repair(tmp_path):
    settings, data = terminal(tmp_path)
    with Outbox(data, reserve_bytes=0) as box:
        box.add(message(1))
    corrupt_table(data / "outbox.sqlite3", "deliveries")
    done = kiosk(settings, "doctor", "--json")
    checks = {check["name"]: check for check in json.loads(done.stdout)["checks"]}
    assert done.returncode == 1
    assert checks["outbox"]["state"] == "failed"
    assert "is damaged" in checks["outbox"]["detail"]
    assert "kiosk outbox repair" in checks["outbox"]["hint"]

    assert kiosk(settings, "outbox", "repair").returncode == 0
    checks = {
        check["name"]: check
        for check in json.loads(kiosk(settings, "doctor", "--json").stdout)["checks"]
    }
    assert checks["outbox"]["state"] == "ok", checks["outbox"]


def test_status_on_a_damaged_outbox_still_counts_the_quarantine(tmp_path):
    settings, data = terminal(tmp_path)
    with Outbox(data, reserve_bytes=0) as box:
        box.add(message(1))
    corrupt_table(data / "outbox.sqlite3", "deliveries")
    quarantine.put(data, message(2), photo=None, voice=None, reason="OutboxDamagedError: x")
    done = kiosk(settings, "status")
    assert done.returncode == 1
    assert "kiosk outbox repair" in done.stderr
    assert (
        f"1 message(s) the outbox refused wait in {data / 'quarantine'}; once the outbox "
        "works, `kiosk outbox requeue` puts them back" in done.stderr
    )
