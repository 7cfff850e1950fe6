"""Visitor messages as the terminals sent them, each one a case the managers work."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from manager.accounts.models import AuditRecord
from manager.fleet.models import Site, Terminal, TerminalIncident


def media_path(message: Message, kind: str, extension: str, upload: str) -> str:
    """Where a message's photo or voice goes in the storage: by day, then by id.

    ``upload`` is unique to the request storing it. Two requests storing the
    same message at once (a terminal retrying while its first try is still
    running) then never write the same object: object storage has no
    create-if-absent, and the request that loses the race deletes what it
    wrote, which must not be the winner's file.
    """
    day = message.received_at
    return f"messages/{day:%Y/%m/%d}/{message.id}/{kind}-{upload}.{extension}"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> MessageQuerySet:
        """The one place a user's view of messages is limited to their sites."""
        return self.filter(site__in=Site.objects.visible_to(user))


class Message(models.Model):
    """One visitor message, stored once per id, with its media and its case fields."""

    NEW, IN_PROGRESS, RESOLVED, DISMISSED = "new", "in_progress", "resolved", "dismissed"
    STATUSES = [
        (NEW, "new"),
        (IN_PROGRESS, "in progress"),
        (RESOLVED, "resolved"),
        (DISMISSED, "dismissed"),
    ]

    # What the terminal sent (the contract's Message), field for field.
    id = models.UUIDField(primary_key=True)
    terminal = models.ForeignKey(Terminal, on_delete=models.PROTECT, related_name="messages")
    #: The site the terminal belonged to when the message arrived.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="messages")
    #: The site as the terminal's own settings name it.
    site_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    #: The terminal's UTC offset when the visitor wrote, in minutes.
    utc_offset_min = models.SmallIntegerField()
    received_at = models.DateTimeField(default=timezone.now)
    locale = models.CharField(max_length=35)
    dialog_version = models.IntegerField()
    dialog_sha256 = models.CharField(max_length=64)
    rating_kind = models.CharField(max_length=10, blank=True)
    rating_value = models.SmallIntegerField(null=True, blank=True)
    rating_scale = models.SmallIntegerField(null=True, blank=True)
    #: The visitor's choices with the labels as shown: [{level, id, label}, …].
    path = models.JSONField(default=list)
    topic = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=100, blank=True)
    detail = models.CharField(max_length=100, blank=True)
    tone = models.CharField(max_length=16)
    alert = models.BooleanField(default=False)
    text = models.TextField(null=True, blank=True)
    callback_name = models.CharField(max_length=100, null=True, blank=True)
    callback_phone = models.CharField(max_length=16, blank=True, db_index=True)
    photo = models.FileField(max_length=200, blank=True)
    photo_meta = models.JSONField(null=True, blank=True)
    voice = models.FileField(max_length=200, blank=True)
    voice_meta = models.JSONField(null=True, blank=True)
    #: Attachments the terminal had recorded but lost before sending ("photo", "voice").
    lost_attachments = models.JSONField(default=list, blank=True)
    media_deleted_at = models.DateTimeField(null=True, blank=True)

    # The case: what the managers make of it.
    status = models.CharField(max_length=16, choices=STATUSES, default=NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_messages",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="messages")
    due_at = models.DateTimeField(null=True, blank=True)
    #: The case this message was merged into (repeats of one problem become one case).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    #: The path a manager moved it to; ``path`` keeps the visitor's own choice.
    qualified_path = models.JSONField(null=True, blank=True)
    called_back_at = models.DateTimeField(null=True, blank=True)
    #: In the trash since; purged with its media after the trash period.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["site", "-created_at", "-id"]),
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["status", "site"]),
            models.Index(fields=["received_at"]),
            # The inbox as it opens (open cases, newest first, any of the user's
            # sites): its first page reads about 50 entries of this index.
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(
                    status__in=["new", "in_progress"], deleted_at=None, merged_into=None
                ),
                name="inbox_message_open_newest",
            ),
            # A site and a status (the inbox filtered), in keyset order.
            models.Index(
                fields=["site", "status", "-created_at", "-id"], name="inbox_message_site_status"
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def local_created_at(self) -> datetime.datetime:
        """The time as the terminal's clock showed it, with its offset."""
        zone = datetime.timezone(datetime.timedelta(minutes=self.utc_offset_min))
        return self.created_at.astimezone(zone)

    def as_sent(self) -> dict:
        """The message in the contract's shape, as the terminal sent it."""
        rating = None
        if self.rating_kind:
            rating = {
                "kind": self.rating_kind,
                "value": self.rating_value,
                "scale": self.rating_scale,
            }
        callback = None
        if self.callback_phone:
            callback = {"name": self.callback_name, "phone": self.callback_phone, "consent": True}
        local = self.local_created_at
        created = local.isoformat(timespec="milliseconds")
        if self.utc_offset_min == 0:
            created = created.replace("+00:00", "Z")
        return {
            "id": str(self.id),
            "terminal_id": self.terminal.terminal_id,
            "site": self.site_label,
            "created_at": created,
            "locale": self.locale,
            "dialog": {"version": self.dialog_version, "sha256": self.dialog_sha256},
            "rating": rating,
            "path": self.path,
            "tone": self.tone,
            "alert": self.alert,
            "text": self.text,
            "callback": callback,
            "voice": self.voice_meta,
            "photo": self.photo_meta,
            **({"lost_attachments": self.lost_attachments} if self.lost_attachments else {}),
        }

    # ------------------------------------------------------------- retention and erasure

    def delete_media(self) -> list[str]:
        """Deletes the photo and voice files; the message and their metadata stay."""
        removed = []
        for field in (self.photo, self.voice):
            if field:
                field.storage.delete(field.name)
                removed.append(field.field.name)
        self.photo = self.voice = ""
        self.media_deleted_at = timezone.now()
        self.save(update_fields=["photo", "voice", "media_deleted_at"])
        return removed

    def erase(self, *, actor=None, actor_label: str = "", reason: str = "") -> None:
        """Removes the message and its media for good, leaving an audit record
        that names it by id only. A terminal that sends it again gets 200 and
        nothing is stored."""
        from manager.api.models import Receipt

        names = [field.name for field in (self.photo, self.voice) if field]
        storage = self.photo.storage
        message_id, terminal_id, site_id = self.id, self.terminal.terminal_id, self.site_id
        with transaction.atomic():
            Receipt.objects.filter(message_id=message_id).update(body_sha256="")
            self.delete()
            AuditRecord.record(
                "erase",
                "message",
                message_id,
                actor=actor,
                actor_label=actor_label,
                terminal=terminal_id,
                site=site_id,
                media=len(names),
                reason=reason,
            )
        for name in names:
            storage.delete(name)


class CaseEvent(models.Model):
    """One change to a case: who, when, what (status, assignee, tag, comment, merge …)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class SiteDeadlines(models.Model):
    """How soon a site's cases must get a first response, by kind, in minutes."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="deadlines")
    alert_min = models.PositiveIntegerField(default=120)
    complaint_min = models.PositiveIntegerField(default=24 * 60)
    callback_min = models.PositiveIntegerField(default=4 * 60)

    def __str__(self) -> str:
        return f"{self.site}: {self.alert_min}/{self.complaint_min}/{self.callback_min} min"


class Webhook(models.Model):
    """A URL told about every new alert, low rating or callback request of its sites."""

    SIGNED_JSON, CHAT = "json", "chat"
    KINDS = [(SIGNED_JSON, "JSON signed with HMAC-SHA256"), (CHAT, "Slack/Teams text")]

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    kind = models.CharField(max_length=8, choices=KINDS, default=SIGNED_JSON)
    #: The key of the X-Kiosk-Signature header (JSON kind).
    secret = models.CharField(max_length=200, blank=True)
    #: No site: every site.
    sites = models.ManyToManyField(Site, blank=True, related_name="webhooks")
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """One notification to one recipient, recorded before it is sent.

    ``key`` says what it is about and for whom, and is unique: the tick that
    makes notices never makes the same one twice, across restarts and
    concurrent runs. A notice is claimed (``sending``) before the attempt, so
    a crash mid-send leaves it ``unknown`` rather than sent again.
    """

    PENDING, SENDING, SENT, UNKNOWN = "pending", "sending", "sent", "unknown"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16)  # new, overdue, escalation, terminal
    #: What the notice is about: a case, or a terminal's incident (kind "terminal").
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    incident = models.ForeignKey(
        TerminalIncident, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    webhook = models.ForeignKey(Webhook, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=8, default=PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
