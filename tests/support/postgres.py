"""A private PostgreSQL cluster for one test run: Debian's server, an unprivileged user, a free port.

PostgreSQL refuses to run as root, and the tests run as root in CI: the
cluster belongs to ``nobody`` (``runuser``), in a folder of its own, and
listens on 127.0.0.1 only, with trust for local connections.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from support.ports import free_port

CLUSTER_USER = "nobody"
START_TIMEOUT_S = 60


def server_bin() -> Path:
    """Debian keeps the server programs out of PATH, under /usr/lib/postgresql/VERSION/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, "PostgreSQL is not installed: apt-get install postgresql (make test does)"
    return Path(found[-1]).parent


class Cluster:
    """``folder`` is made under the system's temporary folder: pytest's own is root's alone."""

    def __init__(self, *, fsync: bool = False):
        #: Tests turn fsync off (nothing to survive); a benchmark keeps it, as a server does.
        self.fsync = fsync
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-manager-postgres-"))
        self.bin = server_bin()
        self.port = free_port()
        self.data = self.folder / "data"

    def _as_owner(self, *command: str) -> None:
        prefix = ["runuser", "-u", CLUSTER_USER, "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{command[0]}: {result.stderr}{result.stdout}"

    def start(self) -> Cluster:
        if os.geteuid() == 0:
            shutil.chown(self.folder, CLUSTER_USER)
        self._as_owner(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "kiosk",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-instructions",
        )
        self._as_owner(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {self.folder} "
            "-c max_connections=100" + ("" if self.fsync else " -c fsync=off"),
            "start",
        )
        self._as_owner(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "kiosk",
            "kiosk",
        )
        return self

    @property
    def url(self) -> str:
        return f"postgresql://kiosk@127.0.0.1:{self.port}/kiosk"

    def create_database(self, name: str) -> str:
        """A new empty database in the cluster, for one user of it; its URL."""
        self._as_owner(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "kiosk", name
        )
        return f"postgresql://kiosk@127.0.0.1:{self.port}/{name}"

    def restart(self) -> None:
        """A fast restart, as an upgrade does: every open connection is closed by the server."""
        self._as_owner(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "fast",
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            # The server's output to its log, as at start: to a pipe, it would hold
            # the pipe open and this command would never return.
            "-l",
            str(self.folder / "server.log"),
            "restart",
        )

    def stop(self) -> None:
        try:
            self._as_owner(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
