"""What a manager does to a case, each change recorded as a CaseEvent with who and when."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from manager.accounts.models import AuditRecord
from manager.inbox.models import CaseEvent, Message, Tag

#: A case in the trash can be restored for this long; then it is purged with its media.
TRASH_DAYS = 30


class CaseError(ValueError):
    """A change that cannot be made; the message says why, for the page to show."""


def _event(subject: Message, actor, kind: str, /, **data) -> CaseEvent:
    # The audit names the change, never its content (a comment's text stays in the case).
    AuditRecord.record(f"case {kind}", "message", subject.pk, actor=actor)
    return CaseEvent.objects.create(message=subject, actor=actor, kind=kind, data=data)


@transaction.atomic
def set_status(message: Message, actor, status: str) -> None:
    if status not in dict(Message.STATUSES):
        raise CaseError(f"{status!r} is not a status")
    if status == message.status:
        return
    _event(message, actor, "status", old=message.status, new=status)
    message.status = status
    message.save(update_fields=["status"])


@transaction.atomic
def assign(message: Message, actor, assignee) -> None:
    if assignee == message.assignee:
        return
    _event(
        message,
        actor,
        "assignee",
        old=message.assignee.get_username() if message.assignee else None,
        new=assignee.get_username() if assignee else None,
    )
    message.assignee = assignee
    fields = ["assignee"]
    if assignee is not None and message.status == Message.NEW:
        # Someone is on it: the case is no longer untouched.
        _event(message, actor, "status", old=message.status, new=Message.IN_PROGRESS)
        message.status = Message.IN_PROGRESS
        fields.append("status")
    message.save(update_fields=fields)


@transaction.atomic
def tag(message: Message, actor, name: str) -> None:
    name = name.strip()[:50]
    if not name:
        raise CaseError("a tag needs a name")
    found, _ = Tag.objects.get_or_create(name=name)
    if not message.tags.filter(pk=found.pk).exists():
        message.tags.add(found)
        _event(message, actor, "tag", name=name)


@transaction.atomic
def untag(message: Message, actor, name: str) -> None:
    found = message.tags.filter(name=name).first()
    if found is not None:
        message.tags.remove(found)
        _event(message, actor, "untag", name=name)


def comment(message: Message, actor, text: str) -> None:
    text = text.strip()
    if not text:
        raise CaseError("the comment is empty")
    _event(message, actor, "comment", text=text[:5000])


@transaction.atomic
def qualify(message: Message, actor, path: list[dict]) -> None:
    """Moves the case to another topic/category; the visitor's own ``path`` stays as it was."""
    _event(message, actor, "qualify", old=message.qualified_path or message.path, new=path)
    message.qualified_path = path
    message.save(update_fields=["qualified_path"])


@transaction.atomic
def merge(message: Message, actor, target: Message) -> None:
    """Makes ``message`` one more message of ``target``'s case (repeats of one problem)."""
    while target.merged_into_id is not None:
        target = target.merged_into
    if target.pk == message.pk:
        raise CaseError("a case cannot be merged into itself")
    if target.site_id != message.site_id:
        raise CaseError("only cases of the same site can be merged")
    _event(message, actor, "merged_into", case=str(target.pk))
    _event(target, actor, "merged", message=str(message.pk))
    Message.objects.filter(merged_into=message).update(merged_into=target)
    message.merged_into = target
    message.save(update_fields=["merged_into"])


@transaction.atomic
def called_back(message: Message, actor) -> None:
    if message.called_back_at is None:
        message.called_back_at = timezone.now()
        message.save(update_fields=["called_back_at"])
        _event(message, actor, "called_back")


@transaction.atomic
def trash(message: Message, actor) -> None:
    if message.deleted_at is None:
        message.deleted_at = timezone.now()
        message.save(update_fields=["deleted_at"])
        _event(message, actor, "trash")


@transaction.atomic
def restore(message: Message, actor) -> None:
    if message.deleted_at is not None:
        message.deleted_at = None
        message.save(update_fields=["deleted_at"])
        _event(message, actor, "restore")


def purge_trash(now: datetime.datetime | None = None, *, actor_label: str = "") -> int:
    """Erases, with their media, the cases in the trash for longer than TRASH_DAYS."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=TRASH_DAYS)
    count = 0
    for message in Message.objects.filter(deleted_at__lt=cutoff).select_related("terminal"):
        message.erase(actor_label=actor_label or "trash", reason="trash period over")
        count += 1
    return count
