"""Retention: media and health history past their configured age are deleted, audited."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from manager.accounts.models import AuditRecord
from manager.fleet.models import TerminalStatus
from manager.inbox.models import Message

#: Media are deleted in batches, so that a first run on a big database commits as it goes.
BATCH = 500


def run(now: datetime.datetime | None = None, *, actor_label: str = "retention") -> dict:
    """Deletes what is past retention; returns the counts. Safe to run again at any time."""
    now = now or timezone.now()
    counts = {"media": 0, "statuses": 0}
    if settings.MEDIA_RETENTION_DAYS > 0:
        cutoff = now - datetime.timedelta(days=settings.MEDIA_RETENTION_DAYS)
        while True:
            batch = list(
                Message.objects.filter(received_at__lt=cutoff, media_deleted_at=None).exclude(
                    photo="", voice=""
                )[:BATCH]
            )
            if not batch:
                break
            for message in batch:
                message.delete_media()
            counts["media"] += len(batch)
        Message.objects.filter(
            received_at__lt=cutoff, media_deleted_at=None, photo="", voice=""
        ).update(media_deleted_at=now)
    if settings.STATUS_RETENTION_DAYS > 0:
        cutoff = now - datetime.timedelta(days=settings.STATUS_RETENTION_DAYS)
        counts["statuses"], _ = TerminalStatus.objects.filter(received_at__lt=cutoff).delete()
    if counts["media"] or counts["statuses"]:
        AuditRecord.record(
            "retention",
            "messages",
            "*",
            actor_label=actor_label,
            media_days=settings.MEDIA_RETENTION_DAYS,
            status_days=settings.STATUS_RETENTION_DAYS,
            messages_with_media_deleted=counts["media"],
            statuses_deleted=counts["statuses"],
        )
    return counts
