"""Recovery removes what a crash leaves behind, and nothing an add in progress needs."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import uuid

from support.waiting import wait_for
from sync.outbox import Outbox
from sync.outbox import recovery as outbox_module


def test_orphans_and_temp_files_are_removed_at_open_and_by_recover(data_dir, make_message):
    with Outbox(data_dir) as box:
        kept = box.add(make_message(), photo=b"p", voice=b"v")
    media = data_dir / "media"
    orphan = media / f"{uuid.uuid4()}.photo.jpg"
    temp = media / f".{uuid.uuid4()}.voice.tmp"
    foreign = media / "README.txt"  # not a name the outbox makes: never touched
    for path in (orphan, temp, foreign):
        path.write_bytes(b"left over")

    with Outbox(data_dir) as box:
        assert not orphan.exists() and not temp.exists()
        assert foreign.exists()
        assert box.read_media(kept, "photo") == b"p"
        assert box.read_media(kept, "voice") == b"v"

        orphan.write_bytes(b"again")
        report = box.recover()
        assert report.removed == (orphan,)
        assert not report.skipped
        assert report.missing_media == ()


def test_missing_media_is_reported(box, make_message):
    message_id = box.add(make_message(), photo=b"p")
    box.media_path(message_id, "photo").unlink()

    assert box.recover().missing_media == (message_id,)


def test_recovery_waits_out_an_add_in_progress_and_then_skips(data_dir, make_message, monkeypatch):
    """An add between its rename and its commit must keep its file.

    The add is stopped there for real: another connection holds SQLite's write
    lock, so the add has written and renamed its photo and waits to commit.
    """
    monkeypatch.setattr(outbox_module, "RECOVERY_WAIT_S", 0.2)
    adder = Outbox(data_dir, reserve_bytes=0)
    recoverer = Outbox(data_dir, recover=False)
    blocker = sqlite3.connect(data_dir / "outbox.sqlite3", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        result = {}
        thread = threading.Thread(
            target=lambda: result.update(id=adder.add(make_message(), photo=b"p"))
        )
        thread.start()
        wait_for(
            lambda: list((data_dir / "media").glob("*.photo.jpg")),
            timeout_s=5,
            poll_s=0.005,
            what="the add to write its photo",
        )
        [photo] = (data_dir / "media").glob("*.photo.jpg")

        report = recoverer.recover()

        assert report.skipped
        assert photo.exists()
        blocker.execute("COMMIT")
        thread.join()
        assert adder.read_media(result["id"], "photo") == b"p"
        assert recoverer.recover().removed == ()
    finally:
        blocker.close()
        adder.close()
        recoverer.close()


def test_a_writer_lock_held_by_another_open_file_blocks_recovery(box, monkeypatch):
    monkeypatch.setattr(outbox_module, "RECOVERY_WAIT_S", 0.05)
    orphan = box.media_dir / f"{uuid.uuid4()}.voice.ogg"
    orphan.write_bytes(b"v")
    fd = os.open(box.lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # what an add holds while it writes
        assert box.recover().skipped
        assert orphan.exists()
    finally:
        os.close(fd)
    assert box.recover().removed == (orphan,)
