"""The mailbox target against aiosmtpd: the mail as mailbox-format.md says, on the raw bytes."""

from __future__ import annotations

import email
import email.policy
import json
import time
import traceback

import pytest

from support.ports import free_port
from support.smtp_server import DrippingSMTPServer, SMTPServer
from sync.outbox import Outbox
from sync.targets.base import Paused, Rejected, Retry
from sync.targets.mailbox import MailboxTarget

PHOTO = b"\xff\xd8\xff\xe0photo"
VOICE = b"OggSvoice"
EVIL_TEXT = (
    "Bad soup\r\nBcc: evil@example.com\r\n\r\n<script>alert(1)</script> "
    "\u202eشوربة باردة\u202c עברית 😡🍲"
)
EXPECTED_HEADERS = [
    "From",
    "To",
    "Date",
    "Message-ID",
    "Subject",
    "X-Kiosk-Message-Id",
    "X-Kiosk-Terminal",
    "X-Kiosk-Tone",
    "X-Kiosk-Rating",
    "Content-Type",
    "MIME-Version",
]


@pytest.fixture
def outbox(data_dir):
    with Outbox(data_dir, reserve_bytes=0) as box:
        box.register_targets(["mailbox"])
        yield box


def mailbox(port, **kwargs):
    kwargs.setdefault("sender", "Feedback terminal <kiosk@example.com>")
    kwargs.setdefault("recipients", ("quality@example.com", "boss@example.com"))
    kwargs.setdefault("security", "none")
    kwargs.setdefault("send", "all")
    kwargs.setdefault("timeout_s", 5)
    return MailboxTarget("127.0.0.1", port, **kwargs)


def claim(outbox, message, **media):
    outbox.add(message, **media)
    [delivery] = outbox.claim("mailbox")
    return delivery


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def full_message(make_message):
    return make_message(
        site="Trattoria Roma",
        alert=True,
        text=EVIL_TEXT,
        path=[
            {"level": "topic", "id": "food", "label": "Cibo"},
            {"level": "category", "id": "soup", "label": "Zuppe"},
            {"level": "detail", "id": "cold", "label": "Fredda"},
        ],
        callback={
            "name": "Mario <b>Rossi</b>\r\nCc: x@y.z",
            "phone": "+393331234567",
            "consent": True,
        },
        voice={"content_type": "audio/ogg", "duration_s": 7.5},
    )


def test_the_mail_has_exactly_the_contract_headers_and_parts(outbox, make_message):
    delivery = claim(outbox, full_message(make_message), photo=PHOTO, voice=VOICE)
    with SMTPServer() as server:
        mailbox(server.port).deliver(delivery)
    [received] = server.received

    # The envelope: the configured sender and recipients, nobody else.
    assert received.mail_from == "kiosk@example.com"
    assert received.rcpt_tos == ["quality@example.com", "boss@example.com"]
    raw = received.data
    head = raw.split(b"\r\n\r\n", 1)[0]
    names = [
        line.split(b":", 1)[0].decode()
        for line in head.split(b"\r\n")
        if line and not line[:1].isspace()
    ]
    assert sorted(names) == sorted(EXPECTED_HEADERS)
    assert b"evil@example.com" not in head and b"Bcc" not in raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()  # every non-ASCII header is RFC 2047 encoded

    mail = parse(raw)
    message = delivery.message
    assert mail["Message-ID"] == f"<{message['id']}@rome-01.kiosk.invalid>"
    assert mail["Subject"] == "[Trattoria Roma] Complaint: Cibo › Zuppe › Fredda"
    assert b"=?utf-8?" in head  # the › separators made the subject non-ASCII
    assert mail["X-Kiosk-Message-Id"] == message["id"]
    assert (mail["X-Kiosk-Terminal"], mail["X-Kiosk-Tone"]) == ("rome-01", "complaint")
    assert mail["X-Kiosk-Rating"] == "smileys 2/5"
    assert mail["Date"].datetime.isoformat() == "2026-11-22T15:04:05+01:00"
    assert mail.get_content_type() == "multipart/mixed"
    alternative, *attachments = mail.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html = alternative.iter_parts()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert [(a.get_filename(), a.get_content_type()) for a in attachments] == [
        ("photo.jpg", "image/jpeg"),
        ("voice.ogg", "audio/ogg"),
        ("message.json", "application/json"),
    ]
    assert attachments[0].get_content() == PHOTO
    assert attachments[1].get_content() == VOICE
    assert json.loads(attachments[2].get_content()) == message

    html_text = html.get_content()
    assert "<script>" not in html_text and "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "Mario &lt;b&gt;Rossi&lt;/b&gt;" in html_text
    assert '<a href="tel:+393331234567">' in html_text
    assert "\u202eشوربة باردة\u202c עברית 😡🍲" in html_text
    # The visitor's fake header is body text, in both parts.
    assert "Bcc: evil@example.com" in plain.get_content()

    text = plain.get_content()
    order = [
        "Cibo › Zuppe › Fredda",
        "2/5",
        "<script>alert(1)</script>",
        "+393331234567",
        "2026-11-22 15:04:05",
        "Trattoria Roma",
        "7.5",
    ]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "language, photo_line, voice_line",
    [
        ("en", "The photo was lost on the terminal", "The voice message was lost on the terminal"),
        (
            "it",
            "La foto è andata persa sul terminale",
            "Il messaggio vocale è andato perso sul terminale",
        ),
        ("ru", "Фото потеряно на терминале", "Голосовое сообщение потеряно на терминале"),
        ("ko", "사진이 단말기에서 유실되었습니다", "음성 메시지가 단말기에서 유실되었습니다"),
    ],
)
def test_a_lost_attachment_is_left_out_and_the_mail_says_so(
    outbox, make_message, language, photo_line, voice_line
):
    delivery = claim(outbox, full_message(make_message), photo=PHOTO, voice=VOICE)
    delivery.photo_path.unlink()
    with SMTPServer() as server:
        mailbox(server.port, language=language).deliver(delivery)
    [received] = server.received
    mail = parse(received.data)
    alternative, *attachments = mail.iter_parts()
    assert [a.get_filename() for a in attachments] == ["voice.ogg", "message.json"]
    sent = json.loads(attachments[1].get_content())
    assert (sent["photo"], sent["lost_attachments"]) == (None, ["photo"])
    plain, html = alternative.iter_parts()
    assert photo_line in plain.get_content() and photo_line in html.get_content()
    assert voice_line not in plain.get_content()
    assert "Bcc: evil@example.com" in plain.get_content()  # the visitor's words arrive


def test_a_visitors_line_break_cannot_imitate_a_field_in_the_plain_part(outbox, make_message):
    forged = "Soup was fine\n\nCall back:\n+39 000 000\u2028Call back:\r\nfake"
    delivery = claim(outbox, make_message(alert=True, text=forged, callback=None))
    with SMTPServer() as server:
        mailbox(server.port).deliver(delivery)
    [received] = server.received
    alternative, *_ = parse(received.data).iter_parts()
    plain, _html = alternative.iter_parts()
    labels = [line for line in plain.get_content().splitlines() if line and line[0] != " "]
    assert "Call back:" not in labels, labels
    assert "    Call back:" in plain.get_content().splitlines()


def test_message_id_is_stable_across_retries(outbox, make_message):
    delivery = claim(outbox, make_message(alert=True))
    with SMTPServer() as server:
        target = mailbox(server.port)
        target.deliver(delivery)
        target.deliver(delivery)
    first, second = (parse(r.data)["Message-ID"] for r in server.received)
    assert first == second


def test_a_long_subject_is_cut_with_an_ellipsis(outbox, make_message):
    label = "Très long libellé " * 5
    delivery = claim(
        outbox,
        make_message(
            path=[
                {"level": "topic", "id": "a", "label": label[:80]},
                {"level": "category", "id": "b", "label": label[:80]},
            ]
        ),
    )
    with SMTPServer() as server:
        mailbox(server.port).deliver(delivery)
    subject = parse(server.received[0].data)["Subject"]
    assert len(subject) == 120 and subject.endswith("…")


def test_send_alerts_skips_what_is_no_alert():
    target = mailbox(1, send="alerts")
    assert target.skip_reason({"alert": False}) is not None
    assert target.skip_reason({"alert": True}) is None
    assert mailbox(1, send="all").skip_reason({"alert": False}) is None


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_tls_modes_verify_with_the_test_ca(outbox, make_message, mode, server_cert, ca_file):
    delivery = claim(outbox, make_message(alert=True))
    with SMTPServer(mode, cert=server_cert, credentials=("kiosk", "s3cret")) as server:
        with pytest.raises(Retry, match="certificate|verify"):
            mailbox(
                server.port,
                security=mode,
                username="kiosk",
                password="s3cret",
            ).deliver(delivery)
        mailbox(
            server.port, security=mode, username="kiosk", password="s3cret", ca_file=ca_file
        ).deliver(delivery)
    assert len(server.received) == 1


def test_refused_login_pauses_the_mailbox(outbox, make_message, server_cert, ca_file):
    delivery = claim(outbox, make_message(alert=True))
    with SMTPServer("starttls", cert=server_cert, credentials=("kiosk", "s3cret")) as server:
        with pytest.raises(Paused, match="password_file"):
            mailbox(
                server.port,
                security="starttls",
                username="kiosk",
                password="wrong",
                ca_file=ca_file,
            ).deliver(delivery)


def test_4xx_is_retried(outbox, make_message):
    delivery = claim(outbox, make_message())
    with SMTPServer() as server:
        server.handler.rcpt_reply = "451 4.3.0 Try again later"
        with pytest.raises(Retry, match="451"):
            mailbox(server.port).deliver(delivery)
        server.handler.rcpt_reply = None
        server.handler.data_reply = "452 4.3.1 Insufficient storage"
        with pytest.raises(Retry, match="452"):
            mailbox(server.port).deliver(delivery)


def test_5xx_for_a_recipient_rejects_with_the_servers_reply(outbox, make_message):
    delivery = claim(outbox, make_message())
    with SMTPServer() as server:
        server.handler.rcpt_reply = "550 5.1.1 No such user here"
        with pytest.raises(Rejected, match="550 5.1.1 No such user here"):
            mailbox(server.port).deliver(delivery)
        server.handler.rcpt_reply = None
        server.handler.data_reply = "554 5.6.0 Message refused"
        with pytest.raises(Rejected, match="554 5.6.0 Message refused"):
            mailbox(server.port).deliver(delivery)


def test_a_closed_port_is_retried(outbox, make_message):
    delivery = claim(outbox, make_message())
    with pytest.raises(Retry, match="cannot send") as caught:
        mailbox(free_port()).deliver(delivery)
    assert isinstance(caught.value.__cause__, OSError)


def test_a_server_dripping_its_replies_is_given_up_at_the_deadline(outbox, make_message):
    """smtplib's timeout counts per read: a greeting a byte at a time, without end,
    would hold the delivery service for ever without a deadline over the whole mail."""
    delivery = claim(outbox, make_message())
    deadline_s = 2.0
    with DrippingSMTPServer(gap_s=0.1, for_s=30.0) as server:
        target = mailbox(
            server.port, timeout_s=1.0, deadline_s=deadline_s, username="kiosk", password="s3cret"
        )
        started = time.monotonic()
        with pytest.raises(Retry) as caught:
            target.deliver(delivery)
        elapsed = time.monotonic() - started
        target.close()
    assert deadline_s <= elapsed < deadline_s + 1.5, elapsed
    reason = caught.value.reason
    assert f"did not finish within its deadline of {deadline_s:g} s" in reason
    assert "check the network and sync.mailbox.host" in reason
    assert "s3cret" not in "".join(traceback.format_exception(caught.value))
    # Bytes kept coming, each within the read timeout, past that timeout.
    assert server.sent_bytes * 0.1 > 1.0
