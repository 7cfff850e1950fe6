"""``kiosk-manager token create USER``: an API token for the read API."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from manager.accounts.models import ApiToken, AuditRecord, User
from manager.core.commands import CLI_ACTOR, write_secret


class Command(BaseCommand):
    help = "API tokens for integrations; a token sees exactly what its user sees."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="a new token for USER, printed once")
        create.add_argument("user")
        create.add_argument("--name", default="", help="what it is for, e.g. 'BI export'")
        create.add_argument(
            "--token-file",
            metavar="FILE",
            help="write the token to FILE (mode 0600) instead of printing it",
        )

    def handle(self, *args, action, user, name, token_file, **options):
        owner = User.objects.filter(username=user, is_active=True).first()
        if owner is None:
            raise CommandError(
                f"no active user {user!r}; create one with `kiosk-manager createuser {user}`"
            )
        token, text = ApiToken.create_for(owner, name)
        AuditRecord.record(
            "create", "api token", token.key_id, actor_label=CLI_ACTOR, user=owner.get_username()
        )
        if token_file:
            write_secret(token_file, text)
            self.stdout.write(f"API token {token.key_id} for {user} written to {token_file}")
        else:
            self.stdout.write(f"API token for {user} (shown once; only its hash is kept):\n{text}")
