"""One report, two ways: ``kiosk report`` on the terminal and /reports/ in the manager.

The 5,000 messages of the report tests go into a real outbox, and the real
command writes the workbook and the CSV files in a subprocess; the same
messages are stored through the manager's ingest code, the dialog the
terminal runs is published and assigned to it, and the manager's workbook and
CSV zip are downloaded with the test client. They must be identical.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from django.test import Client

from manager.accounts.models import User
from manager.dialogs.models import DialogVersion
from manager.fleet.models import Site
from reports import CSV_NAMES
from support.manager_live import PROJECT_ROOT
from support.manager_messages import make_terminal, store_message
from support.report_data import (
    FIRST,
    LAST,
    SITE,
    TERMINAL,
    TZ,
    TZ_NAME,
    build_dataset,
    sheet_cells,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.usefixtures("database")]
#: The Summary sheet's "Generated" note: the minute each report was made, not data.
GENERATED_CELL = (6, 1)
MINUTE = r"\d{4}-\d\d-\d\d \d\d:\d\d"


def kiosk_report(settings, out) -> tuple[bytes, dict[str, bytes]]:
    xlsx, csv_dir = out / "terminal.xlsx", out / "terminal-csv"
    run = subprocess.run(
        [sys.executable, "-m", "kiosk", "report", "--settings", str(settings)]
        + ["--from", FIRST.isoformat(), "--to", LAST.isoformat()]
        + ["--xlsx", str(xlsx), "--csv", str(csv_dir)],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return xlsx.read_bytes(), {p.name: p.read_bytes() for p in sorted(csv_dir.iterdir())}


def workbook_cells(data: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: sheet_cells(ws) for ws in book.worksheets}


def chart_references(data: bytes) -> dict:
    """Each sheet's charts: their kind and the cell ranges of their series."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = {}
    for ws in book.worksheets:
        charts = []
        for chart in ws._charts:
            refs = [
                (s.val.numRef.f, s.cat.numRef.f if s.cat and s.cat.numRef else None)
                for s in chart.series
            ]
            charts.append((type(chart).__name__, refs))
        found[ws.title] = charts
    return found


def test_the_managers_report_of_a_terminal_is_the_terminals_own(tmp_path):
    data = build_dataset(tmp_path / "terminal")
    before = datetime.datetime.now(TZ)
    terminal_xlsx, terminal_csv = kiosk_report(data.settings, tmp_path)

    terminal, _ = make_terminal(TERMINAL, SITE)
    Site.objects.filter(pk=terminal.site_id).update(timezone=TZ_NAME)
    running = DialogVersion.publish(
        "restaurant", (data.root / "dialog_v2.yaml").read_text(encoding="utf-8")
    )
    running.assign(terminal=terminal)
    for message in data.messages:
        assert store_message(terminal, message) == 201
    browser = Client()
    browser.force_login(User.objects.create_user("boss", password="x" * 20, role=User.ADMIN))
    query = f"?first={FIRST}&last={LAST}&terminals={TERMINAL}"
    xlsx = browser.get("/reports/report.xlsx" + query)
    assert xlsx.status_code == 200, xlsx.content
    manager_xlsx = b"".join(xlsx.streaming_content)
    archive = browser.get("/reports/report-csv.zip" + query)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        manager_csv = {name: opened.read(name) for name in sorted(opened.namelist())}
    after = datetime.datetime.now(TZ).replace(tzinfo=None)

    terminal_cells, manager_cells = workbook_cells(terminal_xlsx), workbook_cells(manager_xlsx)
    summary = next(iter(terminal_cells))
    generated = [cells[summary].pop(GENERATED_CELL) for cells in (terminal_cells, manager_cells)]
    for text in generated:
        made = datetime.datetime.strptime(re.search(MINUTE, text).group(), "%Y-%m-%d %H:%M")
        assert before.replace(second=0, microsecond=0, tzinfo=None) <= made <= after, text
    assert list(manager_cells) == list(terminal_cells)
    for title, cells in terminal_cells.items():
        assert manager_cells[title] == cells, title
    assert terminal_cells[summary][(3, 1)] == f"Terminal: {TERMINAL}"
    assert len(terminal_cells["Comments"]) > 1000
    assert chart_references(manager_xlsx) == chart_references(terminal_xlsx)

    assert list(manager_csv) == list(terminal_csv) == sorted(CSV_NAMES.values())
    # The same bytes but for the minute the manager made its report.
    manager_csv["summary.csv"] = manager_csv["summary.csv"].replace(
        generated[1].encode(), generated[0].encode(), 1
    )
    for name, content in terminal_csv.items():
        assert manager_csv[name] == content, name
