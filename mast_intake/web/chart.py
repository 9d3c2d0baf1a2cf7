"""A child's score and band over time, drawn on the server as an accessible SVG.

No script and no chart library: the console must work on an intranet without internet and in a
browser with scripts blocked. Bands are shown as shaded, labelled strips and each point carries
its score as text, so the chart can be read without telling colours apart; the page also gives
the same figures as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from markupsafe import Markup

from mast_intake.models.form import BANDS
from mast_intake.notifier.views.labels import band_label

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 120, 16, 40
# Points keep clear of the axes so their labels are never cut off.
INSET = 28
# Fills light enough for black text on them; patterns are not needed since every strip is named.
BAND_FILLS = {"low": "#e6f2e6", "medium": "#fff1cc", "high": "#f9d9d9"}


@dataclass(frozen=True)
class Point:
    """One assessment: its date, recomputed total and band, and a short label."""

    day: date
    total: int
    band: str
    label: str


def score_chart(points: list[Point], title: str = "Score over time") -> Markup:
    """The SVG markup of a line chart of ``points`` (oldest first) with the bands behind it."""
    top_score = max([25, *(p.total + 2 for p in points)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(score: float) -> float:
        return TOP + plot_h - plot_h * min(score, top_score) / top_score

    def x(index: int) -> float:
        if len(points) == 1:
            return LEFT + plot_w / 2
        return LEFT + INSET + (plot_w - 2 * INSET) * index / (len(points) - 1)

    summary = "; ".join(f"{p.label}: score {p.total}, {band_label(p.band)}" for p in points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(summary or "No assessments yet")}</desc>',
    ]
    for band in BANDS:
        low = band.min - (0.5 if band.min else 0)
        high = (band.max + 0.5) if band.max is not None else top_score
        parts.append(
            f'<rect x="{LEFT}" y="{y(high):.1f}" width="{plot_w}" height="{y(low) - y(high):.1f}" '
            f'fill="{BAND_FILLS[band.category]}" stroke="#999" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{LEFT + plot_w + 6}" y="{y(high) + 14:.1f}" text-anchor="start" '
            f'class="band-name">{band_label(band.category)} '
            f'({band.min}{"+" if band.max is None else f"-{band.max}"})</text>'
        )
    for tick in range(0, top_score + 1, 5):
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#333"/>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
                 'stroke="#333"/>')
    if len(points) > 1:
        path = " ".join(f"{x(i):.1f},{y(p.total):.1f}" for i, p in enumerate(points))
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1d3557" stroke-width="2"/>')
    for i, p in enumerate(points):
        # Marker shape follows the band too (circle, square, diamond), not just the colour.
        cx, cy = x(i), y(p.total)
        if p.band == "high":
            marker = (f'<polygon points="{cx:.1f},{cy - 7:.1f} {cx + 7:.1f},{cy:.1f} {cx:.1f},'
                      f'{cy + 7:.1f} {cx - 7:.1f},{cy:.1f}" fill="#1d3557"/>')
        elif p.band == "medium":
            marker = f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="#1d3557"/>'
        else:
            marker = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="#1d3557"/>'
        parts.append(marker)
        parts.append(f'<text x="{cx:.1f}" y="{cy - 10:.1f}" text-anchor="middle" class="point-score">'
                     f'{p.total}</text>')
        parts.append(f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
                     f'{escape(p.day.strftime("%d/%m/%y"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
