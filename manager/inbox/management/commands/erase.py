"""``kiosk-manager erase --message ID | --phone +39…``: erasure on a visitor's request."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from manager.core.commands import CLI_ACTOR
from manager.inbox.models import Message


class Command(BaseCommand):
    help = (
        "Erase messages with their photos and voice for good: one message, or every "
        "message that left a phone number. An audit record names each by id only."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--message", metavar="ID", help="the message's id")
        which.add_argument(
            "--phone",
            metavar="E164",
            help="every message with this callback number, e.g. +393401234567",
        )
        parser.add_argument("--reason", default="", help="recorded in the audit trail")

    def handle(self, *args, message, phone, reason, **options):
        if message:
            try:
                found = Message.objects.filter(pk=uuid.UUID(message))
            except ValueError:
                raise CommandError(f"{message!r} is not a message id") from None
        else:
            found = Message.objects.filter(callback_phone=phone.replace(" ", ""))
        messages = list(found.select_related("terminal"))
        if not messages:
            raise CommandError("no message matches; nothing was erased")
        for one in messages:
            one.erase(actor_label=CLI_ACTOR, reason=reason)
        self.stdout.write(f"erased {len(messages)} message(s) with their media")
