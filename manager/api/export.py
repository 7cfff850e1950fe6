"""The read API's pages: stored messages with their case fields, oldest first, keyset-paged.

A page's ``next`` carries the last (created_at, id) seen, so pages stay
right while new messages arrive, and each page costs one index range scan.
"""

from __future__ import annotations

import base64
import datetime
import uuid
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from manager.api.problems import Problem
from manager.fleet.models import Site
from manager.inbox.models import Message

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
FILTERS = ("since", "until", "site", "limit", "after")


def page(request, user) -> dict:
    params = request.GET
    unknown = sorted(set(params) - set(FILTERS))
    if unknown:
        raise Problem(
            400, f"unknown parameter {unknown[0]!r}; the parameters are " + ", ".join(FILTERS)
        )
    queryset = (
        Message.objects.visible_to(user)
        .select_related("terminal", "site", "assignee")
        .prefetch_related("tags")
    )
    if "since" in params:
        queryset = queryset.filter(created_at__gte=_time(params["since"], "since"))
    if "until" in params:
        queryset = queryset.filter(created_at__lt=_time(params["until"], "until"))
    if "site" in params:
        site = Site.objects.visible_to(user).filter(slug=params["site"]).first()
        if site is None:
            raise Problem(
                404, f"no site {params['site'][:60]!r} among your sites; use the site's slug"
            )
        queryset = queryset.filter(site=site)
    limit = _limit(params.get("limit"))
    if "after" in params:
        created, last_id = _cursor(params["after"])
        queryset = queryset.filter(
            Q(created_at__gt=created) | Q(created_at=created, id__gt=last_id)
        )
    rows = list(queryset.order_by("created_at", "id")[: limit + 1])
    items = [item(request, message) for message in rows[:limit]]
    following = None
    if len(rows) > limit:
        last = rows[limit - 1]
        query = {key: value for key, value in params.items() if key != "after"}
        query["after"] = _encode_cursor(last.created_at, last.id)
        following = request.build_absolute_uri(reverse("export-messages") + "?" + urlencode(query))
    return {"items": items, "next": following}


def item(request, message: Message) -> dict:
    """A stored message as the terminal sent it, with where it arrived and its case."""
    media = {}
    for kind in ("photo", "voice"):
        field = getattr(message, kind)
        media[kind] = (
            request.build_absolute_uri(reverse("export-media", args=[message.id, kind]))
            if field
            else None
        )
    return {
        "message": message.as_sent(),
        "received_at": message.received_at.isoformat(),
        "manager_site": {
            "slug": message.site.slug,
            "name": message.site.name,
            "timezone": message.site.timezone,
        },
        "case": {
            "status": message.status,
            "assignee": message.assignee.get_username() if message.assignee else None,
            "tags": sorted(tag.name for tag in message.tags.all()),
            "due_at": message.due_at.isoformat() if message.due_at else None,
            "merged_into": str(message.merged_into_id) if message.merged_into_id else None,
            "qualified_path": message.qualified_path,
        },
        "media": media,
    }


def _time(text: str, name: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise Problem(
            400, f"{name}={text[:40]!r} is not a time such as 2026-03-01T00:00:00+01:00"
        ) from None
    if value.utcoffset() is None:
        raise Problem(400, f"{name}={text[:40]!r} needs a UTC offset, e.g. +01:00 or Z")
    return value


def _limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise Problem(400, f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def _encode_cursor(created: datetime.datetime, message_id: uuid.UUID) -> str:
    raw = f"{created.isoformat()}|{message_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(text: str) -> tuple[datetime.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        created, _, last_id = raw.partition("|")
        moment = datetime.datetime.fromisoformat(created)
        if moment.utcoffset() is None:
            raise ValueError("no offset")
        return moment, uuid.UUID(last_id)
    except ValueError:
        raise Problem(
            400, "after= is not a cursor from a `next` link; start again without it"
        ) from None
