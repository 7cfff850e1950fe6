"""A stand-in for systemd's notification socket: what a service sent, in order."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path


class NotifySocket:
    """An AF_UNIX datagram socket at a path, or in the abstract namespace (``@name``)."""

    def __init__(self, directory: Path | None = None, *, abstract: bool = False):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        if abstract:
            name = f"kiosk-test-notify-{os.getpid()}-{time.monotonic_ns()}"
            self.sock.bind("\0" + name)
            self.address = "@" + name
        else:
            path = directory / "notify.sock"
            self.sock.bind(str(path))
            self.address = str(path)
        self.messages: list[dict[str, str]] = []

    def environment(self, watchdog_s: float | None = None) -> dict[str, str]:
        env = {"NOTIFY_SOCKET": self.address}
        if watchdog_s is not None:
            env["WATCHDOG_USEC"] = str(int(watchdog_s * 1_000_000))
        return env

    def receive(self, timeout_s: float) -> dict[str, str] | None:
        """The next message as a dict of its KEY=VALUE lines, or None after ``timeout_s``."""
        self.sock.settimeout(timeout_s)
        try:
            data = self.sock.recv(4096)
        except TimeoutError:
            return None
        message = dict(line.split("=", 1) for line in data.decode("utf-8").splitlines())
        self.messages.append(message)
        return message

    def wait_for(self, key: str, timeout_s: float, process=None) -> dict[str, str]:
        """The first message with ``key``; fails if it does not come (or the process ends)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            message = self.receive(min(0.5, max(deadline - time.monotonic(), 0.01)))
            if message is not None and key in message:
                return message
            if process is not None and process.poll() is not None:
                raise AssertionError(
                    f"the process exited ({process.returncode}) before "
                    f"sending {key}; messages: {self.messages}"
                )
        raise AssertionError(f"no {key} within {timeout_s} s; messages: {self.messages}")

    def close(self) -> None:
        self.sock.close()
