"""The OpenCV camera on real video files: warm-up, size, warm captures, and failures."""

from __future__ import annotations

import os
import threading
import time

import pytest

from kiosk.devices.camera import WARMUP_FRAMES, NoCamera, OpenCVCamera, Photo
from kiosk.settings import CameraSettings
from support.device_media import frame_index, write_video
from support.waiting import wait_for

#: Generous for a loaded CI machine; a file opens in milliseconds.
TIMEOUT_S = 3.0
#: A timeout long enough that returning well before it shows nothing waited for it.
LONG_TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("video") / "visit.avi", frames=90)


def camera_for(source, **kwargs) -> OpenCVCamera:
    return OpenCVCamera(CameraSettings(source=str(source)), **kwargs)


def test_a_cold_capture_drops_the_warm_up_frames_and_gives_a_jpeg_of_the_frame(video):
    with camera_for(video) as camera:
        photo = camera.capture(TIMEOUT_S)
        assert isinstance(photo, Photo)
        index, size = frame_index(photo.jpeg)
        assert size == (photo.width, photo.height) == (1280, 720)
        assert index == WARMUP_FRAMES
        assert camera.status == "ok" and camera.last_error is None


def test_frames_larger_than_1280_px_are_scaled_down(tmp_path):
    video = write_video(tmp_path / "big.avi", frames=WARMUP_FRAMES + 2, size=(1920, 1080))
    with camera_for(video) as camera:
        photo = camera.capture(TIMEOUT_S)
    index, size = frame_index(photo.jpeg)
    assert size == (photo.width, photo.height) == (1280, 720)
    assert index == WARMUP_FRAMES


def test_a_prepared_camera_is_warm_and_the_capture_takes_a_fresh_frame_quickly(video):
    with camera_for(video) as camera:
        camera.prepare()
        wait_for(lambda: camera.is_open, timeout_s=TIMEOUT_S, what="the camera to open")
        time.sleep(0.2)  # the source moves on at its own frame rate meanwhile
        photo = camera.capture(TIMEOUT_S)
        index, _ = frame_index(photo.jpeg)
        # A fresh frame from the open camera, not the first after a reopen
        # (the time it takes is measured in tests/benchmarks/bench_voice.py).
        assert index > WARMUP_FRAMES + 2
        camera.release()
        wait_for(lambda: not camera.is_open, timeout_s=TIMEOUT_S, what="the camera to close")


def test_a_source_that_ends_is_reported_and_opened_again_for_the_next_capture(tmp_path):
    video = write_video(tmp_path / "short.avi", frames=WARMUP_FRAMES + 5)
    with camera_for(video) as camera:
        camera.prepare()
        wait_for(
            lambda: camera.status == "error",
            timeout_s=TIMEOUT_S,
            what="the camera to report an error",
        )
        assert "stopped delivering frames" in camera.last_error
        photo = camera.capture(TIMEOUT_S)
        assert frame_index(photo.jpeg)[0] == WARMUP_FRAMES
        assert camera.status == "ok"


def test_a_source_that_vanishes_gives_no_photo_at_once_and_works_when_it_is_back(tmp_path):
    video = write_video(tmp_path / "cam.avi", frames=40)
    changes = []
    with camera_for(video, on_status=lambda status, error: changes.append(status)) as camera:
        assert camera.capture(TIMEOUT_S) is not None
        camera.release()
        wait_for(lambda: not camera.is_open, timeout_s=TIMEOUT_S, what="the camera to close")
        video.unlink()
        started = time.monotonic()
        assert camera.capture(LONG_TIMEOUT_S) is None
        # A missing source is known at once; it does not wait out the timeout.
        assert time.monotonic() - started < LONG_TIMEOUT_S / 3
        assert camera.status == "missing"
        assert str(video) in camera.last_error and "camera.source" in camera.last_error
        write_video(video, frames=40)
        assert camera.capture(TIMEOUT_S) is not None
        assert camera.status == "ok"
    assert changes == ["missing", "ok"]


def test_a_bogus_source_gives_no_photo_and_says_what_to_do():
    with camera_for("/nonexistent/camera.avi") as camera:
        assert camera.status == "missing"
        assert camera.capture(TIMEOUT_S) is None
        assert "does not exist" in camera.last_error
    with camera_for("/etc/hostname") as camera:  # exists, but is no video
        assert camera.capture(TIMEOUT_S) is None
        assert camera.status == "error" and "cannot open" in camera.last_error


def test_a_source_that_hangs_costs_the_timeout_not_more(tmp_path):
    fifo = tmp_path / "stuck"
    os.mkfifo(fifo)  # OpenCV blocks opening it until someone writes
    camera = camera_for(fifo)
    try:
        started = time.monotonic()
        assert camera.capture(0.5) is None
        # Bounded by the timeout, whereas the source would block for ever.
        assert time.monotonic() - started < 10
        assert camera.status == "error" and "within 0.5 s" in camera.last_error
    finally:
        os.close(os.open(fifo, os.O_WRONLY))  # unblocks the worker: end of file
        camera.close()


def test_capture_async_returns_at_once_and_calls_back_from_a_worker(video):
    results = []
    done = threading.Event()

    def on_photo(photo):
        results.append((photo, threading.current_thread()))
        done.set()

    with camera_for(video) as camera:
        camera.capture_async(on_photo, TIMEOUT_S)
        # Returned before the photo: the callback has not run yet, or ran on a worker.
        assert done.wait(TIMEOUT_S)
    photo, thread = results[0]
    assert photo is not None and thread is not threading.main_thread()


def test_the_none_camera_is_off_and_never_gives_a_photo():
    camera = NoCamera()
    assert camera.status == "off"
    started = time.monotonic()
    assert camera.capture(TIMEOUT_S) is None
    results = []
    camera.capture_async(results.append)
    assert results == [None]
    # No camera is known at once; nothing waits out the capture timeout.
    assert time.monotonic() - started < TIMEOUT_S / 3
    camera.close()
