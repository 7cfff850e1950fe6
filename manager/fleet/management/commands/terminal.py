"""``kiosk-manager terminal add / list / revoke / rotate``"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from manager.accounts.models import AuditRecord
from manager.core.commands import CLI_ACTOR, write_secret
from manager.fleet.models import Site, Terminal

TERMINAL_ID_MAX_CHARS = 64


class Command(BaseCommand):
    help = "Register terminals, list them, revoke or rotate their tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = actions.add_parser("add", help="register a terminal: its token and enrolment code")
        add.add_argument(
            "terminal_id", metavar="ID", help="the terminal_id of the terminal's settings"
        )
        add.add_argument(
            "--site", required=True, help="its site, by slug or name (a new name makes a new site)"
        )
        add.add_argument(
            "--timezone", dest="zone", help="the time zone of a new site (default: time_zone)"
        )
        add.add_argument("--description", default="")
        add.add_argument(
            "--token-file",
            metavar="FILE",
            help="write the token to FILE (mode 0600) instead of printing it",
        )
        actions.add_parser("list", help="every terminal, its site, state and last contact")
        revoke = actions.add_parser("revoke", help="stop a terminal's token working at once")
        revoke.add_argument("terminal_id", metavar="ID")
        rotate = actions.add_parser(
            "rotate", help="a new token and enrolment code; the old token stops"
        )
        rotate.add_argument("terminal_id", metavar="ID")
        rotate.add_argument("--token-file", metavar="FILE")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _add(self, terminal_id, site, zone, description, token_file, **_):
        if not terminal_id or len(terminal_id) > TERMINAL_ID_MAX_CHARS:
            raise CommandError(f"a terminal id has 1 to {TERMINAL_ID_MAX_CHARS} characters")
        if Terminal.objects.filter(terminal_id=terminal_id).exists():
            raise CommandError(
                f"terminal {terminal_id!r} exists; `kiosk-manager terminal "
                f"rotate {terminal_id}` gives it a new token"
            )
        with transaction.atomic():
            try:
                place, created = Site.named(site, create=True)
                if created and zone:
                    place.timezone = zone
                    place.full_clean()
                    place.save()
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            terminal = Terminal(terminal_id=terminal_id, site=place, description=description)
            token = terminal.issue_token()
            code = terminal.issue_enrolment_code()
            terminal.save()
            AuditRecord.record(
                "create", "terminal", terminal_id, actor_label=CLI_ACTOR, site=place.slug
            )
        self.stdout.write(
            f"terminal {terminal_id} at {place.name} ({place.slug}"
            f"{', a new site in ' + place.timezone if created else ''})"
        )
        self._credentials(terminal, token, code, token_file)

    def _rotate(self, terminal_id, token_file, **_):
        with transaction.atomic():
            terminal = self._terminal(terminal_id, lock=True)
            token = terminal.issue_token()
            code = terminal.issue_enrolment_code()
            terminal.save()
            AuditRecord.record("rotate", "terminal", terminal_id, actor_label=CLI_ACTOR)
        self.stdout.write(f"terminal {terminal_id}: the old token no longer works")
        self._credentials(terminal, token, code, token_file)

    def _revoke(self, terminal_id, **_):
        with transaction.atomic():
            terminal = self._terminal(terminal_id, lock=True)
            terminal.revoke()
            terminal.save()
            AuditRecord.record("revoke", "terminal", terminal_id, actor_label=CLI_ACTOR)
        self.stdout.write(
            f"terminal {terminal_id}: revoked; it gets 401 and pauses delivery. "
            f"`kiosk-manager terminal rotate {terminal_id}` lets it back in."
        )

    def _list(self, **_):
        rows = [("ID", "SITE", "STATE", "LAST SEEN")]
        for terminal in Terminal.objects.select_related("site"):
            state = "active" if terminal.active else "revoked"
            if (
                terminal.active
                and terminal.enrolment_expires_at
                and terminal.enrolment_expires_at > timezone.now()
            ):
                state = "awaiting enrolment"
            seen = (
                terminal.last_seen_at.astimezone(terminal.site.zone).strftime("%Y-%m-%d %H:%M %Z")
                if terminal.last_seen_at
                else "never"
            )
            rows.append((terminal.terminal_id, terminal.site.slug, state, seen))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )

    def _terminal(self, terminal_id: str, *, lock: bool = False) -> Terminal:
        query = Terminal.objects.select_related("site")
        terminal = (
            (query.select_for_update() if lock else query).filter(terminal_id=terminal_id).first()
        )
        if terminal is None:
            raise CommandError(
                f"no terminal {terminal_id!r}; `kiosk-manager terminal list` shows them"
            )
        return terminal

    def _credentials(self, terminal: Terminal, token: str, code: str, token_file) -> None:
        if token_file:
            write_secret(token_file, token)
            self.stdout.write(f"token written to {token_file} (mode 0600)")
        else:
            self.stdout.write(f"token (shown once; only its hash is kept): {token}")
        until = terminal.enrolment_expires_at.astimezone(terminal.site.zone)
        api = (settings.PUBLIC_URL or "https://THIS-HOST") + "/api"
        self.stdout.write(
            f"enrolment code (one use, until {until:%Y-%m-%d %H:%M %Z}): {code}\n"
            f"on the terminal: kiosk enroll {api} {code}"
        )
