"""The reports page and its downloads: thin views over :mod:`manager.reporting.source`."""

from __future__ import annotations

import datetime
import io
import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import reports
from manager.accounts import roles
from manager.fleet.models import Site, Terminal

from . import charts, compare
from .source import Selection, build

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportForm(forms.Form):
    sites = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sites"),
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("none ticked: all your sites"),
    )
    terminals = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Terminals"),
        queryset=Terminal.objects.none(),
        required=False,
        to_field_name="terminal_id",
        help_text=gettext_lazy("none chosen: every terminal of the sites"),
    )
    first = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"}))
    last = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_sites = Site.objects.visible_to(user)
        self.fields["sites"].queryset = self.visible_sites
        self.fields["terminals"].queryset = Terminal.objects.visible_to(user).select_related("site")

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            raise forms.ValidationError(_("The period ends before it starts: swap From and To."))
        return data

    def selection(self) -> Selection:
        data = self.cleaned_data
        sites = list(data["sites"]) or list(self.visible_sites)
        terminals = [t for t in data["terminals"] if t.site_id in {s.pk for s in sites}]
        return Selection(sites, terminals, data["first"], data["last"])


def _today(user) -> datetime.date:
    sites = list(Site.objects.visible_to(user)[:2])
    zone = sites[0].zone if len(sites) == 1 else timezone.get_current_timezone()
    return timezone.now().astimezone(zone).date()


def presets(today: datetime.date) -> dict[str, tuple[datetime.date, datetime.date]]:
    """This month up to today, and the whole last month."""
    this_month = today.replace(day=1)
    last_month_end = this_month - datetime.timedelta(days=1)
    return {
        "this_month": (this_month, today),
        "last_month": (last_month_end.replace(day=1), last_month_end),
    }


def _form(request) -> ReportForm:
    data = request.GET.copy()
    if "first" not in data and "last" not in data:
        first, last = presets(_today(request.user))["this_month"]
        data["first"], data["last"] = first.isoformat(), last.isoformat()
    return ReportForm(data, user=request.user)


@roles.reader
def page(request):
    form = _form(request)
    context: dict = {"form": form}
    if form.is_valid():
        selection = form.selection()
        report = build(selection)
        main = report.main_rating
        scheme = (main.kind, main.scale) if main else None
        per_site = compare.by_site(selection, scheme)
        previous, changes = compare.periods(selection, scheme)
        # The page speaks the reader's language; the downloads the dialog's, as on the terminal.
        strings = reports.strings_for(translation.get_language() or report.language)
        score_title = strings["nps"] if main and main.kind == "nps" else strings["satisfied_share"]
        context.update(
            selection=selection,
            report=report,
            main=main,
            score_title=score_title,
            sites=[(site, per_site.get(site.pk)) for site in selection.sites],
            previous=previous,
            changes=changes,
            query=request.GET.urlencode() or _query(form),
            weekly_chart=charts.weekly(
                report.weeks, main.kind if main else None, _("Messages"), score_title
            ),
            top_chart=charts.top_choices(report.top, _("Most chosen")),
        )
    today = _today(request.user)
    context["presets"] = [
        (label, first, last)
        for label, (first, last) in zip(
            (_("This month"), _("Last month")), presets(today).values(), strict=True
        )
    ]
    return render(request, "reporting/reports.html", context)


def _query(form: ReportForm) -> str:
    return f"first={form.cleaned_data['first']}&last={form.cleaned_data['last']}"


def _report_sheets(request):
    form = _form(request)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return (
            None,
            None,
            HttpResponseBadRequest(
                f"cannot make this report: {errors}", content_type="text/plain; charset=utf-8"
            ),
        )
    selection = form.selection()
    name = f"report-{selection.first}-{selection.last}"
    return reports.layout(build(selection)), name, None


@roles.reader
def xlsx(request):
    sheets, name, refused = _report_sheets(request)
    if refused is not None:
        return refused
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        reports.write_xlsx(sheets, path)
        data = path.read_bytes()
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE
    )


@roles.reader
def csv_zip(request):
    """The CSV files of ``kiosk report --csv``, in one zip."""
    sheets, name, refused = _report_sheets(request)
    if refused is not None:
        return refused
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        written = reports.write_csv(sheets, folder)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, path.name)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}-csv.zip"'
    return response
