"""Erasure on request and media retention: content gone, an audit record by id left."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from manager.accounts.models import AuditRecord
from manager.inbox import retention
from manager.inbox.models import Message
from support.manager_messages import PHOTO, VOICE, make_terminal, message, post_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]


def test_erasing_a_message_removes_it_and_its_media_and_a_repeat_stores_nothing(client, media):
    _, token = make_terminal()
    body = message(
        photo=PHOTO,
        voice=VOICE,
        callback={"name": "Anna", "phone": "+393401234567", "consent": True},
    )
    assert post_message(client, token, body, photo=PHOTO, voice=VOICE).status_code == 201
    assert len(media.names()) == 2
    call_command("erase", message=body["id"], reason="visitor asked by phone")
    assert Message.objects.count() == 0 and media.names() == []
    record = AuditRecord.objects.get(action="erase")
    assert record.object_id == body["id"] and record.detail["reason"] == "visitor asked by phone"
    assert "+393401234567" not in str(record.detail) and "Troppo sale" not in str(record.detail)
    # The terminal sending it again (a lost answer) does not bring it back.
    assert post_message(client, token, body, photo=PHOTO, voice=VOICE).status_code == 200
    assert Message.objects.count() == 0 and media.names() == []


def test_erasing_by_phone_number_takes_every_message_with_it(client, media):
    _, token = make_terminal()
    callback = {"name": None, "phone": "+393401234567", "consent": True}
    for _ in range(3):
        assert post_message(client, token, message(callback=callback)).status_code == 201
    kept = message()
    assert post_message(client, token, kept).status_code == 201
    call_command("erase", phone="+39 340 1234567")
    assert list(Message.objects.values_list("id", flat=True)) == [
        __import__("uuid").UUID(kept["id"])
    ]
    assert AuditRecord.objects.filter(action="erase").count() == 3


def test_retention_deletes_old_media_and_keeps_the_message(client, media, settings):
    settings.MEDIA_RETENTION_DAYS = 30
    _, token = make_terminal()
    old, new = message(photo=PHOTO), message(photo=PHOTO)
    for body in (old, new):
        assert post_message(client, token, body, photo=PHOTO).status_code == 201
    Message.objects.filter(pk=old["id"]).update(
        received_at=timezone.now() - datetime.timedelta(days=31)
    )
    counts = retention.run()
    assert counts["media"] == 1
    aged, fresh = Message.objects.get(pk=old["id"]), Message.objects.get(pk=new["id"])
    assert not aged.photo and aged.media_deleted_at is not None and aged.text == "Troppo sale"
    assert aged.photo_meta["sha256"]  # what was sent stays described
    assert fresh.photo and len(media.names()) == 1
    assert retention.run()["media"] == 0
    assert AuditRecord.objects.filter(action="retention").count() == 1
