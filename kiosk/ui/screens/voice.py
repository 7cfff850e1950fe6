"""The voice message: big record and stop, a level meter, a countdown, listen back, send.

The recording runs on the microphone's worker; this screen polls its level
and remaining time for the meter, and hears of its end through
``Clock.schedule_once``.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty, OptionProperty

from ..widgets import LevelMeter  # noqa: F401  (the kv rule names it)
from . import KioskScreen

#: How often the meter and the countdown are redrawn while recording.
METER_S = 1 / 15


class VoiceScreen(KioskScreen):
    state = OptionProperty("idle", options=("idle", "recording", "recorded", "playing"))
    level = NumericProperty(0.0)
    remaining_s = NumericProperty(0.0)

    def refresh(self) -> None:
        self._stop_all()
        self.clip = self.kiosk.flow.visit.voice
        self.state = "recorded" if self.clip else "idle"
        self.remaining_s = self.kiosk.flow.options.voice_max_s
        self.level = 0.0
        self.ids.status.text = ""

    def on_leave(self, *_args) -> None:
        self._stop_all()

    def record(self) -> None:
        microphone = self.kiosk.devices.microphone
        self.clip = None
        self.state = "recording"
        self.recording = microphone.record(
            max_s=self.kiosk.flow.options.voice_max_s,
            on_done=lambda rec: Clock.schedule_once(lambda _dt: self._recorded(rec)),
        )
        self._meter = Clock.schedule_interval(self._update_meter, METER_S)

    def stop(self) -> None:
        if self.state == "recording":
            self.recording.stop()
        elif self.state == "playing":
            self.playback.stop()

    def listen(self) -> None:
        if self.clip is None:
            return
        self.state = "playing"
        self.playback = self.kiosk.devices.microphone.play(
            self.clip, on_done=lambda *_a: Clock.schedule_once(lambda _dt: self._played())
        )

    def use(self) -> None:
        self._stop_all()
        self.kiosk.act(self.kiosk.flow.set_voice, self.clip)

    def _update_meter(self, _dt) -> None:
        recording = getattr(self, "recording", None)
        if recording is None:
            return
        self.level = recording.level
        self.remaining_s = recording.remaining_s
        self.kiosk.flow.touch()  # speaking is activity, even without a tap

    def _recorded(self, recording) -> None:
        if recording is not getattr(self, "recording", None):
            return  # a take this screen already gave up
        self._cancel_meter()
        self.level = 0.0
        self.clip = recording.clip
        self.state = "recorded" if self.clip else "idle"
        self.ids.status.text = (
            "" if self.clip else self.kiosk.tr("Nothing was heard; please try again")
        )

    def _played(self) -> None:
        if self.state == "playing":
            self.state = "recorded"

    def _cancel_meter(self) -> None:
        meter = getattr(self, "_meter", None)
        if meter is not None:
            meter.cancel()
            self._meter = None

    def _stop_all(self) -> None:
        self._cancel_meter()
        recording = getattr(self, "recording", None)
        if recording is not None and not recording.done:
            recording.cancel()
        self.recording = None
        playback = getattr(self, "playback", None)
        if playback is not None:
            playback.stop()
            self.playback = None


SCREEN_CLASS = VoiceScreen
