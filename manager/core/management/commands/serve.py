"""``kiosk-manager serve``: migrate, make the first admin if there is none, serve with gunicorn."""

from __future__ import annotations

import multiprocessing
import secrets
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

DEFAULT_BIND = "127.0.0.1:8000"
#: A slow terminal upload over a mobile link takes seconds; a worker stuck this long is dead.
WORKER_TIMEOUT_S = 120
#: Headers beyond these are refused before Django sees them (a 10 MB header gets 400).
MAX_HEADER_FIELD_BYTES = 8190
MAX_HEADER_FIELDS = 100
FIRST_ADMIN = "admin"


class Command(BaseCommand):
    help = (
        "Apply database migrations, create the first admin account on the first start "
        "(its password is printed once), then serve the manager with gunicorn."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            action="append",
            metavar="HOST:PORT",
            help=f"address to listen on (default {DEFAULT_BIND}); repeatable; "
            "unix:/run/kiosk-manager.sock for a socket",
        )
        parser.add_argument(
            "--workers",
            type=int,
            metavar="N",
            help="worker processes (default: [serve] workers, else 2 per CPU + 1)",
        )
        parser.add_argument("--no-access-log", action="store_true", help="do not log each request")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self._first_admin()
        # The workers are forked from this process: a connection opened here
        # would be shared by all of them, their queries interleaved on one socket.
        connections.close_all()
        workers = (
            options["workers"] or settings.SERVE_WORKERS or multiprocessing.cpu_count() * 2 + 1
        )
        _Gunicorn(
            {
                "bind": options["bind"] or [DEFAULT_BIND],
                "workers": workers,
                "timeout": WORKER_TIMEOUT_S,
                "graceful_timeout": 30,
                "limit_request_field_size": MAX_HEADER_FIELD_BYTES,
                "limit_request_fields": MAX_HEADER_FIELDS,
                "accesslog": None if options["no_access_log"] else "-",
                "errorlog": "-",
                "proc_name": "kiosk-manager",
                # The database connections are made per worker, after the fork.
                "preload_app": False,
            }
        ).run()

    def _first_admin(self) -> None:
        from manager.accounts.models import AuditRecord, User

        if User.objects.exists():
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            FIRST_ADMIN, password=password, role=User.ADMIN, is_staff=True, is_superuser=True
        )
        AuditRecord.record("create", "user", user.get_username(), actor_label="first start")
        print(
            f"First start: created the admin account {FIRST_ADMIN!r} with the password\n"
            f"    {password}\n"
            f"It is shown only now. Change it with `kiosk-manager changepassword "
            f"{FIRST_ADMIN}`.",
            file=sys.stderr,
            flush=True,
        )


class _Gunicorn:
    def __init__(self, options: dict):
        from gunicorn.app.base import BaseApplication

        class Application(BaseApplication):
            def load_config(self):
                for key, value in options.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self):
                from manager.wsgi import application

                return application

        self._application = Application()

    def run(self) -> None:
        self._application.run()
