"""Draw a profile's scores as SVG bars on one 0-100 axis, each with its 95% band.

Bars with bands replace the radar chart: a radar joins unrelated scores into a shape and
puts its whiskers on spokes of different lengths, which reads as more precise than the
bands allow. Here every score sits on the same axis with its band, the thresholds of the
rules are drawn across, and a behavioural indication is drawn hollow with its (wide)
range dotted, so that nobody ranks indications that the data cannot tell apart."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from hiring.reports.profile import ScoreResult

FONT_FAMILY = "'Noto Sans', 'DejaVu Sans', sans-serif"
WIDTH = 520
LABEL_X, TRACK_X, TRACK_WIDTH, VALUE_X = 4, 186, 290, 486
ROW, LINE, FONT = 20, 10, 8.5
LABEL_WRAP = 34  # characters per label line
INK = "#1f2933"
MUTED = "#7b8794"
TRACK = "#e4e7eb"
ACCENT = "#1d4ed8"
BAND = "#93c5fd"
RANGE = "#9aa5b1"
THRESHOLD = "#b45309"


@dataclass(frozen=True)
class ChartLabels:
    """The chart's words, in the profile's language."""

    score: str = "score"
    band: str = "95% band"
    indication: str = "indication, with its 95% band: too wide to rank"
    thresholds: str = "thresholds of the rules"
    missing: str = "no answered items"
    pending: str = "awaiting ratings"
    # The chart's text alternative: its numbers are in a table beside it.
    title: str = "Chart of the scores with their 95% bands; the table of scores gives the numbers"


def bars_svg(groups: list[tuple[str, list[ScoreResult]]], thresholds: tuple[float, float],
             labels: ChartLabels = ChartLabels()) -> str:
    """Return the groups of scores (heading, scores) as bars on one axis, with a legend."""
    parts, y = [], 16.0
    parts += _axis_labels(y - 6, thresholds)
    top = y
    for heading, results in groups:
        if heading:
            parts.append(_text(LABEL_X, y + 11, heading, weight="bold", fill=INK))
            y += ROW
        for result in results:
            height = ROW + LINE * (len(_wrap(result.name)) - 1)
            parts += _row(result, y, height, labels)
            y += height
    parts += _thresholds(top, y, thresholds)
    y += 6
    parts += _legend(y, labels)
    height = y + 2 * ROW
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="scorebars" width="{WIDTH}" '
            f'height="{_num(height)}" viewBox="0 0 {WIDTH} {_num(height)}" '
            f'font-family="{FONT_FAMILY}" font-size="{FONT}" role="img" '
            f'aria-label="{escape(labels.title)}"><title>{escape(labels.title)}</title>'
            + "".join(parts) + "</svg>")


# The same chart for a phone's width (the attempt page at 375 px): each label above its
# bar and the words larger, so that nothing has to shrink to a third to fit.
NARROW_WIDTH, NARROW_FONT = 320, 11
NARROW_TRACK_X, NARROW_TRACK_WIDTH, NARROW_VALUE_X = 4, 278, 316
NARROW_ROW, NARROW_HEADING, NARROW_LEGEND = 34, 22, 17


def narrow_bars_svg(groups: list[tuple[str, list[ScoreResult]]],
                    thresholds: tuple[float, float], labels: ChartLabels = ChartLabels()
                    ) -> str:
    """Return the chart of bars_svg laid out for a narrow screen."""

    def x(value: float) -> float:
        return NARROW_TRACK_X + NARROW_TRACK_WIDTH * min(max(value, 0.0), 100.0) / 100

    parts, y = [], 12.0
    for value in sorted({0.0, 100.0, *thresholds}):
        anchor = "start" if value <= 0 else "end" if value >= 100 else "middle"
        parts.append(_text(x(value), y, f"{value:g}", anchor=anchor, fill=MUTED,
                           size=NARROW_FONT * 0.85))
    y += 4
    top, under = y, len(parts)  # the thresholds' lines go under the labels and bars
    for heading, results in groups:
        if heading:
            parts.append(_text(NARROW_TRACK_X, y + 16, heading, weight="bold", fill=INK))
            y += NARROW_HEADING
        for result in results:
            ink = INK if result.reportable else MUTED
            parts.append(_text(NARROW_TRACK_X, y + 14, result.name, fill=ink))
            middle = y + 25
            parts.append(f'<rect x="{NARROW_TRACK_X}" y="{_num(middle - 4)}" '
                         f'width="{NARROW_TRACK_WIDTH}" height="8" fill="{TRACK}"/>')
            if result.score is None:
                parts.append(_text(NARROW_VALUE_X, y + 14, labels.pending if result.n_pending
                                   else labels.missing, anchor="end", fill=MUTED,
                                   size=NARROW_FONT * 0.85))
                y += NARROW_ROW
                continue
            parts += _marks(result, x, middle, band=8, dot=4.2, ring=(4, 1.4))
            parts.append(_text(NARROW_VALUE_X, middle + 4, str(int(result.score + 0.5)),
                               anchor="end", fill=ink, weight="bold"))
            y += NARROW_ROW
    parts[under:under] = [f'<line x1="{_num(x(v))}" y1="{_num(top)}" x2="{_num(x(v))}" '
                          f'y2="{_num(y)}" stroke="{THRESHOLD}" stroke-width="0.8" '
                          'stroke-dasharray="3 2"/>' for v in thresholds]
    y += 6
    legend = [
        (f'<circle cx="8" cy="{{middle}}" r="4.2" fill="{ACCENT}"/>', labels.score),
        (f'<rect x="0" y="{{top}}" width="16" height="8" fill="{BAND}"/>', labels.band),
        (f'<line x1="8" y1="{{above}}" x2="8" y2="{{below}}" stroke="{THRESHOLD}" '
         'stroke-width="0.8" stroke-dasharray="3 2"/>', labels.thresholds),
        (None, labels.indication),
    ]
    for mark, words in legend:
        y += NARROW_LEGEND
        middle = y - 4
        if mark is None:
            parts.append(_dotted(0, 16, middle))
            parts.append(f'<circle cx="8" cy="{_num(middle)}" r="4" fill="#ffffff" '
                         f'stroke="{MUTED}" stroke-width="1.4"/>')
        else:
            parts.append(mark.format(middle=_num(middle), top=_num(middle - 4),
                                     above=_num(middle - 7), below=_num(middle + 7)))
        parts += [_text(24, y + NARROW_FONT * n, line, fill=MUTED)
                  for n, line in enumerate(textwrap.wrap(words, 44))]
        y += NARROW_FONT * (len(textwrap.wrap(words, 44)) - 1)
    height = y + 8
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="scorebars narrow" '
            f'width="{NARROW_WIDTH}" height="{_num(height)}" '
            f'viewBox="0 0 {NARROW_WIDTH} {_num(height)}" font-family="{FONT_FAMILY}" '
            f'font-size="{NARROW_FONT}" role="img" aria-label="{escape(labels.title)}">'
            f'<title>{escape(labels.title)}</title>' + "".join(parts) + "</svg>")


def band_svg(score: float, low: float, high: float, indication: bool = False) -> str:
    """Return a horizontal 0-100 bar with the band shaded and the score marked."""
    low, high, score = (min(max(v, 0.0), 100.0) for v in (low, high, score))
    band = (f'<line x1="{_num(low)}" y1="3" x2="{_num(high)}" y2="3" stroke="{RANGE}" '
            'stroke-width="1.2" stroke-dasharray="1.5 1.5"/>' if indication else
            f'<rect x="{_num(low)}" y="1.5" width="{_num(high - low)}" height="3" '
            f'fill="{BAND}"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="bandbar" viewBox="0 0 100 6" '
        'preserveAspectRatio="none" aria-hidden="true">'
        f'<rect x="0" y="1.5" width="100" height="3" fill="{TRACK}"/>{band}'
        f'<rect x="{_num(min(max(score - 0.6, 0), 98.8))}" y="0" width="1.2" height="6" '
        f'fill="{RANGE if indication else ACCENT}"/></svg>'
    )


def _x(value: float) -> float:
    return TRACK_X + TRACK_WIDTH * min(max(value, 0.0), 100.0) / 100


def _wrap(name: str) -> list[str]:
    return textwrap.wrap(name, LABEL_WRAP, break_long_words=False)[:2] or [""]


def _row(result: ScoreResult, y: float, height: float, labels: ChartLabels) -> list[str]:
    """Return one score's label, track, band or range, point and value."""
    middle = y + height / 2
    lines = _wrap(result.name)
    parts = [_text(LABEL_X + 8, middle + 3 - LINE * (len(lines) - 1) / 2 + LINE * n, line,
                   fill=INK if result.reportable else MUTED) for n, line in enumerate(lines)]
    parts.append(f'<rect x="{TRACK_X}" y="{_num(middle - 3)}" width="{TRACK_WIDTH}" '
                 f'height="6" fill="{TRACK}"/>')
    if result.score is None:
        parts.append(_text(TRACK_X + 4, middle + 3,
                           labels.pending if result.n_pending else labels.missing, fill=MUTED))
        return parts
    parts += _marks(result, _x, middle, band=6, dot=3.2, ring=(3, 1.2))
    parts.append(_text(VALUE_X, middle + 3, str(int(result.score + 0.5)),
                       fill=INK if result.reportable else MUTED))
    return parts


def _marks(result: ScoreResult, x: Callable[[float], float], middle: float, *, band: float,
           dot: float, ring: tuple[float, float]) -> list[str]:
    """A score's band and dot: a filled band and dot for a score, a dotted band and an
    open ring for an indication (band: the band's height; ring: radius, stroke)."""
    low, high = result.low, result.high
    if low is not None and high is not None and result.reportable:
        return [f'<rect x="{_num(x(low))}" y="{_num(middle - band / 2)}" '
                f'width="{_num(x(high) - x(low))}" height="{_num(band)}" fill="{BAND}"/>',
                f'<circle cx="{_num(x(result.score))}" cy="{_num(middle)}" r="{_num(dot)}" '
                f'fill="{ACCENT}"/>']
    marks = [_dotted(x(low), x(high), middle)] if low is not None and high is not None else []
    return marks + [f'<circle cx="{_num(x(result.score))}" cy="{_num(middle)}" '
                    f'r="{_num(ring[0])}" fill="#ffffff" stroke="{MUTED}" '
                    f'stroke-width="{_num(ring[1])}"/>']


def _axis_labels(y: float, thresholds: tuple[float, float]) -> list[str]:
    """Return the axis values above the bars: 0, the thresholds, 100."""
    values = sorted({0.0, 100.0, *thresholds})
    return [_text(_x(v), y, f"{v:g}", anchor="middle", fill=MUTED, size=FONT * 0.85)
            for v in values]


def _thresholds(top: float, bottom: float, thresholds: tuple[float, float]) -> list[str]:
    return [f'<line x1="{_num(_x(v))}" y1="{_num(top)}" x2="{_num(_x(v))}" '
            f'y2="{_num(bottom)}" stroke="{THRESHOLD}" stroke-width="0.8" '
            'stroke-dasharray="3 2"/>' for v in thresholds]


def _legend(y: float, labels: ChartLabels) -> list[str]:
    """Return two legend lines: score and band; indication and thresholds."""
    first, second = y + 8, y + 8 + ROW * 0.8
    x = LABEL_X
    parts = [f'<circle cx="{x + 4}" cy="{_num(first - 3)}" r="3.2" fill="{ACCENT}"/>',
             _text(x + 11, first, labels.score, fill=MUTED),
             f'<rect x="{x + 90}" y="{_num(first - 6)}" width="22" height="6" fill="{BAND}"/>',
             _text(x + 116, first, labels.band, fill=MUTED),
             f'<line x1="{x + 260}" y1="{_num(first - 8)}" x2="{x + 260}" y2="{_num(first + 1)}" '
             f'stroke="{THRESHOLD}" stroke-width="0.8" stroke-dasharray="3 2"/>',
             _text(x + 266, first, labels.thresholds, fill=MUTED),
             _dotted(x + 1, x + 23, second - 3),
             f'<circle cx="{x + 12}" cy="{_num(second - 3)}" r="3" fill="#ffffff" '
             f'stroke="{MUTED}" stroke-width="1.2"/>',
             _text(x + 30, second, labels.indication, fill=MUTED)]
    return parts


def _dotted(x1: float, x2: float, y: float) -> str:
    return (f'<line x1="{_num(x1)}" y1="{_num(y)}" x2="{_num(x2)}" y2="{_num(y)}" '
            f'stroke="{RANGE}" stroke-width="1.4" stroke-dasharray="1.5 2"/>')


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK,
          weight: str = "normal", size: float | None = None) -> str:
    size_attribute = f' font-size="{_num(size)}"' if size else ""
    return (f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}"{size_attribute}>{escape(str(text))}</text>')


def _num(value: float) -> str:
    """Format a coordinate with one decimal, never as -0.0."""
    return f"{round(value, 1) + 0.0:.1f}"
