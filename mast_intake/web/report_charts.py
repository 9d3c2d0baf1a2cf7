"""Bar charts for the partnership report, drawn on the server as accessible SVG.

Like ``chart.py``: no script and no library. Every bar carries its value as text, the SVG has a
title and a description listing every value, and the page puts a table with the same figures
beside each chart.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH = 560
LABEL_W, VALUE_W, BAR_H, GAP, TOP = 170, 60, 22, 8, 8


def bar_chart(chart_id: str, title: str, bars: list[tuple[str, float]], unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value), each labelled with its value."""
    height = TOP * 2 + len(bars) * (BAR_H + GAP)
    top_value = max([v for _, v in bars] + [0]) or 1
    room = WIDTH - LABEL_W - VALUE_W
    summary = "; ".join(f"{label}: {_number(value)}{unit}" for label, value in bars) or "No data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    for index, (label, value) in enumerate(bars):
        y = TOP + index * (BAR_H + GAP)
        width = room * value / top_value
        baseline = y + BAR_H * 0.7
        parts.append(f'<text x="{LABEL_W - 8}" y="{baseline:.1f}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{BAR_H}" fill="#1d3557"/>')
        parts.append(f'<text x="{LABEL_W + width + 6:.1f}" y="{baseline:.1f}" '
                     f'class="point-score">{_number(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
