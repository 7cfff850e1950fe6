"""The real terminal against a real ``kiosk-manager serve``: messages, media, dialog, status."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import httpx
import pytest

from dialog_config import DEFAULT_DIALOG
from support.manager_live import LiveManager
from support.media_samples import jpeg, ogg_opus
from support.terminal_cli import kiosk, terminal_settings
from sync.outbox import Outbox

#: The real terminal against a live manager: about 10 s a test.
pytestmark = pytest.mark.slow


@pytest.fixture
def manager(tmp_path):
    with LiveManager(tmp_path / "manager") as live:
        yield live
    assert "Traceback" not in live.output()


def test_a_message_its_media_the_dialog_and_the_status_arrive_as_the_terminal_sent_them(
    tmp_path, manager
):
    token_file = tmp_path / "manager-token"
    manager.add_terminal("rome-01", "Trattoria Roma", token_file)
    token_file.chmod(0o600)
    reader = manager.user_token("boss", admin=True)
    # The manager assigns its own version of the dialog: one label changed.
    assigned = DEFAULT_DIALOG.read_text(encoding="utf-8")
    assigned = assigned.replace("\n", "\n# assigned by the manager\n", 1)
    published = tmp_path / "assigned.yaml"
    published.write_text(assigned, encoding="utf-8")
    manager.run("dialog", "publish", str(published), "--terminal", "rome-01")
    settings = terminal_settings(tmp_path, manager.url, token_file)

    doctor = kiosk("doctor", "--send-test", "--json", settings=settings)
    checks = {check["name"]: check for check in json.loads(doctor.stdout)["checks"]}
    assert checks["test message"]["state"] == "ok", doctor.stdout
    photo, voice = jpeg(seed=1), ogg_opus(seed=1)
    visitor = {
        "terminal_id": "rome-01",
        "site": "Trattoria Roma",
        "locale": "it",
        "created_at": "2026-11-22T15:04:05.123+01:00",
        "dialog": {"version": 1, "sha256": "b" * 64},
        "rating": {"kind": "smileys", "value": 1, "scale": 5},
        "path": [
            {"level": "topic", "id": "food", "label": "Cibo"},
            {"level": "category", "id": "taste", "label": "Gusto"},
        ],
        "tone": "complaint",
        "alert": True,
        "text": "Troppo sale <b>davvero</b>",
        "callback": {"name": "Anna", "phone": "+393401234567", "consent": True},
        "photo": {"width": 640, "height": 480},
        "voice": {"duration_s": 2.0},
    }
    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        visitor_id = box.add(visitor, photo=photo, voice=voice)

    sync = kiosk("sync", "--once", settings=settings)
    assert sync.returncode == 0, sync.stderr

    page = httpx.get(
        f"{manager.url}/v1/export/messages", headers={"Authorization": f"Bearer {reader}"}
    ).json()
    by_id = {item["message"]["id"]: item for item in page["items"]}
    assert len(by_id) == 2 and page["next"] is None
    stored = by_id[visitor_id]
    for key in (
        "terminal_id",
        "site",
        "created_at",
        "locale",
        "rating",
        "path",
        "tone",
        "alert",
        "text",
        "callback",
    ):
        assert stored["message"][key] == visitor[key], key
    assert stored["message"]["photo"]["sha256"] == hashlib.sha256(photo).hexdigest()
    assert stored["manager_site"]["name"] == "Trattoria Roma"
    assert stored["case"]["status"] == "new"
    for kind, data in (("photo", photo), ("voice", voice)):
        download = httpx.get(stored["media"][kind], headers={"Authorization": f"Bearer {reader}"})
        assert download.status_code == 200
        assert download.content == data
    # Without a token, the media are not served.
    assert httpx.get(stored["media"]["photo"]).status_code == 401

    # The terminal applied the assigned dialog, byte for byte.
    assert (tmp_path / "dialog.yaml").read_text(encoding="utf-8") == assigned
    # Its status reached the manager; the next one reports the new dialog.
    sync = kiosk("sync", "--once", settings=settings)
    assert sync.returncode == 0, sync.stderr
    with sqlite3.connect(manager.data_dir / "manager.sqlite3") as db:
        (last_status,) = db.execute(
            "SELECT last_status FROM fleet_terminal WHERE terminal_id = 'rome-01'"
        ).fetchone()
        (history,) = db.execute("SELECT count(*) FROM fleet_terminalstatus").fetchone()
    status = json.loads(last_status)
    assert status["dialog_sha256"] == hashlib.sha256(assigned.encode()).hexdigest()
    assert status["dialog_errors"] == []
    assert history == 2


def test_a_message_whose_voice_file_was_lost_on_the_terminal_arrives_saying_so(tmp_path, manager):
    token_file = tmp_path / "manager-token"
    manager.add_terminal("rome-01", "Trattoria Roma", token_file)
    token_file.chmod(0o600)
    reader = manager.user_token("boss", admin=True)
    settings = terminal_settings(tmp_path, manager.url, token_file)
    photo = jpeg(seed=2)
    visitor = {
        "terminal_id": "rome-01",
        "site": "Trattoria Roma",
        "locale": "en",
        "created_at": "2026-11-22T15:04:05.123+01:00",
        "dialog": {"version": 1, "sha256": "c" * 64},
        "rating": None,
        "path": [{"level": "topic", "id": "food", "label": "Food"}],
        "tone": "complaint",
        "alert": True,
        "text": "Cold soup",
        "callback": None,
        "photo": {"width": 640, "height": 480},
        "voice": {"duration_s": 2.0},
    }
    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        visitor_id = box.add(visitor, photo=photo, voice=ogg_opus(seed=2))
    voice_files = list((tmp_path / "data" / "media").glob(f"{visitor_id}.voice.*"))
    assert len(voice_files) == 1
    voice_files[0].unlink()

    sync = kiosk("sync", "--once", settings=settings)
    assert sync.returncode == 0, sync.stderr

    page = httpx.get(
        f"{manager.url}/v1/export/messages", headers={"Authorization": f"Bearer {reader}"}
    ).json()
    (stored,) = [item for item in page["items"] if item["message"]["id"] == visitor_id]
    assert stored["message"]["text"] == "Cold soup"
    assert stored["message"]["voice"] is None
    assert stored["message"]["lost_attachments"] == ["voice"]
    download = httpx.get(stored["media"]["photo"], headers={"Authorization": f"Bearer {reader}"})
    assert download.content == photo
