"""The report's rules in small: labels across dialog versions, scores, languages, no data."""

from __future__ import annotations

import datetime
import zipfile

import pytest
from openpyxl import load_workbook

import reports as report
from dialog_config import DEFAULT_DIALOG, load_dialog
from support.report_data import TZ, TZ_NAME

PERIOD = report.Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), TZ, TZ_NAME)


def message(day: int, path: list[tuple[str, str]], rating=None, month: int = 3) -> dict:
    when = datetime.datetime(2026, month, day, 12, tzinfo=TZ)
    return {
        "created_at": when.isoformat(),
        "site": "",
        "terminal_id": "t",
        "locale": "en",
        "rating": rating,
        "text": None,
        "callback": None,
        "voice": None,
        "photo": None,
        "path": [
            {"level": ("topic", "category", "detail")[n], "id": i, "label": label}
            for n, (i, label) in enumerate(path)
        ],
    }


def labels(figures) -> dict[str, str]:
    return {"/".join(row.ids): row.label for row in figures.tree}


def test_a_label_comes_from_the_latest_dialog_that_has_the_id():
    dialog = load_dialog(DEFAULT_DIALOG)
    messages = [
        message(10, [("gone", "Old name")]),
        message(12, [("gone", "Newer name")]),
        message(2, [("gone", "Oldest name")]),
        message(5, [("prices", "Whatever it was called")]),
    ]
    figures = report.collect(messages, PERIOD, dialog=dialog)
    assert labels(figures) == {"gone": "Newer name", "prices": "Prices"}


def test_messages_after_the_period_name_nodes_the_dialog_has_dropped():
    later = [message(3, [("gone", "Renamed after the period")], month=4)]
    figures = report.collect(
        [message(10, [("gone", "In the period")])],
        PERIOD,
        dialog=load_dialog(DEFAULT_DIALOG),
        later_messages=lambda: later,
    )
    assert labels(figures) == {"gone": "Renamed after the period"}


@pytest.mark.parametrize(
    "counts, score",
    [
        ({10: 1, 0: 0}, 100),
        ({0: 1}, -100),
        ({8: 5}, 0),
        ({9: 1, 7: 1, 8: 2, 0: 4}, -38),  # -37.5: halves away from zero
        ({10: 5, 0: 2, 7: 1}, 38),  # 37.5
    ],
)
def test_nps_is_a_whole_number(counts, score):
    assert report.rating_score("nps", 10, counts) == score


@pytest.mark.parametrize("scale, top", [(3, {3}), (4, {3, 4}), (5, {4, 5})])
def test_smileys_score_is_the_share_of_the_top_half(scale, top):
    counts = {value: 1 for value in range(1, scale + 1)}
    assert report.rating_score("smileys", scale, counts) == len(top) / scale


def test_every_language_has_every_text_and_others_get_english():
    for language, texts in report.STRINGS.items():
        assert texts.keys() == report.STRINGS["en"].keys(), language
    assert [report.strings_for(code)["sheet_summary"] for code in ("ru", "ko", "it", "ja")] == [
        "Сводка",
        "요약",
        "Riepilogo",
        "Summary",
    ]


def test_display_width_counts_wide_characters_twice():
    assert report.display_width("Staff") == 5
    assert report.display_width("요약") == 4


def test_a_period_without_messages_still_makes_a_workbook(tmp_path):
    figures = report.collect([], PERIOD, dialog=load_dialog(DEFAULT_DIALOG))
    sheets = report.layout(figures)
    report.write_xlsx(sheets, tmp_path / "r.xlsx")
    report.write_csv(sheets, tmp_path / "csv")
    workbook = load_workbook(tmp_path / "r.xlsx")
    assert workbook.sheetnames == ["Summary", "Classifier", "Comments", "Callbacks"]
    assert "No messages in this period." in [c.value for c in workbook["Summary"]["A"]]
    with zipfile.ZipFile(tmp_path / "r.xlsx") as book:
        assert not [n for n in book.namelist() if n.startswith("xl/charts/")]
    assert (tmp_path / "csv" / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf")
