"""Users with a role and granted sites, their API tokens, and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from manager import tokens

USER_TOKEN_PREFIX = "kmu"


class User(AbstractUser):
    """A person who reads or works the feedback.

    An admin sees and configures everything; a manager works the cases of
    the sites granted to them; a viewer reads those sites.
    """

    ADMIN, MANAGER, VIEWER = "admin", "manager", "viewer"
    ROLES = [(ADMIN, "admin"), (MANAGER, "manager"), (VIEWER, "viewer")]

    role = models.CharField(max_length=16, choices=ROLES, default=VIEWER)
    sites = models.ManyToManyField("fleet.Site", blank=True, related_name="users")
    #: The language of the mails this person gets; empty: the manager's LANGUAGE_CODE.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, blank=True)

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == self.ADMIN or self.is_superuser)


class ApiToken(models.Model):
    """A user's bearer token for the read API; it sees what its user sees."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_id = models.CharField(max_length=tokens.KEY_ID_CHARS, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def create_for(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        issued = tokens.issue(USER_TOKEN_PREFIX)
        token = cls.objects.create(
            user=user, name=name, key_id=issued.key_id, secret_hash=issued.secret_hash
        )
        return token, issued.text

    @classmethod
    def authenticate(cls, text: str | None) -> User | None:
        parts = tokens.split(USER_TOKEN_PREFIX, text or "")
        if parts is None:
            return None
        key_id, secret = parts
        token = cls.objects.select_related("user").filter(key_id=key_id, revoked_at=None).first()
        if (
            token is None
            or not token.user.is_active
            or not tokens.matches(secret, token.secret_hash)
        ):
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class AuditRecord(models.Model):
    """Who did what to which object, and when; never the content itself."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    #: Who acted, as text that outlives the user: a user name, "command line", a terminal.
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=50, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=100, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} "
            f"{self.object_type} {self.object_id}"
        )

    @classmethod
    def record(
        cls,
        action: str,
        obj_type: str,
        obj_id: object,
        *,
        actor: User | None = None,
        actor_label: str = "",
        **detail,
    ) -> AuditRecord:
        label = actor_label or (actor.get_username() if actor is not None else "system")
        return cls.objects.create(
            actor=actor,
            actor_label=label,
            action=action,
            object_type=obj_type,
            object_id=str(obj_id),
            detail=detail,
        )


class LoginFailure(models.Model):
    """A failed sign-in, kept for the throttle: in the database, so every serve process counts."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=45, blank=True)
