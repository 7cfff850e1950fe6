"""A report in Arabic or Hebrew runs from the right: each sheet's direction, the
alignment of text and numbers, and CSV files that keep the script and its order."""

from __future__ import annotations

import csv
import datetime
import random

import pytest
from openpyxl import load_workbook

import reports as report
from dialog_config import EXAMPLES_DIR, load_dialog
from reports.texts import strings_for
from support.report_data import TZ, TZ_NAME, make_message

PERIOD = report.Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), TZ, TZ_NAME)
#: What a visitor in each language may write, and a callback name in its script.
WRITTEN = {
    "ar": ("الحساء بارد والخدمة بطيئة", "ليلى حداد"),
    "he": ("המרק קר והשירות איטי", "נועה כהן"),
    "en": ("The soup is cold", "Jane Doe"),
}


def sheets_in(language: str):
    dialog = load_dialog(EXAMPLES_DIR / "cafe_world.yaml")
    rng = random.Random(language)
    messages = []
    for day in range(1, 29):
        when = datetime.datetime(2026, 3, day, 12, tzinfo=TZ)
        message, _photo, _voice = make_message(rng, dialog, when)
        messages.append(message)
    text, name = WRITTEN[language]
    messages[3] |= {"text": text, "locale": language}
    messages[4] |= {"callback": {"name": name, "phone": "+972541234567", "consent": True}}
    return report.layout(report.collect(messages, PERIOD, dialog=dialog, language=language))


def header_cell(worksheet, text: str):
    return next(c for row in worksheet.iter_rows() for c in row if c.value == text)


@pytest.mark.parametrize("language", ["ar", "he"])
def test_a_right_to_left_workbook_runs_from_the_right(language, tmp_path):
    path = tmp_path / "report.xlsx"
    report.write_xlsx(sheets_in(language), path)
    book = load_workbook(path)
    s = strings_for(language)
    assert book.sheetnames == [
        s["sheet_summary"],
        s["sheet_classifier"],
        s["sheet_comments"],
        s["sheet_callbacks"],
    ]
    for worksheet in book.worksheets:
        assert worksheet.sheet_view.rightToLeft, f"{worksheet.title} runs left to right"
    summary = book[s["sheet_summary"]]
    assert summary["A1"].value == s["title"]
    # Mirrored: a text column starts at the right of its cell, a number column at the left.
    assert header_cell(summary, s["indicator"]).alignment.horizontal == "right"
    assert header_cell(summary, s["count"]).alignment.horizontal == "left"
    comments = book[s["sheet_comments"]]
    written = next(
        c for row in comments.iter_rows() for c in row if c.value == WRITTEN[language][0]
    )
    assert written.alignment.horizontal == "right"


def test_a_left_to_right_workbook_stays_as_it_was(tmp_path):
    path = tmp_path / "report.xlsx"
    report.write_xlsx(sheets_in("en"), path)
    book = load_workbook(path)
    assert not any(worksheet.sheet_view.rightToLeft for worksheet in book.worksheets)
    summary = book["Summary"]
    assert header_cell(summary, "Indicator").alignment.horizontal == "left"
    assert header_cell(summary, "Count").alignment.horizontal == "right"


@pytest.mark.parametrize("language", ["ar", "he"])
def test_right_to_left_csv_files_keep_the_script_in_logical_order(language, tmp_path):
    written = report.write_csv(sheets_in(language), tmp_path)
    s = strings_for(language)
    by_name = {path.name: path for path in written}
    # A BOM, so that Excel reads the file as UTF-8; the text in logical order, no marks.
    for path in written:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert "\u200f" not in path.read_text(encoding="utf-8-sig")
    with open(by_name["comments.csv"], encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert s["comment"] in rows[0] and s["language"] in rows[0]
    assert any(WRITTEN[language][0] in row for row in rows[1:])
    with open(by_name["callbacks.csv"], encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert s["name"] in rows[0] and s["phone"] in rows[0]
    assert any(WRITTEN[language][1] in row for row in rows[1:])
