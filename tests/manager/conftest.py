"""The manager's tests: Django set up on a private data folder, and helpers to make data."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest


def pytest_configure(config):
    # Settings are read once, when Django first loads them: point them at a
    # folder of this run's own before anything imports them.
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        data_dir = Path(tempfile.mkdtemp(prefix="kiosk-manager-tests-"))
        (data_dir / "static").mkdir()
        os.environ.update(DJANGO_SETTINGS_MODULE="manager.settings",
                          KIOSK_MANAGER_DATA_DIR=str(data_dir),
                          KIOSK_MANAGER_SETTINGS="/dev/null")
        os.environ.pop("DATABASE_URL", None)
    import django

    # The test modules import the models at collection, before pytest-django sets up.
    django.setup()


@pytest.fixture
def media_root(settings, tmp_path):
    """Media files of one test in its own folder."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "manager.storage.DurableFileSystemStorage",
        "OPTIONS": {"location": tmp_path / "media"}}}
    return tmp_path / "media"
