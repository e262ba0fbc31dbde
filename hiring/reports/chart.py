"""Draw the dimension scores of a profile as an SVG radar chart, and a band as a bar."""

from __future__ import annotations

import math
import textwrap
from html import escape

from hiring.reports.profile import DimensionResult

GRID_LEVELS = (25, 50, 75, 100)
UNSCORED_SUFFIX = " (–)"
FONT_FAMILY = "'Noto Sans', 'DejaVu Sans', sans-serif"
LABEL_WRAP = 18  # characters per label line; keeps side labels inside the drawing
INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#cbd2d9"
TRACK = "#e4e7eb"
ACCENT = "#1d4ed8"
BAND = "#93c5fd"
WHISKER = "#1e3a8a"
CAP = 3.5  # half the length of a whisker's end cap


def radar_svg(dimensions: list[DimensionResult], size: int = 320, *,
              score_label: str = "score", band_label: str = "95% band") -> str:
    """Return an SVG radar chart of the dimension scores, size pixels high plus a legend."""
    width = round(size * 1.45)
    font_size = max(size / 32, 7)
    legend_height = round(font_size * 2.2)
    chart = _Geometry(cx=width / 2, cy=size / 2, radius=size * 0.33, count=len(dimensions))
    height = size + legend_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" '
        f'font-size="{_num(font_size)}" role="img">',
        *_grid(chart),
        *_scores(chart, dimensions),
        *_ticks(chart, font_size),
        *_labels(chart, dimensions, font_size),
        *_legend(size + legend_height / 2, width, font_size, score_label, band_label),
        "</svg>",
    ]
    return "\n".join(parts)


def band_svg(score: float, low: float, high: float) -> str:
    """Return a horizontal 0-100 bar with the band shaded and the score marked."""
    low, high, score = (min(max(v, 0.0), 100.0) for v in (low, high, score))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="bandbar" viewBox="0 0 100 6" '
        'preserveAspectRatio="none" aria-hidden="true">'
        f'<rect x="0" y="1.5" width="100" height="3" fill="{TRACK}"/>'
        f'<rect x="{_num(low)}" y="1.5" width="{_num(high - low)}" height="3" fill="{BAND}"/>'
        f'<rect x="{_num(min(max(score - 0.6, 0), 98.8))}" y="0" width="1.2" height="6" '
        f'fill="{ACCENT}"/></svg>'
    )


class _Geometry:
    """Map (axis index, value 0-100) to points of the chart."""

    def __init__(self, *, cx: float, cy: float, radius: float, count: int) -> None:
        self.cx, self.cy, self.radius, self.count = cx, cy, radius, count

    def angle(self, index: float) -> float:
        """Return the angle of an axis, the first pointing up, clockwise."""
        return -math.pi / 2 + 2 * math.pi * index / max(self.count, 1)

    def point(self, index: float, value: float) -> tuple[float, float]:
        """Return the point at value (0-100, clamped) along an axis."""
        distance = self.radius * min(max(value, 0.0), 100.0) / 100
        angle = self.angle(index)
        return self.cx + distance * math.cos(angle), self.cy + distance * math.sin(angle)


def _grid(chart: _Geometry) -> list[str]:
    """Return the concentric rings and the axes."""
    lines = []
    for level in GRID_LEVELS:
        corners = [chart.point(i, level) for i in range(chart.count)]
        lines.append(f'<path d="{_path(corners)}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
    for i in range(chart.count):
        x, y = chart.point(i, 100)
        lines.append(_line(chart.cx, chart.cy, x, y, stroke=GRID, width=0.8))
    return lines


def _ticks(chart: _Geometry, font_size: float) -> list[str]:
    """Return the ring values, halfway between the first two axes, where no axis runs."""
    if chart.count < 3:
        return []
    # Between two axes a ring is a straight edge, nearer the centre than its corners.
    inset = math.cos(math.pi / chart.count)
    small = font_size * 0.72
    parts = []
    for level in GRID_LEVELS:
        x, y = chart.point(0.5, level * inset)
        text = str(level)
        half_width, half_height = len(text) * small * 0.32 + 1.2, small * 0.6
        parts.append(
            f'<rect x="{_num(x - half_width)}" y="{_num(y - half_height)}" '
            f'width="{_num(2 * half_width)}" height="{_num(2 * half_height)}" rx="1.5" '
            'fill="#ffffff" fill-opacity="0.85"/>'
        )
        parts.append(
            f'<text x="{_num(x)}" y="{_num(y + small * 0.35)}" text-anchor="middle" '
            f'fill="{MUTED}" font-size="{_num(small)}">{level}</text>'
        )
    return parts


def _scores(chart: _Geometry, dimensions: list[DimensionResult]) -> list[str]:
    """Return the confidence whiskers, the score polygon and its points."""
    parts = []
    scored = [chart.point(i, d.score) for i, d in enumerate(dimensions) if d.score is not None]
    if scored:
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in scored)
        parts.append(
            f'<polygon points="{points}" fill="{ACCENT}" fill-opacity="0.15" '
            f'stroke="{ACCENT}" stroke-width="1.6" stroke-linejoin="round"/>'
        )
    for i, dimension in enumerate(dimensions):
        if dimension.low is not None and dimension.high is not None:
            start, end = chart.point(i, dimension.low), chart.point(i, dimension.high)
            angle = chart.angle(i)
            parts.extend(_whisker(start, end, -math.sin(angle), math.cos(angle)))
    for x, y in scored:
        parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="2.6" fill="{ACCENT}"/>')
    return parts


def _whisker(start: tuple[float, float], end: tuple[float, float], nx: float, ny: float
             ) -> list[str]:
    """Return a line from start to end with caps along the normal (nx, ny) at both ends."""
    dx, dy = nx * CAP, ny * CAP
    parts = [_line(*start, *end, stroke=WHISKER, width=1.4)]
    for x, y in (start, end):
        parts.append(_line(x - dx, y - dy, x + dx, y + dy, stroke=WHISKER, width=1.4))
    return parts


def _labels(chart: _Geometry, dimensions: list[DimensionResult], font_size: float) -> list[str]:
    """Return the axis labels, wrapped and anchored away from the chart."""
    parts = []
    line_height = font_size * 1.2
    for i, dimension in enumerate(dimensions):
        label = dimension.name + (UNSCORED_SUFFIX if dimension.score is None else "")
        lines = textwrap.wrap(label, LABEL_WRAP, break_long_words=False) or [""]
        angle = chart.angle(i)
        cos, sin = math.cos(angle), math.sin(angle)
        x = chart.cx + (chart.radius + 8) * cos
        y = chart.cy + (chart.radius + 8) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        if sin < -0.5:
            top = y - (len(lines) - 1) * line_height
        elif sin > 0.5:
            top = y + font_size * 0.8
        else:
            top = y - (len(lines) - 1) * line_height / 2 + font_size * 0.35
        fill = INK if dimension.score is not None else MUTED
        for n, text in enumerate(lines):
            parts.append(
                f'<text x="{_num(x)}" y="{_num(top + n * line_height)}" '
                f'text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
            )
    return parts


def _legend(y: float, width: float, font_size: float, score_label: str, band_label: str
            ) -> list[str]:
    """Return a one-line legend centred at height y: a score point and a 95% band."""
    small = font_size * 0.85
    score_label, band_label = str(score_label), str(band_label)
    # Rough text widths keep the two entries centred without measuring the font.
    score_width = 10 + len(score_label) * small * 0.55
    band_width = 22 + len(band_label) * small * 0.55
    x = (width - score_width - 14 - band_width) / 2
    baseline = y + small * 0.35
    parts = [
        f'<circle cx="{_num(x + 3)}" cy="{_num(y)}" r="2.6" fill="{ACCENT}"/>',
        f'<text x="{_num(x + 10)}" y="{_num(baseline)}" fill="{MUTED}" '
        f'font-size="{_num(small)}">{escape(score_label)}</text>',
    ]
    x += score_width + 14
    parts += _whisker((x + 1, y), (x + 17, y), 0, 1)
    parts.append(
        f'<text x="{_num(x + 22)}" y="{_num(baseline)}" fill="{MUTED}" '
        f'font-size="{_num(small)}">{escape(band_label)}</text>'
    )
    return parts


def _line(x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: float) -> str:
    """Return an SVG line element."""
    return (
        f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
        f'stroke="{stroke}" stroke-width="{_num(width)}"/>'
    )


def _path(corners: list[tuple[float, float]]) -> str:
    """Return the d attribute of a closed path through the corners."""
    if not corners:
        return ""
    moves = " L ".join(f"{_num(x)} {_num(y)}" for x, y in corners)
    return f"M {moves} Z"


def _num(value: float) -> str:
    """Format a coordinate with one decimal, never as -0.0."""
    return f"{round(value, 1) + 0.0:.1f}"
