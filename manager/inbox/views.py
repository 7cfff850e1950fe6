"""The quality manager's pages: the inbox, a message and its case, bulk actions, trash, audit."""

from __future__ import annotations

import base64
import datetime
import uuid

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manager.accounts import roles
from manager.accounts.models import AuditRecord, User
from manager.inbox import cases
from manager.inbox.filters import InboxFilter, colleagues, status_labels
from manager.inbox.media import MEDIA_KINDS, media_response
from manager.inbox.models import Message

PAGE_ROWS = 50


def _cases(user):
    """The cases a user sees: their sites', not in the trash, not merged into another."""
    return (
        Message.objects.visible_to(user)
        .filter(deleted_at=None, merged_into=None)
        .select_related("site", "terminal", "assignee")
        .prefetch_related("tags")
        # A count per row of the page (a correlated subquery), not a GROUP BY of every
        # case the filters let through before the page is cut.
        .annotate(
            repeats=Coalesce(
                Subquery(
                    Message.objects.filter(merged_into=OuterRef("pk"))
                    .order_by()
                    .values("merged_into")
                    .annotate(count=Count("*"))
                    .values("count")
                ),
                0,
            )
        )
    )


def _visible(user, message_id) -> Message:
    """One message the user may see, or 404: another site's message does not exist for them."""
    return get_object_or_404(
        Message.objects.visible_to(user).select_related("site", "terminal", "assignee"),
        pk=message_id,
    )


def encode_cursor(message: Message) -> str:
    raw = f"{message.created_at.isoformat()}|{message.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[datetime.datetime, uuid.UUID] | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        created, _, last_id = raw.partition("|")
        return datetime.datetime.fromisoformat(created), uuid.UUID(last_id)
    except ValueError:
        return None


@roles.reader
def inbox(request):
    """Newest first, PAGE_ROWS at a time; ``before`` pages on, ``after`` asks only for newer."""
    form = InboxFilter(request.GET, user=request.user)
    queryset = form.apply(_cases(request.user)).order_by("-created_at", "-id")
    before = decode_cursor(request.GET.get("before", ""))
    after = decode_cursor(request.GET.get("after", ""))
    if before:
        created, last = before
        queryset = queryset.filter(Q(created_at__lt=created) | Q(created_at=created, id__lt=last))
    if after:
        created, last = after
        queryset = queryset.filter(Q(created_at__gt=created) | Q(created_at=created, id__gt=last))
    rows = list(queryset[: PAGE_ROWS + 1])
    more = len(rows) > PAGE_ROWS
    rows = rows[:PAGE_ROWS]
    for row in rows:
        row.cursor = encode_cursor(row)
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    context = {
        "form": form,
        "rows": rows,
        "newest": encode_cursor(rows[0]) if rows else request.GET.get("after", ""),
        "next_url": (
            f"?{query.urlencode()}&before={encode_cursor(rows[-1])}" if more and rows else ""
        ),
        "first_page": not before,
        "query": query.urlencode(),
        "may_work": roles.may_work_cases(request.user),
        "statuses": status_labels(),
        "colleagues": colleagues(request.user),
    }
    if "after" in request.GET:
        return render(request, "inbox/rows.html", context)
    return render(request, "inbox/list.html", context)


@roles.reader
def message_page(request, message_id):
    message = _visible(request.user, message_id)
    if message.deleted_at is not None and not roles.may_work_cases(request.user):
        raise Http404("in the trash")
    AuditRecord.record("open", "message", message.pk, actor=request.user)
    same_site = (
        Message.objects.visible_to(request.user)
        .filter(site=message.site, deleted_at=None, merged_into=None)
        .exclude(pk=message.pk)
        .select_related("site")
        .order_by("-created_at")[:30]
    )
    return render(
        request,
        "inbox/message.html",
        {
            "m": message,
            "repeats": message.merged.filter(deleted_at=None)
            .select_related("site")
            .order_by("-created_at"),
            "events": message.events.select_related("actor"),
            "tags": message.tags.all(),
            "may_work": roles.may_work_cases(request.user),
            "statuses": status_labels(),
            "colleagues": colleagues(request.user)
            .filter(Q(role=User.ADMIN) | Q(is_superuser=True) | Q(sites=message.site))
            .distinct(),
            "merge_targets": same_site,
            "path_choices": sorted(path_choices(message.site_id)),
        },
    )


@roles.reader
def media(request, message_id, kind):
    message = _visible(request.user, message_id)
    if kind not in MEDIA_KINDS or not getattr(message, kind):
        raise Http404("no such medium")
    if message.deleted_at is not None and not roles.may_work_cases(request.user):
        raise Http404("in the trash")
    return media_response(
        message,
        kind,
        download="download" in request.GET,
        range_header=request.headers.get("Range", ""),
    )


@require_POST
@roles.worker
def act(request, message_id):
    """One change to a case, from the message page's forms."""
    message = _visible(request.user, message_id)
    try:
        _apply(request, message, request.POST.get("action", ""), request.POST)
    except cases.CaseError as problem:
        flash.error(request, str(problem))
    return redirect("inbox:message", message_id=message.pk)


@require_POST
@roles.worker
def bulk(request):
    """The same change to every selected case."""
    ids = request.POST.getlist("ids")
    action = request.POST.get("action", "")
    chosen = Message.objects.visible_to(request.user).filter(pk__in=_uuids(ids))
    done = 0
    for message in chosen:
        try:
            _apply(request, message, action, request.POST)
            done += 1
        except cases.CaseError as problem:
            flash.error(request, str(problem))
    flash.success(request, _("%(count)d cases changed") % {"count": done})
    back = request.POST.get("back", "")
    return redirect(reverse("inbox:list") + (f"?{back}" if back and "//" not in back else ""))


def _apply(request, message: Message, action: str, data) -> None:
    actor = request.user
    if action == "status":
        cases.set_status(message, actor, data.get("status", ""))
    elif action == "assign":
        value = data.get("assignee", "")
        assignee = None
        if value:
            assignee = colleagues(actor).filter(pk=value).first()
            if assignee is None or not (
                assignee.is_admin or assignee.sites.filter(pk=message.site_id).exists()
            ):
                raise cases.CaseError(_("that person does not work this site"))
        cases.assign(message, actor, assignee)
    elif action == "tag":
        cases.tag(message, actor, data.get("tag", ""))
    elif action == "untag":
        cases.untag(message, actor, data.get("tag", ""))
    elif action == "comment":
        cases.comment(message, actor, data.get("text", ""))
    elif action == "qualify":
        path = path_choices(message.site_id).get(data.get("path", ""))
        if path is None:
            raise cases.CaseError(_("choose a topic from the list"))
        cases.qualify(message, actor, path)
    elif action == "merge":
        target = Message.objects.visible_to(actor).filter(pk__in=_uuids([data.get("into", "")]))
        if not target:
            raise cases.CaseError(_("choose the case to merge into"))
        cases.merge(message, actor, target[0])
    elif action == "called_back":
        cases.called_back(message, actor)
    elif action == "trash":
        cases.trash(message, actor)
    elif action == "restore":
        cases.restore(message, actor)
    else:
        raise cases.CaseError(f"unknown action {action[:30]!r}")


#: How many of a site's distinct paths are offered to qualify a case with.
PATH_CHOICES = 300
#: The paths are those of the site's newest messages: a dialog changes seldom, and
#: the DISTINCT over every message of a busy site took a second at a million rows
#: (over the newest 5,000, 40 ms).
PATH_SCAN_ROWS = 2000


def path_choices(site_id) -> dict[str, list[dict]]:
    """The paths the site's visitors have chosen lately, by their labels: where a case
    can be moved."""
    newest = Message.objects.filter(site=site_id).order_by("-created_at", "-id")[:PATH_SCAN_ROWS]
    paths = (
        Message.objects.filter(pk__in=Subquery(newest.values("pk")))
        .exclude(topic="")
        .order_by()  # the model's ordering would make every row distinct
        .values_list("path", flat=True)
        .distinct()[:PATH_CHOICES]
    )
    choices: dict[str, list[dict]] = {}
    for path in paths:
        choices.setdefault(" › ".join(step["label"] for step in path), path)
    return choices


def _uuids(values) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


@roles.worker
def trash(request):
    rows = (
        Message.objects.visible_to(request.user)
        .exclude(deleted_at=None)
        .select_related("site")
        .order_by("-deleted_at")[:200]
    )
    return render(request, "inbox/trash.html", {"rows": rows, "days": cases.TRASH_DAYS})


@roles.admin_only
def audit(request):
    records = Paginator(AuditRecord.objects.all(), 100).get_page(request.GET.get("page"))
    return render(request, "inbox/audit.html", {"records": records})
