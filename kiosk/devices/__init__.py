"""The terminal's devices: the camera and the microphone, behind small interfaces.

Importing this package loads neither OpenCV nor PortAudio; the real backends
import them when they are built (:func:`open_devices`, :func:`open_camera`,
:func:`open_microphone`).

For the app::

    devices = open_devices(settings, on_status=lambda **s: write_device_status(data_dir, **s))
    devices.camera.prepare()                  # a visit starts: warm the camera up
    devices.take_photo(timeout_s)             # from the submitter's thread: Photo | None
    devices.voice_available                   # offer voice at all?
    devices.microphone.record(max_s=..., on_done=...)   # see microphone.Recording
    devices.test_camera(callback)             # operator screen; callback() on a worker thread
    devices.close()

Every callback runs on a worker thread; Kivy code hands it on with
``Clock.schedule_once``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .base import ERROR, MISSING, OFF, OK, STATUSES
from .camera import Camera, NoCamera, OpenCVCamera, Photo, open_camera
from .check import CheckResult, check_camera, check_microphone, run_check_async
from .microphone import (
    Microphone,
    NoMicrophone,
    Playback,
    Recording,
    SoundDeviceMicrophone,
    open_microphone,
)

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = [
    "ERROR",
    "MISSING",
    "OFF",
    "OK",
    "STATUSES",
    "Camera",
    "CheckResult",
    "Devices",
    "Microphone",
    "NoCamera",
    "NoMicrophone",
    "OpenCVCamera",
    "Photo",
    "Playback",
    "Recording",
    "SoundDeviceMicrophone",
    "check_camera",
    "check_microphone",
    "open_camera",
    "open_devices",
    "open_microphone",
    "run_check_async",
]

log = logging.getLogger(__name__)

#: ``on_status(camera=..., microphone=...)``: both statuses, after either changed.
DevicesListener = Callable[..., None]


class Devices:
    """The camera and microphone a terminal runs with, and the operator's tests of them."""

    def __init__(self, settings: Settings, camera: Camera, microphone: Microphone):
        self.settings = settings
        self.camera = camera
        self.microphone = microphone
        #: The last operator test's result, as one line of text ("" before any).
        self.last_test = ""
        self._tests: list[threading.Thread] = []

    def take_photo(self, timeout_s: float) -> Photo | None:
        """A photo of this moment or None, within ``timeout_s`` (call it off the UI thread)."""
        return self.camera.capture(timeout_s)

    @property
    def voice_available(self) -> bool:
        return self.microphone.available

    @property
    def camera_status(self) -> str:
        return _describe(self.camera)

    @property
    def microphone_status(self) -> str:
        return _describe(self.microphone)

    def test_camera(self, on_done: Callable[[], None]) -> None:
        """Takes a test photo with the app's own camera; ``on_done()`` on a worker thread."""
        self._test(lambda: check_camera(self.settings.camera, camera=self.camera), on_done)

    def test_microphone(self, on_done: Callable[[], None]) -> None:
        """Listens for a second with the app's microphone; ``on_done()`` on a worker thread."""
        self._test(
            lambda: check_microphone(self.settings.microphone, microphone=self.microphone), on_done
        )

    def _test(self, check: Callable[[], CheckResult], on_done: Callable[[], None]) -> None:
        def record(result: CheckResult) -> None:
            self.last_test = str(result)
            on_done()

        self._tests = [t for t in self._tests if t.is_alive()]
        self._tests.append(run_check_async(check, record))

    def close(self) -> None:
        for thread in self._tests:
            thread.join()
        self.camera.close()
        self.microphone.close()


def open_devices(settings: Settings, *, on_status: DevicesListener | None = None) -> Devices:
    """The devices the settings ask for; ``on_status(camera=..., microphone=...)`` on changes."""
    holder: dict[str, Camera | Microphone] = {}

    def changed(_status: str, _error: str | None) -> None:
        if on_status is not None and len(holder) == 2:
            on_status(camera=holder["camera"].status, microphone=holder["microphone"].status)

    holder["camera"] = open_camera(settings.camera, on_status=changed)
    holder["microphone"] = open_microphone(settings.microphone, on_status=changed)
    changed("", None)
    return Devices(settings, holder["camera"], holder["microphone"])


def _describe(device: Camera | Microphone) -> str:
    return f"{device.status}: {device.last_error}" if device.last_error else device.status
