"""The inbox pages through Django's test client: sign-in, roles, sites, filters, case actions."""

from __future__ import annotations

import re

import pytest

from manager.accounts.models import AuditRecord, User
from manager.inbox.models import Message
from support.manager_live import USER_PASSWORD
from support.manager_messages import PHOTO, VOICE, make_terminal, message, post_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]


@pytest.fixture
def local_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "manager.storage.DurableFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def person(name, *sites, role=User.MANAGER):
    user = User.objects.create_user(name, password=USER_PASSWORD, role=role)
    user.sites.set(sites)
    return user


@pytest.fixture
def chain(client, local_media):
    """Two restaurants, one message with photo and voice at Rome, one at Milan."""
    rome, rome_token = make_terminal("rome-01", "Trattoria Roma")
    milan, milan_token = make_terminal("milano-01", "Trattoria Milano")
    rome.site.timezone = "Europe/Rome"
    rome.site.save()
    body = message("rome-01", photo=PHOTO, voice=VOICE, text="Il risotto era freddo")
    assert post_message(client, rome_token, body, photo=PHOTO, voice=VOICE).status_code == 201
    other = message("milano-01", text="Servizio lento a Milano")
    assert post_message(client, milan_token, other).status_code == 201
    return {
        "rome": rome.site,
        "milan": milan.site,
        "rome_message": Message.objects.get(pk=body["id"]),
        "milan_message": Message.objects.get(pk=other["id"]),
        "tokens": {"rome": rome_token, "milan": milan_token},
    }


def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, chain):
    rome_message = chain["rome_message"].pk
    for url in (
        "/inbox/",
        f"/inbox/{rome_message}/",
        f"/inbox/{rome_message}/photo/",
        f"/inbox/{rome_message}/voice/",
        "/inbox/trash/",
        "/inbox/audit/",
        "/accounts/password/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_sign_in_shows_the_inbox_with_the_site_time_and_media(client, chain):
    person("anna", chain["rome"])
    page = client.get("/accounts/login/")
    assert b'name="csrfmiddlewaretoken"' in page.content
    response = client.post(
        "/accounts/login/", {"username": "anna", "password": USER_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/inbox/"
    html = response.content.decode()
    assert "Il risotto era freddo" in html
    assert "Servizio lento" not in html
    # 15:04 at +01:00 is 15:04 in Rome.
    assert "2026-11-22 15:04" in html
    assert f"/inbox/{chain['rome_message'].pk}/photo/" in html
    assert "😙" not in html and "🙁" in html  # rating 2 of 5 as its face


def test_a_manager_of_another_site_gets_404_for_page_and_media(client, chain):
    client.force_login(person("marco", chain["milan"]))
    rome_message = chain["rome_message"].pk
    for url in (
        f"/inbox/{rome_message}/",
        f"/inbox/{rome_message}/photo/",
        f"/inbox/{rome_message}/voice/",
        f"/inbox/{rome_message}/voice/?download=1",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/inbox/{rome_message}/act/", {"action": "trash"}).status_code == 404
    client.post(
        "/inbox/bulk/", {"ids": [str(rome_message)], "action": "status", "status": "resolved"}
    )
    assert Message.objects.get(pk=rome_message).status == Message.NEW


def test_media_play_and_download_byte_for_byte(client, chain):
    client.force_login(person("anna", chain["rome"]))
    rome_message = chain["rome_message"].pk
    photo = client.get(f"/inbox/{rome_message}/photo/")
    assert photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content) == PHOTO
    voice = client.get(f"/inbox/{rome_message}/voice/?download=1")
    assert voice["Content-Type"] == "audio/ogg"
    assert voice["Content-Disposition"].startswith("attachment")
    assert b"".join(voice.streaming_content) == VOICE
    page = client.get(f"/inbox/{rome_message}/").content.decode()
    assert "<audio controls" in page and 'href="tel:' not in page


def test_a_visitors_script_stays_text(client, chain):
    client.force_login(person("anna", chain["rome"]))
    body = message("rome-01", text="<script>alert('x')</script> <b>bold</b>")
    assert post_message(client, chain["tokens"]["rome"], body).status_code == 201
    for url in ("/inbox/", f"/inbox/{body['id']}/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_case_actions_are_recorded_with_who_and_when(client, chain):
    anna = person("anna", chain["rome"])
    client.force_login(anna)
    rome_message = chain["rome_message"]
    url = f"/inbox/{rome_message.pk}/act/"
    second = message(
        "rome-01",
        text="Di nuovo freddo",
        path=[{"level": "topic", "id": "service", "label": "Servizio"}],
    )
    assert post_message(client, chain["tokens"]["rome"], second).status_code == 201
    client.post(url, {"action": "assign", "assignee": anna.pk})
    client.post(url, {"action": "tag", "tag": "kitchen"})
    client.post(url, {"action": "comment", "text": "Called the chef <b>now</b>"})
    client.post(url, {"action": "qualify", "path": "Servizio"})
    client.post(f"/inbox/{second['id']}/act/", {"action": "merge", "into": rome_message.pk})
    client.post(url, {"action": "status", "status": "resolved"})
    rome_message.refresh_from_db()
    assert rome_message.assignee == anna
    assert rome_message.status == Message.RESOLVED
    assert [t.name for t in rome_message.tags.all()] == ["kitchen"]
    assert rome_message.path[0]["label"] == "Cibo"
    assert rome_message.qualified_path[0]["label"] == "Servizio"
    assert Message.objects.get(pk=second["id"]).merged_into_id == rome_message.pk
    kinds = [e.kind for e in rome_message.events.all()]
    assert kinds == ["assignee", "status", "tag", "comment", "qualify", "merged", "status"]
    page = client.get(f"/inbox/{rome_message.pk}/").content.decode()
    assert "Called the chef &lt;b&gt;now&lt;/b&gt;" in page
    assert "Di nuovo freddo" in page  # the repeat is listed in the case
    assert "anna" in page
    # The merged repeat leaves the inbox; the case stays (resolved cases leave the default view).
    listing = client.get("/inbox/?status=all").content.decode()
    assert "Di nuovo freddo" not in listing and "Il risotto era freddo" in listing
    assert "<span>+1</span>" in listing  # the case's row counts its repeat


def test_a_viewer_reads_but_cannot_change(client, chain):
    client.force_login(person("vera", chain["rome"], role=User.VIEWER))
    rome_message = chain["rome_message"].pk
    page = client.get(f"/inbox/{rome_message}/")
    assert page.status_code == 200 and b"Set status" not in page.content
    assert client.post(f"/inbox/{rome_message}/act/", {"action": "trash"}).status_code == 403
    assert client.get("/inbox/audit/").status_code == 403


def test_csrf_is_required_on_every_form(chain):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    anna = person("anna", chain["rome"])
    strict.force_login(anna)
    rome_message = chain["rome_message"].pk
    for url, data in (
        (f"/inbox/{rome_message}/act/", {"action": "status", "status": "resolved"}),
        ("/inbox/bulk/", {"ids": [str(rome_message)], "action": "status", "status": "resolved"}),
        ("/accounts/password/", {}),
        ("/accounts/logout/", {}),
    ):
        assert strict.post(url, data).status_code == 403, url
    assert Message.objects.get(pk=rome_message).status == Message.NEW
    assert (
        Client(enforce_csrf_checks=True)
        .post("/accounts/login/", {"username": "anna", "password": USER_PASSWORD})
        .status_code
        == 403
    )


def test_repeated_failures_pause_sign_in_even_with_the_right_password(client, chain):
    person("anna", chain["rome"])
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "anna", "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": "anna", "password": USER_PASSWORD})
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_filters_search_and_keyset_pages(client, chain):
    client.force_login(person("admin", role=User.ADMIN))
    token = chain["tokens"]["rome"]
    ids = []
    for minute in range(55):
        body = message(
            "rome-01",
            text=f"numero {minute}",
            alert=False,
            tone="praise",
            created_at=f"2026-11-23T10:{minute:02d}:00.000+01:00",
        )
        assert post_message(client, token, body).status_code == 201
        ids.append(body["id"])
    first = client.get("/inbox/?site=trattoria-roma&tone=praise").content.decode()
    shown = re.findall(r'data-id="([0-9a-f-]+)"', first)
    assert shown == list(reversed(ids))[:50]
    following = re.search(r'href="(\?[^"]*before=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get("/inbox/" + following).content.decode()
    assert re.findall(r'data-id="([0-9a-f-]+)"', second) == list(reversed(ids))[50:]
    found = client.get("/inbox/?q=risotto").content.decode()
    assert re.findall(r'data-id="([0-9a-f-]+)"', found) == [str(chain["rome_message"].pk)]
    photos = client.get("/inbox/?photo=yes").content.decode()
    assert re.findall(r'data-id="([0-9a-f-]+)"', photos) == [str(chain["rome_message"].pk)]
    milan = client.get("/inbox/?site=trattoria-milano").content.decode()
    assert re.findall(r'data-id="([0-9a-f-]+)"', milan) == [str(chain["milan_message"].pk)]


def test_newer_rows_only_for_the_live_update(client, chain):
    client.force_login(person("anna", chain["rome"]))
    page = client.get("/inbox/").content.decode()
    newest = re.search(r'data-newest="([^"]+)"', page).group(1)
    assert client.get(f"/inbox/?after={newest}").content.decode().strip() == ""
    body = message("rome-01", text="Appena arrivato", created_at="2026-11-22T16:00:00.000+01:00")
    assert post_message(client, chain["tokens"]["rome"], body).status_code == 201
    rows = client.get(f"/inbox/?after={newest}").content.decode()
    assert re.findall(r'data-id="([0-9a-f-]+)"', rows) == [body["id"]]


def test_trash_restore_and_purge_after_thirty_days(client, chain):
    import datetime

    from django.utils import timezone

    from manager.inbox.cases import purge_trash

    client.force_login(person("anna", chain["rome"]))
    rome_message = chain["rome_message"]
    client.post(f"/inbox/{rome_message.pk}/act/", {"action": "trash"})
    assert "Il risotto" not in client.get("/inbox/").content.decode()
    assert "Il risotto" in client.get("/inbox/trash/").content.decode()
    client.post(f"/inbox/{rome_message.pk}/act/", {"action": "restore"})
    assert "Il risotto" in client.get("/inbox/").content.decode()
    client.post(f"/inbox/{rome_message.pk}/act/", {"action": "trash"})
    photo_path = Message.objects.get(pk=rome_message.pk).photo.path
    assert purge_trash(timezone.now() + datetime.timedelta(days=29)) == 0
    assert purge_trash(timezone.now() + datetime.timedelta(days=31)) == 1
    assert not Message.objects.filter(pk=rome_message.pk).exists()
    import os

    assert not os.path.exists(photo_path)


def test_opening_a_message_is_audited_and_admins_see_the_audit(client, chain):
    client.force_login(person("anna", chain["rome"]))
    client.get(f"/inbox/{chain['rome_message'].pk}/")
    assert AuditRecord.objects.filter(action="open", actor_label="anna").count() == 1
    client.force_login(person("boss", role=User.ADMIN))
    audit = client.get("/inbox/audit/").content.decode()
    assert "anna" in audit and "open" in audit


def test_bulk_assign_status_and_tag(client, chain):
    anna = person("anna", chain["rome"], chain["milan"])
    client.force_login(anna)
    both = [str(chain["rome_message"].pk), str(chain["milan_message"].pk)]
    client.post("/inbox/bulk/", {"ids": both, "action": "assign", "assignee": anna.pk})
    client.post("/inbox/bulk/", {"ids": both, "action": "tag", "tag": "monday"})
    client.post("/inbox/bulk/", {"ids": both, "action": "status", "status": "dismissed"})
    for case in Message.objects.filter(pk__in=both):
        assert case.assignee == anna and case.status == Message.DISMISSED
        assert [t.name for t in case.tags.all()] == ["monday"]


def test_session_cookie_is_secure_and_httponly_outside_development():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "KIOSK_MANAGER_PUBLIC_URL": "https://manager.example.com",
        "KIOSK_MANAGER_DEBUG": "false",
    }
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,"
            " settings.CSRF_COOKIE_SECURE)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == ["True", "True", "True"]


def test_media_answer_a_range_request_with_that_part(client, chain):
    client.force_login(person("anna", chain["rome"]))
    voice = client.get(
        f"/inbox/{chain['rome_message'].pk}/voice/", headers={"Range": "bytes=10-19"}
    )
    assert voice.status_code == 206
    assert voice["Content-Range"] == f"bytes 10-19/{len(VOICE)}"
    assert voice.content == VOICE[10:20]
    tail = client.get(f"/inbox/{chain['rome_message'].pk}/voice/", headers={"Range": "bytes=-5"})
    assert tail.content == VOICE[-5:]


@pytest.mark.parametrize(
    ("language", "inbox", "status"),
    [
        ("en", "Inbox", "new"),
        ("ru", "Входящие", "новое"),
        ("it", "Posta in arrivo", "nuovo"),
        ("ko", "받은 메시지", "새 건"),
    ],
)
def test_the_pages_speak_the_managers_language(client, chain, language, inbox, status):
    client.force_login(person("anna", chain["rome"]))
    html = client.get("/inbox/", headers={"Accept-Language": language}).content.decode()
    assert f'<html lang="{language}">' in html
    assert f">{inbox}</a>" in html
    assert f'<span class="status">{status}</span>' in html


def test_password_change_is_the_managers_page_and_works(client, chain):
    client.force_login(person("anna", chain["rome"]))
    page = client.get("/accounts/password/").content.decode()
    assert "Django administration" not in page and "manager.css" in page
    new = "another long enough password 43"
    done = client.post(
        "/accounts/password/",
        {"old_password": USER_PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/password/done/"
    assert User.objects.get(username="anna").check_password(new)


def test_changes_and_exports_reach_the_admins_audit_without_their_content(client, chain):
    from manager.accounts.models import ApiToken

    anna = person("anna", chain["rome"])
    client.force_login(anna)
    client.post(
        f"/inbox/{chain['rome_message'].pk}/act/", {"action": "comment", "text": "private note"}
    )
    token = ApiToken.create_for(anna)[1]
    client.get("/api/v1/export/messages", headers={"Authorization": f"Bearer {token}"})
    actions = list(AuditRecord.objects.filter(actor=anna).values_list("action", flat=True))
    assert "case comment" in actions and "export" in actions
    assert "private note" not in str(list(AuditRecord.objects.values_list("detail", flat=True)))


def test_behind_the_proxy_one_address_failing_does_not_pause_another(client, chain, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    person("anna", chain["rome"])
    for attempt in range(20):
        client.post(
            "/accounts/login/",
            {"username": f"guess{attempt % 4}", "password": "wrong"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
    blocked = client.post(
        "/accounts/login/",
        {"username": "anna", "password": USER_PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert b"Too many failed sign-ins" in blocked.content
    allowed = client.post(
        "/accounts/login/",
        {"username": "anna", "password": USER_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert allowed.status_code == 302
