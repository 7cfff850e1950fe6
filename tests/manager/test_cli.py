"""kiosk-manager's commands as an IT person runs them, and ``kiosk enroll`` on a terminal."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import subprocess
import sys

import httpx
import pytest
import yaml
from backends import S3_ACCESS_KEY_ID, S3_REGION, S3_SECRET_ACCESS_KEY

from dialog_config import DEFAULT_DIALOG
from support.manager_live import PROJECT_ROOT, LiveManager, manager_env
from support.manager_messages import BOUNDARY, PHOTO, VOICE, message, message_parts, multipart


def kiosk(*args, settings):
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args, "--settings", str(settings)],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def manager(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    with LiveManager(folder / "manager") as live:
        yield live


def test_terminal_add_prints_the_token_once_and_stores_only_its_hash(manager):
    added = manager.run("terminal", "add", "lobby-01", "--site", "Clinica Nord").stdout
    token = re.search(r"token \(shown once; only its hash is kept\): (\S+)", added).group(1)
    assert re.search(r"enrolment code \(one use, until .*\): [A-Z0-9]{4}-[A-Z0-9]{4}-", added)
    with sqlite3.connect(manager.data_dir / "manager.sqlite3") as db:
        dump = "\n".join(db.iterdump())
    assert token not in dump and token.rsplit("_", 1)[-1] not in dump
    listed = manager.run("terminal", "list").stdout
    assert re.search(r"lobby-01\s+clinica-nord\s+awaiting enrolment\s+never", listed)
    again = manager.run("terminal", "add", "lobby-01", "--site", "Clinica Nord", check=False)
    assert again.returncode == 1 and "exists" in again.stderr


def test_token_files_are_0600_and_revoke_and_rotate_work_at_once(manager, tmp_path):
    token_file = tmp_path / "token"
    token = manager.add_terminal("lobby-02", "Clinica Nord", token_file)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    status = {"at": "2026-11-22T15:00:00Z", "version": "1", "dialog_sha256": "", "queue": {}}
    url = f"{manager.url}/v1/terminals/lobby-02/status"
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.put(url, json=status, headers=auth).status_code == 204
    manager.run("terminal", "revoke", "lobby-02")
    assert httpx.put(url, json=status, headers=auth).status_code == 401
    rotated = manager.run("terminal", "rotate", "lobby-02", "--token-file", str(token_file))
    assert "old token no longer works" in rotated.stdout
    new = {"Authorization": f"Bearer {token_file.read_text().strip()}"}
    assert httpx.put(url, json=status, headers=new).status_code == 204


def test_createuser_refuses_a_weak_password_and_an_unknown_site(manager, tmp_path):
    weak = tmp_path / "weak"
    weak.write_text("1234\n")
    result = manager.run("createuser", "eva", "--password-file", str(weak), check=False)
    assert result.returncode == 1 and "too weak" in result.stderr
    strong = tmp_path / "strong"
    strong.write_text("correct horse battery staple\n")
    result = manager.run(
        "createuser", "eva", "--password-file", str(strong), "--site", "Nowhere", check=False
    )
    assert result.returncode == 1 and "no site is named 'Nowhere'" in result.stderr
    manager.run("terminal", "add", "eva-01", "--site", "Clinica Sud")
    made = manager.run(
        "createuser",
        "eva",
        "--password-file",
        str(strong),
        "--site",
        "Clinica Sud",
        "--role",
        "viewer",
    ).stdout
    assert "created viewer 'eva': sees Clinica Sud" in made


def test_check_reports_one_line_each(manager):
    lines = manager.run("check").stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ok", "ok", "ok", "off"]
    assert [line.split()[1] for line in lines] == [
        "configuration:",
        "database:",
        "storage:",
        "mail:",
    ]


def test_check_fails_clearly_on_a_database_it_cannot_reach(tmp_path):
    env = manager_env(
        tmp_path / "data", DATABASE_URL="postgresql://nobody@127.0.0.1:9/none?connect_timeout=2"
    )
    result = subprocess.run(
        [sys.executable, "-m", "manager", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert re.search(r"^FAIL  database: postgresql none", result.stdout, re.MULTILINE)
    assert "→ check database_url" in result.stdout


def test_a_settings_file_with_an_unknown_key_is_one_clear_error(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('data_dir = "x"\n[storage]\nbucket = "b"\n')
    env = manager_env(tmp_path / "data", KIOSK_MANAGER_SETTINGS=str(settings))
    result = subprocess.run(
        [sys.executable, "-m", "manager", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"{settings}: unknown setting [storage] bucket; known here: s3_bucket" in result.stderr
    assert "Traceback" not in result.stderr


def test_kiosk_enroll_joins_the_terminal_and_it_delivers(manager, tmp_path):
    added = manager.run("terminal", "add", "rome-07", "--site", "Trattoria Roma").stdout
    code = re.search(r"kiosk enroll \S+ (\S+)", added).group(1)
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        f"data_dir: {tmp_path / 'data'}\ncamera:\n  source: false\nmicrophone:\n  device: false\n",
        encoding="utf-8",
    )
    enrolled = kiosk("enroll", manager.url, code.lower(), settings=settings)
    assert enrolled.returncode == 0, enrolled.stderr
    assert "systemctl restart kiosk-sync" in enrolled.stdout
    written = yaml.safe_load(settings.read_text())
    assert written["terminal_id"] == "rome-07" and written["site"] == "Trattoria Roma"
    token_file = tmp_path / "secrets" / "manager-token"
    assert written["sync"]["manager"] == {"url": manager.url, "token_file": str(token_file)}
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert (tmp_path / "settings.yaml.before-enroll").exists()
    assert kiosk("doctor", "--send-test", settings=settings).stdout.count("queued") == 1
    synced = kiosk("sync", "--once", settings=settings)
    assert synced.returncode == 0, synced.stderr
    with sqlite3.connect(manager.data_dir / "manager.sqlite3") as db:
        (count,) = db.execute(
            "SELECT count(*) FROM inbox_message m JOIN fleet_terminal t "
            "ON m.terminal_id = t.id WHERE t.terminal_id = 'rome-07'"
        ).fetchone()
    assert count == 1
    twice = kiosk("enroll", manager.url, code, settings=tmp_path / "other.yaml")
    assert twice.returncode == 1 and "unknown, used or expired" in twice.stderr


def test_kiosk_enroll_takes_the_enrolment_link_of_the_qr_code_alone(manager, tmp_path):
    added = manager.run("terminal", "add", "rome-08", "--site", "Trattoria Roma").stdout
    code = re.search(r"kiosk enroll \S+ (\S+)", added).group(1)
    settings = tmp_path / "settings.yaml"
    settings.write_text(f"data_dir: {tmp_path / 'data'}\n", encoding="utf-8")
    other = kiosk("enroll", f"{manager.url}#code=ZZZZ-ZZZZ-ZZZZ", code, settings=settings)
    assert other.returncode == 1 and "another code" in other.stderr
    missing = kiosk("enroll", manager.url, settings=settings)
    assert missing.returncode == 1 and "no enrolment code" in missing.stderr
    enrolled = kiosk("enroll", f"{manager.url}#code={code}", settings=settings)
    assert enrolled.returncode == 0, enrolled.stderr
    written = yaml.safe_load(settings.read_text())
    assert written["terminal_id"] == "rome-08"
    assert written["sync"]["manager"]["url"] == manager.url


def test_dialog_status_lists_assigned_applied_and_refused_versions(manager, tmp_path):
    tokens = {
        terminal_id: manager.add_terminal(terminal_id, "Osteria Blu", tmp_path / terminal_id)
        for terminal_id in ("blu-01", "blu-02", "blu-03")
    }
    dialog = tmp_path / "osteria.yaml"
    dialog.write_bytes(DEFAULT_DIALOG.read_bytes())
    manager.run("dialog", "publish", str(dialog), "--site", "osteria-blu")
    dialog.write_bytes(DEFAULT_DIALOG.read_bytes() + b"\n# for blu-02\n")
    manager.run("dialog", "publish", str(dialog), "--terminal", "blu-02")
    first = hashlib.sha256(DEFAULT_DIALOG.read_bytes()).hexdigest()
    reports = {
        "blu-01": {"dialog_sha256": first},
        "blu-02": {"dialog_sha256": first, "dialog_errors": ["dialog.yaml:4:3: colour: bad"]},
        "blu-03": {"dialog_sha256": ""},
    }
    for terminal_id, fields in reports.items():
        body = {"at": "2026-11-22T15:00:00Z", "version": "1", "queue": {}, **fields}
        put = httpx.put(
            f"{manager.url}/v1/terminals/{terminal_id}/status",
            json=body,
            headers={"Authorization": f"Bearer {tokens[terminal_id]}"},
        )
        assert put.status_code == 204
    listed = manager.run("dialog", "status").stdout
    table = listed.split("\n\n")[0].splitlines()
    assert table[0].split() == ["TERMINAL", "SITE", "ASSIGNED", "APPLIED", "STATE"]
    lines = {line.split()[0]: line.split() for line in table}
    assert lines["blu-01"][1:] == ["osteria-blu", "osteria", "v1", "osteria", "v1", "applied"]
    assert lines["blu-02"][1:] == ["osteria-blu", "osteria", "v2", "osteria", "v1", "refused"]
    assert lines["blu-03"][1:] == ["osteria-blu", "osteria", "v1", "-", "pending"]
    assert "blu-02 refused osteria v2:\n  dialog.yaml:4:3: colour: bad" in listed


@pytest.mark.slow
def test_several_machines_setup_postgresql_and_s3_from_the_environment(
    tmp_path, postgres_cluster, moto_s3
):
    """The configuration for outgrowing one machine, as README shows it: check says where
    everything is, a message's media land in the bucket, the read API links to them signed."""
    secret = tmp_path / "s3-secret"
    secret.write_text(S3_SECRET_ACCESS_KEY + "\n")
    secret.chmod(0o600)
    bucket = moto_s3.new_bucket()
    env = {
        "DATABASE_URL": postgres_cluster.create_database("several_machines"),
        "KIOSK_MANAGER_STORAGE_S3_BUCKET": bucket,
        "KIOSK_MANAGER_STORAGE_S3_ENDPOINT_URL": moto_s3.endpoint_url,
        "KIOSK_MANAGER_STORAGE_S3_REGION": S3_REGION,
        "KIOSK_MANAGER_STORAGE_S3_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
        "KIOSK_MANAGER_STORAGE_S3_SECRET_ACCESS_KEY_FILE": str(secret),
        "KIOSK_MANAGER_STORAGE_SIGNED_URL_S": "90",
    }
    with LiveManager(tmp_path / "manager", env=env) as manager:
        checked = manager.run("check").stdout
        assert re.search(r"^ok    database: postgresql several_machines$", checked, re.MULTILINE)
        assert re.search(rf"^ok    storage: S3Storage {bucket}$", checked, re.MULTILINE)
        token = manager.add_terminal("rome-01", "Trattoria Roma", tmp_path / "token")
        reader = manager.user_token("boss", admin=True)
        body = message(photo=PHOTO, voice=VOICE)
        posted = httpx.post(
            f"{manager.url}/v1/messages",
            content=multipart(message_parts(body, photo=PHOTO, voice=VOICE)),
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": body["id"],
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            },
        )
        assert posted.status_code == 201, posted.text
        media = httpx.get(
            f"{manager.url}/v1/export/messages", headers={"Authorization": f"Bearer {reader}"}
        ).json()["items"][0]["media"]
        for kind, data in (("photo", PHOTO), ("voice", VOICE)):
            link = httpx.get(media[kind], headers={"Authorization": f"Bearer {reader}"})
            assert link.status_code == 302 and "X-Amz-Expires=90&" in link.headers["Location"]
            assert httpx.get(link.headers["Location"]).content == data
    stored = moto_s3.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(item["Size"] for item in stored) == sorted([len(PHOTO), len(VOICE)])
    assert not (tmp_path / "manager" / "media").exists()
    assert "Traceback" not in manager.output()
