"""The manager target against a real server: every status code path of manager-api.yaml."""

from __future__ import annotations

import email.utils
import time

import pytest

from support.manager_server import ManagerServer, Reply, Reset, Stall
from sync.outbox import Outbox
from sync.targets.base import CREDENTIALS_PAUSE_S, Paused, Rejected, Retry

PHOTO = b"\xff\xd8\xff\xe0" + b"jpeg" * 1000
VOICE = b"OggS" + b"opus" * 500


@pytest.fixture
def outbox(data_dir):
    with Outbox(data_dir, reserve_bytes=0) as box:
        box.register_targets(["manager"])
        yield box


def claim_one(outbox, make_message, **media):
    outbox.add(make_message(), **media)
    [delivery] = outbox.claim("manager")
    return delivery


@pytest.mark.parametrize(
    "media", [{}, {"photo": PHOTO}, {"voice": VOICE}, {"photo": PHOTO, "voice": VOICE}]
)
def test_201_stores_the_message_with_exactly_its_parts(
    outbox, make_message, manager_server, manager_target_factory, media
):
    delivery = claim_one(outbox, make_message, **media)

    manager_target_factory(manager_server.url).deliver(delivery)

    stored = manager_server.messages[delivery.message_id]
    assert stored.message == delivery.message
    assert (stored.photo_sha256 is None) == ("photo" not in media)
    assert (stored.voice_sha256 is None) == ("voice" not in media)
    method, path, headers = manager_server.requests[-1]
    assert (method, path) == ("POST", "/v1/messages")
    assert headers["idempotency-key"] == delivery.message_id


def test_200_for_a_repeat_is_delivered_too(
    outbox, make_message, manager_server, manager_target_factory
):
    delivery = claim_one(outbox, make_message, photo=PHOTO)
    target = manager_target_factory(manager_server.url)
    target.deliver(delivery)
    target.deliver(delivery)  # no exception: 200 means it is there
    assert manager_server.messages[delivery.message_id].posts == 2
    assert len(manager_server.messages) == 1


@pytest.mark.parametrize("status", [400, 409, 413, 415, 422])
def test_refusals_reject_the_message_with_the_managers_reason(
    outbox, make_message, manager_server, manager_target_factory, status
):
    delivery = claim_one(outbox, make_message)
    manager_server.script = [
        Reply(status, body=b'{"title": "No", "detail": "rating out of range"}')
    ]

    with pytest.raises(Rejected, match=f"{status}.*rating out of range"):
        manager_target_factory(manager_server.url).deliver(delivery)


@pytest.mark.parametrize("status", [401, 403])
def test_wrong_credentials_pause_for_five_minutes(
    outbox, make_message, manager_server, manager_target_factory, status
):
    delivery = claim_one(outbox, make_message)
    manager_server.script = [Reply(status, body=b'{"title": "bad token"}')]

    with pytest.raises(Paused, match="token_file") as caught:
        manager_target_factory(manager_server.url).deliver(delivery)
    assert caught.value.after == CREDENTIALS_PAUSE_S == 300


def test_a_wrong_token_is_refused_by_the_server(outbox, make_message, manager_target_factory):
    with ManagerServer("right-token") as server:
        server.validate = False
        delivery = claim_one(outbox, make_message)
        server.script = [Reply(401)]
        with pytest.raises(Paused):
            manager_target_factory(server.url, token="wrong").deliver(delivery)
        assert server.requests[0][2]["authorization"] == "Bearer wrong"


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_answers_retry(
    outbox, make_message, manager_server, manager_target_factory, status
):
    delivery = claim_one(outbox, make_message)
    manager_server.script = [Reply(status)]

    with pytest.raises(Retry, match=str(status)) as caught:
        manager_target_factory(manager_server.url).deliver(delivery)
    assert caught.value.after is None


def test_retry_after_in_seconds(outbox, make_message, manager_server, manager_target_factory):
    delivery = claim_one(outbox, make_message)
    manager_server.script = [Reply(503, {"Retry-After": "120"})]
    with pytest.raises(Retry) as caught:
        manager_target_factory(manager_server.url).deliver(delivery)
    assert caught.value.after == 120


def test_retry_after_as_an_http_date(outbox, make_message, manager_server, manager_target_factory):
    delivery = claim_one(outbox, make_message)
    when = email.utils.formatdate(time.time() + 600, usegmt=True)
    manager_server.script = [Reply(429, {"Retry-After": when})]
    with pytest.raises(Retry) as caught:
        manager_target_factory(manager_server.url).deliver(delivery)
    assert 590 <= caught.value.after <= 601


def test_a_status_the_contract_does_not_name_is_retried_never_dropped(
    outbox, make_message, manager_server, manager_target_factory
):
    delivery = claim_one(outbox, make_message)
    manager_server.script = [Reply(404)]
    with pytest.raises(Retry, match="404.*url"):
        manager_target_factory(manager_server.url).deliver(delivery)


def test_a_read_timeout_retries(outbox, make_message, manager_server, manager_target_factory):
    delivery = claim_one(outbox, make_message)
    manager_server.script = [Stall(1.0)]
    with pytest.raises(Retry, match="in time"):
        manager_target_factory(manager_server.url, read_timeout_s=0.2).deliver(delivery)


def test_a_reset_connection_retries(outbox, make_message, manager_server, manager_target_factory):
    delivery = claim_one(outbox, make_message)
    manager_server.script = [Reset()]
    with pytest.raises(Retry, match="cannot reach"):
        manager_target_factory(manager_server.url).deliver(delivery)


def test_a_closed_port_retries(outbox, make_message, manager_target_factory):
    from support.ports import free_port

    delivery = claim_one(outbox, make_message)
    with pytest.raises(Retry, match="cannot reach") as caught:
        manager_target_factory(f"http://127.0.0.1:{free_port()}/api").deliver(delivery)
    assert caught.value.__cause__ is not None  # chained from httpx's exception


def test_tls_with_the_private_ca(
    outbox, make_message, server_cert, ca_file, tmp_path, manager_target_factory
):
    certfile = tmp_path / "server.pem"
    server_cert.private_key_and_cert_chain_pem.write_to_path(str(certfile))
    with ManagerServer("test-token-3f9a", ssl_certfile=str(certfile)) as server:
        delivery = claim_one(outbox, make_message, photo=PHOTO)
        # Without the CA the certificate is not trusted: never sent unverified.
        with pytest.raises(Retry, match="ca_file"):
            manager_target_factory(server.url).deliver(delivery)
        assert server.messages == {}
        target = manager_target_factory(server.url, ca_file=ca_file)
        target.deliver(delivery)
        # Closed before the server stops: a TLS close needs both ends.
        target.close()
        assert delivery.message_id in server.messages
        assert server.url.startswith("https://")
        assert server.errors == []


def test_a_damaged_media_file_is_refused_by_the_manager_and_rejected(
    outbox, make_message, manager_server, manager_target_factory
):
    delivery = claim_one(outbox, make_message, photo=PHOTO)
    delivery.photo_path.write_bytes(b"not the photo")
    with pytest.raises(Rejected, match="400.*photo bytes do not match"):
        manager_target_factory(manager_server.url).deliver(delivery)
    assert manager_server.messages == {}
    manager_server.errors.clear()  # the server did its job


@pytest.mark.parametrize("lost", [["photo"], ["voice"], ["photo", "voice"]])
def test_a_missing_media_file_is_sent_as_lost_and_the_words_still_arrive(
    outbox, make_message, manager_server, manager_target_factory, message_validator, lost
):
    delivery = claim_one(outbox, make_message, photo=PHOTO, voice=VOICE)
    for kind in lost:
        getattr(delivery, f"{kind}_path").unlink()

    manager_target_factory(manager_server.url).deliver(delivery)

    stored = manager_server.messages[delivery.message_id]
    message_validator.validate(stored.message)
    assert stored.message["lost_attachments"] == lost
    assert stored.message["text"] == delivery.message["text"]
    for kind in ("photo", "voice"):
        assert (stored.message[kind] is None) == (kind in lost)
        assert (getattr(stored, f"{kind}_sha256") is None) == (kind in lost)
    assert manager_server.errors == []
