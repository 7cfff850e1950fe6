"""The device checks of `kiosk doctor` and the operator screen, on real devices and bad ones."""

from __future__ import annotations

import threading

from kiosk.devices import check_camera, check_microphone, open_devices, run_check_async
from kiosk.settings import CameraSettings, MicrophoneSettings, Settings
from support.device_media import write_video


def test_the_camera_check_takes_one_photo_and_reports_its_size(tmp_path):
    video = write_video(tmp_path / "cam.avi", frames=20)
    result = check_camera(CameraSettings(source=str(video)))
    assert result.ok and result.state == "ok"
    assert "1280×720 JPEG" in result.detail and result.hint is None


def test_the_camera_check_fails_with_a_hint_on_a_bad_source():
    result = check_camera(CameraSettings(source="/dev/video97"))
    assert not result.ok and result.state == "failed"
    assert "/dev/video97" in result.detail and "camera.source" in result.hint
    assert check_camera(CameraSettings(source=None)).state == "off"


def test_the_microphone_check_listens_a_second_and_reports_the_peak(pulse, speech_wav):
    player = pulse.play(speech_wav)
    try:
        result = check_microphone(MicrophoneSettings(device="pulse"))
    finally:
        player.terminate()
        player.wait()
        player.stderr.close()
    assert result.ok and result.hint is None, result
    assert "'pulse'" in result.detail and "dBFS over 1.0 s" in result.detail


def test_the_microphone_check_warns_when_it_hears_nothing(pulse):
    result = check_microphone(MicrophoneSettings(device="pulse"))
    assert result.ok and "nothing was heard" in result.hint


def test_the_microphone_check_fails_with_a_hint_on_a_bad_device(pulse):
    result = check_microphone(MicrophoneSettings(device="no such microphone"))
    assert not result.ok and "microphone.device" in result.hint
    assert check_microphone(MicrophoneSettings(device=None, enabled=False)).state == "off"


def test_checks_run_off_the_calling_thread():
    results = []
    done = threading.Event()
    run_check_async(
        lambda: check_camera(CameraSettings(source=None)),
        lambda result: (results.append(result), done.set()),
    )
    assert done.wait(2) and results[0].state == "off"


def test_the_operator_screen_tests_use_the_apps_own_devices(tmp_path):
    video = write_video(tmp_path / "cam.avi", frames=20)
    statuses = []
    settings = Settings(
        terminal_id="t",
        camera=CameraSettings(source=str(video)),
        microphone=MicrophoneSettings(device=None, enabled=False),
    )
    devices = open_devices(settings, on_status=lambda **s: statuses.append(s))
    assert statuses == [{"camera": "ok", "microphone": "off"}]
    assert not devices.voice_available
    done = threading.Event()
    devices.test_camera(done.set)
    assert done.wait(5)
    assert devices.last_test.startswith("camera: ok: ")
    photo = devices.take_photo(3.0)
    assert photo is not None and photo.width == 1280
    devices.close()
