"""The microphone: a visitor's voice message as OGG/Opus, trimmed of silence.

Two backends behind :class:`Microphone`: :class:`SoundDeviceMicrophone`
(PortAudio through ``sounddevice``, on the configured device: a name
substring, an index, or the system default) and :class:`NoMicrophone` for a
terminal without one (``microphone.device: false``). :func:`open_microphone`
picks one from the settings; ``available`` says whether to offer voice at all.

How a recording flows (one :class:`Recording` per take)::

    PortAudio thread ── callback copies a buffer ──▶ queue ──▶ "microphone" worker
        (never blocks; counts frames,                        level for the meter,
         stops itself at max_s)                              silence trim, Opus encoder

* **Encoded while it records.** The worker feeds 20 ms blocks to a
  ``soundfile`` OGG/Opus encoder writing into memory; PCM is never
  collected for the whole take (a minute of voice is ~120 KB of Opus).
* **Silence trimmed in the same pass, in bounded memory.** Before the first
  voiced block only the last :data:`PAD_S` of audio is kept (a ring buffer);
  after speech, quiet blocks are held back rather than encoded, and flushed
  to the encoder only when the voice resumes. On stop, the first
  :data:`PAD_S` of the held quiet is encoded and the rest dropped. The hold
  never exceeds :data:`SILENCE_STOP_S`, because that much quiet after speech
  ends the take by itself (the visitor has finished, or walked away). So
  nothing is encoded twice (no generation loss, no wait at Stop to
  re-encode) and memory stays below PAD_S + SILENCE_STOP_S of PCM.
* **Voice** is a 20 ms block louder than a threshold: :data:`VOICE_THRESHOLD_DBFS`,
  raised to :data:`NOISE_MARGIN_DB` above the room's noise (the quietest
  block in the first :data:`NOISE_PROBE_S` after Record is tapped), but
  never above :data:`MAX_THRESHOLD_DBFS`. :func:`voiced_span` applies the
  fixed threshold to any samples (the tests measure speech with it).
* ``max_s`` is counted in frames in the PortAudio callback, so the clip can
  never be longer, however late the worker runs; ``remaining_s`` feeds the
  countdown.

Results come back through ``on_done(recording)`` on the worker thread: a
screen hands them on with ``Clock.schedule_once``. ``level``, ``elapsed_s``
and ``remaining_s`` can be read from any thread at any time (a meter polls
them). Nothing here imports Kivy, and sounddevice and soundfile are imported
by the real backend's constructor, never at import time. The audio maths
(levels, the trimmer, the encoder settings) is in :mod:`kiosk.devices.audio`.

It stays one module of about 600 lines on purpose: the recording and
playback handles, the PortAudio callbacks and the worker threads share one
locking and life-cycle story, which reads best in one place.
"""

from __future__ import annotations

import io
import logging
import math
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..flow import VoiceClip
from .audio import (
    SILENCE_DBFS,
    SILENCE_STOP_S,
    VOICE_THRESHOLD_DBFS,
    VoiceTrimmer,
    dbfs,
    level_dbfs,
    opus_compression_level,
)
from .base import ERROR, MISSING, OFF, OK, DeviceStatus, StatusListener

if TYPE_CHECKING:
    import numpy as np

    from ..settings import MicrophoneSettings

log = logging.getLogger(__name__)

#: The longest take unless the caller says otherwise.
DEFAULT_MAX_S = 60.0
#: PortAudio input latency. Its default ("high") stalls capture through ALSA's
#: pulse plugin until something plays; 0.1 s works there and on hardware
#: devices, and the meter lags by no more than this.
INPUT_LATENCY_S = 0.1
OUTPUT_LATENCY_S = 0.1
#: No audio at all from the device for this long is a broken microphone.
STALL_S = 2.0
#: How often the worker looks for a stop when no audio arrives.
POLL_S = 0.1
#: The meter shows this level as empty and 0 dBFS as full.
METER_FLOOR_DBFS = -60.0
#: A microphone check listens this long.
CHECK_S = 1.0
#: Below this peak the check warns that nothing was heard.
CHECK_QUIET_DBFS = -70.0
#: How long close() waits for a worker to finish.
CLOSE_TIMEOUT_S = 5.0


class MicrophoneError(Exception):
    """A microphone that cannot be used, with what to do about it; ``status`` is missing/error."""

    def __init__(self, message: str, status: str = ERROR):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class LevelReading:
    """What a microphone heard over a short listen (for ``kiosk doctor``)."""

    seconds: float
    peak_dbfs: float
    rms_dbfs: float
    device: str


RecordingCallback = Callable[["Recording"], None]
PlaybackCallback = Callable[["Playback"], None]


class Recording:
    """One take. Read its level and countdown at any time; ``on_done`` brings the clip.

    ``clip`` is the trimmed :class:`~kiosk.flow.VoiceClip`, or None when the
    take was cancelled, nothing was heard, or the microphone failed (then
    ``error`` says why). ``stop_reason`` is one of ``stopped``, ``max_s``,
    ``silence``, ``cancelled``, ``error``.
    """

    def __init__(self, samplerate: int, max_s: float, on_done: RecordingCallback | None):
        self.samplerate = samplerate
        self.max_s = max_s
        self.clip: VoiceClip | None = None
        self.error: str | None = None
        self.stop_reason: str | None = None
        #: The level of the latest audio, in dBFS.
        self.level_dbfs = SILENCE_DBFS
        #: The voice threshold used (after the noise probe), in dBFS.
        self.threshold_dbfs = VOICE_THRESHOLD_DBFS
        self._frames = 0
        self._on_done = on_done
        self._done = threading.Event()
        self._stop = threading.Event()
        self._cancelled = False

    # -- for the screen ------------------------------------------------------------

    @property
    def level(self) -> float:
        """The latest level on the meter's 0..1 scale (METER_FLOOR_DBFS..0 dBFS)."""
        return min(1.0, max(0.0, 1.0 - self.level_dbfs / METER_FLOOR_DBFS))

    @property
    def elapsed_s(self) -> float:
        """Audio recorded so far, untrimmed."""
        return self._frames / self.samplerate

    @property
    def remaining_s(self) -> float:
        """Until ``max_s`` stops the take: the countdown."""
        return max(0.0, self.max_s - self.elapsed_s)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def stop(self) -> None:
        """Ends the take and keeps it (trimmed). Returns at once; ``on_done`` follows."""
        self._stop_with("stopped")

    def cancel(self) -> None:
        """Ends the take and throws it away. Returns at once; ``on_done`` follows."""
        self._cancelled = True
        self._stop_with("cancelled")

    def wait(self, timeout_s: float | None = None) -> VoiceClip | None:
        """Blocks until the take is finished (for tests and ``kiosk doctor``, not screens)."""
        self._done.wait(timeout_s)
        return self.clip

    # -- for the backend -----------------------------------------------------------

    def _stop_with(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self._stop.set()

    def _finish(self, clip: VoiceClip | None = None, error: str | None = None) -> None:
        if self._cancelled:
            clip = None
        self.clip, self.error = clip, error
        if error:
            self.stop_reason = "error"
        elif self.stop_reason is None:
            self.stop_reason = "stopped"
        self.level_dbfs = SILENCE_DBFS
        self._done.set()
        if self._on_done is not None:
            try:
                self._on_done(self)
            except Exception:  # the caller's bug must not kill the worker silently
                log.exception("the recording callback failed")


class Playback:
    """A clip being played back ("listen back"). ``stop()`` ends it early."""

    def __init__(self, clip: VoiceClip | None, on_done: PlaybackCallback | None):
        self.clip = clip
        self.error: str | None = None
        self._on_done = on_done
        self._stop = threading.Event()
        self._done = threading.Event()
        self._frames = 0
        self._samplerate = 1

    @property
    def position_s(self) -> float:
        return self._frames / self._samplerate

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def stop(self) -> None:
        """Stops the sound. Returns at once; ``on_done`` follows."""
        self._stop.set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Blocks until playback ends (for tests); True if it has."""
        return self._done.wait(timeout_s)

    def _finish(self, error: str | None = None) -> None:
        self.error = error
        self._done.set()
        if self._on_done is not None:
            try:
                self._on_done(self)
            except Exception:
                log.exception("the playback callback failed")


class Microphone(DeviceStatus, ABC):
    """A microphone the app can always ask to record; ``available`` says whether to offer it."""

    kind = "microphone"
    samplerate = 16000

    @property
    def available(self) -> bool:
        """Whether voice messages can be offered: a working microphone is configured."""
        return self.status == OK

    @abstractmethod
    def record(
        self,
        *,
        max_s: float = DEFAULT_MAX_S,
        on_done: RecordingCallback | None = None,
        silence_stop_s: float = SILENCE_STOP_S,
    ) -> Recording:
        """Starts a take and returns at once (opening the device happens on the worker)."""

    @abstractmethod
    def play(self, clip: VoiceClip, *, on_done: PlaybackCallback | None = None) -> Playback:
        """Plays a clip on the system's default output; returns at once."""

    @abstractmethod
    def measure(self, duration_s: float = CHECK_S) -> LevelReading:
        """Listens for ``duration_s`` and reports the level; blocks. Raises MicrophoneError."""

    def close(self) -> None:
        """Stops any take and playback and waits for their workers (at app exit)."""

    def __enter__(self) -> Microphone:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class NoMicrophone(Microphone):
    """The microphone of a terminal without one: not available, status ``off``."""

    def __init__(
        self,
        *,
        on_status: StatusListener | None = None,
        status: str = OFF,
        error: str | None = None,
    ):
        super().__init__(status, on_status=on_status)
        self._last_error = error

    def record(
        self,
        *,
        max_s: float = DEFAULT_MAX_S,
        on_done: RecordingCallback | None = None,
        silence_stop_s: float = SILENCE_STOP_S,
    ) -> Recording:
        recording = Recording(self.samplerate, max_s, on_done)
        recording._finish(
            error=self.last_error or "this terminal has no microphone (microphone.device is false)"
        )
        return recording

    def play(self, clip: VoiceClip, *, on_done: PlaybackCallback | None = None) -> Playback:
        playback = Playback(clip, on_done)
        playback._finish(error="this terminal has no sound output for the microphone")
        return playback

    def measure(self, duration_s: float = CHECK_S) -> LevelReading:
        raise MicrophoneError(
            self.last_error or "the microphone is off in the settings (microphone.device: false)",
            self.status,
        )


class SoundDeviceMicrophone(Microphone):
    """A PortAudio input device through ``sounddevice``."""

    def __init__(
        self,
        settings: MicrophoneSettings,
        *,
        output_device: int | str | None = None,
        on_status: StatusListener | None = None,
    ):
        super().__init__(OK, on_status=on_status)
        self.settings = settings
        self.samplerate = settings.samplerate
        self.output_device = output_device
        self._lock = threading.Lock()
        self._device: int | None = None
        self._device_name = "?"
        self._recording: Recording | None = None
        self._playback: Playback | None = None
        self._threads: list[threading.Thread] = []
        try:
            # Here, not at import: `kiosk validate` must not load PortAudio.
            import numpy  # noqa: F401
            import sounddevice
            import soundfile
        except (ImportError, OSError) as exc:
            self._sd = self._sf = None
            self._set_status(
                ERROR,
                f"the audio libraries cannot be loaded ({exc}); install "
                "libportaudio2 and libsndfile1 (`apt-get install libportaudio2 "
                "libsndfile1`)",
            )
            return
        self._sd, self._sf = sounddevice, soundfile
        self.refresh()

    def refresh(self) -> bool:
        """Looks for the configured device again (say, after it was plugged in)."""
        if self._sd is None:
            return False
        try:
            self._device, self._device_name = resolve_input_device(
                self._sd, self.settings.device, self.samplerate
            )
        except MicrophoneError as exc:
            self._set_status(exc.status, str(exc))
            return False
        self._set_status(OK)
        return True

    @property
    def device_name(self) -> str:
        return self._device_name

    # -- recording -------------------------------------------------------------

    def record(
        self,
        *,
        max_s: float = DEFAULT_MAX_S,
        on_done: RecordingCallback | None = None,
        silence_stop_s: float = SILENCE_STOP_S,
    ) -> Recording:
        recording = Recording(self.samplerate, max_s, on_done)
        with self._lock:
            if self._recording is not None and not self._recording.done:
                raise RuntimeError("a recording is already running; stop or cancel it first")
            if self._sd is None or self._device is None and not self.refresh():
                recording._finish(error=self.last_error)
                return recording
            self._recording = recording
            self._start(
                f"microphone-{id(recording):x}",
                self._record,
                recording,
                self._device,
                silence_stop_s,
            )
        return recording

    def _record(self, recording: Recording, device: int, silence_stop_s: float) -> None:
        sd, sf = self._sd, self._sf
        chunks: queue.Queue[np.ndarray | None] = queue.Queue()
        max_frames = round(recording.max_s * recording.samplerate)

        def on_audio(indata, frames, time_info, status) -> None:  # PortAudio's thread
            if recording._stop.is_set():
                raise sd.CallbackStop
            room = max_frames - recording._frames
            chunk = indata[: min(frames, room), 0].copy()
            recording._frames += len(chunk)
            chunks.put(chunk)
            if recording._frames >= max_frames:
                recording._stop_with("max_s")
                raise sd.CallbackStop

        try:
            stream = sd.InputStream(
                device=device,
                samplerate=recording.samplerate,
                channels=1,
                dtype="float32",
                latency=INPUT_LATENCY_S,
                callback=on_audio,
                finished_callback=lambda: chunks.put(None),
            )
        except (sd.PortAudioError, ValueError) as exc:
            self._device = None  # look it up again next time
            error = (
                f"the microphone {self._device_name!r} cannot be opened ({exc}); is it "
                "plugged in? `arecord -l` lists the capture devices"
            )
            self._set_status(MISSING, error)
            recording._finish(error=error)
            return
        out = io.BytesIO()
        trimmer = None
        error = None
        try:
            with (
                stream,
                sf.SoundFile(
                    out,
                    "w",
                    samplerate=recording.samplerate,
                    channels=1,
                    format="OGG",
                    subtype="OPUS",
                    compression_level=opus_compression_level(),
                ) as ogg,
            ):
                trimmer = VoiceTrimmer(
                    recording.samplerate, ogg.write, silence_stop_s=silence_stop_s
                )
                stream.start()
                error = self._consume(recording, chunks, trimmer)
                trimmer.finish()
                recording.threshold_dbfs = trimmer.threshold_dbfs
        except (sd.PortAudioError, sf.LibsndfileError, OSError) as exc:
            error = f"the recording failed: {exc}"
        if error:
            self._set_status(ERROR, error)
            recording._finish(error=error)
            return
        self._set_status(OK)
        if trimmer is None or trimmer.written == 0:
            recording._finish(error="nothing was heard: speak closer to the microphone")
            return
        recording._finish(VoiceClip(out.getvalue(), trimmer.written / recording.samplerate))

    @staticmethod
    def _consume(recording: Recording, chunks: queue.Queue, trimmer: VoiceTrimmer) -> str | None:
        """Drains the queue into the trimmer until the stream ends; an error text if it broke."""
        last_audio = time.monotonic()
        while True:
            try:
                chunk = chunks.get(timeout=POLL_S)
            except queue.Empty:
                if recording._stop.is_set():
                    return None
                if time.monotonic() - last_audio > STALL_S:
                    return (
                        f"the microphone delivered no sound for {STALL_S:g} s; check its "
                        "cable, or choose another device in microphone.device"
                    )
                continue
            if chunk is None:
                return None
            last_audio = time.monotonic()
            if len(chunk):
                recording.level_dbfs = level_dbfs(chunk)
            if trimmer.feed(chunk):
                recording._stop_with("silence")

    # -- playback --------------------------------------------------------------

    def play(self, clip: VoiceClip, *, on_done: PlaybackCallback | None = None) -> Playback:
        playback = Playback(clip, on_done)
        with self._lock:
            if self._playback is not None:
                self._playback.stop()
            if self._sd is None:
                playback._finish(error=self.last_error)
                return playback
            self._playback = playback
            self._start("microphone-playback", self._play, playback)
        return playback

    def _play(self, playback: Playback) -> None:
        sd, sf = self._sd, self._sf
        try:
            data, samplerate = sf.read(
                io.BytesIO(playback.clip.ogg), dtype="float32", always_2d=True
            )
        except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
            playback._finish(error=f"the clip cannot be decoded: {exc}")
            return
        playback._samplerate = samplerate
        ended = threading.Event()

        def on_output(outdata, frames, time_info, status) -> None:  # PortAudio's thread
            if playback._stop.is_set():
                raise sd.CallbackAbort
            start = playback._frames
            chunk = data[start : start + frames]
            outdata[: len(chunk)] = chunk
            outdata[len(chunk) :] = 0
            playback._frames = start + len(chunk)
            if len(chunk) < frames:
                raise sd.CallbackStop

        error = None
        try:
            with sd.OutputStream(
                device=self.output_device,
                samplerate=samplerate,
                channels=data.shape[1],
                dtype="float32",
                latency=OUTPUT_LATENCY_S,
                callback=on_output,
                finished_callback=ended.set,
            ):
                # Bounded even if the device stops calling back.
                deadline = time.monotonic() + len(data) / samplerate + STALL_S
                while not ended.wait(POLL_S):
                    if playback._stop.is_set() or time.monotonic() > deadline:
                        break
        except (sd.PortAudioError, ValueError) as exc:
            error = (
                f"the clip cannot be played ({exc}); check the speaker and the "
                "system's default output (`aplay -l`)"
            )
        playback._finish(error=error)

    # -- checks ----------------------------------------------------------------

    def measure(self, duration_s: float = CHECK_S) -> LevelReading:
        sd = self._sd
        if sd is None or (self._device is None and not self.refresh()):
            raise MicrophoneError(self.last_error or "no microphone", self.status)
        import numpy as np

        frames = 0
        peak = 0.0
        energy = 0.0
        wanted = round(duration_s * self.samplerate)
        heard = threading.Event()

        def on_audio(indata, count, time_info, status) -> None:
            nonlocal frames, peak, energy
            block = indata[: max(0, min(count, wanted - frames)), 0]
            if len(block):
                peak = max(peak, float(np.abs(block).max()))
                energy += float(np.square(block, dtype=np.float64).sum())
            frames += len(block)
            if frames >= wanted:
                heard.set()
                raise sd.CallbackStop

        try:
            with sd.InputStream(
                device=self._device,
                samplerate=self.samplerate,
                channels=1,
                dtype="float32",
                latency=INPUT_LATENCY_S,
                callback=on_audio,
            ):
                heard.wait(duration_s + STALL_S)
        except (sd.PortAudioError, ValueError) as exc:
            self._device = None
            error = (
                f"the microphone {self._device_name!r} cannot be opened ({exc}); is it "
                "plugged in? `arecord -l` lists the capture devices"
            )
            self._set_status(MISSING, error)
            raise MicrophoneError(error, MISSING) from exc
        if frames < wanted:
            error = (
                f"the microphone {self._device_name!r} delivered "
                f"{frames / self.samplerate:.2f} s of sound in {duration_s + STALL_S:g} s; "
                "check its cable or choose another device in microphone.device"
            )
            self._set_status(ERROR, error)
            raise MicrophoneError(error)
        self._set_status(OK)
        return LevelReading(
            frames / self.samplerate,
            dbfs(peak),
            dbfs(math.sqrt(energy / frames)),
            self._device_name,
        )

    # -- threads ---------------------------------------------------------------

    def _start(self, name: str, target: Callable[..., None], *args: Any) -> None:
        """Starts a worker (lock held); workers are joined by close()."""
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(
            target=self._guarded, args=(target, *args), name=name, daemon=True
        )
        self._threads.append(thread)
        thread.start()

    def _guarded(self, target: Callable[..., None], *args: Any) -> None:
        try:
            target(*args)
        except Exception as exc:  # a worker must always finish its take or playback
            log.exception("the microphone worker failed")
            self._set_status(ERROR, f"the microphone failed unexpectedly: {exc}")
            for item in args:
                if isinstance(item, (Recording, Playback)) and not item.done:
                    item._finish(error=str(exc))

    def close(self) -> None:
        with self._lock:
            if self._recording is not None:
                self._recording.cancel()
            if self._playback is not None:
                self._playback.stop()
            threads = list(self._threads)
        for thread in threads:
            thread.join(CLOSE_TIMEOUT_S)


def open_microphone(
    settings: MicrophoneSettings,
    *,
    output_device: int | str | None = None,
    on_status: StatusListener | None = None,
) -> Microphone:
    """The microphone the settings ask for: PortAudio, or none for ``device: false``."""
    if not settings.enabled:
        return NoMicrophone(on_status=on_status)
    return SoundDeviceMicrophone(settings, output_device=output_device, on_status=on_status)


def resolve_input_device(sd: Any, device: int | str | None, samplerate: int) -> tuple[int, str]:
    """The PortAudio index and name of the configured input; MicrophoneError if unusable."""
    try:
        devices = list(sd.query_devices())
    except sd.PortAudioError as exc:
        raise MicrophoneError(
            f"PortAudio lists no devices ({exc}); is the sound system running?"
        ) from exc
    inputs = [(i, d["name"]) for i, d in enumerate(devices) if d["max_input_channels"] > 0]
    names = ", ".join(repr(name) for _, name in inputs) or "none"
    if device is None:
        index = sd.default.device[0]
        if index is None or index < 0:
            raise MicrophoneError(
                f"there is no default input device (inputs: {names}); plug "
                "in a microphone or set microphone.device",
                MISSING,
            )
    elif isinstance(device, int):
        if not any(i == device for i, _ in inputs):
            raise MicrophoneError(
                f"input device {device} does not exist (inputs: {names}); "
                "set microphone.device to one of them",
                MISSING,
            )
        index = device
    else:
        found = [i for i, name in inputs if device.lower() in name.lower()]
        if not found:
            raise MicrophoneError(
                f"no input device's name contains {device!r} (inputs: "
                f"{names}); set microphone.device to one of them",
                MISSING,
            )
        index = found[0]
    name = devices[index]["name"]
    try:
        sd.check_input_settings(device=index, samplerate=samplerate, channels=1, dtype="float32")
    except (sd.PortAudioError, ValueError) as exc:
        other = 48000 if samplerate != 48000 else 16000
        raise MicrophoneError(
            f"the input {name!r} cannot record mono at {samplerate} Hz "
            f"({exc}); set microphone.samplerate to {other}, or choose the "
            "ALSA device 'default' that converts"
        ) from exc
    return index, name
