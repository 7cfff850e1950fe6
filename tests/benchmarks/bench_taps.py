"""Tap to the next frame drawn, walking the restaurant dialog with real X input.

The kiosk runs with its test probe (tests/support/probe.py), which says where every
button is and stamps, with CLOCK_MONOTONIC, each touch Kivy dispatches and
each frame flipped to the screen (after the buffer swap) into frames.log.

A tap is a press, 60 ms of a finger resting, and a release, sent through
XTest from the bench process; the time is taken just before each request.
Kivy buttons act on release, so the figure is release → the first flip after
the app dispatched that touch up: the frame that shows the tap's result (the
next screen, a selection, a typed letter). Press → first flip after the
touch down (the button turning darker) is reported too.

Baseline: the same taps, same ruler, on a minimal Kivy app (one button
changing a label, minimal_kivy_app.py) running at the same time on a second
Xvfb, taps alternating between the two so that noise on the shared machine
falls on both. It is the floor of X → SDL → Kivy → llvmpipe on this machine:
a Kivy app cannot answer faster than Kivy's own frame loop. The X round trip
alone (XSync) is shown too, as the cost of the input path's first hop.

Between kiosk taps the bench waits for the screen to settle (the probe wrote
nothing new for 0.4 s), as a visitor reads before the next tap.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.benchlib import (
    RESTAURANT,
    FrameLog,
    Row,
    Screen,
    Xvfb,
    kivy_window_env,
    median,
    note_renderer_from_log,
    p95,
    stop,
    write_settings,
)
from dialog_config import load_dialog
from support.harness import Kiosk

HOLD_S = 0.06
#: What each language types on the text screen (tests/ui/test_journey.py's keys).
TYPING = {"en": ("o", "k"), "ru": ("д", "а"), "it": ("s", "ì"), "ko": ("ㅎ", "ㅏ", "ㄴ")}
MINIMAL_APP = Path(__file__).with_name("minimal_kivy_app.py")
START_TIMEOUT_S = 30.0


@dataclasses.dataclass
class Tap:
    press_s: float | None
    #: X release → the flip of the first frame after the app saw the touch up.
    release_s: float
    #: X release → Kivy dispatching the touch up.
    input_s: float
    #: That frame's drawing and buffer swap (from on_draw to after the flip).
    draw_s: float


class TapTimer:
    """Taps through XTest and reads the answer from the app's frames.log."""

    def __init__(self, screen: Screen, frames: FrameLog):
        self.screen = screen
        self.frames = frames

    def tap(self, x: int, y: int, hold_s: float = HOLD_S) -> Tap:
        pressed = self.screen.press(x, y)
        time.sleep(hold_s)
        released = self.screen.release()
        touch_up = self.frames.wait("u", released)
        frame = self.frames.wait("f", touch_up)
        drawn_from = max(
            (
                stamp
                for kind, stamp in self.frames.events
                if kind == "b" and touch_up <= stamp <= frame
            ),
            default=frame,
        )
        touch_down = self.frames.first_after("d", pressed)
        press_frame = self.frames.first_after("f", touch_down) if touch_down is not None else None
        self.frames.forget_before(released)
        return Tap(
            press_s=press_frame - pressed
            if press_frame is not None and press_frame < released
            else None,
            release_s=frame - released,
            input_s=touch_up - released,
            draw_s=frame - drawn_from,
        )


def start_minimal(xvfb: Xvfb, directory: Path) -> tuple[subprocess.Popen, FrameLog]:
    directory.mkdir(parents=True, exist_ok=True)
    frames = FrameLog(directory / "frames.log")
    import os

    env = dict(os.environ, **kivy_window_env(xvfb, directory / "kivy-home"))
    log = (directory / "minimal.log").open("wb")
    try:
        process = subprocess.Popen(
            [sys.executable, str(MINIMAL_APP), str(frames.path)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=directory,
            start_new_session=True,
        )
    finally:
        log.close()
    try:
        frames.wait("f", 0.0, timeout_s=START_TIMEOUT_S)
        time.sleep(0.5)  # the first frames of a new window; let them pass
    except BaseException:
        stop(process)
        raise
    return process, frames


def start_probed_kiosk(xvfb: Xvfb, directory: Path) -> Kiosk:
    settings = write_settings(directory)
    return Kiosk(xvfb, settings, directory / "probe", log_path=directory / "kiosk.log")


def _center(kiosk: Kiosk, key: str) -> tuple[int, int]:
    button = kiosk.button(key)
    if button["disabled"]:
        raise AssertionError(f"button {key!r} is disabled on {kiosk.state['screen']}")
    return button["x"] + button["width"] // 2, button["y"] + button["height"] // 2


def _on(step: str):
    return lambda s: s["step"] == step and s["screen"] == step and bool(s["buttons"])


def visible_leaves(dialog, shown: int = 4) -> list[tuple]:
    """Paths to leaves whose every button is among the first ``shown`` of its column.

    The category and detail columns scroll; a visit taps what it sees.
    """

    def visible(path) -> bool:
        siblings = dialog.topics
        for node in path:
            if [n.id for n in siblings].index(node.id) >= (
                shown if siblings is not dialog.topics else len(siblings)
            ):
                return False
            siblings = node.children
        return True

    return [path for path in dialog.walk() if path[-1].is_leaf and visible(path)]


def visit_taps(dialog, index: int, *, with_text: bool):
    """The taps of visit ``index``: (key, the state to wait for after it, or None for any change).

    Visits cycle through the languages, the ratings and every leaf of the tree.
    """
    leaves = visible_leaves(dialog)
    language = dialog.languages[index % len(dialog.languages)]
    ratings = list(dialog.rating.values) if dialog.rating else []
    path = leaves[index % len(leaves)]
    taps = [(f"language:{language}", _on("rating" if dialog.rating else "choice"))]
    if dialog.rating:
        taps.append((f"rating:{ratings[index % len(ratings)]}", _on("choice")))
    for level, node in enumerate(path):
        prefix = ("topic", "category", "detail")[level]
        taps.append((f"{prefix}:{node.id}", _on("message") if node.is_leaf else None))
    if with_text:
        taps.append(("text", _on("text")))
        taps.extend((f"kb:{key}", None) for key in TYPING[language])
        taps.append(("done", _on("message")))
    taps.append(("send", _on("thanks")))
    taps.append(("thanks", _on("start")))
    return taps


def walk(kiosk: Kiosk, dialog, taps: int, on_tap) -> None:
    """Walks visits until ``taps`` taps were made; ``on_tap(x, y)`` sends each one."""
    done = 0
    index = 0
    while done < taps:
        kiosk.wait_step("start")
        for key, then in visit_taps(dialog, index, with_text=index % 2 == 0):
            if done >= taps:
                return
            before = kiosk.state["serial"]
            # The next button must be on screen and laid out before it is tapped.
            kiosk.wait(
                lambda s, k=key: any(b["key"] == k for b in s["buttons"]), what=f"button {key}"
            )
            on_tap(*_center(kiosk, key))
            done += 1
            kiosk.wait(then or (lambda s, b=before: s["serial"] != b), what=f"after {key}")
        index += 1


def bench_taps(*, taps: int = 300, log=print) -> list[Row]:
    dialog = load_dialog(RESTAURANT)
    kiosk_taps: list[Tap] = []
    minimal_taps: list[Tap] = []
    round_trips: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-taps-") as temp:
        work = Path(temp)
        kiosk_x, minimal_x = Xvfb(1280, 800), Xvfb(1280, 800)
        kiosk_screen, minimal_screen = Screen(kiosk_x), Screen(minimal_x)
        minimal = kiosk = None
        try:
            minimal, minimal_frames = start_minimal(minimal_x, work / "minimal")
            kiosk = start_probed_kiosk(kiosk_x, work / "kiosk")
            kiosk_timer = TapTimer(kiosk_screen, FrameLog(kiosk.probe_dir / "frames.log"))
            minimal_timer = TapTimer(minimal_screen, minimal_frames)
            # The minimal app's button is its lower half.
            minimal_spot = (kiosk_x.size[0] // 2, kiosk_x.size[1] * 3 // 4)

            def on_tap(x: int, y: int) -> None:
                kiosk_taps.append(kiosk_timer.tap(x, y))
                # The baseline's tap comes while the kiosk settles: alternated one for one.
                minimal_taps.append(minimal_timer.tap(*minimal_spot))
                round_trips.append(minimal_screen.round_trip())
                if len(kiosk_taps) % 50 == 0:
                    log(
                        f"  taps: {len(kiosk_taps)}/{taps}, kiosk p95 so far "
                        f"{p95(t.release_s for t in kiosk_taps) * 1000:.1f} ms"
                    )

            walk(kiosk, dialog, taps, on_tap)
        finally:
            if kiosk is not None:
                kiosk.stop()
                note_renderer_from_log(kiosk.log_path)
            if minimal is not None:
                stop(minimal)
            for screen in (kiosk_screen, minimal_screen):
                screen.close()
            for server in (kiosk_x, minimal_x):
                server.close()
    return tap_rows(kiosk_taps, minimal_taps, round_trips)


def tap_rows(kiosk_taps: list[Tap], minimal_taps: list[Tap], round_trips: list[float]) -> list[Row]:
    count = len(kiosk_taps)
    base = f"minimal Kivy app, same taps alternated (n={len(minimal_taps)})"

    def ms(values):
        return [v * 1000 for v in values]

    kiosk_release = ms(t.release_s for t in kiosk_taps)
    minimal_release = ms(t.release_s for t in minimal_taps)
    kiosk_press = ms(t.press_s for t in kiosk_taps if t.press_s is not None)
    minimal_press = ms(t.press_s for t in minimal_taps if t.press_s is not None)
    rows = [
        Row(
            "2",
            f"tap (X release) to next frame flipped, p50 (n={count})",
            median(kiosk_release),
            "ms",
            median(minimal_release),
            base,
        ),
        Row(
            "2",
            f"tap (X release) to next frame flipped, p95 (n={count})",
            p95(kiosk_release),
            "ms",
            p95(minimal_release),
            base,
            "p95 ≤ 33 ms",
            lambda v: v <= 33,
            goal_on="value",
        ),
        Row(
            "2",
            "X release to Kivy dispatching the touch, p50",
            median(ms(t.input_s for t in kiosk_taps)),
            "ms",
            median(ms(t.input_s for t in minimal_taps)),
            base,
        ),
    ]
    rows.append(
        Row(
            "2",
            "of which the frame's drawing and buffer swap, p50",
            median(ms(t.draw_s for t in kiosk_taps)),
            "ms",
            median(ms(t.draw_s for t in minimal_taps)),
            base,
        )
    )
    if kiosk_press and minimal_press:
        rows.append(
            Row(
                "2",
                f"press to the pressed button drawn, p95 (n={len(kiosk_press)})",
                p95(kiosk_press),
                "ms",
                p95(minimal_press),
                base,
            )
        )
    rows.append(Row("2", "X round trip (XSync), p50, context", median(ms(round_trips)), "ms"))
    return rows
