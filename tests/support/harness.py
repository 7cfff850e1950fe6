"""Drives the real app under Xvfb with real X input, as a visitor's finger would.

The app runs as ``kiosk run`` does, in its own process, on its own X
display, started through ``python -m support.probed_app`` which attaches
the test probe (support/probe.py): it writes where each button is; the
harness moves X's pointer there and clicks with xdotool, so every tap goes
through X, SDL and Kivy's input providers.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from support.waiting import wait_for

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TESTS_DIR = PROJECT_ROOT / "tests"
#: The probe's event log (support/probe.py).
FRAMES_LOG = "frames.log"
#: Debian packages that provide the tools, for the message when one is missing.
TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick"}
START_TIMEOUT_S = 30.0
STEP_TIMEOUT_S = 10.0
#: How long the probe must stay silent before a screen counts as laid out.
SETTLED_S = 0.4
#: How long a button a test names may take to appear on the screen shown.
BUTTON_TIMEOUT_S = 10.0


def require_tools() -> None:
    missing = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(
            "the UI tests need an X server and X input tools: "
            f"apt-get install {' '.join(missing)} (make test installs them)"
        )


class Xvfb:
    """A private X server of the given size."""

    def __init__(self, width: int, height: int):
        require_tools()
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                f"{width}x{height}x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            self.process.kill()
            self.process.wait()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        self.size = (width, height)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def write_settings(directory: Path, dialog: Path, **overrides: str) -> Path:
    """A settings file for a terminal under test: no camera or microphone, a window.

    ``overrides`` are YAML values by key (``camera='{source: "x.avi"}'``).
    """
    directory.mkdir(parents=True, exist_ok=True)
    settings = directory / "settings.yaml"
    values = {
        "terminal_id": "ui-test",
        "site": "Trattoria Roma",
        "dialog": str(dialog),
        "data_dir": str(directory / "data"),
        "region": "IT",
        "camera": "{source: false}",
        "microphone": "{device: false}",
        "display": "{fullscreen: false}",
        **overrides,
    }
    settings.write_text(
        "".join(f"{key}: {value}\n" for key, value in values.items()), encoding="utf-8"
    )
    return settings


def kivy_window_env(xvfb: Xvfb, kivy_home: Path) -> dict[str, str]:
    """A borderless Kivy window filling the X screen at 0,0.

    X coordinates and the window's then coincide, as on the appliance.
    """
    width, height = xvfb.size
    return {
        "DISPLAY": xvfb.display,
        "KCFG_GRAPHICS_FULLSCREEN": "0",
        "KCFG_GRAPHICS_BORDERLESS": "1",
        "KCFG_GRAPHICS_POSITION": "custom",
        "KCFG_GRAPHICS_LEFT": "0",
        "KCFG_GRAPHICS_TOP": "0",
        "KCFG_GRAPHICS_WIDTH": str(width),
        "KCFG_GRAPHICS_HEIGHT": str(height),
        "KIVY_HOME": str(kivy_home),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


def probed_app(probe_dir: Path, settings: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``kiosk run`` with the test probe in ``probe_dir``.

    ``args`` go after ``run``. The environment holds what to add to the
    caller's: the tests' folder on the path, for ``support.probed_app``.
    """
    command = [sys.executable, "-m", "support.probed_app", str(probe_dir)]
    command += ["--settings", str(settings), "run", *args]
    path = [str(PROJECT_ROOT), str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]
    return command, {"PYTHONPATH": os.pathsep.join(filter(None, path))}


class Kiosk:
    """``kiosk run`` on an X display, with its probe directory."""

    def __init__(
        self,
        xvfb: Xvfb,
        settings: Path,
        probe_dir: Path,
        *,
        log_path: Path,
        args: tuple[str, ...] = (),
    ):
        """``args`` go after ``run`` on the command line (e.g. ``("-v",)`` for debug logs)."""
        self.xvfb = xvfb
        self.probe_dir = probe_dir
        probe_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        env = dict(os.environ)
        # A test run may itself be a unit's child: the app must not talk to that unit's systemd.
        for name in ("INVOCATION_ID", "NOTIFY_SOCKET"):
            env.pop(name, None)
        env.update(kivy_window_env(xvfb, probe_dir / "kivy-home"))
        command, probe_env = probed_app(probe_dir, settings, *args)
        env.update(probe_env)
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=probe_dir,
        )
        self.state = self.wait(
            lambda s: s["buttons"], timeout_s=START_TIMEOUT_S, what="the start screen"
        )

    # -- reading the screen ---------------------------------------------------

    def read_state(self) -> dict | None:
        try:
            return json.loads((self.probe_dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def wait(self, predicate, *, timeout_s: float = STEP_TIMEOUT_S, what: str = "") -> dict:
        """The screen's state once ``predicate`` holds and the layout has settled.

        Settled: the probe wrote nothing new for SETTLED_S, so buttons are
        where they will stay when the tap arrives.
        """
        deadline = time.monotonic() + timeout_s
        state = None
        since = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the app exited ({self.process.returncode}) while "
                    f"waiting for {what}:\n{self.log_text()}"
                )
            latest = self.read_state()
            if latest is not None and (state is None or latest["serial"] != state["serial"]):
                state, since = latest, time.monotonic()
            if state is not None and predicate(state) and time.monotonic() - since >= SETTLED_S:
                self.state = state
                return state
            time.sleep(0.05)
        raise AssertionError(
            f"timed out waiting for {what}; last state: "
            f"{json.dumps(state, ensure_ascii=False)[:2000]}"
        )

    def wait_step(self, step: str, **kwargs) -> dict:
        return self.wait(
            lambda s: s["step"] == step and s["screen"] == step and s["buttons"],
            what=f"step {step}",
            **kwargs,
        )

    def wait_screen(self, screen: str) -> dict:
        return self.wait(lambda s: s["screen"] == screen and s["buttons"], what=f"screen {screen}")

    def button(self, key: str) -> dict:
        """The button ``key`` of the screen shown, waiting while the screen still fills in.

        A screen can show its first buttons a frame before the rest (a row laid
        out once the window has its size), and more so on a busy machine.
        """
        found = self._find(self.state, key)
        if found is None:
            try:
                self.wait(
                    lambda s: self._find(s, key) is not None,
                    timeout_s=BUTTON_TIMEOUT_S,
                    what=f"button {key!r}",
                )
            except AssertionError:
                raise AssertionError(
                    f"no button {key!r} on screen {self.state['screen']}: "
                    f"{[b['key'] for b in self.state['buttons']]}"
                ) from None
            found = self._find(self.state, key)
        return found

    @staticmethod
    def _find(state: dict, key: str) -> dict | None:
        return next((b for b in state["buttons"] if b["key"] == key), None)

    def keys(self, prefix: str = "") -> list[str]:
        return [b["key"] for b in self.state["buttons"] if b["key"].startswith(prefix)]

    # -- input ------------------------------------------------------------------

    def xdotool(self, *args: str) -> None:
        subprocess.run(
            ["xdotool", *args],
            check=True,
            timeout=10,
            env=dict(os.environ, DISPLAY=self.xvfb.display),
        )

    def tap(self, key: str, *, then=None) -> dict:
        """Clicks the middle of the button ``key``; waits for the screen to change."""
        before = self.state["serial"]
        self.click(key)
        return self.wait(then or (lambda s: s["serial"] != before), what=f"after tapping {key}")

    def click(self, key: str) -> None:
        """Clicks the middle of the button ``key`` and returns at once."""
        button = self.button(key)
        if button["disabled"]:
            raise AssertionError(f"button {key!r} is disabled")
        x = button["x"] + button["width"] // 2
        y = button["y"] + button["height"] // 2
        self.xdotool("mousemove", str(x), str(y), "click", "1")

    def press(self, key: str, *, hold_s: float) -> None:
        button = self.button(key)
        x = button["x"] + button["width"] // 2
        y = button["y"] + button["height"] // 2
        self.xdotool("mousemove", str(x), str(y), "mousedown", "1")
        time.sleep(hold_s)
        self.xdotool("mouseup", "1")

    def long_press(self, key: str, *, choose: str, prefix: str = "kbv:") -> dict:
        """Rests a finger on ``key`` until ``prefix + choose`` shows, slides onto it, lets go.

        As on a phone keyboard: the variants of a key (é è ê ë on e) show
        after a long press, and letting go on one types it. Returns the
        state once the variants have closed.
        """
        button = self.button(key)
        self.xdotool(
            "mousemove",
            str(button["x"] + button["width"] // 2),
            str(button["y"] + button["height"] // 2),
            "mousedown",
            "1",
        )
        try:
            self.wait(
                lambda s: any(b["key"] == prefix + choose for b in s["buttons"]),
                what=f"{choose!r} among the variants of {key}",
            )
        except AssertionError:
            self.xdotool("mouseup", "1")
            raise
        variant = self.button(prefix + choose)
        self.xdotool(
            "mousemove",
            str(variant["x"] + variant["width"] // 2),
            str(variant["y"] + variant["height"] // 2),
            "mouseup",
            "1",
        )
        return self.wait(
            lambda s: not any(b["key"].startswith(prefix) for b in s["buttons"]),
            what=f"the variants of {key} to close",
        )

    def open_variants(self, key: str, *, prefix: str = "kbv:") -> dict:
        """Rests a finger on ``key`` until its variants show, then lets go on the key.

        The variants stay open for a tap on one; returns the state showing them.
        """
        button = self.button(key)
        x = str(button["x"] + button["width"] // 2)
        y = str(button["y"] + button["height"] // 2)
        self.xdotool("mousemove", x, y, "mousedown", "1")
        try:
            self.wait(
                lambda s: any(b["key"].startswith(prefix) for b in s["buttons"]),
                what=f"the variants of {key}",
            )
        finally:
            self.xdotool("mouseup", "1")
        return self.wait(lambda s: True, what="the screen to settle")

    def press_at(self, x: int, y: int, *, hold_s: float) -> None:
        self.xdotool("mousemove", str(x), str(y), "mousedown", "1")
        time.sleep(hold_s)
        self.xdotool("mouseup", "1")

    def type_keys(self, *names: str) -> None:
        """X key events (e.g. ``Escape``, ``alt+F4``) sent to the focused window."""
        for name in names:
            self.xdotool("key", name)

    def advance_clock(self, seconds: float, *, timeout_s: float = STEP_TIMEOUT_S) -> None:
        """Moves the app's clock ``seconds`` forward; returns once the app has taken the step.

        Fails the test when the app does not take it (stopped, exited, or
        not probed), rather than letting the test go on at the old time.
        """
        if not seconds > 0:
            raise ValueError(f"advance_clock({seconds!r}): the app's clock only moves forward")
        self.control({"advance_s": seconds}, timeout_s=timeout_s)

    def wait_tick(self) -> None:
        """Returns once the app's clock has ticked after this call.

        What the app had scheduled before the call (a dialog the watcher
        offered, a timer that was due) has then run: the probe takes its
        commands in the app's tick, and an empty command changes nothing.
        """
        self.control({})

    def fail_next(self, action: str, times: int = 1) -> None:
        """The flow's ``action`` raises ValueError on its next ``times`` calls (support/probe.py)."""
        self.control({"fail": action, "times": times})

    def control(self, command: dict, *, timeout_s: float = STEP_TIMEOUT_S) -> None:
        """Hands ``command`` to the probe; returns once the app has taken it.

        The probe deletes ``control.json`` in the app's tick, where it applies
        the command: that is its acknowledgement. A command not taken in time
        is withdrawn, so that it cannot apply later, and the test fails.
        """
        control = self.probe_dir / "control.json"
        if control.exists():
            raise AssertionError(
                f"a command the app never took is still waiting: "
                f"{control.read_text(encoding='utf-8')}"
            )
        # Written whole under another name, then renamed: the probe never
        # reads half a command.
        pending = self.probe_dir / "control.json.tmp"
        pending.write_text(json.dumps(command), encoding="utf-8")
        os.replace(pending, control)
        deadline = time.monotonic() + timeout_s
        while control.exists():
            if self.process.poll() is not None:
                control.unlink(missing_ok=True)
                raise AssertionError(
                    f"the app exited ({self.process.returncode}) before it took "
                    f"{command}:\n{self.log_text()}"
                )
            if time.monotonic() > deadline:
                control.unlink(missing_ok=True)
                raise AssertionError(
                    f"the app did not take {command} within {timeout_s:g} s: its clock does "
                    f"not tick or it runs without the probe (support/probed_app.py); its log:\n"
                    f"{self.log_text()}"
                )
            time.sleep(0.02)

    # -- what the app logged and saw -------------------------------------------

    def log_contains(self, text: str) -> bool:
        return text in self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, text: str, *, what: str, timeout_s: float = STEP_TIMEOUT_S) -> None:
        """Returns once the app's log holds ``text``; fails naming ``what`` was awaited."""

        def logged() -> bool:
            if self.process.poll() is not None and not self.log_contains(text):
                raise AssertionError(
                    f"the app exited ({self.process.returncode}) while waiting "
                    f"for {what}:\n{self.log_text()}"
                )
            return self.log_contains(text)

        try:
            wait_for(
                logged, what=f"{what} (the log line {text!r})", timeout_s=timeout_s, poll_s=0.05
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the app's log ends:\n{self.log_text()}") from None

    def touches(self, kind: str) -> list[float]:
        """When the app saw each touch down (``"d"``) or up (``"u"``), on CLOCK_MONOTONIC.

        Read from the probe's ``frames.log`` (support/probe.py), stamped as Kivy
        dispatched the touch; this process's ``time.monotonic()`` is the same clock.
        """
        try:
            lines = (self.probe_dir / FRAMES_LOG).read_text(encoding="ascii").splitlines()
        except OSError:
            return []
        stamps = []
        for line in lines:
            fields = line.split()
            if len(fields) == 2 and fields[0] == kind:
                try:
                    stamps.append(float(fields[1]))
                except ValueError:  # a line the app is still writing
                    pass
        return stamps

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["import", "-window", "root", str(path)],
            check=True,
            timeout=30,
            env=dict(os.environ, DISPLAY=self.xvfb.display),
        )
        return path

    # -- ending -------------------------------------------------------------------

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode
