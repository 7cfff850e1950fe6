"""Real media for the manager's tests: JPEG photos and OGG/Opus voice, as a terminal makes them."""

from __future__ import annotations

import io

import cv2
import numpy as np
import soundfile as sf


def jpeg(width: int = 640, height: int = 480, seed: int = 0, quality: int = 90) -> bytes:
    """A noisy picture, so that its size grows with its area as a camera's does."""
    rng = np.random.default_rng(seed)
    frame = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def ogg_opus(seconds: float = 2.0, seed: int = 0, samplerate: int = 16000) -> bytes:
    """A tone with noise, in OGG/Opus as the terminal's microphone writes it."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * samplerate)) / samplerate
    signal = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(t.size)
    buffer = io.BytesIO()
    sf.write(buffer, signal.astype(np.float32), samplerate, format="OGG", subtype="OPUS")
    return buffer.getvalue()
