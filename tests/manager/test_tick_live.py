"""``kiosk-manager tick`` as the systemd timer runs it: a new process each minute."""

from __future__ import annotations

import email

import httpx
import pytest

from support.manager_live import USER_PASSWORD, LiveManager
from support.manager_messages import BOUNDARY, message, message_parts, multipart
from support.smtp_server import SMTPServer

pytestmark = pytest.mark.slow


def test_an_alert_is_mailed_once_across_separate_tick_processes(tmp_path):
    with SMTPServer() as smtp:
        env = {
            "KIOSK_MANAGER_MAIL_HOST": "127.0.0.1",
            "KIOSK_MANAGER_MAIL_PORT": str(smtp.port),
            "KIOSK_MANAGER_MAIL_SECURITY": "none",
            "KIOSK_MANAGER_PUBLIC_URL": "https://feedback.example.com",
        }
        with LiveManager(tmp_path / "manager", env=env) as manager:
            token = manager.add_terminal("rome-01", "Trattoria Roma", tmp_path / "token")
            password = tmp_path / "password"
            password.write_text(USER_PASSWORD + "\n")
            manager.run(
                "createuser",
                "anna",
                "--role",
                "manager",
                "--site",
                "trattoria-roma",
                "--email",
                "anna@example.com",
                "--password-file",
                str(password),
            )
            body = message("rome-01", alert=True, text="Fumo in cucina")
            posted = httpx.post(
                f"{manager.url}/v1/messages",
                content=multipart(message_parts(body)),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": body["id"],
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                },
            )
            assert posted.status_code == 201
            first = manager.run("tick")
            assert "1 sent" in first.stdout
            second = manager.run("tick")
            assert "0 notices queued, 0 sent" in second.stdout
    (sent,) = [email.message_from_bytes(item.data) for item in smtp.received]
    assert sent["To"] == "anna@example.com"
    assert (
        f"https://feedback.example.com/inbox/{body['id']}/"
        in sent.get_payload(decode=True).decode()
    )
