"""Memory growth over many complete visits, made through the real screens with X input.

Each visit is language → rating → topic → a category that ends the choice →
Send → tap the thanks screen, cycling through the languages, the ratings and
the topics' leaf categories (a top rating shows the promoter QR code). Every
visit is stored in the outbox (``spam_window_s: 0``).

To make 1,000 visits in minutes rather than an hour, the bench learns where
each button of each visit kind is from the probe's state once (waiting for
the layout to settle, as the UI tests do), then replays: each tap is sent as
soon as the frame answering the previous one was flipped (frames.log) plus
two frames, when the new screen has been laid out. Every 20th visit and the
last one wait for the probe to report the start screen again, and the
outbox must hold one message per visit at the end, so a tap that went
astray cannot go unnoticed.

RSS (VmRSS) and PSS of the app's process are read on the start screen every
100 visits; the growth is the reading at the last visit minus the one at
visit 100 (the first 100 visits warm caches: screens built, fonts rendered).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.bench_taps import HOLD_S, TapTimer, _center, _on, start_probed_kiosk
from benchmarks.benchlib import MB, RESTAURANT, FrameLog, Row, Screen, Xvfb, memory_of_tree, rss_of
from dialog_config import load_dialog
from sync.outbox import Outbox

#: After the flip that answered a tap, the new screen's layout runs in the next frame or two.
LAYOUT_FRAMES_S = 2 / 60
CHECK_EVERY = 20
MEMORY_EVERY = 100
VISIBLE_CATEGORIES = 4


def visit_kinds(dialog) -> list[list[tuple[str, object]]]:
    """One visit per leaf category: its taps and the state each leads to."""
    kinds = []
    ratings = list(dialog.rating.values) if dialog.rating else []
    index = 0
    for topic in dialog.topics:
        # The first few only: the column scrolls, and a visit taps what it sees.
        for category in topic.children[:VISIBLE_CATEGORIES]:
            if not category.is_leaf:
                continue
            language = dialog.languages[index % len(dialog.languages)]
            taps = [(f"language:{language}", _on("rating" if dialog.rating else "choice"))]
            if ratings:
                taps.append((f"rating:{ratings[index % len(ratings)]}", _on("choice")))
            taps += [
                (f"topic:{topic.id}", None),
                (f"category:{category.id}", _on("message")),
                ("send", _on("thanks")),
                ("thanks", _on("start")),
            ]
            kinds.append(taps)
            index += 1
    return kinds


def learn(kiosk, taps) -> list[tuple[int, int]]:
    """Makes one visit of a kind slowly, from the probe's state; the middle of every button."""
    kiosk.wait_step("start")
    places = []
    for key, then in taps:
        before = kiosk.state["serial"]
        kiosk.wait(lambda s, k=key: any(b["key"] == k for b in s["buttons"]), what=f"button {key}")
        places.append(_center(kiosk, key))
        kiosk.tap(key, then=then or (lambda s, b=before: s["serial"] != b))
    return places


def bench_visits(*, visits: int = 1000, log=print) -> list[Row]:
    dialog = load_dialog(RESTAURANT)
    kinds = visit_kinds(dialog)
    readings: dict[int, dict[str, float]] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-visits-") as temp:
        work = Path(temp)
        data_dir = work / "kiosk" / "data"
        xvfb = Xvfb(1280, 800)
        screen = Screen(xvfb)
        kiosk = None
        try:
            kiosk = start_probed_kiosk(xvfb, work / "kiosk")
            timer = TapTimer(screen, FrameLog(kiosk.probe_dir / "frames.log"))
            spots: dict[int, list[tuple[int, int]]] = {}
            done = 0
            while done < visits:
                kind = done % len(kinds)
                if kind not in spots:
                    # The first visit of each kind is made slowly and teaches the places.
                    spots[kind] = learn(kiosk, kinds[kind])
                else:
                    for x, y in spots[kind]:
                        timer.tap(x, y, hold_s=HOLD_S / 6)
                        time.sleep(LAYOUT_FRAMES_S)
                done += 1
                if done % CHECK_EVERY == 0 or done == visits or done % MEMORY_EVERY == 0:
                    before = kiosk.state["serial"]
                    kiosk.wait(
                        lambda s, b=before: (
                            s["step"] == "start" and s["serial"] != b and bool(s["buttons"])
                        ),
                        what=f"the start screen after visit {done}",
                    )
                if done % MEMORY_EVERY == 0 or done == visits:
                    time.sleep(0.5)  # what the thanks screen left is collected, as in use
                    pid = kiosk.process.pid
                    readings[done] = {"rss": rss_of(pid), **memory_of_tree(pid)}
                    log(
                        f"  visits: {done}/{visits}, RSS {readings[done]['rss'] / MB:.1f} MB, "
                        f"PSS {readings[done]['pss'] / MB:.1f} MB "
                        f"({time.monotonic() - started:.0f} s)"
                    )
        finally:
            if kiosk is not None:
                kiosk.stop()
            screen.close()
            xvfb.close()
        with Outbox(data_dir, recover=False) as box:
            stored = sum(1 for _ in box.messages())
    if stored != visits:
        raise AssertionError(f"{visits} visits made but {stored} messages stored: taps went astray")
    first = min(MEMORY_EVERY, visits)
    last = visits
    if first not in readings:
        first = min(readings)
    growth_rss = (readings[last]["rss"] - readings[first]["rss"]) / MB
    growth_pss = (readings[last]["pss"] - readings[first]["pss"]) / MB
    minutes = (time.monotonic() - started) / 60
    return [
        Row(
            "4",
            f"memory growth over {stored} visits (all stored, {minutes:.0f} min): "
            f"RSS at visit {last} − at visit {first}",
            growth_rss,
            "MB",
            goal_text="< 5 MB",
            goal=lambda v: v < 5,
            goal_on="value",
        ),
        Row("4", f"memory growth, PSS at visit {last} − at visit {first}", growth_pss, "MB"),
        Row("4", f"RSS at visit {first}, context", readings[first]["rss"] / MB, "MB"),
        Row("4", f"RSS at visit {last}, context", readings[last]["rss"] / MB, "MB"),
    ]
