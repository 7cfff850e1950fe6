"""Reports for managers from plain message records: what visitors choose, what
they wrote, whom to call back, and how the score moves.

Fed the manager API's ``Message`` records and a dialog version, so that
``kiosk report`` (from the terminal's outbox) and the manager (from its
database) make the same report. Three steps, so that every figure is plain
Python, tested without a spreadsheet:

1. :func:`collect` (:mod:`reports.figures`) reads the messages of a
   :class:`Period` into a :class:`Report`: counts, the rating distribution
   and score, weekly figures, the classifier tree, comments and callbacks.
2. :func:`layout` (:mod:`reports.layout`) lays a report out as sheets of
   tables, in the dialog's default language (texts: :mod:`reports.texts`).
3. :func:`write_xlsx` (:mod:`reports.xlsx`) and :func:`write_csv`
   (:mod:`reports.csvfiles`) render those same sheets, so the workbook and
   the CSV files can never disagree.

Nothing personal that is not asked for: photos and voice are never embedded
(only counted), and phone numbers appear only on the Callbacks sheet.

This package imports :mod:`dialog_config` and third-party libraries only,
never ``kiosk`` or ``sync``: the manager has neither.
"""

from __future__ import annotations

from .csvfiles import CSV_NAMES, write_csv
from .figures import Period, Report, collect, rating_score, resolve_timezone
from .layout import Sheet, layout
from .texts import STRINGS, strings_for
from .xlsx import display_width, write_xlsx

__all__ = [
    "CSV_NAMES",
    "Period",
    "Report",
    "STRINGS",
    "Sheet",
    "collect",
    "display_width",
    "layout",
    "rating_score",
    "resolve_timezone",
    "strings_for",
    "write_csv",
    "write_xlsx",
]
