"""A tiny SVG bar chart builder: plain markup for pages and PDFs, no JavaScript.

`bar_chart` returns an accessible ``<svg role="img">`` with a ``<title>``, one ``<rect>`` per
bar (with its own ``<title>`` for a tooltip), the value above each bar and the label under
it. Every text is escaped. The same markup prints in WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOURS = {"excellent": "#2e7d32", "good": "#1565c0", "satisfactory": "#f9a825",
               "fail": "#c62828"}
DEFAULT_COLOUR = "#546e7a"


def _n(value: Decimal | int | float) -> str:
    """A coordinate with at most one decimal."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format(rounded.normalize(), "f")


def bar_chart(bars: Sequence[tuple[str, int, str]], *, title: str, width: int = 640,
              height: int = 220, compact: bool = False) -> SafeString:
    """Bars of (label, value, category); the category picks the colour (see BAR_COLOURS).

    `compact` draws a small chart for a table cell: no value or label texts (the table next
    to it has the figures), each bar still titled for a tooltip and screen readers."""
    top = 4 if compact else 22
    bottom = 2 if compact else 22
    left = right = 2 if compact else 8
    plot_h = height - top - bottom
    count = max(len(bars), 1)
    slot = Decimal(width - left - right) / count
    bar_w = slot * Decimal("0.72")
    highest = max((v for _, v, _ in bars), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="#888" stroke-width="1"/>',
    ]
    for i, (label, value, category) in enumerate(bars):
        h = Decimal(plot_h) * value / highest if highest else Decimal(0)
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h - h
        colour = BAR_COLOURS.get(category, DEFAULT_COLOUR)
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar_w)}" height="{_n(h)}" '
            f'fill="{colour}"><title>{escape(label)}: {value}</title></rect>')
        if not compact:
            centre = _n(x + bar_w / 2)
            parts.append(f'<text x="{centre}" y="{_n(y - 4)}" text-anchor="middle" '
                         f'font-size="11">{value}</text>')
            parts.append(f'<text x="{centre}" y="{height - 6}" text-anchor="middle" '
                         f'font-size="11">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
