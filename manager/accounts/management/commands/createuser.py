"""``kiosk-manager createuser NAME [--admin | --role R] [--site S]…``"""

from __future__ import annotations

import getpass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from manager.accounts.models import AuditRecord, User
from manager.core.commands import CLI_ACTOR
from manager.fleet.models import Site


class Command(BaseCommand):
    help = (
        "Create a user. The password is asked twice, or read from --password-file. "
        "A manager or viewer sees only the sites given with --site."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        roles = parser.add_mutually_exclusive_group()
        roles.add_argument("--admin", action="store_true", help="sees and configures everything")
        roles.add_argument(
            "--role",
            choices=[User.MANAGER, User.VIEWER],
            default=User.MANAGER,
            help="manager (works cases, the default) or viewer (reads)",
        )
        parser.add_argument(
            "--site",
            action="append",
            default=[],
            metavar="SITE",
            help="a site (slug or name) this user sees; repeatable",
        )
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            default="",
            help="the language of this user's notification mails (default: the manager's)",
        )
        parser.add_argument(
            "--password-file", metavar="FILE", help="read the password from this file's first line"
        )

    def handle(self, *args, name, admin, role, site, email, language, password_file, **options):
        if User.objects.filter(username=name).exists():
            raise CommandError(
                f"the user {name!r} exists; change the password with "
                f"`kiosk-manager changepassword {name}`"
            )
        sites = []
        for wanted in site:
            try:
                sites.append(Site.named(wanted)[0])
            except Site.DoesNotExist:
                raise CommandError(
                    f"no site is named {wanted!r}; sites are made by "
                    "`kiosk-manager terminal add ID --site NAME`"
                ) from None
        password = _read_password(password_file) if password_file else _ask_password()
        user = User(
            username=name,
            email=email,
            language=language,
            role=User.ADMIN if admin else role,
            is_staff=admin,
            is_superuser=admin,
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("the password is too weak: " + " ".join(exc.messages)) from exc
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.sites.set(sites)
            AuditRecord.record(
                "create",
                "user",
                name,
                actor_label=CLI_ACTOR,
                role=user.role,
                sites=[s.slug for s in sites],
            )
        where = (
            "every site" if user.is_admin else (", ".join(s.name for s in sites) or "no site yet")
        )
        self.stdout.write(f"created {user.role} {name!r}: sees {where}")


def _read_password(path: str) -> str:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    if not lines or not lines[0]:
        raise CommandError(f"{path} is empty; put the password on its first line")
    return lines[0]


def _ask_password() -> str:
    try:
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password again: ")
    except EOFError:
        raise CommandError("no terminal to ask the password on; use --password-file") from None
    if first != second:
        raise CommandError("the two passwords differ; nothing was created")
    return first
