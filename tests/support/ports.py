"""Free TCP ports on 127.0.0.1 for the local servers tests start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now; the kernel gives each caller a different one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
