"""What the management commands share: secrets written for scripts, the CLI as an actor."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import CommandError

#: How the audit trail names an action taken with ``kiosk-manager`` on the server.
CLI_ACTOR = "command line"


def write_secret(path: str, text: str) -> Path:
    """Writes a token for a script to read: mode 0600 from the first byte, never world-readable."""
    target = Path(path)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror}") from exc
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    return target
