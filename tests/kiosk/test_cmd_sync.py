"""`kiosk sync` as systemd runs it: a real process against the test manager on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.manager_server import Delay, ManagerServer, Stall
from support.visits import salty_food
from support.waiting import wait_for
from sync.outbox import Outbox

TOKEN = "cmd-test-token"


def sample_message() -> dict:
    return salty_food()


PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def manager():
    with ManagerServer(TOKEN) as server:
        yield server
    assert server.errors == []


@pytest.fixture
def settings(tmp_path, manager):
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")
    token.chmod(0o600)
    path = tmp_path / "settings.yaml"
    path.write_text(
        f"terminal_id: rome-01\ndata_dir: {tmp_path / 'data'}\n"
        f"sync:\n  manager:\n    url: {manager.url}\n    token_file: {token}\n"
        f"    poll_dialog: false\n",
        encoding="utf-8",
    )
    return path


def start_sync(settings: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sync", "--settings", str(settings), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def add_messages(data_dir: Path, count: int) -> list[str]:
    with Outbox(data_dir, reserve_bytes=0) as box:
        return [box.add(sample_message(), photo=os.urandom(20_000)) for _ in range(count)]


#: A real `kiosk sync` process starts and delivers within this.
SYNC_TIMEOUT_S = 20.0


def test_sigkill_mid_upload_then_restart_loses_nothing_and_stores_nothing_twice(
    tmp_path, settings, manager
):
    ids = add_messages(tmp_path / "data", 60)
    manager.fault = lambda method, path: Delay(0.05)  # uploads in flight most of the time

    process = start_sync(settings)
    try:
        wait_for(
            lambda: len(manager.messages) >= 20,
            timeout_s=SYNC_TIMEOUT_S,
            what="20 messages delivered by kiosk sync",
        )
        process.kill()  # SIGKILL: no clean-up of any kind
    finally:
        process.wait(10)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert len(manager.messages) < 60

    # Started again: what the dead one had claimed is due at once, not after its lease.
    manager.fault = None
    rerun = subprocess.run(
        [sys.executable, "-m", "kiosk", "sync", "--once", "--settings", str(settings)],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert set(manager.messages) == set(ids)
    assert all(stored.posts <= 2 for stored in manager.messages.values())
    with Outbox(tmp_path / "data", recover=False) as box:
        counts = box.counts()["manager"]
    assert (counts["delivered"], counts["pending"]) == (60, 0)


def test_sigterm_stops_quickly_with_exit_0_and_the_cut_delivery_is_due_again(
    tmp_path, settings, manager
):
    add_messages(tmp_path / "data", 1)
    # The upload stalls far longer than the stop may take: the service must
    # cut it short rather than wait for it (systemd would kill it).
    # Only the upload stalls: the status report may come first and must not.
    manager.fault = lambda method, path: Stall(30.0) if path == "/v1/messages" else None
    process = start_sync(settings)
    try:
        wait_for(
            lambda: any(path == "/v1/messages" for _, path, _ in manager.requests),
            timeout_s=SYNC_TIMEOUT_S,
            what="a first upload by kiosk sync",
        )
        process.send_signal(signal.SIGTERM)
        process.wait(15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        process.stderr.close()
    assert process.returncode == 0, stderr
    with Outbox(tmp_path / "data", recover=False) as box:
        assert box.next_due_at("manager") <= time.time()
        assert box.counts()["manager"]["last_errors"] == []


def test_once_delivers_and_exits(tmp_path, settings, manager):
    ids = add_messages(tmp_path / "data", 3)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "sync", "--once", "--settings", str(settings)],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert set(manager.messages) == set(ids)
    assert len(manager.statuses) == 1  # the status report ran once too
    for message_id in ids:
        assert message_id in result.stderr  # logged by id...
    assert "Troppo sale" not in result.stderr  # ...never by what the visitor wrote
    assert "HTTP Request" not in result.stderr  # httpx's line per request stays quiet


def test_no_target_is_a_clear_failure(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text(f"data_dir: {tmp_path / 'data'}\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "sync", "--once", "--settings", str(path)],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "no delivery target" in result.stderr
