"""Nothing personal that is not asked for: phone numbers only on Callbacks, no media."""

from __future__ import annotations

import csv
import re
import zipfile

from openpyxl import load_workbook

from support.report_data import PHONES, sheet_cells

CALLBACKS_CSV = "callbacks.csv"


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def phone_digits() -> set[str]:
    return {digits(phone) for phone in PHONES}


def test_phone_numbers_only_on_the_callbacks_sheet(report_files, dataset):
    assert any(m["callback"] for m in dataset.messages)
    workbook = load_workbook(report_files[0])
    *others, callbacks = workbook.worksheets
    found = {digits(str(v)) for v in sheet_cells(callbacks).values()}
    assert phone_digits() <= found, "every number asked for is on Callbacks"
    for sheet in others:
        for position, value in sheet_cells(sheet).items():
            assert not any(number in digits(str(value)) for number in phone_digits()), (
                f"{sheet.title}!{position}: {value!r}"
            )


def csv_fields(path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return [field for row in csv.reader(stream) for field in row]


def test_phone_numbers_only_in_the_callbacks_csv(report_files):
    csv_dir = report_files[1]
    assert phone_digits() <= {digits(f) for f in csv_fields(csv_dir / CALLBACKS_CSV)}
    for path in csv_dir.glob("*.csv"):
        if path.name != CALLBACKS_CSV:
            for field in csv_fields(path):
                assert not any(n in digits(field) for n in phone_digits()), (path.name, field)


def test_no_photo_or_voice_is_embedded(report_files, dataset):
    assert any(m["photo"] for m in dataset.messages) and any(m["voice"] for m in dataset.messages)
    with zipfile.ZipFile(report_files[0]) as book:
        names = book.namelist()
    assert not [name for name in names if name.startswith("xl/media/")]
    assert not [name for name in names if re.search(r"\.(jpe?g|png|ogg|opus|wav)$", name)]


def test_visitor_text_never_becomes_a_formula(report_files):
    workbook = load_workbook(report_files[0])
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert any(cell.value == "=1+1" for cell in cells)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    comments = (report_files[1] / "comments.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1" in comments and ",=1+1" not in comments


def test_control_characters_a_visitor_typed_never_reach_the_csv(tmp_path):
    from reports.csvfiles import write_csv
    from reports.layout import TEXT, Block, Sheet

    typed = "\x00=1+1\x1b[2J\x07 cold soup\nsecond line"
    block = Block("comments", 1, 1, ("Comment",), (TEXT,), [(typed,)])
    [path] = write_csv([Sheet("comments", "Comments", [], [block])], tmp_path)
    fields = csv_fields(path)
    assert fields[-1] == "'=1+1[2J cold soup\nsecond line"
    raw = path.read_text(encoding="utf-8-sig")
    assert not set(raw) & {"\x00", "\x1b", "\x07"}
