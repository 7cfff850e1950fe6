"""The camera: a photo of the moment a visitor sends, or none at all.

Two backends behind :class:`Camera`: :class:`OpenCVCamera` for anything
OpenCV opens (a camera index, a ``/dev/video`` path, a file or a URL) and
:class:`NoCamera` for a terminal whose settings say ``camera.source: false``.
:func:`open_camera` picks one from the settings.

A camera that fails or disappears never blocks or crashes the app:
:meth:`Camera.capture` returns None within its timeout (the message is then
stored without a photo), ``status`` becomes ``missing`` or ``error`` with a
``last_error`` that says what to do, and the next capture opens the camera
again from scratch.

Warm or cold? A USB webcam on a Raspberry Pi takes 0.5–1 s to open and
another 0.3–0.5 s of frames before its automatic exposure settles, so a
camera opened at Send delivers its photo 1–1.5 s later. Keeping it open for
ever would cost a constantly lit camera LED in front of visitors, USB
bandwidth and a little CPU all day. So the camera is kept warm around a
visit only: the app calls :meth:`Camera.prepare` when a visit starts (the
visitor taps through the dialog for many seconds, plenty to open and settle),
Send then takes the next fresh frame (tens of milliseconds, see
``tests/benchmarks/bench_voice.py``), and the camera is released
:data:`KEEP_WARM_S` after the last prepare or capture. A capture without
prepare still works: it opens the camera cold, inside its timeout.

Threads: one worker per camera owns the ``cv2.VideoCapture`` (OpenCV capture
objects are not thread-safe); callers only queue requests and wait on an
event with a timeout, so a driver stuck inside OpenCV costs a photo, never
the screen. Nothing here imports Kivy; OpenCV is imported by the real
backend's constructor, never at import time.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .base import ERROR, MISSING, OFF, OK, DeviceStatus, StatusListener

if TYPE_CHECKING:
    from ..settings import CameraSettings

log = logging.getLogger(__name__)

#: Frames thrown away after opening while automatic exposure and white balance
#: settle (about half a second at a webcam's 30 frames per second).
WARMUP_FRAMES = 15
#: The longest a capture waits for its photo: a cold open and warm-up on a Pi
#: webcam with room to spare; Send itself never waits (see capture_async).
CAPTURE_TIMEOUT_S = 3.0
#: How long the camera stays open and warm after the last prepare or capture.
KEEP_WARM_S = 120.0
#: OpenCV's own limits for network sources, so the worker is not stuck for
#: FFmpeg's default 30 s on a dead URL.
OPEN_TIMEOUT_MS = 5000
READ_TIMEOUT_MS = 3000
#: JPEG quality (0–100): faces and the scene stay clear at a third of the bytes of 95.
JPEG_QUALITY = 85
#: The photo's longest side; larger frames are scaled down.
MAX_PHOTO_SIDE_PX = 1280
#: Used to pace the warm loop when a source does not report its frame rate.
DEFAULT_FPS = 30.0
MAX_PLAUSIBLE_FPS = 240.0
#: How long close() waits for the worker to let go of the camera.
CLOSE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Photo:
    """A JPEG and its size in pixels, as the manager API's photo ``Attachment`` wants."""

    jpeg: bytes
    width: int
    height: int
    content_type: ClassVar[str] = "image/jpeg"


PhotoCallback = Callable[["Photo | None"], None]


class Camera(DeviceStatus, ABC):
    """A camera the app can always ask for a photo; the answer may be None."""

    kind = "camera"

    def prepare(self) -> None:
        """A visit has started: open and warm up in the background. Never blocks."""

    def release(self) -> None:
        """Nobody needs the camera for now: let go of it. Never blocks."""

    @abstractmethod
    def capture(self, timeout_s: float = CAPTURE_TIMEOUT_S) -> Photo | None:
        """A photo of this moment, or None if there is none within ``timeout_s``.

        Blocks the calling thread for at most ``timeout_s``: call it from a
        worker thread (the submitter) or use :meth:`capture_async`.
        """

    def capture_async(self, callback: PhotoCallback, timeout_s: float = CAPTURE_TIMEOUT_S) -> None:
        """Returns at once; ``callback(photo_or_none)`` follows within ``timeout_s``.

        The callback runs on a worker thread: a screen hands the result on
        with ``Clock.schedule_once``.
        """

        def run() -> None:
            photo = self.capture(timeout_s)
            try:
                callback(photo)
            except Exception:  # the caller's bug must not kill a thread silently
                log.exception("the photo callback failed")

        threading.Thread(target=run, name="camera-capture", daemon=True).start()

    def close(self) -> None:
        """Lets go of the camera for good (at app exit)."""

    def __enter__(self) -> Camera:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class NoCamera(Camera):
    """The camera of a terminal without one: never a photo, status ``off``."""

    def __init__(self, *, on_status: StatusListener | None = None):
        super().__init__(OFF, on_status=on_status)

    def capture(self, timeout_s: float = CAPTURE_TIMEOUT_S) -> Photo | None:
        return None

    def capture_async(self, callback: PhotoCallback, timeout_s: float = CAPTURE_TIMEOUT_S) -> None:
        callback(None)


class _Request:
    """One capture waiting for the worker."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.photo: Photo | None = None
        #: Set by a caller that stopped waiting; the worker skips it.
        self.abandoned = False

    def settle(self, photo: Photo | None) -> None:
        self.photo = photo
        self.done.set()


class OpenCVCamera(Camera):
    """A camera, video file or stream that OpenCV opens, run by one worker thread."""

    def __init__(
        self,
        settings: CameraSettings,
        *,
        on_status: StatusListener | None = None,
        warmup_frames: int = WARMUP_FRAMES,
        keep_warm_s: float = KEEP_WARM_S,
    ):
        if settings.source is None:
            raise ValueError("camera.source is off: use NoCamera (or open_camera)")
        import cv2  # here, not at import: `kiosk validate` must not load OpenCV

        self._cv2 = cv2
        self.settings = settings
        self.warmup_frames = warmup_frames
        self.keep_warm_s = keep_warm_s
        missing = _missing_reason(settings.source)
        super().__init__(MISSING if missing else OK, on_status=on_status)
        self._last_error = missing
        self._cond = threading.Condition()
        self._requests: list[_Request] = []
        self._warm_until = 0.0
        self._closing = False
        self._thread: threading.Thread | None = None
        self._open_now = False

    @property
    def is_open(self) -> bool:
        """Whether the camera is open and warm right now (a capture takes the next frame)."""
        return self._open_now

    # -- what callers use (any thread, never blocking beyond their timeout) --

    def prepare(self) -> None:
        with self._cond:
            if self._closing:
                return
            self._warm_until = time.monotonic() + self.keep_warm_s
            self._wake()

    def release(self) -> None:
        with self._cond:
            self._warm_until = 0.0
            self._cond.notify_all()

    def capture(self, timeout_s: float = CAPTURE_TIMEOUT_S) -> Photo | None:
        request = _Request()
        with self._cond:
            if self._closing:
                return None
            self._requests.append(request)
            self._warm_until = max(self._warm_until, time.monotonic() + self.keep_warm_s)
            self._wake()
        if request.done.wait(timeout_s):
            return request.photo
        with self._cond:
            request.abandoned = True
        if request.done.is_set():  # it arrived as we gave up
            return request.photo
        self._set_status(
            ERROR,
            f"no photo from {self._name} within {timeout_s:g} s; the "
            "camera is opened again for the next visitor. If this repeats, "
            "check its cable and `v4l2-ctl --list-devices`",
        )
        return None

    def close(self) -> None:
        with self._cond:
            self._closing = True
            pending, self._requests = self._requests, []
            self._cond.notify_all()
            thread = self._thread
        for request in pending:
            request.settle(None)
        if thread is not None:
            thread.join(CLOSE_TIMEOUT_S)
            if thread.is_alive():
                log.warning("the camera worker is stuck inside OpenCV; leaving it behind")

    # -- the worker ------------------------------------------------------------

    @property
    def _name(self) -> str:
        return f"camera.source {self.settings.source!r}"

    def _wake(self) -> None:
        """Starts the worker if needed and tells it there is news (lock held)."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="camera", daemon=True)
            self._thread.start()
        self._cond.notify_all()

    def _run(self) -> None:
        capture = None
        try:
            while True:
                with self._cond:
                    while True:
                        if self._closing:
                            return
                        self._requests = [r for r in self._requests if not r.abandoned]
                        keep_warm = time.monotonic() < self._warm_until
                        if self._requests or keep_warm or capture is not None:
                            break
                        self._cond.wait()
                    requests, self._requests = self._requests, []
                if not requests and not keep_warm:
                    capture = self._release(capture)
                    continue
                if capture is None:
                    capture = self._open()
                if capture is None:
                    self._give_up_warming()
                    _settle(requests, None)
                    continue
                if requests:
                    photo = self._take(capture)
                    if photo is None:
                        capture = self._release(capture)
                        self._give_up_warming()
                    _settle(requests, photo)
                elif not self._keep_fresh(capture):
                    capture = self._release(capture)
                    self._give_up_warming()
        except Exception as exc:  # never let a camera fault escape the worker
            log.exception("the camera worker failed")
            self._set_status(ERROR, f"{self._name} failed unexpectedly: {exc}")
        finally:
            self._release(capture)
            with self._cond:
                pending, self._requests = self._requests, []
            _settle(pending, None)

    def _give_up_warming(self) -> None:
        # After a failure the camera is tried again on the next prepare or
        # capture, not in a tight loop against a dead device.
        with self._cond:
            self._warm_until = 0.0

    def _open(self) -> Any:
        cv2 = self._cv2
        source = self.settings.source
        missing = _missing_reason(source)
        if missing:
            self._set_status(MISSING, missing)
            return None
        started = time.monotonic()
        # One backend each, not OpenCV's tour of all of them: V4L2 for cameras,
        # FFmpeg for files and streams (a tour opens a stuck source again and again).
        backend = cv2.CAP_V4L2 if _is_device(source) else cv2.CAP_FFMPEG
        capture = cv2.VideoCapture(
            source,
            backend,
            [
                cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                OPEN_TIMEOUT_MS,
                cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                READ_TIMEOUT_MS,
            ],
        )
        if not capture.isOpened():
            capture.release()
            self._set_status(
                MISSING if _is_device(source) else ERROR,
                f"OpenCV cannot open {self._name}; check that it is a camera "
                "index, a /dev/video path, a video file or a stream URL, and "
                "that this user may read it (group `video`)",
            )
            return None
        if _is_device(source):
            # USB webcams give 1280×720 at full frame rate only as MJPEG; a
            # camera that cannot simply keeps its own format.
            capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.settings.width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.settings.height)
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        for _ in range(self.warmup_frames):
            if not capture.grab():
                capture.release()
                self._set_status(
                    ERROR,
                    f"{self._name} opened but delivers no frames; "
                    "unplug and replug the camera, or check the stream",
                )
                return None
        log.info("%s open and warm in %.0f ms", self._name, (time.monotonic() - started) * 1000)
        self._set_status(OK)
        self._open_now = True
        return capture

    def _take(self, capture: Any) -> Photo | None:
        ok, frame = capture.read()
        if not ok or frame is None:
            self._set_status(
                ERROR,
                f"{self._name} stopped delivering frames (unplugged, "
                "or the stream or file ended); it is opened again for the "
                "next visitor",
            )
            return None
        try:
            photo = encode_jpeg(frame)
        except Exception as exc:  # cv2.error on a corrupt frame
            self._set_status(
                ERROR, f"a frame from {self._name} could not be encoded as JPEG: {exc}"
            )
            return None
        self._set_status(OK)
        return photo

    def _keep_fresh(self, capture: Any) -> bool:
        """Takes one frame off the source at its own pace, so the next one is fresh."""
        started = time.monotonic()
        if not capture.grab():
            self._set_status(
                ERROR,
                f"{self._name} stopped delivering frames (unplugged, "
                "or the stream or file ended); it is opened again for the "
                "next visitor",
            )
            return False
        fps = capture.get(self._cv2.CAP_PROP_FPS)
        if not 0 < fps <= MAX_PLAUSIBLE_FPS:
            fps = DEFAULT_FPS
        # A live camera blocks in grab() for a frame interval; a file would be
        # read as fast as the CPU allows, so wait out the rest of the interval
        # (waking early for a capture).
        rest_s = 1.0 / fps - (time.monotonic() - started)
        if rest_s > 0:
            with self._cond:
                if not self._requests and not self._closing:
                    self._cond.wait(rest_s)
        return True

    def _release(self, capture: Any) -> None:
        self._open_now = False
        if capture is not None:
            capture.release()
            log.info("%s released", self._name)
        return None


def encode_jpeg(frame: Any) -> Photo:
    """A BGR frame as a :class:`Photo`: longest side at most MAX_PHOTO_SIDE_PX."""
    import cv2

    height, width = frame.shape[:2]
    longest = max(width, height)
    if longest > MAX_PHOTO_SIDE_PX:
        scale = MAX_PHOTO_SIDE_PX / longest
        width, height = round(width * scale), round(height * scale)
        frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError(f"OpenCV could not encode a {width}×{height} frame as JPEG")
    return Photo(encoded.tobytes(), width, height)


def open_camera(settings: CameraSettings, *, on_status: StatusListener | None = None) -> Camera:
    """The camera the settings ask for: OpenCV, or none for ``source: false``."""
    if settings.source is None:
        return NoCamera(on_status=on_status)
    try:
        return OpenCVCamera(settings, on_status=on_status)
    except ImportError as exc:
        camera = NoCamera(on_status=on_status)
        camera._set_status(
            ERROR,
            f"OpenCV cannot be loaded ({exc}); reinstall the app "
            "with `pip install opencv-python-headless`",
        )
        return camera


def _settle(requests: list[_Request], photo: Photo | None) -> None:
    for request in requests:
        request.settle(photo)


def _is_device(source: int | str) -> bool:
    return isinstance(source, int) or str(source).startswith("/dev/")


def _missing_reason(source: int | str | None) -> str | None:
    """Why a local source is certainly absent, without opening it; None if it may be there."""
    if isinstance(source, int):
        device = Path(f"/dev/video{source}")
        if sys.platform.startswith("linux") and not device.exists():
            return (
                f"no camera at index {source} ({device} does not exist): plug the "
                "camera in, or set camera.source to another index or to false"
            )
        return None
    if source is None or "://" in source:
        return None
    if not Path(source).exists():
        return (
            f"camera.source {source} does not exist: plug the camera in, correct "
            "the path, or set camera.source to false"
        )
    return None
