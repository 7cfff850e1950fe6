"""POST /api/v1/messages: every status code of the contract, and nothing stored on a refusal."""

from __future__ import annotations

import json

import pytest

from manager.api.models import Receipt
from manager.inbox.models import Message
from support.manager_messages import (
    BOUNDARY,
    PHOTO,
    VOICE,
    make_terminal,
    message,
    message_parts,
    multipart,
    post_message,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]


@pytest.fixture
def terminal(media):
    return make_terminal()


def assert_refused(response, status: int, words: str, media) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert words in problem["detail"], problem["detail"]
    assert Message.objects.count() == 0 and Receipt.objects.count() == 0
    assert media.names() == []


def test_stored_once_with_its_media_then_a_repeat_is_200(client, terminal, media):
    _, token = terminal
    body = message(photo=PHOTO, voice=VOICE)
    first = post_message(client, token, body, photo=PHOTO, voice=VOICE)
    assert first.status_code == 201
    assert first.json() == {"id": body["id"]}
    again = post_message(client, token, body, photo=PHOTO, voice=VOICE)
    assert again.status_code == 200
    assert again.json() == {"id": body["id"]}
    stored = Message.objects.get()
    for field, data in ((stored.photo, PHOTO), (stored.voice, VOICE)):
        with field.open("rb") as handle:
            assert handle.read() == data
        assert media.read(field.name) == data
    assert media.names() == sorted([stored.photo.name, stored.voice.name])
    assert stored.as_sent() == body
    assert stored.site.name == "Trattoria Roma" and stored.status == Message.NEW
    assert stored.local_created_at.isoformat() == "2026-11-22T15:04:05.123000+01:00"


def test_a_repeat_that_loses_the_race_leaves_the_first_ones_media(
    client, terminal, media, monkeypatch
):
    """A terminal retrying while its first POST still runs: the storage said the file
    was not there yet, the retry wrote its media, then its receipt was refused. The
    loser deletes what it wrote: never the winner's file."""
    from django.core.files.storage import default_storage

    _, token = terminal
    body = message(photo=PHOTO, voice=VOICE)
    assert post_message(client, token, body, photo=PHOTO, voice=VOICE).status_code == 201
    written = []
    real_exists, real_save = default_storage.exists, default_storage.save

    def exists_before_the_first_was_written(name):
        return False if not written else real_exists(name)

    def save(name, content, *args, **kwargs):
        written.append(real_save(name, content, *args, **kwargs))
        return written[-1]

    monkeypatch.setattr(default_storage, "exists", exists_before_the_first_was_written)
    monkeypatch.setattr(default_storage, "save", save)
    assert post_message(client, token, body, photo=PHOTO, voice=VOICE).status_code == 200
    monkeypatch.undo()
    stored = Message.objects.get()
    assert len(written) == 2 and not set(written) & {stored.photo.name, stored.voice.name}
    assert media.names() == sorted([stored.photo.name, stored.voice.name])
    assert media.read(stored.photo.name) == PHOTO and media.read(stored.voice.name) == VOICE


def test_other_content_under_the_same_id_is_409_and_the_first_stays(client, terminal, media):
    _, token = terminal
    body = message()
    assert post_message(client, token, body).status_code == 201
    changed = dict(body, text="Altro testo")
    response = post_message(client, token, changed)
    assert response.status_code == 409
    assert "other content" in response.json()["detail"]
    assert Message.objects.get().text == "Troppo sale"


@pytest.mark.parametrize(
    "header", [None, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer kmt_000000000000_wrongsecret"]
)
def test_no_or_a_wrong_token_is_401(client, terminal, media, header):
    body = message()
    response = client.generic(
        "POST",
        "/api/v1/messages",
        b"",
        headers={"Idempotency-Key": body["id"], **({"Authorization": header} if header else {})},
    )
    assert_refused(response, 401, "terminal token", media)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_right_key_id_with_a_wrong_secret_is_401(client, terminal, media):
    _, token = terminal
    spoiled = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert_refused(post_message(client, spoiled, message()), 401, "terminal token", media)


def test_a_revoked_token_is_401(client, terminal, media):
    row, token = terminal
    row.revoke()
    row.save()
    assert_refused(post_message(client, token, message()), 401, "revoked", media)


def test_a_rotated_token_stops_at_once(client, terminal, media):
    row, old = terminal
    new = row.issue_token()
    row.save()
    assert_refused(post_message(client, old, message()), 401, "terminal token", media)
    assert post_message(client, new, message()).status_code == 201


def test_a_message_from_another_terminal_is_403(client, terminal, media):
    _, token = terminal
    make_terminal("milano-02", "Trattoria Milano")
    response = post_message(client, token, message("milano-02"))
    assert_refused(response, 403, "belongs to terminal 'rome-01'", media)


@pytest.mark.parametrize(
    "key, words",
    [
        ("", "Idempotency-Key"),
        ("not-a-uuid", "Idempotency-Key"),
        ("00000000-0000-4000-8000-000000000000", "is not the message's id"),
    ],
)
def test_a_missing_or_wrong_idempotency_key_is_400(client, terminal, media, key, words):
    _, token = terminal
    response = post_message(client, token, message(), key=key)
    assert_refused(response, 400, words, media)


@pytest.mark.parametrize(
    "parts, words",
    [
        ([("photo", "photo.jpg", "image/jpeg", PHOTO)], "message part is missing"),
        ([("message", None, "application/json", b"{not json")], "not JSON"),
        (
            [("message", None, "application/json", b"{}"), ("extra", None, "text/plain", b"x")],
            "unknown part 'extra'",
        ),
    ],
)
def test_a_broken_body_is_400(client, terminal, media, parts, words):
    _, token = terminal
    response = post_message(client, token, parts=parts, key="00000000-0000-4000-8000-000000000000")
    assert_refused(response, 400, words, media)


@pytest.mark.parametrize(
    "content_type, cut, words",
    [
        ("multipart/form-data", lambda b: b, "no valid boundary"),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            lambda b: b.replace(BOUNDARY.encode(), b"another-boundary"),
            "first boundary is missing",
        ),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            lambda b: b.replace(b'Content-Disposition: form-data; name="message"', b"X-A: b"),
            "Content-Disposition",
        ),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            lambda b: b.replace(b"\r\n\r\n", b"\r\n", 1),
            "cannot be read",
        ),
    ],
)
def test_a_body_whose_parts_cannot_be_told_apart_is_400(
    client, terminal, media, content_type, cut, words
):
    _, token = terminal
    body = message(photo=PHOTO)
    whole = multipart(message_parts(body, photo=PHOTO))
    response = post_message(client, token, body, parts=cut(whole), content_type=content_type)
    assert_refused(response, 400, words, media)


def test_a_photo_part_without_a_filename_is_400(client, terminal, media):
    _, token = terminal
    body = message(photo=PHOTO)
    parts = message_parts(body, photo=PHOTO)
    parts[1] = ("photo", None, "image/jpeg", PHOTO)
    assert_refused(post_message(client, token, body, parts=parts), 400, "with a filename", media)


def test_a_preamble_and_a_quoted_boundary_are_read_as_any_client_may_send_them(client, terminal):
    _, token = terminal
    body = message(photo=PHOTO, voice=VOICE)
    whole = b"preamble a client may send\r\n" + multipart(
        message_parts(body, photo=PHOTO, voice=VOICE)
    )
    response = post_message(
        client,
        token,
        body,
        parts=whole,
        content_type=f'multipart/form-data; charset=utf-8; boundary="{BOUNDARY}"',
    )
    assert response.status_code == 201, response.content
    stored = Message.objects.get()
    with stored.photo.open("rb") as photo, stored.voice.open("rb") as voice:
        assert photo.read() == PHOTO and voice.read() == VOICE


def test_a_truncated_multipart_body_is_refused(client, terminal, media):
    _, token = terminal
    body = message(photo=PHOTO)
    from support.manager_messages import multipart

    whole = multipart(message_parts(body, photo=PHOTO))
    cut = whole[: len(whole) // 2]
    response = post_message(client, token, body, parts=cut)
    assert response.status_code in (400, 422)
    assert_refused(response, response.status_code, "", media)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"tone": "angry"}, "tone"),
        ({"colour": "red"}, "Additional properties"),
        ({"rating": {"kind": "stars", "value": 3, "scale": 5}}, "rating"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"created_at": "2026-11-22T15:04:05"}, "date-time"),
        ({"callback": {"name": "A", "phone": "3401234567", "consent": True}}, "callback"),
    ],
)
def test_a_message_that_breaks_the_schema_is_422(client, terminal, media, changes, words):
    _, token = terminal
    response = post_message(client, token, message(**changes))
    assert_refused(response, 422, words, media)


def test_a_message_missing_a_field_is_422(client, terminal, media):
    _, token = terminal
    body = message()
    del body["tone"]
    assert_refused(post_message(client, token, body), 422, "'tone' is a required property", media)


def test_a_photo_that_is_not_a_jpeg_is_422(client, terminal, media):
    _, token = terminal
    fake = b"\x89PNG\r\n\x1a\n" + bytes(200)
    body = message(photo=fake)
    assert_refused(post_message(client, token, body, photo=fake), 422, "not image/jpeg", media)


def test_a_voice_that_is_not_ogg_is_422(client, terminal, media):
    _, token = terminal
    fake = b"RIFF" + bytes(200)
    body = message(voice=fake)
    assert_refused(post_message(client, token, body, voice=fake), 422, "not audio/ogg", media)


def test_a_photo_changed_on_the_way_is_422(client, terminal, media):
    _, token = terminal
    body = message(photo=PHOTO)
    changed = PHOTO[:-1] + bytes([PHOTO[-1] ^ 1])
    assert_refused(post_message(client, token, body, photo=changed), 422, "SHA-256", media)
    assert_refused(post_message(client, token, body, photo=PHOTO[:-10]), 422, "bytes", media)


def test_media_and_message_must_agree(client, terminal, media):
    _, token = terminal
    assert_refused(
        post_message(client, token, message(), photo=PHOTO), 422, "message.photo is null", media
    )
    assert_refused(post_message(client, token, message(photo=PHOTO)), 422, "no photo part", media)


def test_a_photo_part_of_another_type_is_415(client, terminal, media):
    _, token = terminal
    body = message(photo=PHOTO)
    parts = message_parts(body)
    parts.append(("photo", "photo.png", "image/png", PHOTO))
    assert_refused(post_message(client, token, body, parts=parts), 415, "must be image/jpeg", media)


def test_a_body_that_is_not_multipart_is_415(client, terminal, media):
    _, token = terminal
    body = message()
    response = post_message(
        client, token, body, parts=json.dumps(body).encode(), content_type="application/json"
    )
    assert_refused(response, 415, "multipart/form-data", media)


def test_a_message_above_the_limit_is_413(client, terminal, media, settings):
    _, token = terminal
    settings.MAX_MESSAGE_BYTES = 10_000
    body = message(photo=PHOTO)
    assert len(PHOTO) > 10_000
    assert_refused(post_message(client, token, body, photo=PHOTO), 413, "at most 10000", media)


def test_other_methods_are_405(client, terminal, media):
    response = client.get("/api/v1/messages")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_an_unknown_api_path_is_a_problem_404(client, terminal, media):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
