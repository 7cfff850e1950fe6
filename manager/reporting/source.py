"""The manager's stored messages as the ``reports`` package reads them, and the report over them.

``kiosk report`` feeds :func:`reports.collect` the terminal's outbox; here
the same function is fed the inbox's rows, read in pages and turned into the
contract's ``Message`` shape (only the fields a report reads), so that the
manager's report of a terminal is the terminal's own, cell for cell.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

import reports
from manager.dialogs.models import DialogAssignment, DialogVersion
from manager.fleet.models import Site, Terminal
from manager.inbox.models import Message

#: Rows fetched per round trip when a report reads messages.
CHUNK_ROWS = 2000

#: What a report reads of a message row, in this order (see :func:`as_record`).
FIELDS = (
    "created_at",
    "utc_offset_min",
    "locale",
    "rating_kind",
    "rating_value",
    "rating_scale",
    "path",
    "text",
    "callback_name",
    "callback_phone",
    "voice_meta",
    "site_label",
    "terminal__terminal_id",
)


@dataclasses.dataclass(frozen=True)
class Selection:
    """What a report covers: sites, optionally some of their terminals, and whole local days."""

    sites: Sequence[Site]
    #: Empty: every terminal of the sites.
    terminals: Sequence[Terminal]
    first: datetime.date
    last: datetime.date

    @property
    def zone_name(self) -> str:
        """The sites' time zone when they share one, else the manager's."""
        zones = {site.timezone for site in self.sites}
        return zones.pop() if len(zones) == 1 else settings.TIME_ZONE

    @property
    def period(self) -> reports.Period:
        zone, name = reports.resolve_timezone(self.zone_name)
        return reports.Period(self.first, self.last, zone, name)

    def previous(self) -> Selection:
        """The period of the same length just before this one."""
        days = (self.last - self.first).days + 1
        return dataclasses.replace(
            self,
            first=self.first - datetime.timedelta(days=days),
            last=self.first - datetime.timedelta(days=1),
        )

    def messages(self, start_ts: float | None = None, end_ts: float | None = None) -> QuerySet:
        """The selection's messages created in [start_ts, end_ts); trashed ones are left out."""
        query = Message.objects.filter(site__in=[site.pk for site in self.sites], deleted_at=None)
        if self.terminals:
            query = query.filter(terminal__in=[terminal.pk for terminal in self.terminals])
        if start_ts is not None:
            query = query.filter(created_at__gte=_utc(start_ts))
        if end_ts is not None:
            query = query.filter(created_at__lt=_utc(end_ts))
        return query

    def in_period(self) -> QuerySet:
        period = self.period
        return self.messages(period.start_ts, period.end_ts)


def _utc(ts: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(ts, datetime.UTC)


def records(query: QuerySet) -> Iterator[dict[str, Any]]:
    """The messages as the contract's records, oldest first, read ``CHUNK_ROWS`` at a time."""
    rows = query.order_by("created_at", "received_at", "id").values_list(*FIELDS)
    for row in rows.iterator(chunk_size=CHUNK_ROWS):
        yield as_record(row)


def as_record(row: Sequence[Any]) -> dict[str, Any]:
    """One row of :data:`FIELDS` as the fields of ``Message.as_sent`` that a report reads."""
    (
        created,
        offset_min,
        locale,
        kind,
        value,
        scale,
        path,
        text,
        callback_name,
        callback_phone,
        voice,
        site_label,
        terminal_id,
    ) = row
    # The terminal's own wall time and offset, as it sent it.
    local = created.astimezone(datetime.timezone(datetime.timedelta(minutes=offset_min)))
    return {
        "terminal_id": terminal_id,
        "site": site_label,
        "created_at": local.isoformat(timespec="milliseconds"),
        "locale": locale,
        "rating": {"kind": kind, "value": value, "scale": scale} if kind else None,
        "path": path,
        "text": text,
        "callback": (
            {"name": callback_name, "phone": callback_phone, "consent": True}
            if callback_phone
            else None
        ),
        "voice": voice,
    }


def dialog_for(selection: Selection):
    """The dialog whose labels and language the report uses, or None (the messages' labels).

    The version assigned to the selected terminals (their own, else their
    site's); of several, the most recently published.
    """
    from dialog_config import check_dialog

    terminals = list(selection.terminals) or list(
        Terminal.objects.filter(site__in=[site.pk for site in selection.sites])
    )
    assignments = DialogAssignment.objects.select_related("version")
    versions = {a.terminal_id: a.version for a in assignments.filter(terminal__in=terminals)}
    by_site = {
        a.site_id: a.version
        for a in assignments.filter(site__in={terminal.site_id for terminal in terminals})
    }
    chosen: list[DialogVersion] = [
        versions.get(terminal.pk) or by_site[terminal.site_id]
        for terminal in terminals
        if terminal.pk in versions or terminal.site_id in by_site
    ]
    if not chosen:
        return None
    newest = max(chosen, key=lambda version: version.published_at or version.created_at)
    return check_dialog(
        newest.content.encode("utf-8"), file=str(newest), bundled_icons_only=True
    ).dialog


def build(selection: Selection, *, now: datetime.datetime | None = None) -> reports.Report:
    """The report of a selection, by the same code as ``kiosk report``."""
    period = selection.period
    report = reports.collect(
        records(selection.in_period()),
        period,
        dialog=dialog_for(selection),
        later_messages=lambda: records(selection.messages(period.end_ts, None)),
        site=selection.sites[0].name if len(selection.sites) == 1 else "",
        terminal_id=selection.terminals[0].terminal_id if len(selection.terminals) == 1 else "",
        now=now,
    )
    # Over several sites or terminals the newest message's site or terminal would
    # mislabel the report: name the sites, and no single terminal.
    terminals = selection.in_period().order_by().values_list("terminal_id", flat=True)
    changes: dict[str, str] = {}
    if len(selection.sites) > 1:
        changes["site"] = ", ".join(site.name for site in selection.sites)
    if len(selection.terminals) != 1 and len(set(terminals.distinct()[:2])) > 1:
        changes["terminal_id"] = ""
    return dataclasses.replace(report, **changes) if changes else report
