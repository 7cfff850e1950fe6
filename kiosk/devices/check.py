"""Device checks shared by ``kiosk doctor`` and the operator screen's test buttons.

Each check opens the real device and uses it once: the camera takes one
photo (open, warm-up, one frame, its size), the microphone listens for a
second (its peak level). Each returns a :class:`CheckResult` rather than
raising: ``failed`` comes with a hint of the fix. The checks block for a few
seconds at most; a screen runs them through :func:`run_check_async`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .camera import CAPTURE_TIMEOUT_S, Camera, OpenCVCamera
from .microphone import (
    CHECK_QUIET_DBFS,
    CHECK_S,
    Microphone,
    MicrophoneError,
    SoundDeviceMicrophone,
)

if TYPE_CHECKING:
    from ..settings import CameraSettings, MicrophoneSettings

log = logging.getLogger(__name__)

PASSED = "ok"
FAILED = "failed"
SKIPPED = "off"
BYTES_PER_KB = 1024
#: A check allows a cold open and warm-up of a slow camera.
CAMERA_CHECK_TIMEOUT_S = 2 * CAPTURE_TIMEOUT_S


@dataclass(frozen=True)
class CheckResult:
    """One device check: ``state`` is ok, failed or off; ``hint`` says what to do next."""

    name: str
    state: str
    detail: str
    hint: str | None = None

    @property
    def ok(self) -> bool:
        """Not failed (a device that is off in the settings is not a fault)."""
        return self.state != FAILED

    def __str__(self) -> str:
        text = f"{self.name}: {self.state}: {self.detail}"
        return f"{text} (hint: {self.hint})" if self.hint else text


def check_camera(
    settings: CameraSettings,
    *,
    camera: Camera | None = None,
    timeout_s: float = CAMERA_CHECK_TIMEOUT_S,
) -> CheckResult:
    """Opens the camera (or uses ``camera``, the app's own), takes one photo, reports its size."""
    if settings.source is None:
        return CheckResult("camera", SKIPPED, "camera.source is false: no photos are taken")
    own = camera is None
    started = time.monotonic()
    try:
        if own:
            camera = OpenCVCamera(settings, keep_warm_s=0)
        photo = camera.capture(timeout_s)
    except ImportError as exc:
        return CheckResult(
            "camera",
            FAILED,
            f"OpenCV cannot be loaded: {exc}",
            "reinstall the app: pip install opencv-python-headless",
        )
    finally:
        if own and camera is not None:
            camera.close()
    elapsed_s = time.monotonic() - started
    if photo is None:
        return CheckResult(
            "camera",
            FAILED,
            camera.last_error or f"no photo from {settings.source!r}",
            "check the cable and camera.source (an index like 0, a /dev/video "
            "path, a file or URL; false for none); `v4l2-ctl --list-devices` "
            "lists cameras",
        )
    return CheckResult(
        "camera",
        PASSED,
        f"{settings.source!r}: {photo.width}×{photo.height} JPEG, "
        f"{len(photo.jpeg) / BYTES_PER_KB:.0f} KB in {elapsed_s:.1f} s",
    )


def check_microphone(
    settings: MicrophoneSettings,
    *,
    microphone: Microphone | None = None,
    duration_s: float = CHECK_S,
) -> CheckResult:
    """Opens the microphone (or uses ``microphone``), listens ``duration_s``, reports the peak."""
    if not settings.enabled:
        return CheckResult(
            "microphone", SKIPPED, "microphone.device is false: voice messages are not offered"
        )
    own = microphone is None
    if own:
        microphone = SoundDeviceMicrophone(settings)
    try:
        reading = microphone.measure(duration_s)
    except MicrophoneError as exc:
        return CheckResult(
            "microphone",
            FAILED,
            str(exc),
            "plug the microphone in, or set microphone.device to a name or "
            "index that `python -m sounddevice` lists (null for the default)",
        )
    finally:
        if own:
            microphone.close()
    detail = (
        f"{reading.device!r} at {settings.samplerate} Hz: peak "
        f"{reading.peak_dbfs:.1f} dBFS, RMS {reading.rms_dbfs:.1f} dBFS over "
        f"{reading.seconds:.1f} s"
    )
    hint = None
    if reading.peak_dbfs < CHECK_QUIET_DBFS:
        hint = (
            "nothing was heard: speak during the test; if it stays silent, check that "
            "the microphone is not muted (`alsamixer`, F4 for capture)"
        )
    return CheckResult("microphone", PASSED, detail, hint)


def run_check_async(
    check: Callable[[], CheckResult], callback: Callable[[CheckResult], None]
) -> threading.Thread:
    """Runs a check on a worker thread; ``callback(result)`` runs on that thread."""

    def run() -> None:
        try:
            result = check()
        except Exception as exc:  # a check reports, it never raises into a screen
            log.exception("a device check failed")
            result = CheckResult(
                "device",
                FAILED,
                f"the check itself failed: {exc}",
                "see the journal (`journalctl -u kiosk`)",
            )
        try:
            callback(result)
        except Exception:
            log.exception("the check callback failed")

    thread = threading.Thread(target=run, name="device-check", daemon=True)
    thread.start()
    return thread
