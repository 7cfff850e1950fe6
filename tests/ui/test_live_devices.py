"""The whole journey with both devices live: a real video camera and a real audio path.

The camera is OpenCV reading a video file; the microphone is the ALSA
``pulse`` device reading a PulseAudio null sink that espeak-ng speech is
played into. The outbox must hold a message with a decodable photo and voice.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import soundfile

from support.device_media import frame_index, write_video
from sync.outbox import Outbox

#: Long enough that the camera never reaches the end during the test.
VIDEO_FRAMES = 3000


def test_a_visit_with_photo_and_voice(start_kiosk, pulse, speech_wav, tmp_path):
    video = write_video(tmp_path / "camera.avi", VIDEO_FRAMES)
    kiosk = start_kiosk(
        "restaurant",
        camera=f'{{source: "{video}"}}',
        microphone="{device: pulse, samplerate: 16000}",
    )
    kiosk.wait_step("start")
    kiosk.tap("language:en", then=lambda s: s["step"] == "rating")
    kiosk.wait_step("rating")
    kiosk.tap("rating:1", then=lambda s: s["step"] == "choice")
    kiosk.wait_step("choice")
    kiosk.tap("topic:food_quality")
    kiosk.tap("category:soups")
    kiosk.tap("detail:cold", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    kiosk.tap("voice", then=lambda s: s["step"] == "voice")
    kiosk.wait_step("voice")
    kiosk.tap(
        "voice:record",
        then=lambda s: any(b["key"] == "voice:stop" and not b["disabled"] for b in s["buttons"]),
    )
    player = pulse.play(speech_wav)
    _, errors = player.communicate(timeout=30)
    assert player.returncode == 0, errors
    kiosk.tap(
        "voice:stop",
        then=lambda s: any(b["key"] == "done" and not b["disabled"] for b in s["buttons"]),
    )
    kiosk.tap("done", then=lambda s: s["step"] == "message")
    kiosk.wait_step("message")
    assert kiosk.button("voice")["text"].startswith("✓")
    kiosk.tap("send", then=lambda s: s["step"] == "thanks")
    kiosk.wait_step("thanks")
    assert kiosk.stop() == 0

    with Outbox(kiosk.probe_dir.parent / "data", recover=False) as box:
        (message,) = list(box.messages())
        photo = box.read_media(message["id"], "photo")
        voice = box.read_media(message["id"], "voice")
    assert message["alert"] is True and message["rating"]["value"] == 1

    image = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape[:2] == (720, 1280)
    assert (message["photo"]["width"], message["photo"]["height"]) == (1280, 720)
    index, _size = frame_index(photo)
    assert index >= 15, "the camera's warm-up frames are dropped"

    samples, rate = soundfile.read(io.BytesIO(voice))
    assert rate == 16000
    duration_s = len(samples) / rate
    assert abs(duration_s - message["voice"]["duration_s"]) < 0.1
    assert 2.0 < duration_s < 8.0, "the speech is about 4.5 s; silence is trimmed"
    assert np.sqrt(np.mean(samples**2)) > 0.01, "the recording holds the speech, not silence"
