"""``kiosk-manager tick``: due times, notices and their sending; run every minute."""

from django.core.management.base import BaseCommand

from manager.inbox import notify
from manager.inbox.cases import purge_trash


class Command(BaseCommand):
    help = (
        "Set due times of new cases, queue and send notices (email, webhooks) for "
        "alerts, low ratings, callbacks and overdue cases, and purge the trash past "
        "its 30 days. Safe to run at any time, and twice at once: nothing is sent twice. "
        "The kiosk-manager-tick.timer runs it every minute."
    )

    def handle(self, *args, **options):
        counts = notify.tick()
        purged = purge_trash(actor_label="tick")
        self.stdout.write(
            f"{counts['due']} due times set, {counts['queued']} notices queued, "
            f"{counts['sent']} sent, {purged} cases purged from the trash"
        )
