"""Filters of the reports page: scores as managers read them."""

from django import template

register = template.Library()


@register.filter
def score(value, kind):
    """NPS as a signed whole number; the smileys' share of satisfied as a percentage."""
    if value is None:
        return "—"
    if kind == "nps":
        return f"{value:+d}" if value else "0"
    return f"{value:.1%}"


@register.filter
def score_change(value, kind):
    """A change of score: NPS points, or percentage points for smileys."""
    if value is None:
        return "—"
    if kind == "nps":
        return f"{value:+d}"
    return f"{value * 100:+.1f} pp"


@register.filter
def signed(value):
    return "—" if value is None else f"{value:+d}"


@register.filter
def share(count, total):
    return f"{count / total:.1%}" if total else "—"
