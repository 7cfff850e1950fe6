"""`kiosk status [--json]`: the outbox per target, errors, pauses and spam taps at a glance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sync.outbox import Outbox

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def message(created_at: str) -> dict:
    return {
        "terminal_id": "rome-01",
        "site": "",
        "locale": "en",
        "created_at": created_at,
        "dialog": {"version": 1, "sha256": "a" * 64},
        "rating": None,
        "path": [{"level": "topic", "id": "food", "label": "Food"}],
        "tone": "none",
        "alert": False,
        "text": "secret visitor text",
        "callback": None,
        "voice": None,
        "photo": None,
    }


def kiosk_status(settings: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "status", "--settings", str(settings), *args],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
    )


def make_outbox(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with Outbox(data, reserve_bytes=0) as box:
        box.register_targets(["manager", "mailbox"])
        old = box.add(message("2026-11-20T09:00:00+01:00"))
        new = box.add(message("2026-11-22T09:00:00+01:00"))
        box.mark_delivered(old, "manager")
        box.mark_rejected(new, "manager", "422 Unprocessable: rating out of range")
        box.mark_skipped(old, "mailbox", "not an alert")
        box.mark_retry(new, "mailbox", "451 4.3.0 try later", time.time() + 60)
        box.pause_target("manager", time.time() + 300, "401 Unauthorized")
        for _ in range(3):
            box.record_suppressed()
    settings = tmp_path / "settings.yaml"
    settings.write_text(f"data_dir: {data}\n", encoding="utf-8")
    return settings


def test_json_gives_every_figure(tmp_path):
    result = kiosk_status(make_outbox(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    manager, mailbox = report["targets"]["manager"], report["targets"]["mailbox"]
    assert (manager["pending"], manager["delivered"], manager["rejected"]) == (0, 1, 1)
    assert (mailbox["pending"], mailbox["skipped"]) == (1, 1)
    assert mailbox["oldest_pending_at"] == "2026-11-22T09:00:00+01:00"
    assert mailbox["last_errors"][0]["error"] == "451 4.3.0 try later"
    assert "rating out of range" in manager["last_errors"][0]["error"]
    assert manager["paused"]["reason"] == "401 Unauthorized"
    assert report["suppressed_taps"] == {"total": 3, "last_24h": 3}
    assert "secret visitor text" not in result.stdout


def test_text_for_a_technician(tmp_path):
    result = kiosk_status(make_outbox(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "manager: 0 pending, 1 delivered, 1 rejected, 0 skipped" in out
    assert "mailbox: 1 pending, 0 delivered, 0 rejected, 1 skipped" in out
    assert "oldest pending: 2026-11-22T09:00:00+01:00" in out
    assert "PAUSED" in out and "401 Unauthorized" in out
    assert "451 4.3.0 try later" in out
    assert "Spam taps not stored: 3" in out


def test_a_locked_pin_pad_is_told_to_the_technician(tmp_path):
    from kiosk.operator import MAX_WRONG_TRIES, PinGuard

    settings = make_outbox(tmp_path)
    guard = PinGuard(tmp_path / "data")
    for _ in range(MAX_WRONG_TRIES):
        guard.record(False)
    result = kiosk_status(settings)
    assert result.returncode == 0, result.stderr
    assert "Operator PIN pad LOCKED until" in result.stdout
    report = json.loads(kiosk_status(settings, "--json").stdout)
    assert report["operator_pin"]["lockouts"] == 1


def test_no_outbox_yet_is_explained(tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text(f"data_dir: {tmp_path / 'nothing'}\n", encoding="utf-8")
    result = kiosk_status(settings)
    assert result.returncode == 1 and "no outbox" in result.stderr
    assert not (tmp_path / "nothing").exists()
