"""`kiosk doctor` as a technician runs it: a real process against real peers.

The peers are the test manager (tests/support/manager_server.py, checking every
request against the API), aiosmtpd with STARTTLS and a login, an X server
(Xvfb), a video file as the camera and a PulseAudio null sink's monitor as
the microphone.
"""

from __future__ import annotations

import grp
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dialog_config import DEFAULT_DIALOG, load_dialog
from support.device_media import write_video
from support.harness import Xvfb
from support.manager_server import ManagerServer, Reply
from support.ports import free_port
from support.smtp_server import SMTPServer

PROJECT_ROOT = Path(__file__).resolve().parents[2]

TOKEN = "doctor-test-token"
SMTP_LOGIN = ("kiosk@example.com", "smtp-secret-7")
DOCTOR_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def xvfb():
    server = Xvfb(640, 480)
    yield server
    server.close()


@pytest.fixture(scope="module")
def test_ca():
    import trustme

    return trustme.CA()


@pytest.fixture
def manager():
    with ManagerServer(TOKEN) as server:
        yield server
    assert server.errors == [], "requests broke the manager API contract"


@pytest.fixture
def smtp(test_ca):
    with SMTPServer(
        "starttls", cert=test_ca.issue_cert("127.0.0.1"), credentials=SMTP_LOGIN
    ) as server:
        yield server


def secret(directory: Path, name: str, value: str, mode: int = 0o600) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


def write_settings(
    tmp_path: Path,
    *,
    manager=None,
    smtp=None,
    test_ca=None,
    camera="false",
    microphone="false",
    token=TOKEN,
    smtp_password=SMTP_LOGIN[1],
    extra="",
) -> Path:
    """A terminal's settings in ``tmp_path``; each peer given is a target."""
    secrets = tmp_path / "secrets"
    lines = [
        "terminal_id: rome-01",
        "site: Trattoria Roma",
        f"data_dir: {tmp_path / 'data'}",
        "disk_reserve_mb: 1",
        f"camera: {{source: {camera}}}",
        f"microphone: {{device: {microphone}}}",
        f"operator: {{pin_file: {secret(secrets, 'pin', 'not-a-real-hash')}}}",
    ]
    if manager or smtp:
        lines.append("sync:")
    if manager:
        lines += [
            "  manager:",
            f"    url: {manager.url if hasattr(manager, 'url') else manager}",
            f"    token_file: {secret(secrets, 'token', token)}",
            "    poll_dialog: false",
        ]
    if smtp:
        ca_file = tmp_path / "ca.pem"
        test_ca.cert_pem.write_to_path(str(ca_file))
        lines += [
            "  mailbox:",
            "    host: 127.0.0.1",
            f"    port: {smtp.port}",
            "    security: starttls",
            f"    username: {SMTP_LOGIN[0]}",
            f"    password_file: {secret(secrets, 'smtp', smtp_password)}",
            f"    ca_file: {ca_file}",
            f'    from: "Terminal <{SMTP_LOGIN[0]}>"',
            "    to: [quality@example.com]",
            "    send: alerts",
        ]
    path = tmp_path / "settings.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = dict(env or os.environ)
    environment["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=DOCTOR_TIMEOUT_S,
    )


def doctor(settings: Path, *args: str, env=None) -> tuple[int, dict[str, dict]]:
    """Runs ``kiosk doctor --json``; the exit code and the checks by name."""
    done = kiosk("doctor", "--settings", str(settings), "--json", *args, env=env)
    report = json.loads(done.stdout)
    assert report["ok"] == (done.returncode == 0), done
    return done.returncode, {check["name"]: check for check in report["checks"]}


def without_display(env=None) -> dict[str, str]:
    environment = dict(env or os.environ)
    environment.pop("DISPLAY", None)
    return environment


# ------------------------------------------------------------------ all well


def test_a_terminal_in_order_passes_every_check(tmp_path, manager, smtp, test_ca, xvfb, pulse):
    video = write_video(tmp_path / "camera.avi", frames=30)
    settings = write_settings(
        tmp_path, manager=manager, smtp=smtp, test_ca=test_ca, camera=str(video), microphone="pulse"
    )
    done = kiosk("doctor", "--settings", str(settings), env=dict(pulse.env, DISPLAY=xvfb.display))

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    states = {
        line.split(":")[0].split()[-1]: line.split()[0]
        for line in lines
        if not line.startswith("  ")
    }
    assert states == {
        "settings": "ok",
        "dialog": "ok",
        "languages": "ok",
        "camera": "ok",
        "microphone": "ok",
        "speech": "ok",
        "display": "ok",
        "disk": "ok",
        "outbox": "ok",
        "clock": "ok",
        "manager": "ok",
        "mailbox": "ok",
    }, done.stdout
    text = done.stdout
    assert f"settings: {settings}; terminal rome-01; 3 secret file(s)" in text
    assert "restaurant.yaml: valid" in text
    assert "languages: en, ru, it, ko: interface texts, a keyboard and fonts for each" in text
    assert "1280×720 JPEG" in text
    assert "'pulse' at 16000 Hz" in text and "dBFS" in text
    assert f"display: X display {xvfb.display}, screen 640×480" in text
    assert "speech: espeak-ng, a voice for en, ru, it, ko" in text
    assert "reserve 1 MB" in text
    assert f"outbox: {tmp_path / 'data'}: no outbox yet" in text
    assert f"manager: {manager.url} as rome-01: reachable, token accepted (dialog: 404" in text
    assert f"login as {SMTP_LOGIN[0]} accepted" in text
    assert "FAIL" not in text and done.stderr == ""
    # Nothing was sent: one side-effect-free GET, no mail.
    assert [(method, path) for method, path, _ in manager.requests] == [
        ("GET", "/v1/terminals/rome-01/dialog")
    ]
    assert smtp.received == [] and manager.messages == {}
    assert not (tmp_path / "data").exists()  # the doctor made no outbox and no state


def test_the_json_report_has_every_check_with_its_state_and_hint(tmp_path):
    code, checks = doctor(write_settings(tmp_path), env=without_display())
    assert code == 1  # no display here
    assert list(checks) == [
        "settings",
        "dialog",
        "languages",
        "camera",
        "microphone",
        "speech",
        "display",
        "disk",
        "outbox",
        "clock",
        "targets",
    ]
    assert checks["camera"]["state"] == checks["microphone"]["state"] == "off"
    assert checks["targets"] == {
        "name": "targets",
        "state": "off",
        "hint": None,
        "detail": "no delivery target under `sync:` in the settings: messages stay on the terminal",
    }
    assert checks["display"]["state"] == "failed" and checks["display"]["hint"]


# ------------------------------------------------------------------ each failure, with its hint


def test_a_wrong_token_is_a_401_and_the_hint_names_the_token_file(tmp_path, manager):
    # The test server checks the token as a contract rule (a 400 and an error);
    # it answers as a real manager does, with 401, when told to.
    manager.script = [Reply(401, body=b'{"title": "Unauthorized", "detail": "unknown token"}')]
    settings = write_settings(tmp_path, manager=manager, token="not-the-token")
    code, checks = doctor(settings)
    assert code == 1
    check = checks["manager"]
    assert check["state"] == "failed"
    assert "refused the terminal's credentials: 401 Unauthorized" in check["detail"]
    assert f"put this terminal's token in {tmp_path / 'secrets' / 'token'}" in check["hint"]
    assert "terminal_id rome-01" in check["hint"]
    [(_, _, headers)] = manager.requests
    assert headers["authorization"] == "Bearer not-the-token"


def test_a_manager_that_does_not_listen_is_unreachable(tmp_path):
    settings = write_settings(tmp_path, manager=f"http://127.0.0.1:{free_port()}/api")
    code, checks = doctor(settings)
    assert code == 1
    check = checks["manager"]
    assert check["state"] == "failed" and "cannot reach the manager" in check["detail"]
    assert "check the network" in check["hint"] and "sync.manager.url" in check["hint"]


def test_a_mailbox_that_does_not_listen_is_unreachable(tmp_path, test_ca):
    class Closed:
        port = free_port()

    code, checks = doctor(write_settings(tmp_path, smtp=Closed, test_ca=test_ca))
    check = checks["mailbox"]
    assert code == 1 and check["state"] == "failed"
    assert f"127.0.0.1:{Closed.port} (starttls): cannot connect" in check["detail"]
    assert f"blocking port {Closed.port}" in check["hint"]


def test_a_wrong_mailbox_password_is_refused_at_login_and_nothing_is_sent(tmp_path, smtp, test_ca):
    settings = write_settings(tmp_path, smtp=smtp, test_ca=test_ca, smtp_password="wrong")
    code, checks = doctor(settings)
    check = checks["mailbox"]
    assert code == 1 and check["state"] == "failed"
    assert f"the login of {SMTP_LOGIN[0]} was refused: 535" in check["detail"]
    assert "sync.mailbox.username" in check["hint"] and "secrets/smtp" in check["hint"]
    assert smtp.received == []


def test_a_mailbox_without_tls_where_tls_is_set_fails_with_the_port_hint(tmp_path, test_ca):
    with SMTPServer("none") as plain:
        code, checks = doctor(write_settings(tmp_path, smtp=plain, test_ca=test_ca))
    check = checks["mailbox"]
    assert code == 1 and check["state"] == "failed"
    assert "STARTTLS" in check["detail"] and "starttls is usually port 587" in check["hint"]


def test_a_wrong_camera_path_fails_with_the_camera_hint(tmp_path):
    code, checks = doctor(write_settings(tmp_path, camera="/dev/video97"))
    check = checks["camera"]
    assert code == 1 and check["state"] == "failed"
    assert "/dev/video97" in check["detail"] and "camera.source" in check["hint"]


def test_a_missing_microphone_fails_with_the_microphone_hint(tmp_path, pulse):
    code, checks = doctor(
        write_settings(tmp_path, microphone="'USB PnP Sound Device'"), env=pulse.env
    )
    check = checks["microphone"]
    assert code == 1 and check["state"] == "failed"
    assert "USB PnP Sound Device" in check["detail"] and "microphone.device" in check["hint"]


def test_a_secret_others_can_read_fails_the_settings_and_its_target(tmp_path, manager):
    settings = write_settings(tmp_path, manager=manager)
    token = tmp_path / "secrets" / "token"
    token.chmod(0o644)
    code, checks = doctor(settings)
    assert code == 1
    check = checks["settings"]
    assert check["state"] == "failed"
    assert (
        f"{token} is readable by others than its owner (mode -rw-r--r--); "
        f"run `chmod 600 {token}`" in check["detail"]
    )
    assert "sync.manager.token_file" in check["detail"]  # where the settings name it
    assert "chmod 600" in check["hint"]
    assert checks["manager"]["state"] == "failed"
    assert "cannot be set up" in checks["manager"]["detail"]
    assert manager.requests == []  # a leaked token is not used


def test_a_dialog_with_errors_fails_and_points_at_kiosk_validate(tmp_path):
    dialog = tmp_path / "dialog.yaml"
    dialog.write_text(
        "version: 1\nlanguages: [en]\ntopics:\n  - id: Food\n    label: Food\n", encoding="utf-8"
    )
    code, checks = doctor(write_settings(tmp_path, extra=f"dialog: {dialog}\n"))
    check = checks["dialog"]
    assert code == 1 and check["state"] == "failed"
    assert f"{dialog}:4:9: topics[0].id" in check["detail"]
    # No dialog was ever kept on this terminal: the app would start on the bundled one.
    assert (
        f"the terminal runs the bundled default dialog {DEFAULT_DIALOG} "
        f"(sha256 {load_dialog(DEFAULT_DIALOG).sha256[:12]}) instead"
    ) in check["detail"]
    assert f"`kiosk validate {dialog}`" in check["hint"]


def test_a_dialog_with_errors_names_the_last_good_copy_the_terminal_would_run(tmp_path):
    from kiosk.dialog_copies import DialogCopies

    dialog = tmp_path / "dialog.yaml"
    good = DEFAULT_DIALOG.read_text(encoding="utf-8").replace('en: "Staff"', 'en: "Team"')
    dialog.write_text(good, encoding="utf-8")
    kept = DialogCopies(tmp_path / "data").keep(load_dialog(dialog))
    dialog.write_text(good.replace("idle_reset_s: 45", "idle_reset_s: 4"), encoding="utf-8")
    code, checks = doctor(write_settings(tmp_path, extra=f"dialog: {dialog}\n"))
    check = checks["dialog"]
    assert code == 1 and check["state"] == "failed"
    assert "idle_reset_s: must be from 5 to 600 (found 4)" in check["detail"]
    assert (
        f"the terminal runs the last good dialog {kept} "
        f"(sha256 {load_dialog(kept).sha256[:12]}) instead"
    ) in check["detail"]


#: Japanese has no keyboard and no interface texts here; the hieroglyph no font draws.
PARTLY_SERVED_DIALOG = """\
version: 1
languages: [en, ja]
topics:
  - id: service
    label: {en: "Service", ja: "サービス"}
  - id: egypt
    label: {en: "Egypt \U00013000", ja: "エジプト"}
"""


def test_the_doctor_shows_what_kiosk_validate_says_a_language_lacks(tmp_path):
    dialog = tmp_path / "dialog.yaml"
    dialog.write_text(PARTLY_SERVED_DIALOG, encoding="utf-8")
    validate = kiosk("validate", str(dialog))
    # Each problem as file:line:col: path: message (the last line sums them up).
    said = [
        line
        for line in validate.stderr.splitlines()
        if re.match(rf"{re.escape(str(dialog))}:\d+:\d+: ", line)
    ]
    assert validate.returncode == 1 and len(said) == 3, validate.stdout + validate.stderr

    done = kiosk(
        "doctor",
        "--settings",
        str(write_settings(tmp_path, extra=f"dialog: {dialog}\n")),
        "--json",
        env=without_display(),
    )
    lines = [c for c in json.loads(done.stdout)["checks"] if c["name"] == "languages"]
    assert done.returncode == 1
    # The same three problems, each on a line of its own, in validate's order.
    assert len(lines) == 3
    for line, problem in zip(lines, said, strict=True):
        assert line["detail"] in problem, (line, problem)
    blank, no_texts, no_keyboard = lines
    assert blank["state"] == "failed"
    assert blank["detail"].startswith("topics[1].label.en: ") and "U+13000" in blank["detail"]
    assert f"`kiosk validate {dialog}` shows it at line 7" == blank["hint"]
    assert no_texts["state"] == "ok" and no_texts["detail"].startswith(
        "ja: the terminal has no texts in this language"
    )
    assert no_keyboard == {
        "name": "languages",
        "state": "ok",
        "detail": "ja: no keyboard; the text message is hidden for ja, voice and callback remain",
        "hint": f"a visitor in this language lacks it; `kiosk validate {dialog}` lists the same "
        "warnings",
    }


def test_settings_that_do_not_load_stop_the_doctor_at_the_first_line(tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("terminal_id: rome-01\ncamrea: {source: 0}\n", encoding="utf-8")
    done = kiosk("doctor", "--settings", str(settings))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"FAIL  settings: {settings}:2:1: camrea: unknown key; did you mean `camera`?",
        f"  → fix the settings file; `kiosk --settings {settings} validate` lists every problem",
    ]


# ------------------------------------------------------------------ --send-test


def test_send_test_queues_a_message_that_kiosk_sync_delivers_everywhere(
    tmp_path, manager, smtp, test_ca, xvfb, message_validator
):
    settings = write_settings(tmp_path, manager=manager, smtp=smtp, test_ca=test_ca)
    done = kiosk(
        "doctor",
        "--settings",
        str(settings),
        "--send-test",
        env=dict(os.environ, DISPLAY=xvfb.display),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("ok    test message: queued ")
    assert last.endswith(
        "for manager, mailbox: the running `kiosk sync` delivers it; `kiosk status` shows when"
    )
    assert manager.messages == {} and smtp.received == []  # queued, not sent

    delivered = kiosk("sync", "--once", "--settings", str(settings))
    assert delivered.returncode == 0, delivered.stderr

    [stored] = manager.messages.values()
    message = stored.message
    message_validator.validate(message)
    assert last.split()[4] == message["id"]
    assert message["text"].startswith("Test message from kiosk doctor (rome-01, ")
    first = load_dialog(DEFAULT_DIALOG).topics[0]
    assert message["path"] == [{"level": "topic", "id": first.id, "label": first.label.default}]
    assert (message["tone"], message["alert"], message["rating"]) == ("none", True, None)
    [mail] = smtp.received
    assert mail.rcpt_tos == ["quality@example.com"]
    assert b"Test message from kiosk doctor" in mail.data
    assert message["id"].encode() in mail.data


def test_send_test_as_root_makes_an_outbox_the_kiosk_group_can_write(tmp_path):
    """/var/lib/kiosk is 2770 with the group kiosk; root's umask 022 must not decide the modes."""
    group = grp.getgrnam("users") if os.getuid() == 0 else grp.getgrgid(os.getgid())
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, -1, group.gr_gid)
    data.chmod(0o2770)
    settings = write_settings(tmp_path, manager=f"http://127.0.0.1:{free_port()}")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--settings", str(settings), "--send-test"],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=DOCTOR_TIMEOUT_S,
        umask=0o022,
    )
    assert "ok    test message: queued " in done.stdout, done.stdout + done.stderr

    created = {path.relative_to(data).as_posix(): path.stat() for path in data.rglob("*")}
    assert {"outbox.sqlite3", "outbox.lock", "media"} <= set(created)
    for name, info in created.items():
        assert info.st_gid == group.gr_gid, name
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISDIR(info.st_mode):
            assert mode == 0o2770, f"{name}: {mode:o}"
        else:
            assert mode == 0o660, f"{name}: {mode:o}"
