"""Silence trimming and encoding, on synthetic signals (no device needed)."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import soundfile as sf

from kiosk.devices.audio import BLOCK_S, PAD_S, VoiceTrimmer, encode_ogg, voiced_span

RATE_HZ = 16000


def tone(seconds: float, dbfs: float = -20.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    return (10 ** (dbfs / 20) * np.sqrt(2) * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE_HZ), np.float32)


def run_trimmer(signal: np.ndarray, **kwargs) -> tuple[np.ndarray, bool]:
    written = []
    trimmer = VoiceTrimmer(RATE_HZ, written.append, **kwargs)
    rng = np.random.default_rng(1)
    position, stopped = 0, False
    while position < len(signal) and not stopped:
        size = int(rng.integers(50, 2000))  # PortAudio buffers come in any size
        stopped = trimmer.feed(signal[position : position + size])
        position += size
    trimmer.finish()
    return (np.concatenate(written) if written else np.zeros(0, np.float32)), stopped


def test_leading_and_trailing_quiet_is_cut_to_the_pad_and_a_pause_inside_is_kept():
    signal = np.concatenate([silence(1.0), tone(1.0), silence(0.5), tone(0.5), silence(2.0)])
    kept, stopped = run_trimmer(signal)
    assert not stopped
    assert abs(len(kept) / RATE_HZ - (PAD_S + 2.0 + PAD_S)) <= BLOCK_S
    start, end = voiced_span(kept, RATE_HZ)
    assert abs(start - PAD_S) <= BLOCK_S and abs(len(kept) / RATE_HZ - end - PAD_S) <= BLOCK_S


def test_a_long_quiet_after_speech_says_stop_even_when_the_visitor_spoke_at_once():
    _, stopped = run_trimmer(np.concatenate([tone(0.5), silence(3.0)]), silence_stop_s=1.0)
    assert stopped


def test_noise_in_the_room_raises_the_threshold():
    noise = np.random.default_rng(2).standard_normal(int(3.5 * RATE_HZ)) * 0.01
    signal = noise.astype(np.float32)  # about -40 dBFS: louder than the fixed threshold
    signal[RATE_HZ : 2 * RATE_HZ] += tone(1.0, -12.0)
    kept, _ = run_trimmer(signal)
    assert abs(len(kept) / RATE_HZ - (1.0 + 2 * PAD_S)) <= 2 * BLOCK_S


def test_nothing_but_quiet_encodes_nothing():
    kept, _ = run_trimmer(silence(2.0))
    assert len(kept) == 0


def test_encode_ogg_gives_opus_that_decodes_at_the_same_rate():
    data = encode_ogg(tone(1.0), RATE_HZ)
    with sf.SoundFile(io.BytesIO(data)) as f:
        assert (f.format, f.subtype, f.samplerate) == ("OGG", "OPUS", RATE_HZ)


def test_importing_the_devices_loads_no_device_library():
    code = (
        "import sys, kiosk.devices; "
        "print([m for m in ('cv2', 'sounddevice', 'soundfile', 'numpy', 'kivy') "
        "if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
