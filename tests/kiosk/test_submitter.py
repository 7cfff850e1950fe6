"""Visits reach the outbox off the UI thread: photo first, never dropped on a failure."""

from __future__ import annotations

import time

import cv2
import numpy as np

from device_media import write_video
from kiosk.devices import open_camera
from kiosk.flow import Submission
from kiosk.settings import CameraSettings
from kiosk.submitter import Submitter
from sync.outbox import Outbox

MESSAGE = {
    "terminal_id": "t1", "site": "", "created_at": "2026-11-22T15:04:05.123+01:00",
    "locale": "en", "dialog": {"version": 1, "sha256": "a" * 64}, "rating": None,
    "path": [{"level": "topic", "id": "food", "label": "Food"}], "tone": "complaint",
    "alert": True, "text": None, "callback": None, "voice": None, "photo": None,
}


def wait_for(predicate, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


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


def test_a_refused_store_is_retried_until_it_succeeds(tmp_path):
    errors: list[str] = []
    with Outbox(tmp_path / "data", reserve_bytes=10 ** 18) as box:
        submitter = Submitter(box, lambda _t: None, on_error=errors.append, retry_s=0.05)
        try:
            submitter.submit(Submission(MESSAGE, None, take_photo=False))
            wait_for(lambda: len(errors) >= 2)
            assert list(box.messages()) == []
            box.reserve_bytes = 0  # the technician freed the disk
            wait_for(lambda: len(list(box.messages())) == 1)
        finally:
            submitter.close()
    assert "disk_reserve_mb" in errors[0]


def test_suppressed_visits_are_counted(tmp_path):
    with Outbox(tmp_path / "data", reserve_bytes=0) as box:
        submitter = Submitter(box, lambda _t: None)
        submitter.count_suppressed()
        submitter.count_suppressed()
        submitter.close()
        assert box.suppressed_count() == 2
