"""The report as an xlsx workbook (openpyxl): tables, charts, widths, print setup.

openpyxl is imported when a workbook is written, not with the package.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from .files import write_atomically
from .layout import (
    DATE,
    DATE_FORMAT,
    DATETIME,
    INT,
    LABEL,
    NPS_SCORE,
    NUMBER_FORMATS,
    NUMERIC,
    SHARE,
    TEXT,
    TIME_FORMAT,
    WRAP,
    Block,
    Cell,
    Chart,
    Sheet,
)

#: Column widths in characters (a CJK character counts two).
MIN_WIDTH = 6
MAX_WIDTH = 80
WRAP_WIDTH = 60
WIDTH_PADDING = 2
#: An indent step of the tree, in characters, as Excel and LibreOffice draw it.
INDENT_WIDTH = 2
LINE_HEIGHT_PT = 15
#: Proportional text fits about this many average characters per unit of column width.
CHARS_PER_WIDTH = 1.2
MAX_ROW_HEIGHT_PT = 409
HEADER_FILL = "DCE6F1"
#: openpyxl's default font for every cell; LibreOffice shows it as Carlito where installed.
FONT_NAME = "Calibri"
CHART_STYLE = 10
WEEKLY_CHART_CM = (24.0, 11.0)
#: Axis ids of the weekly chart's score, on the right (any ids unused by the counts' axes).
SCORE_AXIS_ID = 200
SCORE_CATEGORY_AXIS_ID = 500
TOP_CHART_WIDTH_CM = 24.0
#: Horizontal alignments on a right-to-left sheet.
_MIRRORED = {"left": "right", "right": "left"}


def display_width(text: str) -> int:
    """How many character cells ``text`` takes: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shown(value: Any, kind: str) -> str:
    """A value as the workbook shows it (for widths) and as CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, Cell):
        return _shown(value.value, value.kind)
    if kind == DATETIME:
        return value.strftime(TIME_FORMAT)
    if kind == DATE:
        return value.strftime(DATE_FORMAT)
    if kind == SHARE:
        return f"{value:.1%}"
    if kind == INT and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_xlsx(sheets: list[Sheet], path: str | os.PathLike[str]) -> None:
    """The workbook, written to a temporary file and renamed into place."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(sheet.title), sheet)
    write_atomically(Path(path), workbook.save)


def _write_sheet(ws, sheet: Sheet) -> None:
    from openpyxl.styles import Border, Font, PatternFill, Side

    # A right-to-left sheet has column A on the right, as Excel shows it to Arabic and
    # Hebrew readers.
    ws.sheet_view.rightToLeft = sheet.right_to_left

    # Fonts made here must name the workbook's font, or viewers fall back to a serif.
    bold = Font(name=FONT_NAME, bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    header_border = Border(bottom=Side(style="thin"))
    widths: dict[int, int] = defaultdict(int)
    wrapped_columns: set[int] = set()

    for row, text in sheet.notes:
        cell = ws.cell(row=row, column=1)
        _set_text(cell, text)
        cell.font = Font(name=FONT_NAME, bold=True, size=14) if row == 1 else Font(name=FONT_NAME)
    for block in sheet.blocks:
        if block.caption:
            cell = ws.cell(row=block.row, column=block.column)
            _set_text(cell, block.caption)
            cell.font = Font(name=FONT_NAME, bold=True, size=12)
        for offset, title in enumerate(block.header):
            cell = ws.cell(row=block.header_row, column=block.column + offset)
            _set_text(cell, title)
            cell.font = bold
            cell.fill = header_fill
            cell.border = header_border
            # Headers of number columns sit over their numbers, on the right.
            numeric = block.kinds[offset] in NUMERIC
            after_number = offset and not numeric and block.kinds[offset - 1] in NUMERIC
            cell.alignment = _alignment(
                sheet,
                horizontal="right" if numeric else "left",
                indent=1 if after_number else 0,
                vertical="center",
            )
            # Bold text is a little wider; the autofilter button needs room too.
            extra = 3 if block.table else 1
            widths[cell.column] = max(widths[cell.column], display_width(title) + extra)
        for index, values in enumerate(block.rows):
            row = block.first_data_row + index
            for offset, value in enumerate(values):
                kind = block.kinds[offset]
                if isinstance(value, Cell):
                    value, kind = value.value, value.kind
                cell = ws.cell(row=row, column=block.column + offset)
                if isinstance(value, str):
                    if value:  # an empty string would be an empty-looking, non-empty cell
                        _set_text(cell, value)
                else:
                    cell.value = value
                if kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[kind]
                indent = block.indents[index] if offset == 0 and block.indents else 0
                if offset and kind in (TEXT, WRAP) and block.kinds[offset - 1] in NUMERIC:
                    # Text right after right-aligned numbers would touch them.
                    indent = 1
                width = display_width(_shown(value, kind)) + indent * INDENT_WIDTH
                if kind == WRAP:
                    cell.alignment = _alignment(
                        sheet, wrap_text=True, vertical="top", horizontal="left", indent=indent
                    )
                    wrapped_columns.add(cell.column)
                    width = min(width, WRAP_WIDTH)
                elif kind in (LABEL, DATE, DATETIME):
                    cell.alignment = _alignment(sheet, horizontal="left", vertical="top")
                elif indent:
                    # An indent shows only on left-aligned text.
                    cell.alignment = _alignment(
                        sheet, horizontal="left", indent=indent, vertical="top"
                    )
                else:
                    cell.alignment = _alignment(sheet, vertical="top")
                if index in block.bold_rows:
                    cell.font = bold
                widths[cell.column] = max(widths[cell.column], width)
        if block.table:
            ws.freeze_panes = ws.cell(row=block.first_data_row, column=1).coordinate
            last = ws.cell(
                row=max(block.last_row, block.header_row),
                column=block.column + len(block.header) - 1,
            )
            first = ws.cell(row=block.header_row, column=block.column)
            ws.auto_filter.ref = f"{first.coordinate}:{last.coordinate}"
            ws.print_title_rows = f"{block.header_row}:{block.header_row}"

    from openpyxl.utils import get_column_letter

    for column, width in widths.items():
        limit = WRAP_WIDTH if column in wrapped_columns else MAX_WIDTH
        ws.column_dimensions[get_column_letter(column)].width = max(
            MIN_WIDTH, min(width, limit) + WIDTH_PADDING
        )
    if wrapped_columns:
        _fit_row_heights(ws, sheet, wrapped_columns)
    for chart in sheet.charts:
        block = next(b for b in sheet.blocks if b.name == chart.block)
        made = (
            _weekly_chart(ws, block, chart)
            if chart.kind == "weekly"
            else _top_chart(ws, block, chart)
        )
        ws.add_chart(made, ws.cell(row=chart.anchor[0], column=chart.anchor[1]).coordinate)
    # Printed (and converted to PDF) one page wide, landscape, as managers print it.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _alignment(sheet: Sheet, **kwargs: Any) -> Any:
    """openpyxl's alignment, mirrored on a right-to-left sheet: there text starts at the
    right of its cell and numbers sit at its left, as Excel lays out an Arabic sheet."""
    from openpyxl.styles import Alignment

    if sheet.right_to_left and kwargs.get("horizontal") in _MIRRORED:
        kwargs["horizontal"] = _MIRRORED[kwargs["horizontal"]]
    return Alignment(**kwargs)


def _set_text(cell, text: str) -> None:
    """Text stays text: never a formula (a visitor may type "=..."), no control characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"


def _fit_row_heights(ws, sheet: Sheet, wrapped_columns: set[int]) -> None:
    """Rows tall enough for their wrapped text: neither Excel nor every viewer does it on open."""
    from openpyxl.utils import get_column_letter

    for block in sheet.blocks:
        for index in range(len(block.rows)):
            row = block.first_data_row + index
            lines = 1
            for column in wrapped_columns:
                value = ws.cell(row=row, column=column).value
                if not isinstance(value, str):
                    continue
                width = (
                    ws.column_dimensions[get_column_letter(column)].width - WIDTH_PADDING
                ) * CHARS_PER_WIDTH
                lines = max(
                    lines,
                    sum(
                        max(1, math.ceil(display_width(line) / width)) for line in value.split("\n")
                    ),
                )
            if lines > 1:
                ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT)


def _titled_axes(chart, x_title: str | None, y_title: str | None) -> None:
    # openpyxl 3.1 leaves axes "deleted" unless told: Excel then draws no labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title


def _weekly_chart(ws, block: Block, chart: Chart):
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.axis import ChartLines, TextAxis

    header = block.header
    counts = LineChart()
    counts.title = chart.title
    counts.style = CHART_STYLE
    counts.width, counts.height = WEEKLY_CHART_CM
    counts.add_data(
        Reference(ws, min_col=2, min_row=block.header_row, max_row=block.last_row),
        titles_from_data=True,
    )
    categories = Reference(ws, min_col=1, min_row=block.first_data_row, max_row=block.last_row)
    counts.set_categories(categories)
    _titled_axes(counts, chart.x_title, header[1])
    counts.x_axis.number_format = NUMBER_FORMATS[DATE]
    counts.y_axis.majorGridlines = ChartLines()
    counts.y_axis.scaling.min = 0
    counts.legend.position = "b"
    lines = list(counts.series)
    if len(header) > 2:
        score = LineChart()
        score.add_data(
            Reference(ws, min_col=3, min_row=block.header_row, max_row=block.last_row),
            titles_from_data=True,
        )
        # Its own hidden category axis: with the first chart's, LibreOffice
        # draws that axis (and its title) a second time along the top.
        score.x_axis = TextAxis(axId=SCORE_CATEGORY_AXIS_ID, crossAx=SCORE_AXIS_ID, delete=True)
        score.y_axis.axId = SCORE_AXIS_ID
        score.y_axis.crossAx = SCORE_CATEGORY_AXIS_ID
        score.y_axis.title = header[2]
        score.y_axis.delete = False
        score.y_axis.crosses = "max"
        score.y_axis.majorGridlines = None
        if block.kinds[2] == NPS_SCORE:
            score.y_axis.scaling.min, score.y_axis.scaling.max = -100, 100
            score.y_axis.number_format = "0"
        else:
            score.y_axis.scaling.min, score.y_axis.scaling.max = 0, 1
            score.y_axis.number_format = "0%"
        lines += score.series
        counts += score
    for series in lines:
        series.smooth = False
        series.marker.symbol = "circle"
        series.marker.size = 6
    return counts


def _top_chart(ws, block: Block, spec: Chart):
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.axis import ChartLines
    from openpyxl.chart.label import DataLabelList

    chart = BarChart()
    chart.type = "bar"
    chart.style = CHART_STYLE
    chart.title = spec.title
    chart.add_data(
        Reference(ws, min_col=block.column + 2, min_row=block.header_row, max_row=block.last_row),
        titles_from_data=True,
    )
    chart.set_categories(
        Reference(
            ws, min_col=block.column + 1, min_row=block.first_data_row, max_row=block.last_row
        )
    )
    _titled_axes(chart, None, block.header[2])
    # The most frequent at the top, with the value axis below the bars.
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"
    chart.y_axis.majorGridlines = ChartLines()
    chart.legend = None
    # Only the count beside each bar: LibreOffice shows every unset part.
    chart.dataLabels = DataLabelList(
        showVal=True,
        showCatName=False,
        showSerName=False,
        showLegendKey=False,
        showPercent=False,
        showBubbleSize=False,
    )
    chart.width = TOP_CHART_WIDTH_CM
    chart.height = max(6.0, 0.75 * len(block.rows) + 3.0)
    chart.gapWidth = 60
    return chart
