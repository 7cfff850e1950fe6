"""What the benchmarks share: statistics, the process tree in /proc, the X screen, the app.

Every figure a benchmark reports is a :class:`Row`: the terminal's value, the
baseline's value measured in the same run, their ratio and the goal. The
machine is two shared cores, so no absolute number means much on its own;
ratios to a baseline measured alongside (runs interleaved) do.
"""

from __future__ import annotations

import dataclasses
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from dialog_config import EXAMPLES_DIR
from support import harness
from support.harness import Xvfb, kivy_window_env, require_tools

ROOT = Path(__file__).resolve().parents[2]

SCREEN_SIZE = (1280, 800)
FONTS_DIR_NAME = "fonts"
RESTAURANT = EXAMPLES_DIR / "restaurant.yaml"
SITE = "Trattoria Roma"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
KB = 1024
MB = 1024 * 1024


# -- figures --------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    """One line of the table.

    ``goal`` is a predicate on the figure it names (``goal_on``: "value" or
    "ratio") with ``goal_text`` saying it in words; a row without a goal is
    context for the rows around it.
    """

    number: str
    what: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal_text: str = ""
    goal: Callable[[float], bool] | None = None
    goal_on: str = "ratio"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        subject = self.ratio if self.goal_on == "ratio" else self.value
        return None if subject is None else bool(self.goal(subject))


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def percentile(values: Iterable[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was really measured, never interpolated."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def p95(values: Iterable[float]) -> float:
    return percentile(values, 0.95)


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (readable as plain text too)."""
    head = ["#", "measure", "kiosk", "baseline", "baseline is", "ratio", "goal", "met"]
    lines = [head]
    for row in rows:
        met = {None: "", True: "yes", False: "**NO**"}[row.met]
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "–"
        lines.append(
            [
                row.number,
                row.what,
                fmt(row.value, row.unit),
                fmt(row.baseline, row.unit) if row.baseline is not None else "–",
                row.baseline_name or "–",
                ratio,
                row.goal_text or "–",
                met,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for index, line in enumerate(lines):
        out.append(
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
            + " |"
        )
        if index == 0:
            out.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(out)


# -- the process tree -----------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def process_tree(root_pid: int) -> set[int]:
    """``root_pid``, its descendants, and every process of its session.

    The session catches what double-forks away from its parent (Chromium's
    crash handler does); the bench starts each program in a session of its own.
    """
    parents: dict[int, int] = {}
    sessions: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields is None:
            continue
        # After the name: state ppid pgrp session ...
        parents[int(entry)] = int(fields[1])
        sessions[int(entry)] = int(fields[3])
    if root_pid not in parents:
        return set()
    tree = {root_pid}
    session = sessions[root_pid]
    tree |= {pid for pid, sid in sessions.items() if sid == session and session == root_pid}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree and pid not in tree}
        tree |= more
        grew = bool(more)
    return tree


def memory_of_tree(root_pid: int) -> dict[str, float]:
    """RSS and PSS of the whole process tree, in bytes.

    RSS counts a shared page in every process that maps it, so a
    multi-process program's sum overstates it; PSS divides each shared page
    among its sharers, so the sum is what the tree really costs.
    """
    rss = pss = 0
    processes = 0
    for pid in process_tree(root_pid):
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        processes += 1
        for line in text.splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1]) * KB
            elif line.startswith("Pss:"):
                pss += int(line.split()[1]) * KB
    return {"rss": rss, "pss": pss, "processes": processes}


def rss_of(pid: int) -> int:
    """The resident set of one process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * KB
    return 0


def cpu_times(pids: Iterable[int]) -> dict[int, float]:
    """User + system CPU seconds of each process."""
    times = {}
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            # utime and stime are fields 14 and 15 of stat; 12 and 13 after the name.
            times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def idle_cpu(root_pid: int, seconds: float) -> float:
    """The tree's CPU use over ``seconds``, as a fraction of one core."""
    before = cpu_times(process_tree(root_pid))
    started = time.monotonic()
    time.sleep(seconds)
    after = cpu_times(process_tree(root_pid))
    elapsed = time.monotonic() - started
    used = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    return used / elapsed


def stop(process: subprocess.Popen, timeout_s: float = 15) -> None:
    """SIGTERM to the program's session (it started one), then SIGKILL if it lingers."""
    pids = process_tree(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pid in pids - {process.pid}:
        # Only what this program started: its own descendants and session.
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# -- the X screen ---------------------------------------------------------------


class Screen:
    """A client of the bench's X server: reads pixels, sends input through XTest.

    Input sent here goes the same way xdotool's does (the XTEST extension),
    but from this process, so the time taken just before it is the time the
    X server makes the event, within the microseconds of one local request.
    """

    #: Pixels may differ this much per channel and still count as the same.
    TOLERANCE = 24
    #: One row in this many is read to see what the screen shows.
    ROW_STEP = 32

    def __init__(self, xvfb: Xvfb):
        from Xlib import X, display
        from Xlib.ext import xtest

        self._X = X
        self._xtest = xtest
        self.display = display.Display(xvfb.display)
        self.root = self.display.screen().root
        self.size = xvfb.size

    def close(self) -> None:
        self.display.close()

    def rows(self):
        """Every ROW_STEP-th row of the screen, as a numpy array (rows × width × BGRX)."""
        import numpy as np

        width, height = self.size
        data = [
            self.root.get_image(0, y, width, 1, self._X.ZPixmap, 0xFFFFFFFF).data
            for y in range(self.ROW_STEP // 2, height, self.ROW_STEP)
        ]
        return np.frombuffer(b"".join(data), np.uint8).reshape(len(data), width, 4)[:, :, :3]

    def matches(self, rows, reference, fraction: float = 0.995) -> bool:
        import numpy as np

        close = np.all(np.abs(rows.astype(np.int16) - reference) <= self.TOLERANCE, axis=2)
        return float(close.mean()) >= fraction

    def wait_stable(
        self, timeout_s: float, *, settle_s: float = 1.0, alive: Callable[[], bool] = lambda: True
    ):
        """The screen's rows once they stayed the same for ``settle_s`` and are not blank."""
        import numpy as np

        deadline = time.monotonic() + timeout_s
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            if not alive():
                raise RuntimeError("the program exited before its screen settled")
            rows = self.rows()
            if last is None or not np.array_equal(rows, last):
                last, since = rows, time.monotonic()
            elif (
                time.monotonic() - since >= settle_s
                and len(np.unique(rows.reshape(-1, 3), axis=0)) > 8
            ):
                return rows.astype(np.int16)
            time.sleep(0.05)
        raise RuntimeError(f"the screen did not settle within {timeout_s:.0f} s")

    def wait_for(
        self,
        reference,
        started: float,
        timeout_s: float,
        *,
        poll_s: float = 0.015,
        alive: Callable[[], bool] = lambda: True,
    ) -> float:
        """Seconds from ``started`` until the screen first shows ``reference``."""
        deadline = started + timeout_s
        while time.monotonic() < deadline:
            seen_at = time.monotonic()
            if self.matches(self.rows(), reference):
                # The rows were read between seen_at and now; the frame was
                # there by seen_at at the latest poll before. Count the read's start.
                return seen_at - started
            if not alive():
                raise RuntimeError("the program exited before it showed its first frame")
            time.sleep(poll_s)
        raise RuntimeError(f"no frame matching the start screen within {timeout_s:.0f} s")

    def press(self, x: int, y: int) -> float:
        """Moves the pointer to x, y and presses button 1; the time just before the press."""
        X = self._X
        self._xtest.fake_input(self.display, X.MotionNotify, x=x, y=y)
        self.display.sync()
        started = time.monotonic()
        self._xtest.fake_input(self.display, X.ButtonPress, 1)
        self.display.sync()
        return started

    def release(self) -> float:
        started = time.monotonic()
        self._xtest.fake_input(self.display, self._X.ButtonRelease, 1)
        self.display.sync()
        return started

    def round_trip(self) -> float:
        """Seconds for one request to the X server and its answer."""
        started = time.perf_counter()
        self.display.sync()
        return time.perf_counter() - started


# -- the app's frame log --------------------------------------------------------


class FrameLog:
    """Reads ``frames.log`` that the app's probe appends to (see tests/support/probe.py)."""

    def __init__(self, path: Path):
        self.path = path
        self._offset = 0
        self._partial = ""
        self.events: list[tuple[str, float]] = []

    def read(self) -> list[tuple[str, float]]:
        try:
            with self.path.open("r", encoding="ascii") as file:
                file.seek(self._offset)
                text = file.read()
                self._offset = file.tell()
        except FileNotFoundError:
            return []
        text = self._partial + text
        lines = text.split("\n")
        self._partial = lines.pop()
        new = [(kind, float(stamp)) for kind, stamp in (line.split() for line in lines if line)]
        self.events.extend(new)
        return new

    def first_after(self, kind: str, moment: float) -> float | None:
        for event_kind, stamp in self.events:
            if event_kind == kind and stamp >= moment:
                return stamp
        return None

    def wait(self, kind: str, moment: float, timeout_s: float = 5.0) -> float:
        """The stamp of the first ``kind`` event at or after ``moment``, waiting for it."""
        deadline = time.monotonic() + timeout_s
        while True:
            self.read()
            stamp = self.first_after(kind, moment)
            if stamp is not None:
                return stamp
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"no {kind!r} event in {self.path} after {moment:.3f} within {timeout_s} s"
                )
            time.sleep(0.002)

    def forget_before(self, moment: float) -> None:
        self.events = [event for event in self.events if event[1] >= moment]


# -- the kiosk --------------------------------------------------------------------


def write_settings(directory: Path, dialog: Path = RESTAURANT) -> Path:
    """A settings file like the UI tests'; ``spam_window_s: 0`` so that every
    visit of a bench is stored, however alike."""
    return harness.write_settings(
        directory, dialog, terminal_id="bench-01", site=f'"{SITE}"', spam_window_s="0"
    )


def start_kiosk(
    xvfb: Xvfb, directory: Path, *, probe: bool, dialog: Path = RESTAURANT
) -> subprocess.Popen:
    """``kiosk run`` in a session of its own; with the test probe attached when ``probe``
    (support/probed_app.py), else exactly as shipped."""
    settings = write_settings(directory, dialog)
    env = dict(os.environ)
    env.update(kivy_window_env(xvfb, directory / "kivy-home"))
    command = [sys.executable, "-m", "kiosk", "--settings", str(settings), "run"]
    if probe:
        command, probe_env = harness.probed_app(directory / "probe", settings)
        env.update(probe_env)
    log = (directory / "kiosk.log").open("wb")
    try:
        return subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=directory,
            start_new_session=True,
        )
    finally:
        log.close()


# -- the machine ------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    info: dict[str, str] = {}
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    info["CPU"] = model.group(1).strip() if model else platform.processor() or "unknown"
    info["cores"] = str(os.cpu_count())
    meminfo = Path("/proc/meminfo").read_text()
    total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
    info["memory"] = f"{int(total.group(1)) / MB:.1f} GiB" if total else "unknown"
    info["kernel"] = f"{platform.system()} {platform.release()}"
    info["Python"] = platform.python_version()
    try:
        from importlib.metadata import version

        info["Kivy"] = version("kivy")
    except Exception:  # reported, not needed
        info["Kivy"] = "not installed"
    info["OpenGL renderer"] = gl_renderer()
    info["Chromium"] = chromium_version()
    info["X server"] = "Xvfb " + xvfb_version()
    return info


_RENDERER: list[str] = []


def note_renderer_from_log(log: Path) -> None:
    """Kivy logs the GL renderer at start; the bench keeps the first it sees."""
    if _RENDERER:
        return
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    # Kivy prints them as bytes: OpenGL renderer <b'llvmpipe (LLVM 15.0.6, 256 bits)'>
    renderer = re.search(r"OpenGL renderer <b?'?(.+?)'?>", text)
    version = re.search(r"OpenGL version <b?'?(.+?)'?>", text)
    if renderer:
        _RENDERER.append(renderer.group(1) + (f", OpenGL {version.group(1)}" if version else ""))


def gl_renderer() -> str:
    return _RENDERER[0] if _RENDERER else "unknown (no kiosk run logged it)"


def chromium_version() -> str:
    if shutil.which("chromium") is None:
        return "not installed"
    try:
        return subprocess.run(
            ["chromium", "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unknown ({exc})"


def xvfb_version() -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "xvfb"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return out or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


__all__ = [
    "Row",
    "Screen",
    "FrameLog",
    "Xvfb",
    "require_tools",
    "machine",
    "median",
    "p95",
    "percentile",
    "memory_of_tree",
    "idle_cpu",
    "process_tree",
    "start_kiosk",
    "stop",
    "rss_of",
    "write_settings",
    "kivy_window_env",
    "note_renderer_from_log",
    "table",
    "SCREEN_SIZE",
    "RESTAURANT",
    "SITE",
    "MB",
    "KB",
    "ROOT",
]
