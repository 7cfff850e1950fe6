"""``make bench`` must not rot: every benchmark, run at a tiny size, gives sane figures.

Part of ``make test`` (under a minute); ``make bench`` is the real run. The
Chromium side of the start-up benchmark is left to ``make bench``, which
installs Chromium (about 100 MB that every CI run would otherwise fetch);
here the kiosk side runs and the page Chromium would show is checked.
"""

from __future__ import annotations

import math

import pytest

from benchmarks import bench_startup
from benchmarks.bench_drain import bench_drain
from benchmarks.bench_durable import bench_durable
from benchmarks.bench_ingest import bench_ingest
from benchmarks.bench_taps import bench_taps
from benchmarks.bench_visits import bench_visits
from benchmarks.bench_voice import voice_rows
from benchmarks.benchlib import FONTS_DIR_NAME, ROOT, Row, percentile, table

#: Every benchmark at tiny sizes, real windows among them: about 40 s.
pytestmark = pytest.mark.slow


def sane(rows: list[Row], numbers: set[str]) -> None:
    assert rows and {row.number for row in rows} == numbers
    for row in rows:
        assert math.isfinite(row.value) and row.value >= 0, row
        if row.baseline is not None:
            assert math.isfinite(row.baseline) and row.baseline > 0, row
            assert row.ratio is not None and row.ratio > 0, row
    assert "|" in table(rows)


def no_log(_text: str) -> None:
    pass


def test_startup_kiosk_side_and_idle_cpu():
    rows = bench_startup.bench_startup(
        runs=1, idle_s=1.0, cpu_s=2.0, with_chromium=False, log=no_log
    )
    sane(rows, {"1", "3"})
    first_frame, pss, rss, cpu = rows
    assert 50 < first_frame.value < 60_000  # ms: the window did appear, and not instantly
    assert 20 < pss.value <= rss.value < 2_000  # MB
    assert cpu.value < 100  # % of a core: the app idles


def test_chromium_missing_is_named(monkeypatch):
    monkeypatch.setattr(bench_startup.shutil, "which", lambda _name: None)
    with pytest.raises(bench_startup.MissingBrowser, match="apt-get install chromium"):
        bench_startup.bench_startup(runs=1, idle_s=0, cpu_s=0, log=no_log)


def test_page_for_chromium_shows_the_start_screen_and_topics(tmp_path):
    page = bench_startup.write_page(tmp_path).read_text(encoding="utf-8")
    for text in (
        "Trattoria Roma",
        "Your opinion matters",
        "Menu choice",
        "Say thank you",
        "Русский",
        "한국어",
        "#A4492A",
    ):
        assert text in page
    assert page.count("@font-face") == 2
    assert (ROOT / "assets" / FONTS_DIR_NAME / "NotoSansKR-Bold.otf").as_uri() in page


def test_taps_against_the_minimal_app():
    rows = bench_taps(taps=3, log=no_log)
    sane(rows, {"2"})
    p50, p95 = rows[0], rows[1]
    assert p50.value <= p95.value < 5_000  # ms
    assert p50.baseline <= p95.baseline


def test_visits_are_stored_and_memory_read():
    rows = bench_visits(visits=2, log=no_log)
    assert "2 visits" in rows[0].what
    assert 20 < rows[2].value < 2_000  # MB of RSS


def test_durable_against_bare_fsyncs():
    sane(bench_durable(adds=5, log=no_log), {"5"})


def test_drain_against_bare_httpx():
    rows = bench_drain(messages=20, log=no_log)
    sane(rows, {"6"})


def test_voice_against_wav():
    rows = voice_rows(seconds=3, log=no_log)
    sane(rows, {"7"})
    assert rows[0].ratio < 0.5  # Opus is far smaller than WAV, even on 3 s


def test_manager_ingest_against_the_bare_view_on_both_databases():
    rows = bench_ingest(messages=10, workers=2, rounds=1, log=no_log)
    sane(rows, {"8"})
    assert [row.unit for row in rows] == ["/s", "ms", "ms"] * 2
    assert "SQLite" in rows[0].what and "PostgreSQL" in rows[3].what
    for cpu in rows[1], rows[4]:
        # The server's CPU a message: something, and less than a second.
        assert "CPU" in cpu.what and 0 < cpu.value < 1000 and 0 < cpu.baseline < 1000
    for latency in rows[2], rows[5]:
        assert 0 < latency.value < 60_000 and 0 < latency.baseline < 60_000


def test_percentile_is_nearest_rank():
    assert percentile(range(1, 101), 0.95) == 95
    assert percentile([3.0], 0.95) == 3.0
