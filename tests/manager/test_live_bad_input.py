"""Bad input over the wire to a live server: a clear 4xx each, nothing stored, still serving."""

from __future__ import annotations

import socket

import httpx
import pytest

from support.manager_live import LiveManager
from support.manager_messages import BOUNDARY, PHOTO, message, message_parts, multipart

#: A live server taking hostile requests: tens of seconds.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-input")
    with LiveManager(
        folder / "manager", workers=2, env={"KIOSK_MANAGER_API_MAX_MESSAGE_MB": "1"}
    ) as manager:
        token = manager.add_terminal("rome-01", "Trattoria Roma", folder / "token")
        reader = manager.user_token("boss", admin=True)
        yield manager, token, reader
    assert "Traceback" not in manager.output(), manager.output()


def raw_request(port: int, head: bytes, body: bytes = b"") -> bytes:
    """Sends bytes as they are and reads the whole answer (the server closes)."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        try:
            connection.sendall(head + body)
            connection.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading it all: its answer is waiting
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer


def stored_count(manager, reader) -> int:
    page = httpx.get(
        f"{manager.url}/v1/export/messages", headers={"Authorization": f"Bearer {reader}"}
    ).json()
    return len(page["items"])


def still_serving(manager, token) -> None:
    body = message()
    response = httpx.post(
        f"{manager.url}/v1/messages",
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": body["id"],
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        },
        content=multipart(message_parts(body)),
    )
    assert response.status_code == 201


def test_a_10_mb_header_is_refused_and_the_server_goes_on(live):
    manager, token, reader = live
    head = (
        (
            f"POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nX-Junk: "
        ).encode()
        + b"a" * 10_000_000
        + b"\r\nContent-Length: 0\r\n\r\n"
    )
    answer = raw_request(manager.port, head)
    assert answer.split(b"\r\n", 1)[0] in (
        b"HTTP/1.1 400 Bad Request",
        b"HTTP/1.1 431 Request Header Fields Too Large",
    )
    assert stored_count(manager, reader) == 0
    still_serving(manager, token)


def test_a_multipart_body_cut_short_is_400_or_422_and_nothing_is_stored(live):
    manager, token, reader = live
    before = stored_count(manager, reader)
    body = message(photo=PHOTO)
    whole = multipart(message_parts(body, photo=PHOTO))
    cut = whole[: len(whole) - 300]
    head = (
        f"POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {body['id']}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(cut)}\r\nConnection: close\r\n\r\n"
    ).encode()
    status_line = raw_request(manager.port, head, cut).split(b"\r\n", 1)[0]
    assert status_line in (
        b"HTTP/1.1 400 Bad Request",
        b"HTTP/1.1 422 Unprocessable Content",
        b"HTTP/1.1 422 Unprocessable Entity",
    )
    assert stored_count(manager, reader) == before
    still_serving(manager, token)


def test_an_oversize_message_gets_a_413_the_terminal_can_read(live):
    manager, token, reader = live
    before = stored_count(manager, reader)
    big = PHOTO + bytes(1_100_000)
    body = message(photo=big)
    response = httpx.post(
        f"{manager.url}/v1/messages",
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": body["id"],
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        },
        content=multipart(message_parts(body, photo=big)),
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "max_message_mb" in response.json()["detail"]
    assert stored_count(manager, reader) == before
    still_serving(manager, token)


def test_a_body_of_another_type_is_415(live):
    manager, token, reader = live
    body = message()
    response = httpx.post(
        f"{manager.url}/v1/messages",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": body["id"]},
    )
    assert response.status_code == 415
    still_serving(manager, token)
