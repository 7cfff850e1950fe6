"""A one-time code exchanged for the terminal's token: once, before it expires."""

from __future__ import annotations

import datetime

import pytest

from manager.accounts.models import AuditRecord
from manager.fleet.models import Terminal
from support.manager_messages import make_terminal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]


def enrol(client, code):
    return client.post("/api/v1/enrolment", {"code": code}, content_type="application/json")


def test_a_code_gives_a_working_token_once(client):
    terminal, old_token = make_terminal()
    code = terminal.issue_enrolment_code()
    terminal.save()
    response = enrol(client, code.lower().replace("-", " "))
    assert response.status_code == 200
    answer = response.json()
    assert answer["terminal_id"] == "rome-01" and answer["site"] == "Trattoria Roma"
    assert Terminal.authenticate(answer["token"]) == terminal
    assert Terminal.authenticate(old_token) is None
    again = enrol(client, code)
    assert again.status_code == 403 and "unknown, used or expired" in again.json()["detail"]
    assert AuditRecord.objects.filter(action="enrol", object_id="rome-01").count() == 1


def test_an_expired_code_is_refused(client):
    terminal, _ = make_terminal()
    code = terminal.issue_enrolment_code(datetime.timedelta(seconds=-1))
    terminal.save()
    assert enrol(client, code).status_code == 403


def test_a_revoked_terminal_cannot_enrol(client):
    terminal, _ = make_terminal()
    code = terminal.issue_enrolment_code()
    terminal.revoke()
    terminal.save()
    assert enrol(client, code).status_code == 403


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        ('{"code": 5}', "application/json", 422),
        ('{"code": "A", "more": 1}', "application/json", 422),
        ("{", "application/json", 400),
        ("code=ABCD", "application/x-www-form-urlencoded", 415),
    ],
)
def test_bad_requests(client, data, content_type, status):
    response = client.post("/api/v1/enrolment", data, content_type=content_type)
    assert response.status_code == status
