"""Draw the dimension scores of a profile as an SVG radar chart."""

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
ACCENT = "#1d4ed8"
WHISKER = "#1e3a8a"


def radar_svg(dimensions: list[DimensionResult], size: int = 320) -> str:
    """Return an SVG radar chart of the dimension scores, size pixels high."""
    width = round(size * 1.45)
    chart = _Geometry(cx=width / 2, cy=size / 2, radius=size * 0.33, count=len(dimensions))
    font_size = max(size / 32, 7)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{size}" '
        f'viewBox="0 0 {width} {size}" font-family="{FONT_FAMILY}" '
        f'font-size="{_num(font_size)}">',
        *_grid(chart, font_size),
        *_scores(chart, dimensions),
        *_labels(chart, dimensions, font_size),
        "</svg>",
    ]
    return "\n".join(parts)


class _Geometry:
    """Map (axis index, value 0-100) to points of the chart."""

    def __init__(self, *, cx: float, cy: float, radius: float, count: int) -> None:
        self.cx, self.cy, self.radius, self.count = cx, cy, radius, count

    def angle(self, index: int) -> float:
        """Return the angle of an axis, the first pointing up, clockwise."""
        return -math.pi / 2 + 2 * math.pi * index / max(self.count, 1)

    def point(self, index: int, value: float) -> tuple[float, float]:
        """Return the point at value (0-100, clamped) along an axis."""
        distance = self.radius * min(max(value, 0.0), 100.0) / 100
        angle = self.angle(index)
        return self.cx + distance * math.cos(angle), self.cy + distance * math.sin(angle)


def _grid(chart: _Geometry, font_size: float) -> list[str]:
    """Return the concentric rings, the axes and the ring values."""
    lines = []
    for level in GRID_LEVELS:
        corners = [chart.point(i, level) for i in range(chart.count)]
        lines.append(f'<path d="{_path(corners)}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
    for i in range(chart.count):
        x, y = chart.point(i, 100)
        lines.append(_line(chart.cx, chart.cy, x, y, stroke=GRID, width=0.8))
    for level in GRID_LEVELS:
        x, y = chart.point(0, level)
        # Left of the first axis and clear of its whisker caps, which are 3.5 wide.
        lines.append(
            f'<text x="{_num(x - 5)}" y="{_num(y + font_size * 0.3)}" text-anchor="end" '
            f'fill="{MUTED}" font-size="{_num(font_size * 0.72)}">{level}</text>'
        )
    return lines


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
            parts.extend(_whisker(chart, i, dimension.low, dimension.high))
    for x, y in scored:
        parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="2.6" fill="{ACCENT}"/>')
    return parts


def _whisker(chart: _Geometry, index: int, low: float, high: float) -> list[str]:
    """Return a band along one axis from low to high, with caps at both ends."""
    start, end = chart.point(index, low), chart.point(index, high)
    angle = chart.angle(index)
    # Caps are perpendicular to the axis, so they read as the ends of an interval.
    dx, dy = -math.sin(angle) * 3.5, math.cos(angle) * 3.5
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
