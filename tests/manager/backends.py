"""The backends the API tests run on: SQLite or PostgreSQL, media files or S3 (moto).

Both are what a deployment uses, not mocks: a private PostgreSQL cluster
(:mod:`postgres`) and moto's S3 server on 127.0.0.1, reached over HTTP by
django-storages and boto3 exactly as a real bucket would be.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from pathlib import Path

from support.ports import free_port

#: moto accepts any credentials; these are what the manager is configured with.
S3_ACCESS_KEY_ID = "AKIAKIOSKMANAGERTEST"
S3_SECRET_ACCESS_KEY = "kiosk-manager-test-secret"
S3_REGION = "eu-south-1"
#: How long a signed media link works in the tests (the default is 300 s).
SIGNED_URL_S = 120


class MotoS3:
    """moto's S3 in server mode, in a thread of the test process, on a free port."""

    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self) -> MotoS3:
        # One log line per S3 request would bury a failing test's own output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=S3_REGION,
            aws_access_key_id=S3_ACCESS_KEY_ID,
            aws_secret_access_key=S3_SECRET_ACCESS_KEY,
        )

    def new_bucket(self) -> str:
        name = f"kiosk-media-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
        )
        return name

    def storage_options(self, bucket: str) -> dict:
        """The manager's own S3 options (manager/settings.py) for this server and bucket."""
        from manager.config import s3_options

        return s3_options(
            bucket=bucket,
            endpoint_url=self.endpoint_url,
            region=S3_REGION,
            access_key_id=S3_ACCESS_KEY_ID,
            secret_access_key=S3_SECRET_ACCESS_KEY,
            signed_url_s=SIGNED_URL_S,
        )


class StoredMedia:
    """What a test asks of the media storage, the same for a folder and a bucket."""

    def __init__(
        self, kind: str, *, root: Path | None = None, s3: MotoS3 | None = None, bucket: str = ""
    ):
        self.kind, self.root, self.s3, self.bucket = kind, root, s3, bucket

    def names(self) -> list[str]:
        """Every stored file, by its name in the storage."""
        if self.kind == "files":
            if not self.root.exists():
                return []
            return sorted(
                str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file()
            )
        pages = self.s3.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, name: str) -> bytes:
        if self.kind == "files":
            return (self.root / name).read_bytes()
        return self.s3.client().get_object(Bucket=self.bucket, Key=name)["Body"].read()


@contextlib.contextmanager
def default_database(connection):
    """Makes ``connection`` Django's default one in this thread, for the tests in the block.

    The ORM, ``transaction.atomic()`` and pytest-django's per-test
    transaction all look the default connection up by alias, so the code
    under test runs on this database without knowing it.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    saved = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = connection
    try:
        yield connection
    finally:
        connections[DEFAULT_DB_ALIAS] = saved


def connection_to(url: str):
    """A Django connection (not yet opened) to the database at ``url``, under the default alias."""
    import dj_database_url
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.utils import load_backend

    settings_dict = connections.configure_settings({DEFAULT_DB_ALIAS: dj_database_url.parse(url)})[
        DEFAULT_DB_ALIAS
    ]
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
