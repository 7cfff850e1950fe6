"""Adding messages: what is stored, what is filled in, what is refused."""

from __future__ import annotations

import copy
import hashlib
import sqlite3
import threading
import uuid
from collections import namedtuple
from pathlib import Path

import pytest

from sync.errors import InvalidMessageError, OutboxError, OutboxFullError
from sync.outbox import Outbox

DiskUsage = namedtuple("DiskUsage", "total used free")


def test_add_returns_a_new_uuid4_and_stores_the_message_as_sent(box, make_message):
    message = make_message()
    message_id = box.add(message)

    assert uuid.UUID(message_id).version == 4
    stored = box.get_message(message_id)
    assert stored == {**message, "id": message_id}
    assert list(stored)[0] == "id"
    assert box.add(make_message()) != message_id


def test_attachments_get_bytes_and_sha256_and_default_content_types(box, make_message):
    photo, voice = b"\xff\xd8jpeg" * 100, b"OggS voice" * 50
    message = make_message(photo={"width": 1280, "height": 720}, voice={"duration_s": 4.5})

    message_id = box.add(message, photo=photo, voice=voice)

    stored = box.get_message(message_id)
    assert stored["photo"] == {
        "width": 1280,
        "height": 720,
        "content_type": "image/jpeg",
        "bytes": len(photo),
        "sha256": hashlib.sha256(photo).hexdigest(),
    }
    assert stored["voice"] == {
        "duration_s": 4.5,
        "content_type": "audio/ogg",
        "bytes": len(voice),
        "sha256": hashlib.sha256(voice).hexdigest(),
    }
    assert box.read_media(message_id, "photo") == photo
    assert box.read_media(message_id, "voice") == voice
    assert box.media_path(message_id, "photo") == box.media_dir / f"{message_id}.photo.jpg"
    assert box.media_path(message_id, "voice") == box.media_dir / f"{message_id}.voice.ogg"


def test_a_given_content_type_is_kept(box, make_message):
    message_id = box.add(make_message(photo={"content_type": "image/png"}), photo=b"png")

    assert box.get_message(message_id)["photo"]["content_type"] == "image/png"
    assert box.media_path(message_id, "photo").name == f"{message_id}.photo.png"


def test_without_bytes_the_attachment_is_null(box, make_message):
    message_id = box.add(make_message(photo={"width": 10, "height": 10}))

    assert box.get_message(message_id)["photo"] is None
    assert box.get_message(message_id)["voice"] is None
    assert box.media_path(message_id, "photo") is None
    assert box.read_media(message_id, "voice") is None
    assert list(box.media_dir.iterdir()) == []


def test_the_callers_dict_is_not_mutated(box, make_message):
    message = make_message(photo={"width": 1, "height": 1}, voice=None)
    before = copy.deepcopy(message)

    box.add(message, photo=b"p", voice=b"v")

    assert message == before


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"id": "0b1c"}, "outbox assigns ids"),
        ({"alert": "yes"}, "alert"),
        ({"created_at": "2026-11-22T15:04:05"}, "UTC offset"),
        ({"created_at": "yesterday"}, "RFC 3339"),
        ({"created_at": None}, "RFC 3339"),
        ({"text": object()}, "JSON"),
        ({"photo": "big"}, "dict or None"),
    ],
)
def test_invalid_messages_are_refused_with_a_reason(box, make_message, overrides, complaint):
    with pytest.raises(InvalidMessageError, match=complaint):
        box.add(make_message(**overrides), photo=b"x")
    assert box.counts() == {}
    assert list(box.media_dir.iterdir()) == []


def test_empty_media_bytes_are_refused(box, make_message):
    with pytest.raises(InvalidMessageError, match="pass None"):
        box.add(make_message(), voice=b"")


def test_reserve_error_names_the_numbers_and_the_fix_and_leaves_nothing_behind(
    data_dir, make_message
):
    def disk_usage(path):
        assert Path(path) == data_dir
        return DiskUsage(total=10**9, used=10**9 - 60_000_000, free=60_000_000)

    with Outbox(data_dir, reserve_bytes=50_000_000, disk_usage=disk_usage) as box:
        box.register_targets(["manager"])
        box.add(make_message(), photo=b"x" * 1000)  # fits
        with pytest.raises(OutboxFullError) as caught:
            box.add(make_message(), photo=b"x" * 9_000_000, voice=b"y" * 1_000_000)

        error = caught.value
        assert isinstance(error, OutboxError)
        assert error.free_bytes == 60_000_000
        assert error.required_bytes > 10_000_000
        text = str(error)
        for expected in (
            str(data_dir),
            "60000000",
            str(error.required_bytes),
            "50000000",
            "disk_reserve_mb",
        ):
            assert expected in text
        assert box.counts()["manager"]["pending"] == 1
        assert len(list(box.media_dir.iterdir())) == 1


def test_reserve_with_the_real_disk(data_dir, make_message):
    with Outbox(data_dir, reserve_bytes=2**62) as box:
        with pytest.raises(OutboxFullError):
            box.add(make_message(), photo=b"x")
        assert list(box.media_dir.iterdir()) == []
    with sqlite3.connect(data_dir / "outbox.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM messages").fetchone() == (0,)
    conn.close()


def test_layout_and_pragmas(box, data_dir):
    assert (data_dir / "outbox.sqlite3").is_file()
    assert (data_dir / "media").is_dir()
    conn = sqlite3.connect(data_dir / "outbox.sqlite3")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()


def test_a_closed_outbox_says_so(data_dir, make_message):
    box = Outbox(data_dir)
    box.close()
    box.close()
    with pytest.raises(OutboxError, match="closed"):
        box.add(make_message(), photo=b"p")
    assert list((data_dir / "media").iterdir()) == []


def test_media_files_are_not_world_readable(box, make_message):
    message_id = box.add(make_message(), photo=b"face")
    assert box.media_path(message_id, "photo").stat().st_mode & 0o007 == 0


def test_threads_may_share_one_outbox(box, make_message):
    box.register_targets(["manager"])

    def add_twenty():
        for _ in range(20):
            box.add(make_message(), voice=b"v")

    threads = [threading.Thread(target=add_twenty) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert box.counts()["manager"]["pending"] == 80
    assert len(list(box.media_dir.iterdir())) == 80
