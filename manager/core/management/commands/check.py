"""``kiosk-manager check``: configuration, database, storage, mail: one line each.

As ``kiosk doctor`` on a terminal: ``ok``/``FAIL``/``off`` and a hint under
each failure; exit 1 when anything failed. Django's own system checks are
part of the configuration line.
"""

from __future__ import annotations

import dataclasses
import sys
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand

OK, FAILED, OFF = "ok", "FAIL", "off"


@dataclasses.dataclass
class Result:
    name: str
    state: str
    detail: str
    hint: str = ""


class Command(BaseCommand):
    help = "Check the configuration, the database, the media storage and the mail server."
    requires_system_checks: list[str] = []

    def handle(self, *args, **options):
        results = [check_configuration(), check_database(), check_storage(), check_mail()]
        width = max(len(state) for state in (OK, FAILED, OFF))
        for result in results:
            self.stdout.write(f"{result.state:<{width}}  {result.name}: {result.detail}")
            if result.hint:
                self.stdout.write(f"  → {result.hint}")
        if any(result.state == FAILED for result in results):
            sys.exit(1)


def check_configuration() -> Result:
    from django.core import checks

    source = settings.CONFIG.source or "embedded defaults"
    errors = [
        m for m in checks.run_checks(include_deployment_checks=False) if m.level >= checks.ERROR
    ]
    if errors:
        return Result(
            "configuration",
            FAILED,
            f"{source}: {errors[0]}",
            "fix the setting it names and run `kiosk-manager check` again",
        )
    if settings.DEBUG:
        return Result(
            "configuration",
            FAILED,
            f"{source}: debug is on",
            "set debug = false: debug pages show settings and data to anyone",
        )
    where = settings.PUBLIC_URL or "no public_url (terminals and links use the host asked for)"
    return Result("configuration", OK, f"{source}; {where}")


def check_database() -> Result:
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    vendor = connection.vendor
    name = connection.settings_dict["NAME"]
    try:
        connection.ensure_connection()
        plan = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    except Exception as exc:  # any driver's error: the line must say it, not crash
        return Result(
            "database",
            FAILED,
            f"{vendor} {name}: {exc}".strip(),
            "check database_url (DATABASE_URL), that the server runs and the user may connect",
        )
    if plan:
        return Result(
            "database",
            FAILED,
            f"{vendor} {name}: {len(plan)} migrations not applied",
            "run `kiosk-manager migrate` (serve does it at start)",
        )
    return Result("database", OK, f"{vendor} {name}")


def check_storage() -> Result:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    where = getattr(default_storage, "bucket_name", None) or str(
        getattr(default_storage, "location", "")
    )
    probe = f"check/{uuid.uuid4()}.txt"
    try:
        name = default_storage.save(probe, ContentFile(b"kiosk-manager check"))
        with default_storage.open(name, "rb") as handle:
            readable = handle.read() == b"kiosk-manager check"
        default_storage.delete(name)
    except Exception as exc:  # filesystem or S3 client errors alike
        return Result(
            "storage",
            FAILED,
            f"{where}: {exc}",
            "check data_dir's permissions, or the [storage] bucket and credentials",
        )
    if not readable:
        return Result("storage", FAILED, f"{where}: a file written could not be read back")
    backend = settings.STORAGES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return Result("storage", OK, f"{backend} {where}")


def check_mail() -> Result:
    from django.core.mail import get_connection

    if not settings.CONFIG["mail_host"]:
        return Result("mail", OFF, "no [mail] host: notices are not mailed")
    where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    try:
        connection = get_connection(fail_silently=False, timeout=10)
        connection.open()
        connection.close()
    except Exception as exc:  # smtplib, ssl and socket errors alike
        return Result(
            "mail",
            FAILED,
            f"{where}: {exc}",
            "check [mail] host, port, security, username and password_file",
        )
    return Result("mail", OK, where)
