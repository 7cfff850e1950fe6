"""Real signal paths for the tests: a PulseAudio null sink and espeak-ng speech.

The device tests and the UI tests share them through the fixtures ``pulse``
and ``speech_wav`` of tests/conftest.py. Audio: a private PulseAudio server (its
socket in a temporary directory) with one null sink, ``null``, whose monitor is the default source. Tests play
speech into the sink with ``paplay`` and record through sounddevice from the
ALSA device ``pulse`` (libasound2-plugins), which reads that monitor.
A missing tool fails the test and names the Debian package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

#: The sentence played into the null sink; about 4.5 s of speech.
SPEECH_TEXT = "The soup was cold and the waiter forgot our bread, but the dessert was lovely."
PULSE_START_TIMEOUT_S = 10.0
SINK = "null"
#: ALSA's PCM plugin that routes the `pulse` device to PulseAudio.
ALSA_PULSE_PLUGIN = "libasound_module_pcm_pulse.so"
#: Samples per second read from the sink's monitor.
MONITOR_RATE = 16000
#: How long the first, stalling stream is kept open.
PRIME_S = 0.3


def require_tool(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"`{tool}` is missing: install the Debian package {package} "
            f"(apt-get install --no-install-recommends {package}); "
            "`make test` does this"
        )
    return path


def require_alsa_pulse_plugin() -> None:
    found = list(Path("/usr/lib").glob(f"*/alsa-lib/{ALSA_PULSE_PLUGIN}")) + list(
        Path("/usr/lib").glob(f"alsa-lib/{ALSA_PULSE_PLUGIN}")
    )
    if not found:
        pytest.fail(
            "ALSA's pulse plugin is missing: install the Debian package "
            "libasound2-plugins (`make test` does this)"
        )


@dataclass
class Pulse:
    """A running private PulseAudio server with a null sink."""

    sink: str
    env: dict[str, str]

    def monitor_rms(self, duration_s: float) -> float:
        """How loud (RMS, 0 to 1) what plays into the sink is over the next ``duration_s``.

        Read from the sink's monitor with ``parec``; digital silence is 0.
        """
        return max(self.monitor_levels(duration_s, chunk_s=duration_s))

    def monitor_levels(
        self, duration_s: float, *, chunk_s: float = 0.1, until: float | None = None
    ) -> list[float]:
        """The RMS of each ``chunk_s`` of the sink's monitor over the next ``duration_s``;
        with ``until``, it stops at the first chunk at least that loud (sound awaited,
        not slept for)."""
        chunk_bytes = int(chunk_s * MONITOR_RATE) * 2
        chunks = max(1, round(duration_s / chunk_s))
        recorder = subprocess.Popen(
            [
                "parec",
                f"--device={self.sink}.monitor",
                "--raw",
                "--format=s16le",
                f"--rate={MONITOR_RATE}",
                "--channels=1",
                "--latency-msec=50",
            ],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert recorder.stdout is not None
        levels: list[float] = []
        try:
            while len(levels) < chunks:
                data = b""
                while len(data) < chunk_bytes:
                    more = recorder.stdout.read(chunk_bytes - len(data))
                    if not more:
                        raise AssertionError(f"parec ended after {len(levels)} chunks")
                    data += more
                samples = np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768
                levels.append(float(np.sqrt(np.mean(samples**2))))
                if until is not None and levels[-1] >= until:
                    break
        finally:
            recorder.kill()
            recorder.wait()
            recorder.stdout.close()
        return levels

    def play(self, wav: Path) -> subprocess.Popen:
        """Starts playing a file into the null sink; the caller waits or terminates."""
        return subprocess.Popen(
            ["paplay", f"--device={self.sink}", str(wav)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )


def prime_alsa_pulse() -> None:
    """Takes the first recording from a new server through ALSA's pulse plugin.

    That first stream stalls until something plays into the sink (measured:
    584 frames in a second of silence); every later one, from any process,
    streams at once. A real microphone never idles like this.
    """
    try:
        import sounddevice
    except OSError as exc:
        pytest.fail(
            f"PortAudio is missing ({exc}): install the Debian package libportaudio2 "
            "(`make test` does this)"
        )
    with sounddevice.InputStream(
        device="pulse", samplerate=16000, channels=1, latency=0.1, callback=lambda *args: None
    ):
        time.sleep(PRIME_S)


@contextmanager
def pulse_server(base: Path) -> Iterator[Pulse]:
    """A private PulseAudio server with its files under ``base``, stopped on leaving."""
    pulseaudio = require_tool("pulseaudio", "pulseaudio")
    require_tool("paplay", "pulseaudio-utils")
    require_tool("pactl", "pulseaudio-utils")
    require_tool("pacat", "pulseaudio-utils")
    require_tool("parec", "pulseaudio-utils")
    require_alsa_pulse_plugin()
    runtime = base / "run"
    runtime.mkdir(mode=0o700)
    home = base / "home"
    home.mkdir()
    socket = base / "native"
    config = base / "null-sink.pa"
    config.write_text(
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
        f"load-module module-null-sink sink_name={SINK} rate=48000\n"
        "load-module module-always-sink\n"
        f"set-default-sink {SINK}\n"
        f"set-default-source {SINK}.monitor\n",
        encoding="utf-8",
    )
    server_env = dict(
        os.environ,
        HOME=str(home),
        XDG_RUNTIME_DIR=str(runtime),
        PULSE_RUNTIME_PATH=str(runtime),
        PULSE_STATE_PATH=str(base / "state"),
    )
    log = open(base / "pulseaudio.log", "wb")
    # As root in a container: not a system-wide daemon, no pid file, no exit
    # when idle, no shared memory, and only our own configuration (-n -F).
    server = subprocess.Popen(
        [
            pulseaudio,
            "--daemonize=no",
            "--system=false",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=no",
            "--disable-shm=yes",
            "--log-target=stderr",
            "-n",
            "-F",
            str(config),
        ],
        env=server_env,
        stdout=log,
        stderr=log,
    )
    client_env = {"PULSE_SERVER": f"unix:{socket}", "PULSE_RUNTIME_PATH": str(runtime)}
    saved = {key: os.environ.get(key) for key in client_env}
    os.environ.update(client_env)
    env = dict(os.environ)
    try:
        deadline = time.monotonic() + PULSE_START_TIMEOUT_S
        while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "PulseAudio did not start: "
                    + (base / "pulseaudio.log").read_text(errors="replace")[-2000:]
                )
            time.sleep(0.05)
        # A real microphone delivers samples all the time; the monitor of an
        # idle null sink, read through ALSA's pulse plugin, does not. A stream
        # of digital silence keeps the sink running, like a (very quiet) room.
        room = subprocess.Popen(
            [
                "pacat",
                "--playback",
                f"--device={SINK}",
                "--raw",
                "--format=s16le",
                "--rate=16000",
                "--channels=1",
                "--latency-msec=50",
                "/dev/zero",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while not subprocess.run(
            ["pactl", "list", "short", "sink-inputs"], env=env, capture_output=True
        ).stdout.strip():
            if room.poll() is not None or time.monotonic() > deadline:
                pytest.fail("pacat could not play silence into the null sink")
            time.sleep(0.05)
        prime_alsa_pulse()
        try:
            yield Pulse(SINK, env)
        finally:
            room.terminate()
            room.wait()
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def write_speech(path: Path) -> Path:
    """espeak-ng speech as a WAV file (22 050 Hz mono) at ``path``."""
    espeak = require_tool("espeak-ng", "espeak-ng")
    subprocess.run([espeak, "-w", str(path), SPEECH_TEXT], check=True, capture_output=True)
    return path
