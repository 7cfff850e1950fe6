"""A real ``kiosk-manager serve`` on 127.0.0.1, started as an operator would, for the tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from support.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90.0
#: The password of the users the manager's tests make (long enough for its rules).
USER_PASSWORD = "a long enough test password 42"
#: Where the browser tests put the manager's screenshots for the documentation.
SCREENSHOTS_DIR = PROJECT_ROOT / "docs" / "screenshots" / "manager"


def manager_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("KIOSK_MANAGER_")
        and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        KIOSK_MANAGER_DATA_DIR=str(data_dir),
        KIOSK_MANAGER_SETTINGS="/dev/null",
    )
    env.update(extra)
    return env


class LiveManager:
    """``kiosk-manager serve`` in its own process; ``run()`` its other commands."""

    def __init__(self, data_dir: Path, *, workers: int = 2, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.env = manager_env(data_dir, **(env or {}))
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/api"
        self.log = data_dir.parent / f"serve-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def run(
        self, *args: str, input_text: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "manager", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            input=input_text,
        )
        if check:
            assert result.returncode == 0, f"kiosk-manager {' '.join(args)}:\n{result.stderr}"
        return result

    def start(self) -> LiveManager:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "manager",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--no-access-log",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"kiosk-manager serve exited:\n{self.output()}")
            try:
                httpx.get(f"{self.url}/v1/messages", timeout=2)
                return self
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"kiosk-manager serve did not start:\n{self.output()}"
                    ) from None
                time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> LiveManager:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------- set-up helpers

    def add_terminal(self, terminal_id: str, site: str, token_file: Path) -> str:
        self.run("terminal", "add", terminal_id, "--site", site, "--token-file", str(token_file))
        return token_file.read_text().strip()

    def user_token(self, name: str, *sites: str, admin: bool = False) -> str:
        password = self.data_dir.parent / f"{name}.password"
        password.write_text(USER_PASSWORD + "\n")
        options = ["--admin"] if admin else [arg for site in sites for arg in ("--site", site)]
        self.run("createuser", name, "--password-file", str(password), *options)
        token_file = self.data_dir.parent / f"{name}.token"
        self.run("token", "create", name, "--token-file", str(token_file))
        return token_file.read_text().strip()
