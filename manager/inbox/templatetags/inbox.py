"""How a message shows in the pages: its rating as a face, its time at its site, its path."""

from __future__ import annotations

from django import template
from django.utils import timezone

register = template.Library()

#: The terminal's five faces, worst to best.
FACES = ["😠", "🙁", "😐", "🙂", "😄"]


@register.filter
def face(message) -> str:
    if message.rating_value is None:
        return "–"
    if message.rating_kind == "smileys" and message.rating_scale == len(FACES):
        return FACES[max(0, min(len(FACES) - 1, message.rating_value - 1))]
    return f"{message.rating_value}/{message.rating_scale}"


@register.filter
def site_time(message, style: str = "%Y-%m-%d %H:%M"):
    """The moment in the site's own time zone, as its managers live it."""
    return timezone.localtime(message.created_at, message.site.zone).strftime(style)


@register.filter
def labels(path) -> list[str]:
    return [step.get("label", step.get("id", "")) for step in (path or [])]


@register.filter
def overdue(message) -> bool:
    return (
        message.due_at is not None
        and message.due_at < timezone.now()
        and message.status in ("new", "in_progress")
    )


@register.filter
def site_due(message) -> str:
    if message.due_at is None:
        return ""
    return timezone.localtime(message.due_at, message.site.zone).strftime("%d.%m %H:%M")


@register.filter
def status_label(status: str) -> str:
    """A case status in the reader's language."""
    from manager.inbox.filters import status_labels

    return str(dict(status_labels()).get(status, status))
