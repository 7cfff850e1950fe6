"""The audio maths of a voice message: levels, voice detection, silence trim, Opus.

Pure functions and one streaming class over numpy arrays of mono float
samples (full scale 1.0); no device I/O. :mod:`kiosk.devices.microphone`
feeds them from PortAudio, the tests and the benchmarks from files.
numpy and soundfile are imported where they are used, never at import time.
"""

from __future__ import annotations

import collections
import io
import math
from collections.abc import Callable
from typing import Any

#: Opus bitrate: wideband speech stays clear, and a minute is ~120 KB
#: (the goal is at most 150 KB; see tests/benchmarks/bench_voice.py).
OPUS_BITRATE_BPS = 16_000
#: libsndfile maps compression_level 0..1 linearly onto these Opus bitrates (per channel).
_LIBSNDFILE_OPUS_MAX_BPS = 256_000
_LIBSNDFILE_OPUS_MIN_BPS = 6_000
#: The block over which a level is measured and voice is decided.
BLOCK_S = 0.02
#: A block at least this loud is voice (a quiet room's microphone sits near -60 dBFS).
VOICE_THRESHOLD_DBFS = -45.0
#: In a noisy room, voice must be this much louder than the noise heard at first...
NOISE_MARGIN_DB = 12.0
#: ...but never needs to be louder than this: a visitor who speaks at once
#: (so the "noise" measured is their voice) is still heard.
MAX_THRESHOLD_DBFS = -30.0
#: The room's noise is measured over this much audio after Record is tapped.
NOISE_PROBE_S = 0.3
#: Audio kept before the first and after the last voiced block, so soft
#: onsets and trailing consonants are not clipped (a whole number of blocks).
PAD_S = 0.3
#: This much quiet after speech ends the take by itself.
SILENCE_STOP_S = 8.0
#: The level reported for digital silence (log of zero).
SILENCE_DBFS = -120.0


class VoiceTrimmer:
    """Feeds an encoder only the voiced part of a stream, plus PAD_S either side.

    Memory: at most PAD_S of audio before the voice starts and at most
    ``silence_stop_s`` of quiet after it (when :meth:`feed` says to stop).
    """

    def __init__(
        self,
        samplerate: int,
        write: Callable[[Any], Any],
        *,
        silence_stop_s: float = SILENCE_STOP_S,
    ):
        import numpy as np

        self._np = np
        self.block = max(1, round(samplerate * BLOCK_S))
        self.write = write
        self.threshold_dbfs = VOICE_THRESHOLD_DBFS
        self.written = 0
        self._pad_blocks = max(1, round(PAD_S / BLOCK_S))
        self._probe_blocks = max(1, round(NOISE_PROBE_S / BLOCK_S))
        self._stop_blocks = max(1, round(silence_stop_s / BLOCK_S))
        self._carry = np.zeros(0, dtype=np.float32)
        self._before: collections.deque = collections.deque(maxlen=self._pad_blocks)
        self._held: list = []
        self._blocks_seen = 0
        self._noise_dbfs = 0.0
        self._voice_started = False

    def feed(self, samples: Any) -> bool:
        """Takes more audio; True once SILENCE_STOP_S of quiet followed the voice."""
        np = self._np
        data = np.concatenate((self._carry, samples)) if len(self._carry) else samples
        whole = len(data) // self.block * self.block
        self._carry = data[whole:]
        blocks = data[:whole].reshape(-1, self.block)
        for block in blocks:
            if self._blocks_seen < self._probe_blocks:
                self._noise_dbfs = min(self._noise_dbfs, level_dbfs(block))
                self.threshold_dbfs = min(
                    MAX_THRESHOLD_DBFS,
                    max(VOICE_THRESHOLD_DBFS, self._noise_dbfs + NOISE_MARGIN_DB),
                )
            self._blocks_seen += 1
            voiced = level_dbfs(block) > self.threshold_dbfs
            if not self._voice_started:
                if voiced:
                    self._voice_started = True
                    self._emit(list(self._before) + [block])
                    self._before.clear()
                else:
                    self._before.append(block)
            elif voiced:
                self._emit(self._held + [block])
                self._held = []
            else:
                self._held.append(block)
                if len(self._held) >= self._stop_blocks:
                    return True
        return False

    def finish(self) -> None:
        """The take is over: the quiet after the last voice is cut to PAD_S."""
        if self._voice_started:
            self._emit(self._held[: self._pad_blocks])
        self._held = []
        self._before.clear()

    def _emit(self, blocks: list) -> None:
        if blocks:
            data = self._np.concatenate(blocks)
            self.write(data)
            self.written += len(data)


def opus_compression_level(bitrate_bps: int = OPUS_BITRATE_BPS) -> float:
    """libsndfile's compression_level (0..1) for an Opus bitrate per channel."""
    span = _LIBSNDFILE_OPUS_MAX_BPS - _LIBSNDFILE_OPUS_MIN_BPS
    return min(1.0, max(0.0, (_LIBSNDFILE_OPUS_MAX_BPS - bitrate_bps) / span))


def encode_ogg(samples: Any, samplerate: int, *, bitrate_bps: int = OPUS_BITRATE_BPS) -> bytes:
    """Mono float samples as OGG/Opus bytes, as a recording encodes them."""
    import soundfile as sf

    out = io.BytesIO()
    with sf.SoundFile(
        out,
        "w",
        samplerate=samplerate,
        channels=1,
        format="OGG",
        subtype="OPUS",
        compression_level=opus_compression_level(bitrate_bps),
    ) as f:
        f.write(samples)
    return out.getvalue()


def level_dbfs(samples: Any) -> float:
    """The RMS level of float samples (full scale 1.0) in dBFS; SILENCE_DBFS for silence."""
    import numpy as np

    if len(samples) == 0:
        return SILENCE_DBFS
    return dbfs(float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))))


def voiced_span(
    samples: Any, samplerate: int, threshold_dbfs: float = VOICE_THRESHOLD_DBFS
) -> tuple[float, float] | None:
    """Start and end (in seconds) of the first and last voiced BLOCK_S block; None if none."""
    block = max(1, round(samplerate * BLOCK_S))
    count = len(samples) // block
    voiced = [
        i for i in range(count) if level_dbfs(samples[i * block : (i + 1) * block]) > threshold_dbfs
    ]
    if not voiced:
        return None
    return voiced[0] * block / samplerate, (voiced[-1] + 1) * block / samplerate


def dbfs(amplitude: float) -> float:
    return 20 * math.log10(amplitude) if amplitude > 0 else SILENCE_DBFS
