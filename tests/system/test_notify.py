"""sd_notify without libsystemd: the messages on a real socket, from the module and both processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from notify_socket import NotifySocket

from support.harness import Xvfb
from sync import systemd

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: A short watchdog so a test sees several feeds quickly: fed every 0.5 s.
WATCHDOG_S = 1.0
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 20.0


@pytest.fixture
def notify_socket(tmp_path):
    sock = NotifySocket(tmp_path)
    yield sock
    sock.close()


def test_ready_status_watchdog_and_stopping_arrive_as_systemd_reads_them(
    notify_socket, monkeypatch
):
    monkeypatch.setenv("NOTIFY_SOCKET", notify_socket.address)
    assert systemd.ready("up and   running\nfine")
    assert systemd.watchdog()
    assert systemd.status("delivering")
    assert systemd.stopping()
    received = [notify_socket.receive(1.0) for _ in range(4)]
    assert received == [
        {"READY": "1", "STATUS": "up and running fine"},
        {"WATCHDOG": "1"},
        {"STATUS": "delivering"},
        {"STOPPING": "1"},
    ]


def test_an_abstract_socket_is_reached_by_its_at_name(monkeypatch):
    sock = NotifySocket(abstract=True)
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", sock.address)
        assert sock.address.startswith("@")
        assert systemd.ready()
        assert sock.receive(1.0) == {"READY": "1"}
    finally:
        sock.close()


def test_outside_systemd_nothing_is_sent_and_nothing_fails(monkeypatch, tmp_path):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert systemd.ready() is False
    assert systemd.watchdog_interval_s() is None
    # A socket that went away is logged, never raised.
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone.sock"))
    assert systemd.watchdog() is False


def test_the_watchdog_is_fed_at_half_its_period_by_its_own_process_only(monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert systemd.watchdog_interval_s() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert systemd.watchdog_interval_s() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    assert systemd.watchdog_interval_s() is None
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    monkeypatch.setenv("WATCHDOG_USEC", "0")
    assert systemd.watchdog_interval_s() is None


def child_environment(sock: NotifySocket, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("WATCHDOG_PID", None)
    env.update(sock.environment(WATCHDOG_S))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def assert_fed_repeatedly(sock: NotifySocket, process, feeds: int = 3) -> None:
    started = time.monotonic()
    for _ in range(feeds):
        sock.wait_for("WATCHDOG", timeout_s=WATCHDOG_S * 3, process=process)
    # Fed at about half the period, not in a burst.
    assert time.monotonic() - started >= (feeds - 1) * WATCHDOG_S / 2 * 0.8


def stop(process, sock: NotifySocket, log_path: Path) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        sock.wait_for("STOPPING", timeout_s=STOP_TIMEOUT_S, process=None)
        assert process.wait(STOP_TIMEOUT_S) == 0, log_path.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def free_closed_port() -> int:
    """A local port nothing listens on: the manager is unreachable, as after a network cut."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_delivery_service_says_ready_feeds_the_watchdog_and_says_stopping(
    notify_socket, tmp_path
):
    token = tmp_path / "manager-token"
    token.write_text("test-token\n")
    token.chmod(0o600)
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        "terminal_id: notify-test\n"
        f"data_dir: {tmp_path / 'data'}\n"
        "sync:\n"
        "  manager:\n"
        f"    url: http://127.0.0.1:{free_closed_port()}/api\n"
        f"    token_file: {token}\n"
        "    poll_dialog: false\n",
        encoding="utf-8",
    )
    log_path = tmp_path / "sync.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--settings", str(settings), "sync"],
            env=child_environment(notify_socket),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    try:
        ready = notify_socket.wait_for("READY", timeout_s=START_TIMEOUT_S, process=process)
        assert ready["STATUS"] == "delivering to manager"
        assert_fed_repeatedly(notify_socket, process)
    finally:
        stop(process, notify_socket, log_path)


def test_the_app_says_ready_once_drawn_and_feeds_the_watchdog_from_its_clock(
    notify_socket, tmp_path
):
    from dialog_config import EXAMPLES_DIR

    xvfb = Xvfb(800, 480)
    try:
        settings = tmp_path / "settings.yaml"
        settings.write_text(
            "terminal_id: notify-test\n"
            f"dialog: {EXAMPLES_DIR / 'restaurant.yaml'}\n"
            f"data_dir: {tmp_path / 'data'}\n"
            "camera: {source: false}\n"
            "microphone: {device: false}\n"
            "display: {fullscreen: false}\n",
            encoding="utf-8",
        )
        log_path = tmp_path / "kiosk.log"
        env = child_environment(
            notify_socket,
            DISPLAY=xvfb.display,
            KIVY_HOME=str(tmp_path / "kivy-home"),
            KCFG_GRAPHICS_WIDTH="800",
            KCFG_GRAPHICS_HEIGHT="480",
        )
        # The app as installed has no test probe: the variable steers nothing.
        probe_dir = tmp_path / "probe"
        env["KIOSK_TEST_PROBE"] = str(probe_dir)
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "--settings", str(settings), "run"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=tmp_path,
            )
        try:
            ready = notify_socket.wait_for("READY", timeout_s=START_TIMEOUT_S, process=process)
            assert ready["STATUS"] == "showing the start screen"
            assert_fed_repeatedly(notify_socket, process)
            assert not probe_dir.exists(), "the installed app ran a test probe"
        finally:
            stop(process, notify_socket, log_path)
    finally:
        xvfb.close()


def test_the_manager_says_ready_only_once_it_listens(notify_socket, tmp_path):
    """kiosk-manager.service is Type=notify: gunicorn's arbiter sends READY=1 after the
    migrations, and by then a terminal's request is answered."""
    import httpx

    port = free_closed_port()
    env = child_environment(
        notify_socket,
        KIOSK_MANAGER_DATA_DIR=str(tmp_path / "manager"),
        KIOSK_MANAGER_SETTINGS="/dev/null",
    )
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "WATCHDOG_USEC"):
        env.pop(name, None)
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "manager",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    try:
        notify_socket.wait_for("READY", timeout_s=START_TIMEOUT_S * 3, process=process)
        answer = httpx.post(f"http://127.0.0.1:{port}/api/v1/messages", timeout=30)
        assert answer.status_code == 401
        assert (tmp_path / "manager" / "manager.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(STOP_TIMEOUT_S) == 0, log_path.read_text(errors="replace")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
