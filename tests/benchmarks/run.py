"""``make bench``: the terminal measured against what people would use instead, in one run.

Runs every benchmark of tests/benchmarks, prints one table (medians, p95
where asked, the ratio to each baseline measured in the same run) and writes
it with a description of the machine to docs/benchmarks.md, followed by the
method of each figure and tests/benchmarks/findings.md (what profiling found).

    python tests/benchmarks/run.py              # everything, full sizes (~30 min)
    python tests/benchmarks/run.py --only 5 7   # some of them
    python tests/benchmarks/run.py --quick      # tiny sizes, to try the bench itself

Exits 1 when a benchmark could not run (and says why), 0 otherwise; the
table marks a missed goal **NO**. ``--strict`` also exits 1 on a missed goal.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
import traceback
from pathlib import Path

# The one place the benchmarks' path is set: run as a script, this file has
# only its own folder on sys.path; the project and tests/ (for the packages
# benchmarks and support) come first, as pytest's configuration has them.
sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parents[1])]

from benchmarks.benchlib import ROOT, Row, machine, table  # noqa: E402

OUTPUT = ROOT / "docs" / "benchmarks.md"
FINDINGS = Path(__file__).with_name("findings.md")

#: number → (title, full sizes, quick sizes)
BENCHES = {
    "5": ("send to durable", {"adds": 200}, {"adds": 10}),
    "7": ("voice size", {"seconds": 60}, {"seconds": 5}),
    "6": ("drain", {"messages": 10_000}, {"messages": 50}),
    "1": (
        "cold start, memory and idle CPU (1 and 3)",
        {"runs": 5, "idle_s": 10.0, "cpu_s": 60.0},
        {"runs": 1, "idle_s": 2.0, "cpu_s": 3.0},
    ),
    "2": ("tap to frame", {"taps": 300}, {"taps": 10}),
    "4": ("memory over visits", {"visits": 1000}, {"visits": 3}),
    "8": ("manager ingest", {"messages": 1000, "rounds": 3}, {"messages": 20, "rounds": 1}),
    "9": (
        "manager inbox over a million messages",
        {"messages": 1_000_000, "requests": 50},
        {"messages": 1000, "requests": 3},
    ),
}
ALIASES = {"3": "1"}


def run_bench(number: str, sizes: dict, log) -> list[Row]:
    if number == "1":
        from benchmarks.bench_startup import bench_startup

        return bench_startup(log=log, **sizes)
    if number == "2":
        from benchmarks.bench_taps import bench_taps

        return bench_taps(log=log, **sizes)
    if number == "4":
        from benchmarks.bench_visits import bench_visits

        return bench_visits(log=log, **sizes)
    if number == "5":
        from benchmarks.bench_durable import bench_durable

        return bench_durable(log=log, **sizes)
    if number == "6":
        from benchmarks.bench_drain import bench_drain, quiet_service_log

        quiet_service_log()
        return bench_drain(log=log, **sizes)
    if number == "7":
        from benchmarks.bench_voice import voice_rows

        return voice_rows(log=log, **sizes)
    if number == "8":
        from benchmarks.bench_ingest import bench_ingest

        return bench_ingest(log=log, **sizes)
    if number == "9":
        from benchmarks.bench_inbox import bench_inbox

        return bench_inbox(log=log, **sizes)
    raise ValueError(number)


METHODS = """\
All figures come from one run on the machine above. The machine is shared
(other work runs on the same two cores), so absolute numbers move from run to
run; each baseline was measured in the same run, interleaved with the kiosk,
and the ratio is the figure to read. "kiosk" is `python -m kiosk run` on the
restaurant example (`dialog_config/examples/restaurant.yaml`), camera and
microphone off, in a borderless 1280×800 window at 0,0 of its own Xvfb, drawn
by Mesa's llvmpipe (software OpenGL: every frame is rasterised by the CPU).

1. **Cold start and steady memory** (`bench_startup.py`). Kiosk and Chromium
   (`--kiosk --no-first-run --disable-gpu --no-sandbox
   --disable-background-networking --disable-component-update --disable-sync
   --disable-quic`, a fresh `--user-data-dir`, `--window-position=0,0
   --window-size=1280,800` since Xvfb has no window manager to make a window
   full screen) start in turn under the same Xvfb, order alternating each
   round. Chromium shows a static page generated from the same YAML: the
   start screen (site, welcome, invitation, language buttons) plus the topics
   as buttons, in the kiosk's fonts (@font-face of assets/fonts), colours and
   sizes. *First frame*, the same for both: from just before the process is
   spawned until every 32nd row of the X screen, read every 15 ms, matches
   (99.5 % of pixels within 24 levels) that program's settled start screen,
   captured in an untimed warm-up run. The kiosk runs without its test probe.
   *Memory*: after 10 s idle on the start screen, PSS and RSS summed over the
   process tree (descendants and session: Chromium runs 8–10 processes). PSS
   divides shared pages among the processes that map them, RSS counts them in
   each, so PSS is the fair one for a multi-process program.
2. **Tap to next frame** (`bench_taps.py`). Taps go through the XTEST
   extension from the bench process (as xdotool's do), a press, 60 ms, a
   release, on the buttons the test probe reports, walking whole visits
   (languages, ratings, every visible leaf of the tree, the text screen and
   its keyboard every other visit), waiting for the screen to settle between
   taps. With the probe on, the app stamps (CLOCK_MONOTONIC, shared by all
   processes) each touch Kivy dispatches, each draw and each flip, after the
   buffer swap, in frames.log (tests/support/probe.py). The figure is from just
   before the X release request to the end of the first flip after the app
   dispatched that touch up — the frame that shows the tap's result (Kivy
   buttons act on release). *Baseline*: a minimal Kivy app, one button
   changing a label (`minimal_kivy_app.py`), stamped the same way, running at
   the same time on a second Xvfb, tapped alternately with the kiosk. It is
   the floor of X → SDL → Kivy → llvmpipe on this machine; the bare X round
   trip is shown for context but is no fair baseline, as no frame is drawn.
3. **Idle CPU** (`bench_startup.py`). User + system time from /proc of the
   whole process tree over 60 s on the start screen, after the 10 s of the
   memory reading, in the last round; Chromium idle on its page is the baseline.
4. **Memory over visits** (`bench_visits.py`). Complete visits (language →
   rating → topic → a leaf category → Send → thanks screen tapped), cycling
   through languages, ratings and topics, each stored in the outbox. The
   first visit of each kind is made slowly from the probe's state; after that
   the taps are replayed as fast as the app answers (next tap two frames
   after the flip that answered the last), with a check every 20 visits that
   the app is back on the start screen and, at the end, one stored message
   per visit. RSS of the process on the start screen at visit 100 and at the
   last visit.
5. **Send to durable** (`bench_durable.py`). `Outbox.add` with a 100 KB photo
   and a 50 KB voice (two targets registered) against writing and fsyncing
   two files of the same sizes plus one SQLite commit of the same JSON body
   (WAL, `synchronous=FULL`), alternating one for one, on /var/tmp (a disk,
   not tmpfs).
6. **Drain** (`bench_drain.py`). 10,000 messages queued with those media,
   then a bare httpx loop posts them to the local test manager server
   (`tests/support/manager_server.py`, 127.0.0.1), then `kiosk sync`'s
   `DeliveryService` drains them, then the bare loop again; the baseline is
   the mean of the two bare rates.
7. **Voice** (`bench_voice.py`). 60 s of espeak-ng speech resampled to
   16 kHz, encoded as the recorder encodes it (OGG/Opus), against the same
   samples as 16-bit mono WAV.
8. **Manager ingest** (`bench_ingest.py`). The feedback manager, not the
   terminal: `kiosk-manager serve` (gunicorn, 2 workers per CPU + 1, media
   files fsynced under its data folder on disk) on SQLite, then on a private
   PostgreSQL cluster (fsync on), each message a 100 KB photo and a 50 KB
   voice (random bytes behind the JPEG and OGG magic, their SHA-256 in the
   message), posted by 8 client threads with a connection each. The baseline
   is a bare Django view served by the same processes (`ingest_urls.py`):
   Django's form parsing of the same body, then the two files written to the
   same storage; no token, checks or database. After a warm-up of every
   worker: the bare view, the manager, the bare view again, 1,000 messages
   each; the baseline is the mean of the two bare rates. The three phases
   run three times on the same server; the table shows the round of the
   median ratio and every round's ratio. p95 is one POST's latency, sending
   to answer, under that load.
9. **Manager inbox** (`bench_inbox.py`). A private PostgreSQL cluster (fsync
   on) migrated by the manager, 50 sites of 10 terminals, a manager granted
   10 sites, and 1,000,000 messages (one every 30 s back from now, 1 in 25
   open) made inside PostgreSQL by one `INSERT … SELECT … FROM
   generate_series`, then ANALYZE. In one process, Django's test client,
   signed in as that manager, asks the inbox's first page (open cases of
   the 10 sites), a filtered page (one site, the last 30 days, status new)
   and a message page, 50 times each, each time followed by the bare query
   for the same rows through psycopg (one SELECT with the site, terminal and
   assignee joined, the columns the page shows). The figure is the p95 of
   the page's server time, from request to rendered answer; the bench
   checks that each page shows the rows of its bare query, in order.
"""


def write_report(
    rows: list[Row],
    info: dict[str, str],
    details: list[str],
    errors: list[str],
    seconds: float,
    path: Path,
) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`tests/benchmarks/run.py`); do not edit by hand —",
        "what profiling found lives in `tests/benchmarks/findings.md` and is copied below.",
        "",
        f"Run on {datetime.date.today().isoformat()}, {seconds / 60:.0f} minutes.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- **{key}**: {value}" for key, value in info.items()]
    lines += ["", "## Results", "", table(rows), ""]
    if errors:
        lines += ["## Benchmarks that did not run", ""]
        lines += [f"- {error}" for error in errors] + [""]
    lines += ["## Method", "", METHODS, "## Run log", "", "```", *details, "```", ""]
    if FINDINGS.exists():
        lines += [FINDINGS.read_text(encoding="utf-8").rstrip(), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="N", help="benchmark numbers (1-8)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to try the bench")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--strict", action="store_true", help="exit 1 on a missed goal")
    args = parser.parse_args(argv)
    wanted = [ALIASES.get(n, n) for n in (args.only or BENCHES)]
    unknown = [n for n in wanted if n not in BENCHES]
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; they are 1 to 8")

    details: list[str] = []

    def log(text: str) -> None:
        print(text, flush=True)
        details.append(text)

    started = time.monotonic()
    rows: list[Row] = []
    errors: list[str] = []
    for number in dict.fromkeys(wanted):
        title, full, quick = BENCHES[number]
        log(f"[{number}] {title} ...")
        try:
            rows += run_bench(number, quick if args.quick else full, log)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            errors.append(f"#{number} {title}: {exc}")
            log(f"  FAILED: {exc}")
    rows.sort(key=lambda row: row.number)
    seconds = time.monotonic() - started
    info = machine()
    print()
    print("\n".join(f"{key}: {value}" for key, value in info.items()))
    print()
    print(table(rows))
    for error in errors:
        print(f"did not run: {error}", file=sys.stderr)
    write_report(rows, info, details, errors, seconds, args.output)
    print(f"\nwritten to {args.output}")
    missed = [row for row in rows if row.met is False]
    if errors:
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
