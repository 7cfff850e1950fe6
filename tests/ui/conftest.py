"""Fixtures for the UI tests: an X server, a settings file, the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog_config import EXAMPLES_DIR
from support.harness import Kiosk, Xvfb, write_settings


@pytest.fixture(scope="module")
def xvfb():
    server = Xvfb(1280, 800)
    yield server
    server.close()


@pytest.fixture
def start_kiosk(tmp_path, xvfb):
    """Starts the app on ``dialog`` (an example name or a path); stops it afterwards."""
    running: list[Kiosk] = []

    def start(dialog: str | Path = "restaurant", **extra: str) -> Kiosk:
        path = dialog if isinstance(dialog, Path) else EXAMPLES_DIR / f"{dialog}.yaml"
        settings = write_settings(tmp_path / f"run{len(running)}", path, **extra)
        kiosk = Kiosk(
            xvfb, settings, settings.parent / "probe", log_path=settings.parent / "kiosk.log"
        )
        running.append(kiosk)
        return kiosk

    yield start
    for kiosk in running:
        kiosk.stop()
