"""The report tests' fixtures: one generated outbox and one report over it, per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from support.report_data import FIRST, LAST, Dataset, build_dataset


@pytest.fixture(scope="session")
def dataset(tmp_path_factory) -> Dataset:
    """The 5,000 messages, built once per session."""
    return build_dataset(tmp_path_factory.mktemp("report_outbox"))


@pytest.fixture(scope="session")
def report_files(dataset, tmp_path_factory) -> tuple[Path, Path]:
    """``kiosk report`` over the period, as a manager runs it: (workbook, CSV folder)."""
    out = tmp_path_factory.mktemp("report_out")
    xlsx, csv_dir = out / "report.xlsx", out / "csv"
    code = main(
        [
            "report",
            "--settings",
            str(dataset.settings),
            "--from",
            FIRST.isoformat(),
            "--to",
            LAST.isoformat(),
            "--xlsx",
            str(xlsx),
            "--csv",
            str(csv_dir),
        ]
    )
    assert code == 0
    return xlsx, csv_dir
