"""The page's charts as inline SVG, drawn on the server: no script, nothing fetched."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.figures import Choice, Week

#: The drawing's own units; the SVG scales to its box (viewBox).
WEEKLY_W, WEEKLY_H = 640, 240
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 48, 64, 16, 40
BAR_ROW_H = 24
TOP_LABEL_W = 260
TOP_W = 640
#: The longest label drawn whole beside a bar; longer ones keep their end (the choice).
LABEL_CHARS = 36
COUNT_COLOUR, SCORE_COLOUR = "#3f6fb5", "#d9822b"


def weekly(
    weeks: Sequence[Week], kind: str | None, counts_title: str, score_title: str
) -> SafeString | str:
    """Messages per week as bars, the score as a line on its own axis (right)."""
    if not weeks:
        return ""
    plot_w = WEEKLY_W - MARGIN_L - MARGIN_R
    plot_h = WEEKLY_H - MARGIN_T - MARGIN_B
    most = max(week.messages for week in weeks) or 1
    step = plot_w / len(weeks)
    low, high = (-100, 100) if kind == "nps" else (0, 1)
    parts = [
        f'<svg class="chart weekly" viewBox="0 0 {WEEKLY_W} {WEEKLY_H}" role="img" '
        f'aria-label="{escape(counts_title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{MARGIN_L}" y1="{MARGIN_T + plot_h}" x2="{MARGIN_L + plot_w}" '
        f'y2="{MARGIN_T + plot_h}" stroke="#999"/>',
        f'<text x="{MARGIN_L - 6}" y="{MARGIN_T + 10}" text-anchor="end">{most}</text>',
        f'<text x="{MARGIN_L - 6}" y="{MARGIN_T + plot_h}" text-anchor="end">0</text>',
    ]
    points = []
    for index, week in enumerate(weeks):
        height = plot_h * week.messages / most
        x = MARGIN_L + index * step
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{MARGIN_T + plot_h - height:.1f}" '
            f'width="{step * 0.7:.1f}" height="{height:.1f}" fill="{COUNT_COLOUR}">'
            f"<title>{week.start:%Y-%m-%d}: {week.messages}</title></rect>"
        )
        if index % max(1, round(len(weeks) / 8)) == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{WEEKLY_H - MARGIN_B + 16}" '
                f'text-anchor="middle">{week.start:%m-%d}</text>'
            )
        if kind and week.score is not None:
            y = MARGIN_T + plot_h * (high - week.score) / (high - low)
            points.append(f"{x + step / 2:.1f},{y:.1f}")
    if kind:
        top, bottom = ("100", "−100") if kind == "nps" else ("100%", "0%")
        right = MARGIN_L + plot_w + 6
        parts += [
            f'<text x="{right}" y="{MARGIN_T + 10}" fill="{SCORE_COLOUR}">{top}</text>',
            f'<text x="{right}" y="{MARGIN_T + plot_h}" fill="{SCORE_COLOUR}">{bottom}</text>',
        ]
        if points:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{SCORE_COLOUR}" '
                'stroke-width="2.5"/>'
            )
    legend_y = WEEKLY_H - 6
    parts.append(
        f'<rect x="{MARGIN_L}" y="{legend_y - 9}" width="10" height="10" fill="{COUNT_COLOUR}"/>'
        f'<text x="{MARGIN_L + 14}" y="{legend_y}">{escape(counts_title)}</text>'
    )
    if kind:
        parts.append(
            f'<rect x="{WEEKLY_W // 2}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{SCORE_COLOUR}"/><text x="{WEEKLY_W // 2 + 14}" y="{legend_y}">'
            f"{escape(score_title)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def top_choices(choices: Sequence[Choice], title: str) -> SafeString | str:
    """The most chosen paths as horizontal bars with their counts."""
    if not choices:
        return ""
    height = BAR_ROW_H * len(choices) + 8
    most = max(choice.count for choice in choices) or 1
    bar_w = TOP_W - TOP_LABEL_W - 50
    parts = [
        f'<svg class="chart choices" viewBox="0 0 {TOP_W} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, choice in enumerate(choices):
        y = 4 + index * BAR_ROW_H
        width = bar_w * choice.count / most
        label = (
            choice.label
            if len(choice.label) <= LABEL_CHARS
            else "…" + choice.label[-(LABEL_CHARS - 1) :]
        )
        parts.append(
            f'<text x="{TOP_LABEL_W - 6}" y="{y + 16}" text-anchor="end">'
            f"<title>{escape(choice.label)}</title>{escape(label)}</text>"
            f'<rect x="{TOP_LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{BAR_ROW_H - 6}" '
            f'fill="{COUNT_COLOUR}"/>'
            f'<text x="{TOP_LABEL_W + width + 4:.1f}" y="{y + 16}">{choice.count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
