"""The real ``kiosk`` command of a terminal, pointed at a live manager, for the manager's tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dialog_config import DEFAULT_DIALOG
from support.manager_live import PROJECT_ROOT


def kiosk(*args: str, settings: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args, "--settings", str(settings)],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def terminal_settings(tmp_path: Path, url: str, token_file: Path) -> Path:
    dialog = tmp_path / "dialog.yaml"
    dialog.write_bytes(DEFAULT_DIALOG.read_bytes())
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        f"terminal_id: rome-01\nsite: Trattoria Roma\ntimezone: Europe/Rome\n"
        f"dialog: {dialog}\ndata_dir: {tmp_path / 'data'}\n"
        f"camera:\n  source: false\nmicrophone:\n  device: false\n"
        f"sync:\n  manager:\n    url: {url}\n    token_file: {token_file}\n",
        encoding="utf-8",
    )
    return settings
