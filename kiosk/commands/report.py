"""``kiosk report``: the managers' report from the outbox, as xlsx (and CSV), over a period."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from ..cli import EXIT_OK, EXIT_USAGE, Failure, add_command, load_settings_or_fail

#: The period when neither --from nor --to is given: this many days up to today.
DEFAULT_DAYS = 30


def add_parser(commands) -> None:
    parser = add_command(
        commands,
        "report",
        help="reports from the outbox (xlsx and csv), over a period",
        description="Write the managers' report from the outbox: a summary with the score "
        "by week, the classifier of what visitors chose, their comments and "
        "whom to call back. Dates are whole days in the terminal's timezone, "
        f"both included; by default the last {DEFAULT_DAYS} days up to today.",
    )
    parser.add_argument(
        "--from",
        dest="first",
        type=parse_date,
        metavar="DATE",
        help=f"first day, YYYY-MM-DD (default: {DEFAULT_DAYS - 1} days before --to)",
    )
    parser.add_argument(
        "--to",
        dest="last",
        type=parse_date,
        metavar="DATE",
        help="last day, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--xlsx", required=True, metavar="FILE", type=Path, help="the workbook to write"
    )
    parser.add_argument(
        "--csv",
        metavar="DIR",
        type=Path,
        help="also write one CSV file per sheet into DIR (created if needed)",
    )
    parser.set_defaults(handler=command_report)


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-22") from None


def period_dates(
    first: datetime.date | None, last: datetime.date | None, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The days asked for, with the defaults filled in."""
    span = datetime.timedelta(days=DEFAULT_DAYS - 1)
    if last is None:
        last = today
    if first is None:
        first = last - span
    return first, last


def command_report(args: argparse.Namespace) -> int:
    import reports
    from dialog_config import DialogError, load_dialog
    from sync.errors import OutboxError
    from sync.outbox import DB_NAME, Outbox

    from ..settings import system_timezone

    settings = load_settings_or_fail(args)
    tz, tz_name = reports.resolve_timezone(settings.timezone or system_timezone())
    first, last = period_dates(args.first, args.last, datetime.datetime.now(tz).date())
    if last < first:
        print(f"kiosk report: the first day {first} is after the last day {last}", file=sys.stderr)
        return EXIT_USAGE
    period = reports.Period(first, last, tz, tz_name)

    data_dir = settings.data_dir
    where = (
        f"the settings file {settings.source}"
        if settings.source
        else "the embedded defaults (no settings file)"
    )
    if not data_dir.is_dir():
        raise Failure(
            f"{data_dir}: no such data directory, so no outbox to report from "
            f"(data_dir from {where}); pass --settings FILE of the terminal"
        )
    if not (data_dir / DB_NAME).is_file():
        raise Failure(
            f"{data_dir / DB_NAME}: no outbox here (data_dir from {where}); "
            "the terminal creates it with its first message; check data_dir "
            "or pass --settings FILE of the terminal"
        )
    if not args.xlsx.parent.is_dir():
        raise Failure(f"{args.xlsx.parent}: no such folder for the workbook; create it first")

    try:
        dialog = load_dialog(settings.dialog)
    except DialogError as exc:
        # The report is about stored messages: without the dialog it still has
        # their own labels, only in English headers.
        print(
            f"{exc}\nkiosk report: the dialog has errors; using the labels stored in "
            "the messages and English headers",
            file=sys.stderr,
        )
        dialog = None

    try:
        with Outbox(data_dir, recover=False) as box:
            figures = reports.collect(
                box.messages(period.start_ts, period.end_ts),
                period,
                dialog=dialog,
                later_messages=lambda: box.messages(period.end_ts, None),
                site=settings.site,
                terminal_id=settings.terminal_id,
            )
    except OutboxError as exc:
        raise Failure(f"cannot read the outbox: {exc}") from exc
    sheets = reports.layout(figures)
    try:
        reports.write_xlsx(sheets, args.xlsx)
        written = [args.xlsx]
        if args.csv is not None:
            written += reports.write_csv(sheets, args.csv)
    except OSError as exc:
        raise Failure(f"cannot write the report: {exc}") from exc
    print(
        f"{figures.messages} message(s) from {first} to {last} ({tz_name}): "
        + ", ".join(str(path) for path in written)
    )
    return EXIT_OK
