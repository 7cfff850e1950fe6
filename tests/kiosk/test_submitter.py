"""Visits reach the outbox off the UI thread: photo first, never dropped on a failure.

A refusal the outbox would repeat (a damaged or read-only database, a message
it cannot store) sends the message to the quarantine on disk, and the next
visit is stored normally; only transient refusals are tried again, and not
for ever.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from kiosk.devices import open_camera
from kiosk.flow import Submission
from kiosk.settings import CameraSettings
from kiosk.submitter import Submitter
from support.device_media import write_video
from support.outbox_damage import corrupt_table
from support.visits import complaint
from support.waiting import wait_for
from sync import quarantine
from sync.outbox import Outbox

MESSAGE = complaint()


def test_the_photo_of_the_moment_is_stored_with_the_message(tmp_path):
    video = write_video(tmp_path / "camera.avi", 300)
    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        camera = open_camera(CameraSettings(source=str(video)))
        submitter = Submitter(box, camera.capture)
        try:
            submitter.submit(Submission(MESSAGE, b"OggS voice", take_photo=True))
            wait_for(lambda: len(list(box.messages())) == 1)
        finally:
            submitter.close()
            camera.close()
        (stored,) = box.messages()
        photo = box.read_media(stored["id"], "photo")
        image = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape[:2] == (720, 1280)
        assert (stored["photo"]["width"], stored["photo"]["height"]) == (1280, 720)
        assert box.read_media(stored["id"], "voice") == b"OggS voice"


def test_a_broken_camera_costs_the_photo_not_the_message(tmp_path):
    def broken_camera(_timeout_s):
        raise RuntimeError("the camera fell off")

    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        submitter = Submitter(box, broken_camera)
        submitter.submit(Submission(MESSAGE, None, take_photo=True))
        submitter.close()
        (stored,) = box.messages()
        assert stored["photo"] is None


class Disk:
    """The outbox's injectable disk_usage: a disk whose free space the test sets."""

    def __init__(self, free_bytes: int):
        self.free = free_bytes

    def __call__(self, _path):
        return self


FULL_DISK_RESERVE = 10**9


def quarantined(data_dir) -> list[quarantine.Entry]:
    return [quarantine.read(path) for path in quarantine.entries(data_dir)]


def test_a_store_below_the_disk_reserve_is_retried_until_it_succeeds(tmp_path):
    errors: list[str] = []
    disk = Disk(free_bytes=10)
    with Outbox(tmp_path / "data", reserve_bytes=FULL_DISK_RESERVE, disk_usage=disk) as box:
        submitter = Submitter(box, lambda _t: None, on_error=errors.append, retry_s=0.05)
        try:
            submitter.submit(Submission(MESSAGE, None, take_photo=False))
            wait_for(lambda: len(errors) >= 2)
            assert list(box.messages()) == []
            disk.free = 10 * FULL_DISK_RESERVE  # the technician freed the disk
            wait_for(lambda: len(list(box.messages())) == 1)
        finally:
            submitter.close()
    assert "disk_reserve_mb" in errors[0]
    assert quarantine.count(tmp_path / "data") == 0


def test_an_invalid_message_is_quarantined_and_the_next_visit_is_stored(tmp_path, caplog):
    problems: list[str] = []
    invalid = dict(MESSAGE, created_at="2026-11-22 15:04", text="secret words of a visitor")
    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        submitter = Submitter(box, lambda _t: None, on_outbox_problem=problems.append, retry_s=0.05)
        submitter.submit(Submission(invalid, b"OggS voice", take_photo=False))
        submitter.submit(Submission(MESSAGE, None, take_photo=False))
        wait_for(lambda: len(list(box.messages())) == 1)
        submitter.close()
        (stored,) = box.messages()
    assert stored["created_at"] == MESSAGE["created_at"]
    (entry,) = quarantined(tmp_path / "data")
    assert entry.message["text"] == "secret words of a visitor"
    assert entry.voice == b"OggS voice" and entry.photo is None
    assert "InvalidMessageError" in entry.reason and "UTC offset" in entry.reason
    # A message the outbox cannot take says nothing about the outbox itself.
    assert problems == []
    assert "secret words" not in caplog.text
    assert "kiosk outbox requeue" in caplog.text
    for path in entry.path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path


def test_a_damaged_database_sends_every_visit_to_the_quarantine_at_once(tmp_path):
    data = tmp_path / "data"
    Outbox(data, reserve_bytes=0).close()
    corrupt_table(data / "outbox.sqlite3", "messages")
    problems: list[str] = []
    # Opened before the damage is noticed: recovery would read the broken table.
    with Outbox(data, reserve_bytes=0, recover=False) as box:
        submitter = Submitter(box, lambda _t: None, on_outbox_problem=problems.append, retry_s=60.0)
        started = time.monotonic()
        submitter.submit(Submission(MESSAGE, None, take_photo=False))
        submitter.submit(Submission(dict(MESSAGE, text="second"), b"OggS", take_photo=False))
        wait_for(lambda: quarantine.count(data) == 2)
        # Not one retry pause of 60 s: a repeated failure is not waited for.
        assert time.monotonic() - started < 30
        submitter.close()
    first, second = quarantined(data)
    assert (first.message["text"], second.message["text"]) == (None, "second")
    assert second.voice == b"OggS"
    assert "malformed" in first.reason
    assert problems and "kiosk outbox repair" in problems[0]
    assert json.loads((second.path / "message.json").read_text())["tone"] == "complaint"


def store_as(user: pwd.struct_passwd | None, data: Path, message: dict) -> dict:
    """In a forked child (as ``user``, when given): one visit through a Submitter.

    Forked, not a new interpreter: the user may lack access to this Python.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and leave without running the parent's cleanup
        status = 1
        try:
            os.close(read_fd)
            if user is not None:
                os.setgroups([])
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)
            problems: list[str] = []
            with Outbox(data, reserve_bytes=0, recover=False) as box:
                submitter = Submitter(
                    box, lambda _t: None, on_outbox_problem=problems.append, retry_s=60.0
                )
                submitter.submit(Submission(message, None, take_photo=False))
                wait_for(lambda: quarantine.count(data) == 1)
                submitter.close()
                stored = len(list(box.messages()))
            os.write(write_fd, json.dumps({"problems": problems, "stored": stored}).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        output = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child failed"
    return json.loads(output)


def test_a_read_only_database_file_sends_the_visit_to_the_quarantine(tmp_path):
    """The file mode stops any user but root; as root the visit is stored as nobody."""
    shared = Path(tempfile.mkdtemp(prefix="kiosk-readonly-"))
    try:
        data = shared / "data"
        with Outbox(data, reserve_bytes=0) as box:
            box.add(MESSAGE)
        user = pwd.getpwnam("nobody") if os.getuid() == 0 else None
        if user is not None:
            shared.chmod(0o755)
            for path in (data, *data.rglob("*")):
                os.chown(path, user.pw_uid, user.pw_gid)
        (data / "outbox.sqlite3").chmod(0o444)
        result = store_as(user, data, MESSAGE)
        assert result["stored"] == 1  # the one from before the file became read-only
        assert result["problems"] and "readonly" in result["problems"][0]
        (entry,) = quarantined(data)
        assert entry.message == MESSAGE
    finally:
        shutil.rmtree(shared)


def test_a_lasting_transient_refusal_ends_in_the_quarantine(tmp_path):
    """Disk below the reserve for longer than the limit: nothing stays only in memory."""
    data = tmp_path / "data"
    now = [0.0]
    problems: list[str] = []
    disk = Disk(free_bytes=10)
    with Outbox(data, reserve_bytes=FULL_DISK_RESERVE, disk_usage=disk) as box:
        submitter = Submitter(
            box,
            lambda _t: None,
            on_outbox_problem=problems.append,
            retry_s=0.02,
            transient_limit_s=60.0,
            queue_limit=100,
            clock=lambda: now[0],
        )
        submitter.submit(Submission(MESSAGE, None, take_photo=False))
        time.sleep(0.3)  # several retries, all inside the limit
        assert quarantine.count(data) == 0 and problems == []
        now[0] = 61.0
        wait_for(lambda: quarantine.count(data) == 1)
        # Past the limit, the next refused visit goes straight to the quarantine.
        submitter.submit(Submission(dict(MESSAGE, text="later"), None, take_photo=False))
        wait_for(lambda: quarantine.count(data) == 2)
        assert problems and "disk_reserve_mb" in problems[0]
        # The disk is freed: the outbox stores again and a visit goes there.
        disk.free = 10 * FULL_DISK_RESERVE
        submitter.submit(Submission(dict(MESSAGE, text="after"), None, take_photo=False))
        wait_for(lambda: len(list(box.messages())) == 1)
        submitter.close()
    assert quarantine.count(data) == 2


def test_visits_queued_behind_a_refusal_go_to_the_quarantine_when_the_app_stops(tmp_path):
    data = tmp_path / "data"
    with Outbox(data, reserve_bytes=FULL_DISK_RESERVE, disk_usage=Disk(10)) as box:
        submitter = Submitter(box, lambda _t: None, retry_s=60.0)
        for number in range(2):
            submitter.submit(
                Submission(dict(MESSAGE, text=f"visit {number}"), None, take_photo=False)
            )
        started = time.monotonic()
        submitter.close()
        assert time.monotonic() - started < 10
    assert [e.message["text"] for e in quarantined(data)] == ["visit 0", "visit 1"]


def test_quarantined_messages_are_put_back_once_the_outbox_works(tmp_path):
    data = tmp_path / "data"
    quarantine.put(
        data,
        dict(MESSAGE, text="kept"),
        photo=b"\xff\xd8jpeg",
        voice=None,
        reason="OutboxDamagedError: damaged",
    )
    quarantine.put(
        data,
        dict(MESSAGE, alert="not a bool"),
        photo=None,
        voice=None,
        reason="InvalidMessageError",
    )
    with Outbox(data, reserve_bytes=0) as box:
        report = quarantine.requeue(box)
        (stored,) = box.messages()
        assert stored["text"] == "kept"
        assert box.read_media(stored["id"], "photo") == b"\xff\xd8jpeg"
    assert report.stored == (stored["id"],)
    (left,) = quarantined(data)
    assert left.message["alert"] == "not a bool" and "alert" in left.reason


def test_suppressed_visits_are_counted(tmp_path):
    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        submitter = Submitter(box, lambda _t: None)
        submitter.count_suppressed()
        submitter.count_suppressed()
        submitter.close()
        assert box.suppressed_count() == 2
