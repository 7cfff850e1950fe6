"""Dialog versions and where they are assigned: what each terminal fetches."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from manager.fleet.models import Site, Terminal


class DialogError(Exception):
    """A dialog that cannot be published; ``problems`` are the validator's positioned errors."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def validate_dialog_text(text: str, name: str = "dialog.yaml") -> list[str]:
    """The validator's errors for a dialog file's text, as ``file:line:col: …`` (empty: valid).

    The terminal checks a fetched dialog with the same validator, so what
    is published here is what a terminal applies.
    """
    from dialog_config import check_dialog

    result = check_dialog(text.encode("utf-8"), file=name)
    return [str(problem) for problem in result.errors]


class DialogVersion(models.Model):
    """One version of a dialog file: a draft until published, kept for ever once published."""

    DRAFT, PUBLISHED = "draft", "published"

    name = models.CharField(max_length=100)
    number = models.PositiveIntegerField()
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(
        max_length=16, choices=[(DRAFT, DRAFT), (PUBLISHED, PUBLISHED)], default=DRAFT
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["name", "number"], name="one_number_per_dialog_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def etag(self) -> str:
        """A strong ETag: the same bytes always give the same tag, on every server."""
        return f'"{self.sha256}"'

    @classmethod
    def publish(
        cls, name: str, content: str, *, user=None, note: str = "", file_name: str = "dialog.yaml"
    ) -> DialogVersion:
        """Validates and stores a published version; raises DialogError with the problems
        (positioned in ``file_name``)."""
        problems = validate_dialog_text(content, file_name)
        if problems:
            raise DialogError(problems)
        with transaction.atomic():
            last = cls.objects.select_for_update().filter(name=name).aggregate(Max("number"))
            return cls.objects.create(
                name=name,
                number=(last["number__max"] or 0) + 1,
                content=content,
                sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
                state=cls.PUBLISHED,
                note=note,
                created_by=user,
                published_by=user,
                published_at=timezone.now(),
            )

    def assign(
        self, *, site: Site | None = None, terminal: Terminal | None = None, user=None
    ) -> DialogAssignment:
        """Makes this the dialog of a site (its terminals) or of one terminal."""
        if (site is None) == (terminal is None):
            raise ValueError("assign a dialog to a site or to a terminal")
        if self.state != self.PUBLISHED:
            raise DialogError([f"{self} is a draft; publish it before assigning it"])
        assignment, _ = DialogAssignment.objects.update_or_create(
            site=site,
            terminal=terminal,
            defaults={"version": self, "assigned_by": user, "assigned_at": timezone.now()},
        )
        return assignment

    @classmethod
    def for_terminal(cls, terminal: Terminal) -> DialogVersion | None:
        """The terminal's own assignment, else its site's, else None."""
        for query in (models.Q(terminal=terminal), models.Q(site_id=terminal.site_id)):
            found = DialogAssignment.objects.select_related("version").filter(query).first()
            if found is not None:
                return found.version
        return None


class DialogAssignment(models.Model):
    """The published version a site's terminals, or one terminal, run."""

    version = models.ForeignKey(DialogVersion, on_delete=models.PROTECT, related_name="assignments")
    site = models.OneToOneField(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="dialog_assignment"
    )
    terminal = models.OneToOneField(
        Terminal, null=True, blank=True, on_delete=models.CASCADE, related_name="dialog_assignment"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(site__isnull=True) ^ models.Q(terminal__isnull=True),
                name="dialog_assigned_to_a_site_or_a_terminal",
            )
        ]
