"""Deadlines and notices: mail through a real SMTP server, webhooks to a real HTTP endpoint."""

from __future__ import annotations

import datetime
import email
import email.policy
import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from manager.accounts.models import User
from manager.inbox import notify
from manager.inbox.models import Message, Notice, SiteDeadlines, Webhook
from support.manager_messages import make_terminal, message, post_message
from support.smtp_server import SMTPServer
from support.webhook_receiver import WebhookReceiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.PUBLIC_URL = "https://manager.example.com"
        yield server


@pytest.fixture
def sites(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "manager.storage.DurableFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    # The case tests move the tick's clock on by hours with no word from the
    # terminal: a week before it counts as silent keeps its own notices out of theirs.
    settings.SILENT_AFTER_S = 7 * 24 * 3600
    rome, rome_token = make_terminal("rome-01", "Trattoria Roma")
    milan, milan_token = make_terminal("milano-01", "Trattoria Milano")
    people = {}
    for name, role, site in (
        ("anna", User.MANAGER, rome.site),
        ("bruno", User.MANAGER, rome.site),
        ("marco", User.MANAGER, milan.site),
        ("vera", User.VIEWER, rome.site),
        ("boss", User.ADMIN, None),
    ):
        people[name] = User.objects.create_user(name, email=f"{name}@example.com", role=role)
        if site:
            people[name].sites.set([site])
    return {"rome": rome.site, "client": client, "token": rome_token, **people}


def deliver(sites, **changes) -> Message:
    body = message("rome-01", **changes)
    assert post_message(sites["client"], sites["token"], body).status_code == 201
    return Message.objects.get(pk=body["id"])


def mails(smtp):
    return [email.message_from_bytes(item.data) for item in smtp.received]


def test_an_alert_mails_each_site_manager_once_with_a_link(smtp, sites):
    case = deliver(sites, alert=True, text="Fumo in cucina")
    call_command("tick", stdout=io.StringIO())
    received = mails(smtp)
    assert sorted(m["To"] for m in received) == ["anna@example.com", "bruno@example.com"]
    for sent in received:
        assert sent["Subject"] == "[Trattoria Roma] New case"
        body = sent.get_payload(decode=True).decode()
        assert f"https://manager.example.com/inbox/{case.pk}/" in body
        assert "Fumo in cucina" in body and "ALERT" in body
    # The next ticks (a new process each time) send nothing again.
    call_command("tick", stdout=io.StringIO())
    notify.tick(timezone.now() + datetime.timedelta(minutes=5))
    assert len(smtp.received) == 2


def test_a_praise_is_not_notified_and_a_callback_is(smtp, sites):
    deliver(sites, alert=False, tone="praise", rating={"kind": "smileys", "value": 5, "scale": 5})
    notify.tick()
    assert smtp.received == []
    deliver(
        sites,
        alert=False,
        tone="praise",
        rating={"kind": "smileys", "value": 5, "scale": 5},
        callback={"name": "Luca", "phone": "+393401234567", "consent": True},
    )
    notify.tick()
    assert len(smtp.received) == 2


def test_due_times_follow_the_sites_deadlines(smtp, sites):
    SiteDeadlines.objects.create(site=sites["rome"], alert_min=30, complaint_min=600)
    alert = deliver(sites, alert=True)
    complaint = deliver(sites, alert=False, rating=None, tone="complaint")
    notify.tick()
    alert.refresh_from_db()
    complaint.refresh_from_db()
    assert alert.due_at == alert.received_at + datetime.timedelta(minutes=30)
    assert complaint.due_at == complaint.received_at + datetime.timedelta(minutes=600)


def test_an_overdue_case_goes_to_its_assignee_then_once_to_the_admins(smtp, sites):
    case = deliver(sites, alert=True)
    notify.tick()
    Message.objects.filter(pk=case.pk).update(assignee=sites["anna"], status="in_progress")
    case.refresh_from_db()
    smtp.handler.received.clear()
    notify.tick(case.due_at - datetime.timedelta(minutes=1))
    assert smtp.received == []
    notify.tick(case.due_at + datetime.timedelta(minutes=1))
    notify.tick(case.due_at + datetime.timedelta(minutes=2))
    assert [(m["To"], m["Subject"]) for m in mails(smtp)] == [
        ("anna@example.com", "[Trattoria Roma] Overdue case")
    ]
    later = case.due_at + notify.ESCALATE_AFTER + datetime.timedelta(minutes=1)
    notify.tick(later)
    notify.tick(later + datetime.timedelta(minutes=1))
    assert [(m["To"], m["Subject"]) for m in mails(smtp)][1:] == [
        ("boss@example.com", "[Trattoria Roma] Overdue case, escalated")
    ]
    # Resolved: nothing more, ever.
    Message.objects.filter(pk=case.pk).update(status="resolved")
    notify.tick(later + datetime.timedelta(days=1))
    assert len(smtp.received) == 2


def test_a_tick_that_died_mid_send_never_sends_that_notice_again(smtp, sites):
    deliver(sites, alert=True)
    notify.queue_new_case_notices(timezone.now())
    claimed = Notice.objects.order_by("id").first()
    Notice.objects.filter(pk=claimed.pk).update(state=Notice.SENDING, claimed_at=timezone.now())
    notify.tick(timezone.now() + notify.STALE_CLAIM + datetime.timedelta(minutes=1))
    notify.tick(timezone.now() + datetime.timedelta(hours=1))
    assert [m["To"] for m in mails(smtp)] == [
        n.recipient.email for n in Notice.objects.exclude(pk=claimed.pk)
    ]
    assert Notice.objects.get(pk=claimed.pk).state == Notice.UNKNOWN


def test_a_signed_webhook_is_retried_with_backoff_until_2xx(smtp, sites):
    with WebhookReceiver([500]) as hook:
        Webhook.objects.create(name="helpdesk", url=hook.url, secret="s3cret")
        case = deliver(sites, alert=True, text="Fumo")
        start = timezone.now()
        notify.tick(start)
        assert len(hook.received) == 1
        notify.tick(start + datetime.timedelta(seconds=5))
        assert len(hook.received) == 1  # still waiting out the backoff
        notify.tick(start + datetime.timedelta(seconds=notify.RETRY_BASE_S + 1))
        notify.tick(start + datetime.timedelta(minutes=10))
        assert len(hook.received) == 2
    delivered = hook.received[-1]
    expected = hmac.new(b"s3cret", delivered.body, hashlib.sha256).hexdigest()
    assert delivered.headers["X-Kiosk-Signature"] == f"sha256={expected}"
    payload = json.loads(delivered.body)
    assert payload["event"] == "new" and payload["case"]["id"] == str(case.pk)
    assert payload["case"]["text"] == "Fumo"


def test_a_chat_webhook_gets_slack_and_teams_text(smtp, sites):
    with WebhookReceiver() as hook:
        Webhook.objects.create(name="slack", url=hook.url, kind=Webhook.CHAT)
        case = deliver(sites, alert=True, text="Fumo")
        notify.tick()
    (delivered,) = hook.received
    text = json.loads(delivered.body)["text"]
    assert text.startswith("New case: Trattoria Roma") and f"/inbox/{case.pk}/" in text
    assert "X-Kiosk-Signature" not in delivered.headers


def test_an_admin_configures_deadlines_and_webhooks_in_the_admin(client, sites):
    boss = sites["boss"]
    boss.is_staff = boss.is_superuser = True  # as `createuser --admin` makes an admin
    boss.save()
    client.force_login(boss)
    for url in ("/admin/inbox/sitedeadlines/add/", "/admin/inbox/webhook/add/"):
        assert client.get(url).status_code == 200, url


def test_each_recipient_gets_the_mail_in_their_own_language(smtp, sites, settings):
    settings.LANGUAGE_CODE = "en"
    User.objects.filter(pk=sites["anna"].pk).update(language="ru")
    case = deliver(sites, alert=True, text="Fumo in cucina")
    notify.tick()
    received = {
        m["To"]: m
        for m in (
            email.message_from_bytes(i.data, policy=email.policy.default) for i in smtp.received
        )
    }
    russian = received["anna@example.com"]
    assert russian["Subject"].strip() == "[Trattoria Roma] Новое обращение"
    body = russian.get_content()
    assert "ТРЕВОГА" in body and "оценка 2/5" in body
    assert f"Открыть обращение: https://manager.example.com/inbox/{case.pk}/" in body
    english = received["bruno@example.com"]
    assert english["Subject"] == "[Trattoria Roma] New case"
    assert "Open the case:" in english.get_content()
    # Overdue, assigned to her: the reminder is in Russian too, the status in her words.
    Message.objects.filter(pk=case.pk).update(assignee=sites["anna"], status="in_progress")
    case.refresh_from_db()
    smtp.handler.received.clear()
    notify.tick(case.due_at + datetime.timedelta(minutes=1))
    (overdue,) = [
        email.message_from_bytes(i.data, policy=email.policy.default) for i in smtp.received
    ]
    assert overdue["Subject"].strip() == "[Trattoria Roma] Просроченное обращение"
    assert "а статус всё ещё «в работе»" in overdue.get_content()


# ------------------------------------------------------------------ terminals


def report(sites, **changes):
    body = {
        "at": "2026-11-22T15:00:00+01:00",
        "version": "0.3.1",
        "dialog_sha256": "",
        "queue": {"pending": 0, "rejected": 0, "oldest_pending_at": None},
        "camera": "ok",
        "microphone": "ok",
        **changes,
    }
    response = sites["client"].put(
        "/api/v1/terminals/rome-01/status",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {sites['token']}"},
    )
    assert response.status_code == 204


@pytest.fixture
def rome_admin(sites):
    """An admin who looks after Rome; the other admin, boss, has no site of his own."""
    rita = User.objects.create_user("rita", email="rita@example.com", role=User.ADMIN)
    rita.sites.set([sites["rome"]])
    return rita


def test_a_silent_terminal_mails_its_sites_admin_once_per_incident(
    smtp, sites, rome_admin, settings
):
    settings.SILENT_AFTER_S = 15 * 60
    report(sites)
    start = timezone.now()
    notify.tick(start + datetime.timedelta(minutes=14))
    assert mails(smtp) == []
    later = start + datetime.timedelta(minutes=16)
    notify.tick(later)
    notify.tick(later + datetime.timedelta(minutes=1))  # still silent: told already
    [sent] = mails(smtp)
    assert sent["To"] == "rita@example.com"
    assert sent["Subject"] == "[Trattoria Roma] Terminal rome-01 is silent"
    body = sent.get_payload(decode=True).decode()
    assert "https://manager.example.com/terminals/rome-01/" in body
    assert "rome-01 at Trattoria Roma: last seen" in body

    # It comes back: the flag clears; silent again later, a new incident is told again.
    report(sites)
    notify.tick(timezone.now())
    assert len(mails(smtp)) == 1
    notify.tick(timezone.now() + datetime.timedelta(minutes=16))
    assert len(mails(smtp)) == 2


def test_a_failed_camera_is_told_once_and_every_admin_hears_when_none_has_the_site(smtp, sites):
    report(sites, camera="error")
    notify.tick()
    notify.tick()
    [sent] = mails(smtp)
    assert sent["To"] == "boss@example.com"  # no admin has Rome as a site: every admin
    assert sent["Subject"] == "[Trattoria Roma] Terminal rome-01: a device failed"
    assert "camera error" in sent.get_payload(decode=True).decode()
    assert Notice.objects.filter(kind="terminal").count() == 1
