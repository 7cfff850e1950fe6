"""5,000 messages over two dialog versions: every figure of every sheet, and of every CSV
file, equals what the test computes on its own (support/report_expected.py)."""

from __future__ import annotations

import csv
import datetime
import math
import re

import pytest
from openpyxl import load_workbook

from support.report_data import FIRST, LAST, TZ, TZ_NAME, sheet_cells
from support.report_expected import as_cells, as_csv, expected_sheets

SHEETS = ("summary", "classifier", "comments", "callbacks")
GENERATED = re.compile(r"Generated: (\d{4}-\d\d-\d\d \d\d:\d\d)")


@pytest.fixture(scope="module")
def expected(dataset):
    return expected_sheets(dataset.messages, dataset.dialog_v2, FIRST, LAST, TZ, TZ_NAME)


def same(got, want) -> bool:
    """Equal; a share to the 15 significant digits that xlsx keeps."""
    if isinstance(want, float) and isinstance(got, float):
        return math.isclose(got, want, rel_tol=1e-13)
    return type(got) is type(want) and got == want


def check_generated(text: str) -> None:
    match = GENERATED.fullmatch(text)
    assert match, text
    made = datetime.datetime.strptime(match[1], "%Y-%m-%d %H:%M").replace(tzinfo=TZ)
    assert abs((datetime.datetime.now(TZ) - made).total_seconds()) < 600


def test_the_data_covers_what_the_report_must_handle(dataset, expected):
    in_period = expected["summary"][2][0][4][0][1][0]
    assert 4000 < in_period < len(dataset.messages) == 5000
    assert {m["dialog"]["sha256"] for m in dataset.messages} == {
        dataset.dialog_v1.sha256,
        dataset.dialog_v2.sha256,
    }
    tree_ids = {row[4][0] for row in expected["classifier"][2][0][4]}
    # renamed in v2, removed in v2 (label from the messages), added in v2
    assert {
        "assortment/few_vegetarian",
        "assortment/no_kids_menu",
        "assortment/no_vegan",
    } <= tree_ids
    labels = {row[4][0]: row[0][0] for row in expected["classifier"][2][0][4]}
    assert labels["assortment/few_vegetarian"] == "Too few vegetarian dishes"
    assert labels["assortment/no_kids_menu"] == "No children's menu"


@pytest.mark.parametrize("key", SHEETS)
def test_every_cell_of_the_workbook(report_files, expected, key):
    workbook = load_workbook(report_files[0])
    title = expected[key][0]
    assert workbook.sheetnames == [expected[k][0] for k in SHEETS]
    actual = sheet_cells(workbook[title])
    if key == "summary":
        check_generated(actual.pop((6, 1)))
    want = as_cells(expected[key])
    assert sorted(actual) == sorted(want), f"{title}: cells differ in position"
    differing = {pos: (actual[pos], want[pos]) for pos in want if not same(actual[pos], want[pos])}
    assert not differing, (
        f"{title}: {len(differing)} cells differ, e.g. {list(differing.items())[:5]}"
    )


@pytest.mark.parametrize("key", SHEETS)
def test_every_field_of_the_csv_files(report_files, expected, key):
    path = report_files[1] / f"{key}.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    want = as_csv(expected[key])
    if key == "summary":
        check_generated(rows[5][0])
        want[5] = rows[5]
    assert len(rows) == len(want)
    differing = [
        (n, got, exp) for n, (got, exp) in enumerate(zip(rows, want, strict=True)) if got != exp
    ]
    assert not differing, f"{path.name}: {len(differing)} rows differ, e.g. {differing[:3]}"
