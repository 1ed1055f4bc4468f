"""Charts drawn on the server as SVG: no JavaScript, no CDN, large type for a projector.

Every chart on a report is accompanied by a table of the same numbers; the SVG carries a
``<title>`` and ``role="img"`` with an ``aria-label`` for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Colours that stay distinct on a washed-out projector and in greyscale print.
PALETTE = ["#1f5fa8", "#e08a1e", "#2e8b57", "#b3261e", "#6a4c93"]
FONT = 'font-family="sans-serif"'


@dataclass
class Series:
    label: str
    values: list[float | int | None]


def _legend(series: list[Series], y: int) -> list[str]:
    parts, x = [], 20
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 16}" width="20" height="20" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 28}" y="{y}" font-size="20" {FONT}>{escape(item.label)}</text>'
        )
        x += 48 + 22 * len(item.label)
    return parts


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    label = escape(title)
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="report-chart" role="img" aria-label="{label}"><title>{label}</title>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(title: str, categories: list[str], series: list[Series]) -> SafeString:
    """Horizontal grouped bars, one band per category, each bar labelled with its value."""
    bar, gap, label_width, width = 26, 18, 220, 1000
    band = bar * len(series) + gap
    top = 50
    height = top + band * max(1, len(categories)) + 10
    largest = max([v or 0 for item in series for v in item.values] + [1])
    scale = (width - label_width - 90) / largest
    body = _legend(series, 30)
    for row, category in enumerate(categories):
        y0 = top + row * band
        body.append(
            f'<text x="{label_width - 10}" y="{y0 + band / 2}" font-size="20" '
            f'text-anchor="end" {FONT}>{escape(category)}</text>'
        )
        for index, item in enumerate(series):
            value = item.values[row] or 0
            y = y0 + index * bar
            length = max(1.0, value * scale)
            body.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 4}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"/>'
            )
            body.append(
                f'<text x="{label_width + length + 6:.1f}" y="{y + bar - 9}" font-size="18" '
                f"{FONT}>{escape(_number(item.values[row]))}</text>"
            )
    return _svg(width, height, title, body)


def line_chart(title: str, labels: list[str], series: list[Series]) -> SafeString:
    """Lines over time with a dot and value on each point; missing values break nothing."""
    width, height, left, right, top, bottom = 1000, 420, 70, 30, 60, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    largest = max([v or 0 for item in series for v in item.values] + [1])
    step = plot_w / max(1, len(labels) - 1)
    body = _legend(series, 30)
    body.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#555" stroke-width="2"/>'
    )
    for index, label in enumerate(labels):
        body.append(
            f'<text x="{left + index * step:.1f}" y="{height - 25}" font-size="18" '
            f'text-anchor="middle" {FONT}>{escape(label)}</text>'
        )
    for number, item in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [
            (left + index * step, top + plot_h - (value or 0) / largest * plot_h, value)
            for index, value in enumerate(item.values)
            if value is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="4"/>'
            )
        for x, y, value in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"/>')
            body.append(
                f'<text x="{x:.1f}" y="{y - 12:.1f}" font-size="18" text-anchor="middle" '
                f"{FONT}>{escape(_number(value))}</text>"
            )
    return _svg(width, height, title, body)


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))
