"""Sites and their terminals: credentials, enrolment, and the health they report."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.utils.text import slugify
from django.utils.timezone import now

from manager import prepared, tokens

TERMINAL_TOKEN_PREFIX = "kmt"
#: last_seen_at is updated at most this often by a terminal's requests.
SEEN_RESOLUTION = datetime.timedelta(minutes=1)


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/Rome") from exc


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user) -> SiteQuerySet:
        """The sites a user may see: all for an admin, the granted ones otherwise."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        return self.filter(pk__in=user.sites.values("pk"))


class Site(models.Model):
    """A shop, restaurant or clinic: where terminals stand and whose managers read them."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    created_at = models.DateTimeField(default=now)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @classmethod
    def named(cls, name_or_slug: str, *, create: bool = False) -> tuple[Site, bool]:
        """The site with this slug or name; with ``create``, a new one when none has it."""
        slug = slugify(name_or_slug)[:60]
        found = cls.objects.filter(
            models.Q(slug=name_or_slug) | models.Q(name=name_or_slug) | models.Q(slug=slug)
        ).first()
        if found is not None or not create:
            if found is None:
                raise cls.DoesNotExist(f"no site is named {name_or_slug!r}")
            return found, False
        if not slug:
            raise ValidationError(f"{name_or_slug!r} cannot be a site name")
        return cls.objects.create(slug=slug, name=name_or_slug, timezone=settings.TIME_ZONE), True


class TerminalQuerySet(models.QuerySet):
    def visible_to(self, user) -> TerminalQuerySet:
        return self.filter(site__in=Site.objects.visible_to(user))


class Terminal(models.Model):
    """One kiosk, known by the ``terminal_id`` of its settings, with one bearer token."""

    terminal_id = models.CharField(max_length=64, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="terminals")
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=now)
    token_key_id = models.CharField(max_length=tokens.KEY_ID_CHARS, unique=True, null=True)
    token_hash = models.CharField(max_length=64, blank=True)
    token_issued_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    enrolment_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    enrolment_expires_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_status = models.JSONField(null=True, blank=True)
    last_status_at = models.DateTimeField(null=True, blank=True)

    objects = TerminalQuerySet.as_manager()

    class Meta:
        ordering = ["terminal_id"]

    def __str__(self) -> str:
        return self.terminal_id

    @property
    def active(self) -> bool:
        return self.revoked_at is None and bool(self.token_hash)

    # ------------------------------------------------------------- credentials

    def issue_token(self) -> str:
        """A new token (returned once); the previous one stops working at once."""
        issued = tokens.issue(TERMINAL_TOKEN_PREFIX)
        self.token_key_id, self.token_hash = issued.key_id, issued.secret_hash
        self.token_issued_at = now()
        self.revoked_at = None
        return issued.text

    def issue_enrolment_code(self, valid_for: datetime.timedelta | None = None) -> str:
        """A one-time code that ``kiosk enroll`` exchanges for a fresh token."""
        valid_for = valid_for or datetime.timedelta(hours=settings.ENROLMENT_CODE_HOURS)
        code = tokens.new_code()
        self.enrolment_code_hash = tokens.digest(code)
        self.enrolment_expires_at = now() + valid_for
        return code

    def revoke(self) -> None:
        self.revoked_at = now()
        self.token_key_id = None
        self.token_hash = ""
        self.enrolment_code_hash = ""
        self.enrolment_expires_at = None

    @classmethod
    def authenticate(cls, token: str | None) -> Terminal | None:
        """The active terminal whose token this is, or None."""
        parts = tokens.split(TERMINAL_TOKEN_PREFIX, token or "")
        if parts is None:
            return None
        key_id, secret = parts
        # Nothing is cached between requests, so a revoke or a rotation is refused at
        # the very next request on every serve process; a cache would need a shared
        # revocation generation read per request, a query as costly as this one.
        terminal = cls._by_token_key_id(key_id)
        if (
            terminal is None
            or not terminal.active
            or not tokens.matches(secret, terminal.token_hash)
        ):
            return None
        return terminal

    #: What a terminal's requests read of its row: no site (loaded only by the views
    #: that show it), no status document. The rest is loaded if ever touched.
    AUTHENTICATION_FIELDS = (
        "id",
        "terminal_id",
        "site_id",
        "token_hash",
        "revoked_at",
        "last_seen_at",
    )

    @classmethod
    def _by_token_key_id(cls, key_id: str) -> Terminal | None:
        """The terminal row of a token's key id, by one prepared SELECT.

        Every request of a terminal asks this. Building the same query through
        the ORM cost about 0.7 ms of CPU, more than a quarter of a message POST;
        the plain SELECT with the backend's own value converters (SQLite keeps
        times as text) costs a fifth of that and gives the same model instance.
        """
        connection = connections[cls.objects.db]
        table = cls._meta.db_table
        fields = [cls._meta.get_field(name) for name in cls.AUTHENTICATION_FIELDS]
        quote = connection.ops.quote_name
        key_column = cls._meta.get_field("token_key_id").column
        sql = (
            f"SELECT {', '.join(quote(field.column) for field in fields)} "
            f"FROM {quote(table)} WHERE {quote(key_column)} = %s"
        )
        rows, _ = prepared.run(connection, sql, [key_id])
        if not rows:
            return None
        row = rows[0]
        values = []
        for field, value in zip(fields, row, strict=True):
            column = field.get_col(table)
            for convert in connection.ops.get_db_converters(column) + field.get_db_converters(
                connection
            ):
                value = convert(value, column, connection)
            values.append(value)
        return cls.from_db(connection.alias, [field.attname for field in fields], values)

    @classmethod
    def enrol(cls, code: str) -> tuple[Terminal, str] | None:
        """Exchanges a valid one-time code for a new token; None when the code is unknown,
        used or expired. The code is consumed in the same transaction."""
        code_hash = tokens.digest(tokens.normalise_code(code))
        with transaction.atomic():
            terminal = (
                cls.objects.select_for_update()
                .select_related("site")
                .filter(enrolment_code_hash=code_hash, enrolment_expires_at__gt=now())
                .first()
            )
            if terminal is None:
                return None
            token = terminal.issue_token()
            terminal.enrolment_code_hash = ""
            terminal.enrolment_expires_at = None
            terminal.enrolled_at = now()
            terminal.save()
        return terminal, token

    # ------------------------------------------------------------- health

    def record_status(self, status: dict) -> TerminalStatus:
        """Stores a status report as the latest health and in the history."""
        received = now()
        with transaction.atomic():
            entry = TerminalStatus.objects.create(
                terminal=self,
                received_at=received,
                data=status,
                camera=str(status.get("camera") or ""),
                microphone=str(status.get("microphone") or ""),
                version=str(status.get("version") or "")[:64],
                dialog_sha256=str(status.get("dialog_sha256") or "")[:64],
            )
            type(self).objects.filter(pk=self.pk).update(
                last_status=status, last_status_at=received, last_seen_at=received
            )
        self.last_status, self.last_status_at, self.last_seen_at = status, received, received
        return entry

    def seen(self) -> None:
        moment = now()
        # One write a minute at most: a busy terminal does not rewrite its row per message.
        if self.last_seen_at is None or moment - self.last_seen_at > SEEN_RESOLUTION:
            type(self).objects.filter(pk=self.pk).update(last_seen_at=moment)
            self.last_seen_at = moment


class TerminalStatus(models.Model):
    """One status report, as the terminal sent it: the terminal's health history."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="statuses")
    received_at = models.DateTimeField(db_index=True)
    data = models.JSONField()
    camera = models.CharField(max_length=16, blank=True)
    microphone = models.CharField(max_length=16, blank=True)
    version = models.CharField(max_length=64, blank=True)
    dialog_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["terminal", "-received_at"])]


class TerminalIncident(models.Model):
    """A stretch of time a terminal was flagged: silent, or reporting a failed device.

    Opened by ``kiosk-manager tick`` when the flag appears and closed when it
    goes; the site's admins are told once per incident, so a terminal that
    recovers and fails again is told about again. At most one open incident
    per terminal and kind, even with two ticks at once.
    """

    SILENT, DEVICE = "silent", "device"

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(max_length=16, choices=[(SILENT, SILENT), (DEVICE, DEVICE)])
    detail = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal", "kind"],
                condition=models.Q(cleared_at=None),
                name="one_open_incident_per_terminal_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.terminal} {self.kind} since {self.started_at:%Y-%m-%d %H:%M}"
