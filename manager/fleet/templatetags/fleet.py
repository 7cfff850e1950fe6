"""How a terminal's health shows in the pages: device states, sizes, times at its site."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from manager.fleet.health import FAILED_STATES

register = template.Library()


@register.filter
def device_state(state) -> str:
    """A device's reported state in the reader's language; "—" when never reported."""
    labels = {
        "ok": _("ok"),
        "missing": _("missing"),
        "error": _("error"),
        "off": _("off"),
    }
    return labels.get(state, "—") if state else "—"


@register.filter
def device_class(state) -> str:
    return "bad" if state in FAILED_STATES else ("good" if state == "ok" else "")


@register.filter
def gigabytes(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{int(value) / 1e9:.1f} GB"


@register.filter
def at_site(moment, site) -> str:
    """A moment in the site's own time zone."""
    if moment is None:
        return _("never")
    return timezone.localtime(moment, site.zone).strftime("%Y-%m-%d %H:%M")


@register.filter
def short_sha(value) -> str:
    return (value or "")[:12] or "—"
