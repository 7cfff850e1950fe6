"""Voice size and photo latency: ``PYTHONPATH=tests python -m benchmarks.bench_voice``.

1. A minute of espeak-ng speech (22 050 Hz, resampled to 16 kHz) encoded as
   the recorder encodes it (``kiosk.devices.audio.encode_ogg``: OGG/Opus
   at OPUS_BITRATE_BPS) against the same samples as 16 kHz 16-bit mono WAV.
   This is the encode path, not the PulseAudio path: the tests cover that,
   and a null sink adds nothing to the size. Goal: at most 150 KB, at least
   12 times smaller than the WAV.
2. The time from Send (``capture``) to JPEG bytes in hand for a warm camera
   reading a 1280×720 MJPG video file, median of 20, and for a cold one
   (opened at Send) for comparison.

Not collected by pytest (no ``test_`` prefix). Needs espeak-ng.
"""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import soundfile as sf

from kiosk.devices.audio import OPUS_BITRATE_BPS, encode_ogg
from kiosk.devices.camera import OpenCVCamera
from kiosk.settings import CameraSettings

SPEECH_S = 60
RATE_HZ = 16000
GOAL_BYTES = 150 * 1024
GOAL_RATIO = 12
CAPTURES = 20
COLD_CAPTURES = 5
PAUSE_BETWEEN_CAPTURES_S = 0.1
TEXT = (
    "Good evening. We came for dinner with the whole family and waited almost "
    "forty minutes for a table, although we had booked a week ago. The waiter was "
    "friendly, but the soup was cold and the bread never arrived. The dessert, on "
    "the other hand, was excellent, and the coffee was the best in town. Please "
    "call me back about the booking; my number is on the form. Thank you. "
)


def speech_minute(workdir: Path, seconds: int = SPEECH_S) -> np.ndarray:
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is missing: apt-get install --no-install-recommends espeak-ng")
    wav = workdir / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), TEXT], check=True, capture_output=True)
    speech, rate = sf.read(wav, dtype="float32")
    repeats = int(np.ceil(seconds * rate / len(speech)))
    minute = np.tile(speech, repeats)[: seconds * rate]
    return resample(minute, rate, RATE_HZ)


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    count = round(len(samples) * rate_out / rate_in)
    spectrum = np.fft.rfft(samples)[: count // 2 + 1]
    return (np.fft.irfft(spectrum, count) * (count / len(samples))).astype(np.float32)


def bench_voice(workdir: Path) -> bool:
    speech = speech_minute(workdir)
    wav = io.BytesIO()
    sf.write(wav, speech, RATE_HZ, format="WAV", subtype="PCM_16")
    started = time.perf_counter()
    ogg = encode_ogg(speech, RATE_HZ)
    encode_s = time.perf_counter() - started
    decoded, decoded_rate = sf.read(io.BytesIO(ogg), dtype="float32")
    wav_bytes, ogg_bytes = len(wav.getvalue()), len(ogg)
    ratio = wav_bytes / ogg_bytes
    met = ogg_bytes <= GOAL_BYTES and ratio >= GOAL_RATIO
    print(f"voice: {SPEECH_S} s of espeak-ng speech at {RATE_HZ} Hz mono")
    print(f"  WAV 16-bit      {wav_bytes:>9,} bytes")
    print(
        f"  OGG/Opus {OPUS_BITRATE_BPS // 1000} kb/s {ogg_bytes:>9,} bytes "
        f"({ogg_bytes / 1024:.0f} KB, {ogg_bytes * 8 / SPEECH_S / 1000:.1f} kb/s overall)"
    )
    print(
        f"  ratio           {ratio:.1f}x  goal <= {GOAL_BYTES // 1024} KB and >= "
        f"{GOAL_RATIO}x: {'met' if met else 'MISSED'}"
    )
    print(
        f"  encoding took   {encode_s * 1000:.0f} ms ({SPEECH_S / encode_s:.0f}x real time); "
        f"decodes to {len(decoded) / decoded_rate:.2f} s at {decoded_rate} Hz"
    )
    return met


def voice_rows(*, seconds: int = SPEECH_S, log=print) -> list:
    """The row for ``make bench`` (#7): WAV bytes over OGG/Opus bytes of the same speech."""
    from benchmarks.benchlib import KB, Row

    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        speech = speech_minute(Path(tmp), seconds)
    wav = io.BytesIO()
    sf.write(wav, speech, RATE_HZ, format="WAV", subtype="PCM_16")
    ogg = encode_ogg(speech, RATE_HZ)
    wav_bytes, ogg_bytes = len(wav.getvalue()), len(ogg)
    log(f"  voice: {seconds} s of speech, WAV {wav_bytes:,} bytes, OGG/Opus {ogg_bytes:,} bytes")
    return [
        Row(
            "7",
            f"voice, {seconds} s of espeak-ng speech: OGG/Opus "
            f"{OPUS_BITRATE_BPS // 1000} kb/s, size (ratio = OGG / WAV)",
            ogg_bytes / KB,
            "KB",
            wav_bytes / KB,
            "16 kHz 16-bit mono WAV",
            f"≤ 1/{GOAL_RATIO} = {1 / GOAL_RATIO:.3f}",
            lambda r: r <= 1 / GOAL_RATIO,
        )
    ]


def write_video(path: Path, frames: int) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (1280, 720))
    gradient = np.tile(np.linspace(40, 200, 1280, dtype=np.uint8), (720, 1))
    for index in range(frames):
        frame = cv2.merge([gradient, gradient[::-1, ::-1], gradient])
        cv2.circle(frame, (index * 7 % 1280, 360), 80, (0, 0, 255), -1)
        writer.write(frame)
    writer.release()


def bench_photo(workdir: Path) -> None:
    video = workdir / "camera.avi"
    write_video(video, frames=30 * 30)
    settings = CameraSettings(source=str(video))
    times_ms = []
    with OpenCVCamera(settings) as camera:
        camera.prepare()
        deadline = time.monotonic() + 5
        while not camera.is_open and time.monotonic() < deadline:
            time.sleep(0.01)
        for _ in range(CAPTURES):
            time.sleep(PAUSE_BETWEEN_CAPTURES_S)
            started = time.perf_counter()
            photo = camera.capture()
            times_ms.append((time.perf_counter() - started) * 1000)
            assert photo is not None, camera.last_error
    cold_ms = []
    for _ in range(COLD_CAPTURES):
        with OpenCVCamera(settings) as camera:
            started = time.perf_counter()
            assert camera.capture() is not None, camera.last_error
            cold_ms.append((time.perf_counter() - started) * 1000)
    print(
        f"photo: Send to JPEG bytes, 1280x720 MJPG file at 30 fps, {len(photo.jpeg):,} bytes each"
    )
    print(
        f"  warm camera     median {statistics.median(times_ms):.1f} ms, "
        f"max {max(times_ms):.1f} ms over {CAPTURES}"
    )
    print(
        f"  cold camera     median {statistics.median(cold_ms):.1f} ms over {COLD_CAPTURES} "
        "(a file opens at once; a Pi webcam adds 0.5-1 s to open and settle)"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        met = bench_voice(Path(tmp))
        bench_photo(Path(tmp))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
