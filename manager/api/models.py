"""Receipts: the one record that makes a message's delivery exactly-once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from manager.fleet.models import Terminal


class Receipt(models.Model):
    """A message id the manager has accepted, with a hash of what came under it.

    Its primary key is the Idempotency-Key: of concurrent posts of one
    message, exactly one inserts it. A later post with the same hash is a
    repeat (200), with another hash a conflict (409). Erasing the message
    clears the hash, so a late repeat is answered 200 and stores nothing.
    """

    message_id = models.UUIDField(primary_key=True)
    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="receipts")
    body_sha256 = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
