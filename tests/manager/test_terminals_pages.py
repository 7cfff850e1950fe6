"""The terminals pages through Django's test client: health, flags, history, enrolment, roles."""

from __future__ import annotations

import datetime
import hashlib
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from dialog_config import DEFAULT_DIALOG
from manager.accounts.models import User
from manager.dialogs.models import DialogVersion
from manager.fleet.models import Terminal
from support.manager_live import USER_PASSWORD
from support.manager_messages import make_terminal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]
DIALOG = DEFAULT_DIALOG.read_text(encoding="utf-8")


def status(**changes) -> dict:
    body = {
        "at": "2026-11-22T15:00:00+01:00",
        "version": "0.3.1",
        "dialog_sha256": "c" * 64,
        "dialog_errors": [],
        "queue": {
            "pending": 3,
            "rejected": 0,
            "oldest_pending_at": "2026-11-22T14:00:00+01:00",
            "targets": {"manager": {"pending": 3, "rejected": 0}, "email": {"pending": 1}},
        },
        "last_delivery_at": None,
        "disk_free_bytes": 12_300_000_000,
        "camera": "ok",
        "microphone": "ok",
        "display": "ok",
        "uptime_s": 12.5,
    }
    body.update(changes)
    return body


def put_status(client, terminal_id, token, body):
    response = client.put(
        f"/api/v1/terminals/{terminal_id}/status",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 204, response.content
    return response


def person(name, *sites, role=User.MANAGER):
    user = User.objects.create_user(name, password=USER_PASSWORD, role=role)
    user.sites.set(sites)
    return user


def signed_in(user, *, csrf: bool = False) -> Client:
    browser = Client(enforce_csrf_checks=csrf)
    browser.force_login(user)
    return browser


@pytest.fixture
def fleet(client):
    rome, rome_token = make_terminal("rome-01", "Trattoria Roma")
    milan, milan_token = make_terminal("milano-01", "Trattoria Milano")
    return {
        "rome": rome,
        "milan": milan,
        "tokens": {"rome-01": rome_token, "milano-01": milan_token},
        "client": client,
    }


def row(html: str, terminal_id: str) -> str:
    found = re.search(
        rf'<li class="row terminal[^"]*" data-terminal="{terminal_id}">.*?</li>\n', html, re.S
    )
    assert found, f"no row for {terminal_id}"
    return found.group(0)


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))


def test_the_pages_send_an_anonymous_visitor_to_sign_in(client, fleet):
    for url in ("/terminals/", "/terminals/rome-01/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_a_manager_sees_the_health_of_their_sites_terminals_only(fleet):
    put_status(fleet["client"], "rome-01", fleet["tokens"]["rome-01"], status())
    put_status(fleet["client"], "milano-01", fleet["tokens"]["milano-01"], status())
    anna = signed_in(person("anna", fleet["rome"].site))
    page = anna.get("/terminals/")
    html = page.content.decode()
    assert "milano-01" not in html and "Trattoria Milano" not in html
    rome = text(row(html, "rome-01"))
    assert "Trattoria Roma" in rome
    assert "Camera ok" in rome and "Microphone ok" in rome and "Display ok" in rome
    assert "Disk free 12.3 GB" in rome
    assert "email: 1" in rome and "manager: 3" in rome
    assert "Software 0.3.1" in rome
    assert "flagged" not in row(html, "rome-01")
    assert 'href="/terminals/"' in html  # in the navigation
    # Another site's terminal does not exist for her, nor may she act on her own.
    assert anna.get("/terminals/milano-01/").status_code == 404
    assert anna.post("/terminals/rome-01/revoke/").status_code == 403
    assert anna.post("/terminals/add/", {"terminal_id": "x-1"}).status_code == 403
    assert Terminal.objects.get(terminal_id="rome-01").active


def test_a_terminal_reporting_its_camera_failed_is_flagged(fleet):
    put_status(fleet["client"], "rome-01", fleet["tokens"]["rome-01"], status(camera="error"))
    put_status(fleet["client"], "milano-01", fleet["tokens"]["milano-01"], status(camera="off"))
    boss = signed_in(person("boss", role=User.ADMIN))
    html = boss.get("/terminals/").content.decode()
    rome, milan = row(html, "rome-01"), row(html, "milano-01")
    assert 'class="row terminal flagged"' in rome and "camera: error" in text(rome)
    # A camera switched off on purpose is no failure.
    assert "flagged" not in milan and "Camera off" in text(milan)
    assert "1 terminal needs attention." in html
    # The flagged come first.
    assert html.index('data-terminal="rome-01"') < html.index('data-terminal="milano-01"')


def test_a_silent_terminal_is_flagged_after_the_configured_time(fleet, settings):
    settings.SILENT_AFTER_S = 5 * 60
    put_status(fleet["client"], "rome-01", fleet["tokens"]["rome-01"], status())
    boss = signed_in(person("boss", role=User.ADMIN))
    assert "flagged" not in row(boss.get("/terminals/").content.decode(), "rome-01")
    Terminal.objects.filter(terminal_id="rome-01").update(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    flagged = row(boss.get("/terminals/").content.decode(), "rome-01")
    assert "flagged" in flagged and "silent" in text(flagged)
    assert "more than 5 minutes" in boss.get("/terminals/").content.decode()


def test_the_history_shows_only_the_reports_where_health_changed(fleet):
    token = fleet["tokens"]["rome-01"]
    for pending in (1, 2, 3):  # heartbeats: only the queue moves
        put_status(fleet["client"], "rome-01", token, status(queue={"pending": pending}))
    put_status(fleet["client"], "rome-01", token, status(microphone="missing"))
    put_status(fleet["client"], "rome-01", token, status(microphone="missing"))
    put_status(fleet["client"], "rome-01", token, status(version="0.3.2"))
    anna = signed_in(person("anna", fleet["rome"].site))
    html = anna.get("/terminals/rome-01/").content.decode()
    history = html[html.index("Health history") :]
    rows = re.findall(r"<tr><td>.*?</tr>", history, re.S)
    assert len(rows) == 3
    newest, middle, first = (text(r) for r in rows)
    assert "0.3.2" in newest and "missing" in middle and "0.3.1" in first
    assert "missing" not in first


def test_the_dialog_column_shows_the_applied_version_and_a_refusal_with_its_reasons(fleet):
    version = DialogVersion.publish("restaurant", DIALOG)
    version.assign(site=fleet["rome"].site)
    applied = hashlib.sha256(DIALOG.encode()).hexdigest()
    put_status(
        fleet["client"], "rome-01", fleet["tokens"]["rome-01"], status(dialog_sha256=applied)
    )
    newer = DialogVersion.publish("restaurant", DIALOG + "\n# v2\n")
    newer.assign(terminal=fleet["milan"])
    put_status(
        fleet["client"],
        "milano-01",
        fleet["tokens"]["milano-01"],
        status(dialog_sha256=applied, dialog_errors=["dialog.yaml:3:5: topics: too many"]),
    )
    html = signed_in(person("boss", role=User.ADMIN)).get("/terminals/").content.decode()
    rome, milan = text(row(html, "rome-01")), text(row(html, "milano-01"))
    assert f"restaurant v1 {applied[:12]}" in rome and "refused" not in rome
    assert "restaurant v1" in milan and "refused restaurant v2" in milan
    assert "dialog.yaml:3:5: topics: too many" in milan


def test_an_admin_adds_a_terminal_and_its_code_and_qr_code_enrol_it(fleet, settings):
    settings.PUBLIC_URL = "https://feedback.example.com"
    boss = signed_in(person("boss", role=User.ADMIN))
    form = boss.get("/terminals/").content.decode()
    assert 'action="/terminals/add/"' in form
    page = boss.post(
        "/terminals/add/",
        {"terminal_id": "rome-07", "site": fleet["rome"].site.pk, "description": "Ingresso"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    code = re.search(r'<code id="enrolment-code">([A-Z0-9-]+)</code>', html).group(1)
    link = f"https://feedback.example.com/api#code={code}"
    assert f"kiosk enroll {link}" in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert f"<title>{link}</title>" in svg and "<path" in svg
    listed = text(row(boss.get("/terminals/").content.decode(), "rome-07"))
    assert "awaiting enrolment" in listed and "Ingresso" in listed
    enrolled = fleet["client"].post(
        "/api/v1/enrolment", {"code": code}, content_type="application/json"
    )
    assert enrolled.status_code == 200 and enrolled.json()["terminal_id"] == "rome-07"
    again = boss.post("/terminals/add/", {"terminal_id": "rome-07", "site": fleet["rome"].site.pk})
    assert again.status_code == 302
    assert "rome-07 exists" in boss.get("/terminals/").content.decode()


def test_rotate_stops_the_old_token_and_revoke_stops_the_terminal(fleet):
    boss = signed_in(person("boss", role=User.ADMIN))
    old = fleet["tokens"]["rome-01"]
    rotated = boss.post("/terminals/rome-01/rotate/")
    code = re.search(r'<code id="enrolment-code">([A-Z0-9-]+)</code>', rotated.content.decode())
    body = json.dumps(status())
    url = "/api/v1/terminals/rome-01/status"
    refused = fleet["client"].put(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {old}"}
    )
    assert refused.status_code == 401
    new = fleet["client"].post(
        "/api/v1/enrolment", {"code": code.group(1)}, content_type="application/json"
    )
    token = new.json()["token"]
    put_status(fleet["client"], "rome-01", token, status())
    revoked = boss.post("/terminals/rome-01/revoke/", follow=True)
    assert "rome-01 is revoked" in revoked.content.decode()
    again = fleet["client"].put(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert again.status_code == 401


def test_the_actions_need_the_csrf_token(fleet):
    boss = person("boss", role=User.ADMIN)
    browser = signed_in(boss, csrf=True)
    for url in ("/terminals/rome-01/revoke/", "/terminals/rome-01/rotate/", "/terminals/add/"):
        assert browser.post(url, {"terminal_id": "rome-09"}).status_code == 403, url
    assert Terminal.objects.get(terminal_id="rome-01").active
    assert not Terminal.objects.filter(terminal_id="rome-09").exists()
    page = browser.get("/terminals/rome-01/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    done = browser.post("/terminals/rome-01/revoke/", {"csrfmiddlewaretoken": token.group(1)})
    assert done.status_code == 302
    assert not Terminal.objects.get(terminal_id="rome-01").active


def test_the_page_speaks_the_readers_language(fleet, settings):
    put_status(fleet["client"], "rome-01", fleet["tokens"]["rome-01"], status(camera="missing"))
    boss = signed_in(person("boss", role=User.ADMIN))
    for language, words in (
        ("ru", ["Терминалы", "1 терминал требует внимания.", "Камера"]),
        ("it", ["Terminali", "1 terminale richiede attenzione.", "assente"]),
        ("ko", ["단말기", "주의가 필요한 단말기 1대", "마이크"]),
    ):
        boss.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = boss.get("/terminals/").content.decode()
        for word in words:
            assert word in html, (language, word)
