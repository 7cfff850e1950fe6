"""`kiosk report` as a manager runs it: dates, defaults and exit codes."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from kiosk.cli import main
from support.report_data import TZ, TZ_NAME
from sync.outbox import Outbox

DIALOG_FREE = {
    "terminal_id": "t1",
    "site": "S",
    "locale": "en",
    "dialog": {"version": 1, "sha256": "0" * 64},
    "rating": None,
    "tone": "none",
    "alert": False,
    "text": None,
    "callback": None,
    "voice": None,
    "photo": None,
}


def settings_file(tmp_path, data_dir=None):
    path = tmp_path / "settings.yaml"
    path.write_text(
        f"timezone: {TZ_NAME}\ndata_dir: {data_dir or tmp_path / 'data'}\n", encoding="utf-8"
    )
    return path


def add_at_noon(box, day: datetime.date, topic: str) -> None:
    when = datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ)
    box.add(
        dict(
            DIALOG_FREE,
            created_at=when.isoformat(),
            path=[{"level": "topic", "id": topic, "label": topic.title()}],
        )
    )


@pytest.fixture
def outbox_days(tmp_path):
    """Messages at noon on days around today: each topic names its day."""
    today = datetime.datetime.now(TZ).date()
    with Outbox(tmp_path / "data") as box:
        for offset in (-31, -30, -29, -5, 0, 1):
            add_at_noon(box, today + datetime.timedelta(days=offset), f"d{offset + 40}")
    return today, settings_file(tmp_path)


def topics_reported(xlsx) -> set[str]:
    sheet = load_workbook(xlsx).worksheets[1]
    return {row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]}


def test_default_is_the_last_30_days_up_to_today(outbox_days, tmp_path, capsys):
    today, settings = outbox_days
    xlsx = tmp_path / "r.xlsx"
    assert main(["report", "--settings", str(settings), "--xlsx", str(xlsx)]) == 0
    assert topics_reported(xlsx) == {"d11", "d35", "d40"}  # today-29, today-5, today
    first = today - datetime.timedelta(days=29)
    assert f"3 message(s) from {first} to {today} ({TZ_NAME})" in capsys.readouterr().out
    notes = [row[0] for row in load_workbook(xlsx).worksheets[0].iter_rows(values_only=True)]
    assert f"Period: {first} – {today}" in notes


def test_from_alone_runs_to_today_and_to_alone_covers_30_days(outbox_days, tmp_path):
    today, settings = outbox_days
    xlsx = tmp_path / "r.xlsx"
    since = (today - datetime.timedelta(days=5)).isoformat()
    assert main(["report", "--settings", str(settings), "--from", since, "--xlsx", str(xlsx)]) == 0
    assert topics_reported(xlsx) == {"d35", "d40"}
    until = (today - datetime.timedelta(days=1)).isoformat()
    assert main(["report", "--settings", str(settings), "--to", until, "--xlsx", str(xlsx)]) == 0
    assert topics_reported(xlsx) == {"d10", "d11", "d35"}  # today-30 .. today-1


def test_both_dates_are_included(outbox_days, tmp_path):
    today, settings = outbox_days
    day = (today - datetime.timedelta(days=29)).isoformat()
    xlsx = tmp_path / "r.xlsx"
    assert (
        main(
            ["report", "--settings", str(settings), "--from", day, "--to", day, "--xlsx", str(xlsx)]
        )
        == 0
    )
    assert topics_reported(xlsx) == {"d11"}


@pytest.mark.parametrize(
    "dates", [["--from", "2026-02-30"], ["--to", "yesterday"], ["--from", "22.11.2026"]]
)
def test_a_bad_date_is_bad_usage(outbox_days, tmp_path, dates, capsys):
    _, settings = outbox_days
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--settings", str(settings), *dates, "--xlsx", str(tmp_path / "r.xlsx")])
    assert exit_info.value.code == 2
    assert "is not a date like 2026-11-22" in capsys.readouterr().err


def test_from_after_to_is_bad_usage(outbox_days, tmp_path, capsys):
    _, settings = outbox_days
    code = main(
        [
            "report",
            "--settings",
            str(settings),
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-01",
            "--xlsx",
            str(tmp_path / "r.xlsx"),
        ]
    )
    assert code == 2
    assert "the first day 2026-03-02 is after the last day 2026-03-01" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()


def test_no_xlsx_is_bad_usage(outbox_days):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--settings", str(outbox_days[1])])
    assert exit_info.value.code == 2


def test_a_missing_data_dir_fails_clearly(tmp_path, capsys):
    settings = settings_file(tmp_path, tmp_path / "nowhere")
    assert main(["report", "--settings", str(settings), "--xlsx", str(tmp_path / "r.xlsx")]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'nowhere'}: no such data directory" in err and "--settings" in err
    assert not (tmp_path / "nowhere").exists()


def test_a_data_dir_without_outbox_fails_clearly(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    settings = settings_file(tmp_path)
    assert main(["report", "--settings", str(settings), "--xlsx", str(tmp_path / "r.xlsx")]) == 1
    assert "outbox.sqlite3: no outbox here" in capsys.readouterr().err
    assert list((tmp_path / "data").iterdir()) == []


def test_runs_as_a_console_command_with_csv(outbox_days, tmp_path):
    _, settings = outbox_days
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "report",
            "--xlsx",
            str(tmp_path / "r.xlsx"),
            "--csv",
            str(tmp_path / "csv" / "new"),
            "--settings",
            str(settings),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "csv" / "new").iterdir()) == [
        "callbacks.csv",
        "classifier.csv",
        "comments.csv",
        "summary.csv",
    ]
