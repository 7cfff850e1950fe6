"""The dialog a terminal fetches (ETag, 304, 404) and the status it reports."""

from __future__ import annotations

import json

import pytest

from dialog_config import DEFAULT_DIALOG
from manager.dialogs.models import DialogError, DialogVersion
from manager.fleet.models import TerminalStatus
from support.manager_messages import make_terminal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]

DIALOG = DEFAULT_DIALOG.read_text(encoding="utf-8")
STATUS = {
    "at": "2026-11-22T15:00:00+01:00",
    "version": "0.1.0",
    "dialog_sha256": "c" * 64,
    "dialog_errors": [],
    "queue": {"pending": 3, "rejected": 0, "oldest_pending_at": "2026-11-22T14:00:00+01:00"},
    "last_delivery_at": None,
    "disk_free_bytes": 10**9,
    "camera": "ok",
    "microphone": "error",
    "uptime_s": 12.5,
}


def get_dialog(client, terminal_id, token, etag=None):
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(f"/api/v1/terminals/{terminal_id}/dialog", headers=headers)


def put_status(client, terminal_id, token, body, content_type="application/json"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.put(
        f"/api/v1/terminals/{terminal_id}/status",
        data,
        content_type=content_type,
        headers={"Authorization": f"Bearer {token}"},
    )


def test_no_dialog_assigned_is_404(client):
    _, token = make_terminal()
    assert get_dialog(client, "rome-01", token).status_code == 404


def test_the_assigned_dialog_with_a_strong_etag_then_304(client):
    terminal, token = make_terminal()
    version = DialogVersion.publish("restaurant", DIALOG)
    version.assign(site=terminal.site)
    response = get_dialog(client, "rome-01", token)
    assert response.status_code == 200
    assert response.content.decode("utf-8") == DIALOG
    assert response["Content-Type"].startswith("application/yaml")
    etag = response["ETag"]
    assert etag == f'"{version.sha256}"' and not etag.startswith("W/")
    unchanged = get_dialog(client, "rome-01", token, etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert get_dialog(client, "rome-01", token, f"W/{etag}").status_code == 304
    assert get_dialog(client, "rome-01", token, '"other"').status_code == 200


def test_a_terminal_assignment_wins_over_its_sites(client):
    terminal, token = make_terminal()
    make_terminal("rome-02")
    site_version = DialogVersion.publish("restaurant", DIALOG)
    site_version.assign(site=terminal.site)
    own = DialogVersion.publish("restaurant", DIALOG + "\n# rome-01 only\n")
    own.assign(terminal=terminal)
    assert get_dialog(client, "rome-01", token)["ETag"] == own.etag
    _, other_token = make_terminal("milano-01", "Trattoria Roma")
    assert get_dialog(client, "milano-01", other_token)["ETag"] == site_version.etag
    assert own.number == 2


def test_a_dialog_with_errors_cannot_be_published():
    with pytest.raises(DialogError) as caught:
        DialogVersion.publish(
            "broken", DIALOG.replace("version: 1", "version: 7", 1), file_name="broken.yaml"
        )
    assert caught.value.problems[0].startswith("broken.yaml:")
    assert DialogVersion.objects.count() == 0


def test_another_terminals_dialog_and_status_are_403(client):
    terminal, token = make_terminal()
    other, _ = make_terminal("milano-01", "Trattoria Milano")
    DialogVersion.publish("restaurant", DIALOG).assign(terminal=other)
    response = get_dialog(client, "milano-01", token)
    assert response.status_code == 403
    assert DIALOG[:40] not in response.content.decode()
    assert put_status(client, "milano-01", token, STATUS).status_code == 403
    assert TerminalStatus.objects.count() == 0


def test_the_status_is_the_latest_health_and_kept_as_history(client):
    terminal, token = make_terminal()
    assert put_status(client, "rome-01", token, STATUS).status_code == 204
    later = dict(STATUS, camera="error", at="2026-11-22T15:05:00+01:00")
    assert put_status(client, "rome-01", token, later).status_code == 204
    terminal.refresh_from_db()
    assert terminal.last_status == later and terminal.last_seen_at is not None
    history = list(TerminalStatus.objects.filter(terminal=terminal).order_by("received_at"))
    assert [entry.camera for entry in history] == ["ok", "error"]
    assert history[0].data == STATUS and history[0].microphone == "error"


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        ("{broken", "application/json", 400),
        (json.dumps({"at": "now"}), "application/json", 422),
        (json.dumps(dict(STATUS, camera="melted")), "application/json", 422),
        (json.dumps(STATUS), "text/plain", 415),
    ],
)
def test_a_bad_status_is_refused_and_not_stored(client, body, content_type, status):
    _, token = make_terminal()
    response = put_status(client, "rome-01", token, body, content_type)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert TerminalStatus.objects.count() == 0


def test_a_revoked_terminal_gets_401_everywhere(client):
    terminal, token = make_terminal()
    terminal.revoke()
    terminal.save()
    assert get_dialog(client, "rome-01", token).status_code == 401
    assert put_status(client, "rome-01", token, STATUS).status_code == 401
