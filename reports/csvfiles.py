"""The report as CSV files, one per sheet, for scripts and spreadsheets.

Named ``csvfiles`` so that it does not shadow the standard library's ``csv``.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from pathlib import Path
from typing import Any

from .files import write_atomically
from .layout import DATE, DATE_FORMAT, DATETIME, SHARE, TEXT, TIME_FORMAT, Cell, Sheet

#: The CSV files, one per sheet, by sheet key: stable names for scripts.
CSV_NAMES = {
    "summary": "summary.csv",
    "classifier": "classifier.csv",
    "comments": "comments.csv",
    "callbacks": "callbacks.csv",
}


#: Leading characters that make Excel read a CSV field as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Control characters (NUL, BEL, ESC, ...) a visitor may type: a terminal
#: showing the file with cat would obey an escape sequence, a NUL cuts many
#: readers short. Tab and line breaks stay; the CSV quoting holds them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def csv_rows(sheet: Sheet) -> list[list[str]]:
    """A sheet as CSV rows: its notes, then each table (caption, header, rows) after a blank row."""
    rows: list[list[str]] = [[_csv_value(text, TEXT)] for _, text in sheet.notes]
    for block in sheet.blocks:
        if rows:
            rows.append([])
        if block.caption:
            rows.append([_csv_value(block.caption, TEXT)])
        rows.append([_csv_value(title, TEXT) for title in block.header])
        rows.extend(
            [_csv_value(value, kind) for value, kind in zip(values, block.kinds, strict=True)]
            for values in block.rows
        )
    return rows


def _csv_value(value: Any, kind: str) -> str:
    if isinstance(value, Cell):
        return _csv_value(value.value, value.kind)
    if value is None:
        return ""
    if isinstance(value, str):
        value = CONTROL_CHARACTERS.sub("", value)
        # A leading apostrophe keeps Excel from running a visitor's "=..." (or
        # reading "+39 ..." as a sum); it is the usual guard against CSV injection.
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if kind == DATETIME:
        return value.strftime(TIME_FORMAT)
    if kind == DATE:
        return value.strftime(DATE_FORMAT)
    if kind == SHARE:
        return f"{value:.4f}"
    return str(value)


def write_csv(sheets: list[Sheet], directory: str | os.PathLike[str]) -> list[Path]:
    """One CSV file per sheet in ``directory`` (created if needed), UTF-8 with a BOM
    so that Excel reads Cyrillic and Hangul right. Returns the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets:
        path = directory / CSV_NAMES[sheet.key]
        write_atomically(path, functools.partial(_write_rows, rows=csv_rows(sheet)))
        written.append(path)
    return written


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(rows)
