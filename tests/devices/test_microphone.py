"""The microphone on a real path: espeak-ng → PulseAudio null sink → ALSA pulse → PortAudio."""

from __future__ import annotations

import io
import threading
import time

import numpy as np
import pytest

from kiosk.devices.audio import PAD_S, encode_ogg, level_dbfs, voiced_span
from kiosk.devices.microphone import NoMicrophone, SoundDeviceMicrophone
from kiosk.settings import MicrophoneSettings
from support.device_media import read_mono, resample

#: Real speech through PulseAudio and PortAudio, in real time: about 20 s.
pytestmark = pytest.mark.slow

SAMPLERATE_HZ = 16000
#: Quiet before and after the speech while recording.
LEAD_S = 1.0
#: Speech RMS from espeak-ng is about -21 dBFS; silence is -120.
SPEECH_FLOOR_DBFS = -30.0
#: Opus's own delay and 20-ms blocks blur edges by this much.
EDGE_SLACK_S = 0.08


@pytest.fixture
def microphone(pulse):
    microphone = SoundDeviceMicrophone(MicrophoneSettings(device="pulse", samplerate=SAMPLERATE_HZ))
    yield microphone
    microphone.close()


def voiced_length(samples, samplerate) -> float:
    start, end = voiced_span(samples, samplerate)
    return end - start


def test_a_take_of_speech_is_encoded_trimmed_and_as_long_as_the_speech(
    pulse, microphone, speech_wav
):
    assert microphone.available and microphone.status == "ok"
    speech, speech_rate = read_mono(speech_wav)
    levels = []
    finished = threading.Event()
    recording = microphone.record(max_s=30, on_done=lambda r: finished.set())
    time.sleep(LEAD_S)
    player = pulse.play(speech_wav)
    while player.poll() is None:
        levels.append(recording.level)
        time.sleep(0.05)
    assert player.returncode == 0, player.stderr.read()
    player.stderr.close()
    time.sleep(LEAD_S)
    assert recording.remaining_s == pytest.approx(30 - recording.elapsed_s)
    recording.stop()
    assert finished.wait(5)

    clip = recording.clip
    assert recording.stop_reason == "stopped" and recording.error is None
    samples, rate = read_mono(io.BytesIO(clip.ogg))
    assert rate == SAMPLERATE_HZ
    assert clip.duration_s == pytest.approx(len(samples) / rate, abs=0.03)
    assert recording.threshold_dbfs == pytest.approx(-45.0)

    spoken = voiced_length(speech, speech_rate)
    heard_start, heard_end = voiced_span(samples, rate)
    assert heard_end - heard_start == pytest.approx(spoken, rel=0.10)
    assert level_dbfs(samples[int(heard_start * rate) : int(heard_end * rate)]) > SPEECH_FLOOR_DBFS
    assert max(levels) > 0.5  # the meter moved with the voice
    # The take ran from before the speech to after it; the clip does not.
    assert recording.elapsed_s > spoken + 2 * LEAD_S - 0.2
    assert heard_start <= PAD_S + EDGE_SLACK_S
    assert clip.duration_s - heard_end <= PAD_S + EDGE_SLACK_S
    assert clip.duration_s <= spoken + 2 * PAD_S + 2 * EDGE_SLACK_S


def test_max_s_stops_the_take_by_itself(pulse, microphone, speech_wav):
    player = pulse.play(speech_wav)
    try:
        recording = microphone.record(max_s=1.5)
        assert recording.wait(4) is not None
    finally:
        player.terminate()
        player.wait()
        player.stderr.close()
    assert recording.stop_reason == "max_s"
    assert recording.elapsed_s == pytest.approx(1.5) and recording.remaining_s == 0
    assert 0.5 < recording.clip.duration_s <= 1.5


def test_quiet_after_speech_stops_the_take_by_itself(pulse, microphone, speech_wav):
    recording = microphone.record(max_s=20, silence_stop_s=0.6)
    player = pulse.play(speech_wav)
    player.wait()
    player.stderr.close()
    assert recording.wait(3) is not None
    assert recording.stop_reason == "silence"
    assert recording.elapsed_s < 20


def test_nothing_heard_gives_no_clip_but_keeps_the_microphone_available(pulse, microphone):
    recording = microphone.record(max_s=0.5)
    assert recording.wait(3) is None
    assert "nothing was heard" in recording.error
    assert microphone.available


def test_listen_back_plays_the_clip_into_the_speaker_and_can_be_stopped(
    pulse, microphone, speech_wav
):
    speech, rate = read_mono(speech_wav)
    clip_ogg = encode_ogg(resample(speech, rate, SAMPLERATE_HZ), SAMPLERATE_HZ)
    from kiosk.flow import VoiceClip

    clip = VoiceClip(clip_ogg, len(speech) / rate)

    playback = microphone.play(clip)
    reading = microphone.measure(1.0)  # the monitor of the sink it plays into
    assert reading.peak_dbfs > -20
    playback.stop()
    assert playback.wait(1.0)
    assert playback.error is None and playback.position_s < clip.duration_s

    ended = threading.Event()
    started = time.monotonic()
    microphone.play(
        VoiceClip(encode_ogg(np.zeros(SAMPLERATE_HZ * 3, np.float32), SAMPLERATE_HZ), 3.0),
        on_done=lambda p: ended.set(),
    )
    # Returned long before the 3 s clip could have played.
    assert time.monotonic() - started < 1.5
    assert ended.wait(10)


def test_an_unknown_device_is_missing_and_not_available(pulse):
    microphone = SoundDeviceMicrophone(MicrophoneSettings(device="no such microphone"))
    assert microphone.status == "missing" and not microphone.available
    assert "'pulse'" in microphone.last_error  # lists what there is
    recording = microphone.record()
    assert recording.done and recording.clip is None and recording.error
    microphone.close()


def test_the_none_microphone_is_off_and_not_available():
    microphone = NoMicrophone()
    assert microphone.status == "off" and not microphone.available
    results = []
    recording = microphone.record(on_done=results.append)
    assert results == [recording] and recording.clip is None
    microphone.close()
