"""The manager's tests: Django set up on a private data folder, the backends, helpers to make data.

The API tests run on every backend a deployment may use: ``database`` is
SQLite, then PostgreSQL in a private cluster started once per session;
``media`` is a folder, then an S3 bucket on moto's server. A test module
takes the database backends with ``pytest.mark.usefixtures("database")``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from backends import MotoS3, StoredMedia, connection_to, default_database

from support.postgres import Cluster


def pytest_configure(config):
    # Settings are read once, when Django first loads them: point them at a
    # folder of this run's own before anything imports them.
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        data_dir = Path(tempfile.mkdtemp(prefix="kiosk-manager-tests-"))
        (data_dir / "static").mkdir()
        os.environ.update(
            DJANGO_SETTINGS_MODULE="manager.settings",
            KIOSK_MANAGER_DATA_DIR=str(data_dir),
            KIOSK_MANAGER_SETTINGS="/dev/null",
        )
        os.environ.pop("DATABASE_URL", None)
    import django

    # The test modules import the models at collection, before pytest-django sets up.
    django.setup()


@pytest.fixture(scope="session")
def postgres_cluster():
    """One private PostgreSQL cluster for the whole run; each user makes its own database."""
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_connection(postgres_cluster, django_db_setup, django_db_blocker):
    """A connection to a database of the cluster, migrated once, as pytest-django does SQLite's."""
    from django.core.management import call_command

    connection = connection_to(postgres_cluster.create_database("api_tests"))
    with django_db_blocker.unblock(), default_database(connection):
        call_command("migrate", interactive=False, verbosity=0)
    yield connection
    with django_db_blocker.unblock():
        connection.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, django_db_setup):
    """The module's tests on SQLite, then on PostgreSQL (each test still in its transaction)."""
    from django.db import connection

    if request.param == "sqlite":
        assert connection.vendor == "sqlite"
        yield request.param
        return
    with default_database(request.getfixturevalue("postgres_connection")):
        assert connection.vendor == "postgresql"
        yield request.param


@pytest.fixture(scope="session")
def moto_s3():
    server = MotoS3().start()
    yield server
    server.stop()


@pytest.fixture(params=["files", "s3"])
def media(request, settings, tmp_path):
    """The test's media storage: a folder of its own, then a bucket of its own on moto's S3."""
    if request.param == "files":
        root = tmp_path / "media"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "manager.storage.DurableFileSystemStorage",
                "OPTIONS": {"location": root},
            },
        }
        return StoredMedia("files", root=root)
    s3 = request.getfixturevalue("moto_s3")
    bucket = s3.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3.storage_options(bucket),
        },
    }
    return StoredMedia("s3", s3=s3, bucket=bucket)
