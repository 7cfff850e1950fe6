"""Cold start, steady memory and idle CPU: the kiosk against Chromium in kiosk mode.

Both run under the same Xvfb (1280×800), one at a time, runs interleaved
(kiosk, Chromium, then Chromium, kiosk, ...) so that drift on the shared
machine falls on both. Chromium shows a static HTML page generated from the
same dialog YAML: the start screen (site, welcome, invitation, language
buttons) plus the topics as buttons, in the same fonts (@font-face from
assets/fonts), colours and sizes.

- First frame: from just before the program is spawned until the screen
  first shows the start screen, judged by pixels alone, the same way for
  both: every 32nd row of the X screen is read (python-xlib GetImage) every
  15 ms and compared with that program's settled start screen, captured in
  an untimed warm-up run; 99.5 % of the pixels within 24 levels per channel
  count as a match. The kiosk runs without its test probe, as shipped.
- Steady memory: after ``idle_s`` on the start screen, RSS and PSS summed over
  the process tree (descendants and session). PSS shares each shared page
  among the processes mapping it, so it is what a multi-process tree really
  costs; RSS sums count shared libraries once per process.
- Idle CPU: user + system time of the tree over ``cpu_s`` on the start
  screen, after the memory reading, in the last round.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.benchlib import (
    FONTS_DIR_NAME,
    MB,
    RESTAURANT,
    ROOT,
    SITE,
    Row,
    Screen,
    Xvfb,
    idle_cpu,
    median,
    memory_of_tree,
    note_renderer_from_log,
    start_kiosk,
    stop,
)
from dialog_config import load_dialog
from kiosk.i18n import language_name, screen_text
from kiosk.ui import theme

FONTS_DIR = ROOT / "assets" / FONTS_DIR_NAME
START_TIMEOUT_S = 60.0
#: The flags the issue names, plus a window placed as the kiosk's is: with no
#: window manager on Xvfb, --kiosk alone cannot make the window full-screen.
CHROMIUM_FLAGS = (
    "--kiosk",
    "--no-first-run",
    "--disable-gpu",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--window-position=0,0",
)
CHROMIUM_PACKAGE = "chromium"


class MissingBrowser(RuntimeError):
    pass


def require_chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise MissingBrowser(
            f"the start-up baseline needs Debian's Chromium: apt-get install {CHROMIUM_PACKAGE} "
            "(make bench installs it)"
        )
    return path


# -- the equivalent page ----------------------------------------------------------


def _css(color: list[float]) -> str:
    r, g, b, a = color
    return f"rgba({round(r * 255)}, {round(g * 255)}, {round(b * 255)}, {a:g})"


def write_page(directory: Path, dialog_path: Path = RESTAURANT, site: str = SITE) -> Path:
    """A static page showing what the kiosk's start screen shows, plus the topics as buttons.

    Sizes are the kiosk's at its design size (kiosk/ui/theme.py, start.kv); the
    fonts are the kiosk's own files, loaded with @font-face.
    """
    dialog = load_dialog(dialog_path)
    language = dialog.default_language
    fonts = {
        weight: (FONTS_DIR / name).as_uri()
        for weight, name in ((400, "NotoSansKR-Regular.otf"), (700, "NotoSansKR-Bold.otf"))
    }
    faces = "".join(
        f"@font-face {{ font-family: 'KioskSans'; font-weight: {weight}; "
        f"src: url('{uri}') format('opentype'); }}\n"
        for weight, uri in fonts.items()
    )
    languages = "".join(
        f'<button class="language">{html.escape(language_name(code))}</button>'
        for code in dialog.languages
    )
    topics = []
    for topic in dialog.topics:
        background = topic.style.color or "#3E5C76"
        ink = topic.style.text_color or "#FFFFFF"
        topics.append(
            f'<button class="topic" style="background:{background};color:{ink}">'
            f"{html.escape(topic.label.get(language))}</button>"
        )
    page = f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8">
<title>Feedback terminal</title>
<style>
{faces}
html, body {{ margin: 0; height: 100%; overflow: hidden; }}
body {{ background: {_css(theme.BACKGROUND)}; font-family: 'KioskSans', sans-serif;
        display: flex; flex-direction: column; align-items: center;
        padding: 48px; box-sizing: border-box; gap: 24px; }}
.site {{ color: {_css(theme.MUTED_INK)}; font-size: {theme.FONT_HEADING}px; }}
h1 {{ color: {_css(theme.INK)}; font-size: {theme.FONT_TITLE * 1.5}px; font-weight: 700;
      margin: auto 0 0 0; text-align: center; }}
.invitation {{ color: {_css(theme.PRIMARY)}; font-size: {theme.FONT_HEADING}px; margin: 0; }}
.topics {{ display: grid; grid-template-columns: repeat(3, 300px); gap: 16px; }}
button {{ font-family: inherit; font-size: {theme.FONT_BUTTON}px; border: 0;
          border-radius: 14px; height: {theme.BUTTON_HEIGHT}px; }}
.topic {{ height: 64px; }}
.languages {{ display: flex; gap: 16px; margin-top: auto; }}
.language {{ width: 260px; background: #FFFFFF; color: {_css(theme.INK)}; }}
</style></head>
<body>
<div class="site">{html.escape(site)}</div>
<h1>{html.escape(screen_text(dialog, "welcome", language))}</h1>
<p class="invitation">{html.escape(screen_text(dialog, "invitation", language))}</p>
<div class="topics">{"".join(topics)}</div>
<div class="languages">{languages}</div>
</body></html>
"""
    path = directory / "start.html"
    path.write_text(page, encoding="utf-8")
    return path


# -- the two programs ----------------------------------------------------------------


def start_chromium(xvfb: Xvfb, directory: Path, page: Path) -> subprocess.Popen:
    """Chromium in kiosk mode on ``page``, with a fresh profile, in a session of its own."""
    binary = require_chromium()
    profile = directory / "profile"
    profile.mkdir(parents=True, exist_ok=True)
    width, height = xvfb.size
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(directory),
        "DISPLAY": xvfb.display,
        "LANG": "C.UTF-8",
    }
    log = (directory / "chromium.log").open("wb")
    try:
        return subprocess.Popen(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--window-size={width},{height}",
                f"--user-data-dir={profile}",
                page.as_uri(),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=directory,
            start_new_session=True,
        )
    finally:
        log.close()


class Program:
    """One of the two contestants: how to start it in a fresh directory."""

    def __init__(self, name: str, start):
        self.name = name
        self._start = start
        self.reference = None
        self.first_frame_s: list[float] = []
        self.rss: list[float] = []
        self.pss: list[float] = []
        self.processes = 0
        self.cpu: float | None = None

    def start(self, xvfb: Xvfb, directory: Path) -> subprocess.Popen:
        directory.mkdir(parents=True)
        return self._start(xvfb, directory)


def _warm_up(program: Program, xvfb: Xvfb, screen: Screen, work: Path) -> None:
    """An untimed run that also captures the settled start screen to compare against."""
    process = program.start(xvfb, work / f"{program.name}-warm-up")
    try:
        program.reference = screen.wait_stable(
            START_TIMEOUT_S, alive=lambda: process.poll() is None
        )
    finally:
        stop(process)
    time.sleep(0.5)


def _timed_run(
    program: Program, xvfb: Xvfb, screen: Screen, directory: Path, *, idle_s: float, cpu_s: float
) -> None:
    started = time.monotonic()
    process = program.start(xvfb, directory)
    try:
        program.first_frame_s.append(
            screen.wait_for(
                program.reference, started, START_TIMEOUT_S, alive=lambda: process.poll() is None
            )
        )
        time.sleep(idle_s)
        memory = memory_of_tree(process.pid)
        program.rss.append(memory["rss"])
        program.pss.append(memory["pss"])
        program.processes = memory["processes"]
        if cpu_s:
            program.cpu = idle_cpu(process.pid, cpu_s)
    finally:
        stop(process)
        if program.name == "kiosk":
            note_renderer_from_log(directory / "kiosk.log")
    time.sleep(0.5)  # let the X server forget the window before the next start


def bench_startup(
    *,
    runs: int = 5,
    idle_s: float = 10.0,
    cpu_s: float = 60.0,
    with_chromium: bool = True,
    log=print,
) -> list[Row]:
    """Rows for #1 (first frame, memory) and #3 (idle CPU)."""
    if with_chromium:
        require_chromium()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as temp:
        work = Path(temp)
        page = write_page(work)
        kiosk = Program("kiosk", lambda xvfb, d: start_kiosk(xvfb, d, probe=False))
        programs = [kiosk]
        if with_chromium:
            programs.append(Program("chromium", lambda xvfb, d: start_chromium(xvfb, d, page)))
        xvfb = Xvfb(1280, 800)
        screen = Screen(xvfb)
        try:
            for program in programs:
                _warm_up(program, xvfb, screen, work)
            for index in range(runs):
                # Alternate who goes first, so that drift falls on both alike.
                order = programs if index % 2 == 0 else programs[::-1]
                for program in order:
                    _timed_run(
                        program,
                        xvfb,
                        screen,
                        work / f"{program.name}-{index}",
                        idle_s=idle_s,
                        cpu_s=cpu_s if index == runs - 1 else 0,
                    )
                    log(
                        f"  start-up run {index + 1}/{runs} {program.name}: first frame "
                        f"{program.first_frame_s[-1] * 1000:.0f} ms, PSS "
                        f"{program.pss[-1] / MB:.0f} MB, RSS {program.rss[-1] / MB:.0f} MB "
                        f"({program.processes} processes)"
                        + (
                            f", idle CPU {program.cpu * 100:.2f} %"
                            if program.cpu is not None and index == runs - 1
                            else ""
                        )
                    )
        finally:
            screen.close()
            xvfb.close()
    return _rows(kiosk, programs[1] if with_chromium else None, runs)


def _rows(kiosk: Program, chromium: Program | None, runs: int) -> list[Row]:
    def base(values):
        return median(values) if chromium else None

    name = f"Chromium --kiosk, same page (median of {runs})" if chromium else ""
    one_third = "≤ 0.33"
    return [
        Row(
            "1",
            f"cold start to first frame of the start screen (median of {runs})",
            median(kiosk.first_frame_s) * 1000,
            "ms",
            base(chromium.first_frame_s) * 1000 if chromium else None,
            name,
            one_third,
            lambda r: r <= 1 / 3,
        ),
        Row(
            "1",
            "steady memory after idle, PSS of the process tree",
            median(kiosk.pss) / MB,
            "MB",
            base(chromium.pss) / MB if chromium else None,
            name,
            one_third,
            lambda r: r <= 1 / 3,
        ),
        Row(
            "1",
            "steady memory after idle, RSS summed over the process tree",
            median(kiosk.rss) / MB,
            "MB",
            base(chromium.rss) / MB if chromium else None,
            name,
            one_third,
            lambda r: r <= 1 / 3,
        ),
        Row(
            "3",
            "CPU while idle on the start screen, % of one core",
            (kiosk.cpu or 0) * 100,
            "%",
            (chromium.cpu or 0) * 100 if chromium else None,
            "Chromium idle on the same page" if chromium else "",
            "< 1 %",
            lambda v: v < 1,
            goal_on="value",
        ),
    ]
