"""``kiosk-manager retention``: delete media and health history past their retention."""

from django.conf import settings
from django.core.management.base import BaseCommand

from manager.inbox import retention


class Command(BaseCommand):
    help = (
        "Delete photos and voice messages older than [retention] media_days (the "
        "messages stay) and health reports older than status_days. Run it daily "
        "(the systemd timer in the README does)."
    )

    def handle(self, *args, **options):
        counts = retention.run()
        self.stdout.write(
            f"media deleted from {counts['media']} messages older than "
            f"{settings.MEDIA_RETENTION_DAYS} days; {counts['statuses']} health "
            f"reports older than {settings.STATUS_RETENTION_DAYS} days deleted"
        )
