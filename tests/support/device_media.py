"""Media for the device tests: videos whose frames carry their own index, and speech helpers."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import soundfile as sf

#: Each frame shows its index as INDEX_BITS black or white squares along the top.
INDEX_BITS = 8
SQUARE_PX = 80
FPS = 30


def write_video(path: Path, frames: int, size: tuple[int, int] = (1280, 720)) -> Path:
    """An MJPG .avi: a moving bar over a gradient, and each frame's index in squares.

    The squares scale with the width, so a frame scaled down still reads.
    """
    width, height = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, size)
    assert writer.isOpened(), f"OpenCV cannot write {path}"
    square = SQUARE_PX * width // 1280
    gradient = np.tile(np.linspace(40, 200, width, dtype=np.uint8), (height, 1))
    for index in range(frames):
        frame = cv2.merge([gradient, gradient[::-1, ::-1], gradient])
        x = index * 23 % width
        cv2.rectangle(frame, (x, square * 2), (x + 60, height - 1), (0, 0, 255), -1)
        for bit in range(INDEX_BITS):
            value = 255 if index >> bit & 1 else 0
            frame[:square, bit * square : (bit + 1) * square] = value
        writer.write(frame)
    writer.release()
    return path


def frame_index(jpeg: bytes) -> tuple[int, tuple[int, int]]:
    """The index a frame shows and the JPEG's (width, height)."""
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None, "the JPEG does not decode"
    height, width = image.shape
    square = SQUARE_PX * width / 1280
    index = 0
    for bit in range(INDEX_BITS):
        centre = image[int(square / 2), int(bit * square + square / 2)]
        index |= (centre > 128) << bit
    return index, (width, height)


def read_mono(path_or_file) -> tuple[np.ndarray, int]:
    data, samplerate = sf.read(path_or_file, dtype="float32", always_2d=True)
    return data.mean(axis=1), samplerate


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Band-limited resampling through the spectrum (good enough for test speech)."""
    count = round(len(samples) * rate_out / rate_in)
    spectrum = np.fft.rfft(samples)
    kept = count // 2 + 1
    spectrum = (
        spectrum[:kept] if len(spectrum) >= kept else np.pad(spectrum, (0, kept - len(spectrum)))
    )
    return (np.fft.irfft(spectrum, count) * (count / len(samples))).astype(np.float32)
