"""Deadlines and notifications: what ``kiosk-manager tick`` does each minute.

1. A new case that needs a first response (an alert, a complaint or low
   rating, a callback request) gets its due time from its site's deadlines.
2. An alert, a low rating or a callback request is a notice to each of the
   site's managers by email, and to each webhook of the site.
3. A case past its due time is a notice to its assignee (or, unassigned, to
   the site's managers); still open ESCALATE_AFTER later, to the admins.
4. A terminal flagged silent or with a failed device (manager.fleet.health)
   is a notice to each of its site's admins, once per incident.
5. Pending notices are sent; a failed one is retried with backoff.

Every notice is a row with a unique key before anything is sent, so a
second tick, a restart or two ticks at once never make or send it twice.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from manager.accounts.models import User
from manager.fleet import health
from manager.fleet.models import TerminalIncident
from manager.inbox.filters import status_labels
from manager.inbox.models import Message, Notice, SiteDeadlines, Webhook

log = logging.getLogger(__name__)

#: Only cases received this recently are looked at for new notices and due times.
LOOKBACK = datetime.timedelta(days=7)
#: An overdue case still open this long after its due time goes to the admins.
ESCALATE_AFTER = datetime.timedelta(hours=1)
RETRY_BASE_S = 30
RETRY_CAP_S = 3600
#: A notice that could not be sent for this long is given up (state "failed").
GIVE_UP_AFTER = datetime.timedelta(days=2)
#: A notice claimed this long ago by a tick that never finished is not sent again.
STALE_CLAIM = datetime.timedelta(minutes=10)
WEBHOOK_TIMEOUT_S = 10.0
SIGNATURE_HEADER = "X-Kiosk-Signature"
OPEN = (Message.NEW, Message.IN_PROGRESS)


def low_rating() -> Q:
    """At most two fifths of the scale: 1–2 of 5 faces, 0–4 of 10."""
    return Q(rating_value__isnull=False, rating_value__lte=F("rating_scale") * 2 / 5)


def urgent() -> Q:
    """What is notified at once."""
    return Q(alert=True) | ~Q(callback_phone="") | low_rating()


def tick(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "due": set_due_times(now),
        "queued": queue_new_case_notices(now)
        + queue_overdue_notices(now)
        + queue_terminal_notices(now),
        "sent": send_pending(now),
    }


def _live_cases(now):
    return Message.objects.filter(
        deleted_at=None, merged_into=None, received_at__gte=now - LOOKBACK
    ).select_related("site")


def set_due_times(now: datetime.datetime) -> int:
    count = 0
    waiting = _live_cases(now).filter(due_at=None, status=Message.NEW)
    waiting = waiting.filter(urgent() | Q(tone="complaint"))
    for message in waiting:
        deadlines = SiteDeadlines.objects.filter(site=message.site_id).first() or SiteDeadlines()
        minutes = []
        if message.alert:
            minutes.append(deadlines.alert_min)
        if message.callback_phone:
            minutes.append(deadlines.callback_min)
        if message.tone == "complaint" or _is_low(message):
            minutes.append(deadlines.complaint_min)
        due = message.received_at + datetime.timedelta(minutes=min(minutes))
        count += Message.objects.filter(pk=message.pk, due_at=None).update(due_at=due)
    return count


def _is_low(message: Message) -> bool:
    return (
        message.rating_value is not None
        and message.rating_scale is not None
        and message.rating_value * 5 <= message.rating_scale * 2
    )


def site_managers(site_id) -> list[User]:
    return list(
        User.objects.filter(is_active=True, role=User.MANAGER, sites=site_id).exclude(email="")
    )


def admins() -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(role=User.ADMIN) | Q(is_superuser=True))
        .exclude(email="")
    )


def site_admins(site_id) -> list[User]:
    """The admins who have this site among their sites; every admin when none has."""
    everyone = admins()
    granted = [person for person in everyone if person.sites.filter(pk=site_id).exists()]
    return granted or everyone


def _queue(rows: list[Notice], now: datetime.datetime) -> int:
    """Inserts the notices not made before; the unique key drops repeats."""
    if not rows:
        return 0
    for row in rows:
        row.created_at = row.next_attempt_at = now
    keys = [row.key for row in rows]
    before = set(Notice.objects.filter(key__in=keys).values_list("key", flat=True))
    Notice.objects.bulk_create(
        [row for row in rows if row.key not in before], ignore_conflicts=True
    )
    return len(set(keys) - before)


def queue_new_case_notices(now: datetime.datetime) -> int:
    rows: list[Notice] = []
    fresh = _live_cases(now).filter(urgent()).exclude(notices__kind="new")
    for message in fresh:
        for person in site_managers(message.site_id):
            rows.append(
                Notice(
                    key=f"new:{message.pk}:u{person.pk}",
                    kind="new",
                    message=message,
                    recipient=person,
                )
            )
        hooks = (
            Webhook.objects.filter(active=True)
            .filter(Q(sites=message.site_id) | Q(sites=None))
            .distinct()
        )
        for hook in hooks:
            rows.append(
                Notice(
                    key=f"new:{message.pk}:w{hook.pk}", kind="new", message=message, webhook=hook
                )
            )
    return _queue(rows, now)


def queue_overdue_notices(now: datetime.datetime) -> int:
    rows: list[Notice] = []
    late = Message.objects.filter(
        deleted_at=None, merged_into=None, status__in=OPEN, due_at__lt=now
    ).select_related("assignee")
    for message in late.exclude(notices__kind="overdue"):
        people = [message.assignee] if message.assignee else site_managers(message.site_id)
        for person in people:
            if person.email:
                rows.append(
                    Notice(
                        key=f"overdue:{message.pk}:u{person.pk}",
                        kind="overdue",
                        message=message,
                        recipient=person,
                    )
                )
    for message in late.filter(due_at__lt=now - ESCALATE_AFTER).exclude(notices__kind="escalation"):
        for person in admins():
            rows.append(
                Notice(
                    key=f"escalation:{message.pk}:u{person.pk}",
                    kind="escalation",
                    message=message,
                    recipient=person,
                )
            )
    return _queue(rows, now)


def queue_terminal_notices(now: datetime.datetime) -> int:
    """Opens and closes the terminals' incidents; each open one not yet told is a notice to
    its site's admins."""
    health.review(now)
    rows: list[Notice] = []
    untold = (
        TerminalIncident.objects.filter(cleared_at=None)
        .exclude(notices__kind="terminal")
        .select_related("terminal")
    )
    for incident in untold:
        for person in site_admins(incident.terminal.site_id):
            rows.append(
                Notice(
                    key=f"terminal:{incident.pk}:u{person.pk}",
                    kind="terminal",
                    incident=incident,
                    recipient=person,
                )
            )
    return _queue(rows, now)


def send_pending(now: datetime.datetime) -> int:
    # A tick that died mid-send may or may not have sent: never send it again.
    Notice.objects.filter(state=Notice.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        state=Notice.UNKNOWN, last_error="the sending tick stopped; not sent again"
    )
    sent = 0
    due = Notice.objects.filter(state=Notice.PENDING, next_attempt_at__lte=now).order_by("id")
    for notice_id in list(due.values_list("id", flat=True)[:500]):
        claimed = Notice.objects.filter(pk=notice_id, state=Notice.PENDING).update(
            state=Notice.SENDING, claimed_at=now
        )
        if not claimed:
            continue  # another tick has it
        notice = Notice.objects.select_related(
            "message__site", "message__terminal", "recipient", "webhook", "incident__terminal__site"
        ).get(pk=notice_id)
        try:
            if notice.incident is not None:
                mail_incident(notice)
            elif notice.webhook is not None:
                post_webhook(notice)
            else:
                mail(notice)
        except Exception as exc:  # noqa: BLE001 - any failure is retried later
            notice.attempts += 1
            wait_s = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** (notice.attempts - 1))
            give_up = now - notice.created_at > GIVE_UP_AFTER
            Notice.objects.filter(pk=notice.pk).update(
                state="failed" if give_up else Notice.PENDING,
                attempts=notice.attempts,
                next_attempt_at=now + datetime.timedelta(seconds=wait_s),
                last_error=str(exc)[:500],
            )
            log.warning("notice %s not sent (attempt %d): %s", notice.key, notice.attempts, exc)
            continue
        Notice.objects.filter(pk=notice.pk).update(state=Notice.SENT, sent_at=timezone.now())
        sent += 1
    return sent


def case_url(message: Message) -> str:
    return f"{settings.PUBLIC_URL or 'http://127.0.0.1:8000'}/inbox/{message.pk}/"


SUBJECTS = {
    "new": _("New case"),
    "overdue": _("Overdue case"),
    "escalation": _("Overdue case, escalated"),
}


def summary(message: Message) -> str:
    labels = " › ".join(step.get("label", "") for step in (message.qualified_path or message.path))
    when = timezone.localtime(message.created_at, message.site.zone).strftime("%Y-%m-%d %H:%M")
    parts = [f"{message.site.name}, {when}"]
    if message.alert:
        parts.append(str(_("ALERT")))
    if message.rating_value is not None:
        parts.append(
            str(_("rating %(value)s/%(scale)s"))
            % {"value": message.rating_value, "scale": message.rating_scale}
        )
    if labels:
        parts.append(labels)
    if message.callback_phone:
        parts.append(str(_("callback requested")))
    return " · ".join(parts)


def recipient_language(person: User) -> str:
    """The person's own language setting, else the manager's (sites have none)."""
    return person.language or settings.LANGUAGE_CODE


def mail(notice: Notice) -> None:
    """The notice's mail, in the words of its recipient's language."""
    with translation.override(recipient_language(notice.recipient)):
        message = notice.message
        lines = [summary(message), ""]
        if message.text:
            lines += [message.text, ""]
        if notice.kind != "new" and message.due_at:
            due = timezone.localtime(message.due_at, message.site.zone).strftime("%Y-%m-%d %H:%M")
            status = dict(status_labels()).get(message.status, message.status)
            lines += [
                str(_("It was due at %(due)s and is still %(status)s."))
                % {"due": due, "status": status},
                "",
            ]
        lines.append(str(_("Open the case: %(url)s")) % {"url": case_url(message)})
        subject = f"[{message.site.name}] {SUBJECTS[notice.kind]}"
    send_mail(subject, "\n".join(lines), None, [notice.recipient.email])


INCIDENT_SUBJECTS = {
    TerminalIncident.SILENT: "Terminal {terminal} is silent",
    TerminalIncident.DEVICE: "Terminal {terminal}: a device failed",
}


def terminal_url(terminal) -> str:
    return f"{settings.PUBLIC_URL or 'http://127.0.0.1:8000'}/terminals/{terminal.terminal_id}/"


def mail_incident(notice: Notice) -> None:
    incident = notice.incident
    terminal = incident.terminal
    since = timezone.localtime(incident.started_at, terminal.site.zone).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"{terminal.terminal_id} at {terminal.site.name}: {incident.detail} (flagged {since}).",
        "",
        "You are told once; when the terminal recovers the flag clears by itself.",
        f"Open the terminal: {terminal_url(terminal)}",
    ]
    send_mail(
        f"[{terminal.site.name}] "
        + INCIDENT_SUBJECTS[incident.kind].format(terminal=terminal.terminal_id),
        "\n".join(lines),
        None,
        [notice.recipient.email],
    )


def webhook_body(notice: Notice) -> bytes:
    message = notice.message
    if notice.webhook.kind == Webhook.CHAT:
        # Slack's and Teams' incoming webhooks both read a plain "text".
        text = "\n".join(
            [f"{SUBJECTS[notice.kind]}: {summary(message)}", message.text or "", case_url(message)]
        )
        return json.dumps({"text": text.strip()}, ensure_ascii=False).encode()
    return json.dumps(
        {
            "event": notice.kind,
            "delivery": notice.key,
            "case": {
                "id": str(message.pk),
                "url": case_url(message),
                "site": message.site.slug,
                "terminal": message.terminal.terminal_id,
                "created_at": message.created_at.isoformat(),
                "rating": (
                    {"value": message.rating_value, "scale": message.rating_scale}
                    if message.rating_value is not None
                    else None
                ),
                "path": message.qualified_path or message.path,
                "tone": message.tone,
                "alert": message.alert,
                "text": message.text,
                "callback_requested": bool(message.callback_phone),
                "status": message.status,
                "due_at": message.due_at.isoformat() if message.due_at else None,
            },
        },
        ensure_ascii=False,
    ).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(notice: Notice) -> None:
    body = webhook_body(notice)
    headers = {"Content-Type": "application/json", "X-Kiosk-Event": notice.kind}
    if notice.webhook.kind == Webhook.SIGNED_JSON:
        headers[SIGNATURE_HEADER] = signature(notice.webhook.secret, body)
        headers["X-Kiosk-Delivery"] = notice.key
    response = httpx.post(
        notice.webhook.url, content=body, headers=headers, timeout=WEBHOOK_TIMEOUT_S
    )
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"{notice.webhook.url} answered {response.status_code}")
