"""The terminals pages: health at a glance, one terminal's history, enrolment, revoke, rotate."""

from __future__ import annotations

import segno
from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from manager.accounts import roles
from manager.accounts.models import AuditRecord
from manager.dialogs.rollout import rollouts
from manager.fleet import health
from manager.fleet.models import Site, Terminal

TERMINAL_ID_MAX_CHARS = 64
#: The QR code's module size in the SVG, in px, and its quiet zone in modules.
QR_SCALE_PX = 5
QR_BORDER_MODULES = 4


def _visible(user, terminal_id: str) -> Terminal:
    """One terminal the user may see, or 404: another site's terminal does not exist for them."""
    return get_object_or_404(
        Terminal.objects.visible_to(user).select_related("site"), terminal_id=terminal_id
    )


@roles.reader
def terminals(request):
    now = timezone.now()
    rows = list(Terminal.objects.visible_to(request.user).select_related("site"))
    dialogs = rollouts(rows)
    entries = [(health.health(t, now), dialogs[t.pk]) for t in rows]
    # The flagged first: what needs someone's attention.
    entries.sort(key=lambda entry: (not entry[0].flags, entry[0].terminal.site.name))
    return render(
        request,
        "fleet/terminals.html",
        {
            "entries": entries,
            "flagged": sum(1 for entry in entries if entry[0].flags),
            "silent_after_min": round(settings.SILENT_AFTER_S / 60),
            "may_enrol": request.user.is_admin,
            "form": AddTerminalForm(user=request.user) if request.user.is_admin else None,
        },
    )


@roles.reader
def terminal_page(request, terminal_id):
    terminal = _visible(request.user, terminal_id)
    return render(
        request,
        "fleet/terminal.html",
        {
            "h": health.health(terminal),
            "rollout": rollouts([terminal])[terminal.pk],
            "changes": health.changes(terminal),
            "incidents": terminal.incidents.all()[:20],
            "may_enrol": request.user.is_admin,
        },
    )


class AddTerminalForm(forms.Form):
    terminal_id = forms.SlugField(
        label=gettext_lazy("Terminal id"),
        max_length=TERMINAL_ID_MAX_CHARS,
        help_text=gettext_lazy("the terminal_id of the terminal's settings, e.g. rome-07"),
    )
    site = forms.ModelChoiceField(label=gettext_lazy("Site"), queryset=Site.objects.none())
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)

    def clean_terminal_id(self):
        value = self.cleaned_data["terminal_id"]
        if Terminal.objects.filter(terminal_id=value).exists():
            raise forms.ValidationError(
                _("terminal %(id)s exists; rotate its token on its page") % {"id": value}
            )
        return value


@require_POST
@roles.admin_only
def add(request):
    form = AddTerminalForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                flash.error(request, error)
        return redirect("fleet:list")
    with transaction.atomic():
        terminal = Terminal(
            terminal_id=form.cleaned_data["terminal_id"],
            site=form.cleaned_data["site"],
            description=form.cleaned_data["description"],
        )
        # No token yet: the terminal gets its own when it exchanges the code.
        code = terminal.issue_enrolment_code()
        terminal.save()
        AuditRecord.record(
            "create", "terminal", terminal.terminal_id, actor=request.user, site=terminal.site.slug
        )
    return _enrolment(request, terminal, code)


@require_POST
@roles.admin_only
def rotate(request, terminal_id):
    with transaction.atomic():
        terminal = _visible(request.user, terminal_id)
        # The old token stops now; the new one is the terminal's when it enrols with the code.
        terminal.issue_token()
        code = terminal.issue_enrolment_code()
        terminal.save()
        AuditRecord.record("rotate", "terminal", terminal_id, actor=request.user)
    return _enrolment(request, terminal, code)


@require_POST
@roles.admin_only
def revoke(request, terminal_id):
    with transaction.atomic():
        terminal = _visible(request.user, terminal_id)
        terminal.revoke()
        terminal.save()
        AuditRecord.record("revoke", "terminal", terminal_id, actor=request.user)
    flash.success(
        request,
        _("%(id)s is revoked: it gets 401 and pauses delivery until it enrols again")
        % {"id": terminal_id},
    )
    return redirect("fleet:terminal", terminal_id=terminal_id)


def api_url(request) -> str:
    """The manager's API as a terminal reaches it: public_url, else the address in use."""
    base = settings.PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")
    return f"{base}/api"


def enrolment_link(api: str, code: str) -> str:
    """What the QR code holds: ``kiosk enroll`` takes it as its one argument.

    The code rides in the fragment, which a browser opening the link never sends.
    """
    return f"{api}#code={code}"


def _enrolment(request, terminal: Terminal, code: str):
    """The one-time code, shown once (only its hash is kept), as text and as a QR code."""
    api = api_url(request)
    link = enrolment_link(api, code)
    qr = segno.make(link, error="m")
    return render(
        request,
        "fleet/enrolment.html",
        {
            "terminal": terminal,
            "code": code,
            "api": api,
            "link": link,
            "qr_svg": qr.svg_inline(scale=QR_SCALE_PX, border=QR_BORDER_MODULES, title=link),
            "until": timezone.localtime(terminal.enrolment_expires_at, terminal.site.zone),
        },
    )
