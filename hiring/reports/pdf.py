"""Render a profile as a standalone HTML document and as a PDF that fetches nothing."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from hiring.reports.chart import radar_svg
from hiring.reports.formatting import (  # noqa: F401 - part of this module's interface
    MISSING,
    format_one_decimal,
    format_percent,
    format_rounded,
    format_utc,
)
from hiring.reports.profile import Profile

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = "reports/profile.html"
STYLESHEET = Path(__file__).with_name("profile.css")

# Every fixed human-readable string of the report, so that a translation can replace them.
LABELS: dict[str, str] = {
    "title": "Candidate profile",
    "assessment": "Assessment",
    "bank": "Question bank",
    "version": "version",
    "state": "State",
    "attempt": "Attempt",
    "submitted": "Submitted",
    "not_submitted": "not submitted",
    "generated": "Generated",
    "state_invited": "Invited",
    "state_in_progress": "In progress",
    "state_submitted": "Submitted",
    "state_expired": "Expired",
    "state_scored": "Scored",
    "provisional_note": (
        "Written responses awaiting ratings: scores for {dimensions} are provisional"
    ),
    "provisional_note_any": "Written responses awaiting ratings: some scores are provisional",
    "list_separator": ", ",
    "overall": "Overall score",
    "out_of_100": "out of 100",
    "strengths": "Strengths",
    "development_areas": "Development areas",
    "none_identified": "None identified",
    "dimensions": "Dimensions",
    "dimension": "Dimension",
    "score": "Score",
    "band": "Band",
    "items": "Items",
    "scored": "scored",
    "pending": "pending",
    "not_yet_scored": "not yet scored",
    "written_responses": "Written responses",
    "response": "Response",
    "prompt": "Prompt",
    "answer": "Answer",
    "word_count": "Word count",
    "criterion": "Criterion",
    "mean": "Mean",
    "comments": "Rater comments",
    "awaiting_ratings": "Awaiting ratings",
    "page": "page",
    "of": "of",
}


@dataclass(frozen=True)
class _Renderer:
    """The parts of the PDF renderer that are costly to build and safe to reuse."""

    stylesheets: list[CSS]
    font_config: FontConfiguration
    url_fetcher: URLFetcher
    # WeasyPrint does not promise that a shared FontConfiguration is thread-safe.
    lock: threading.Lock


def render_profile_html(profile: Profile, *, labels: dict[str, str] | None = None) -> str:
    """Return the profile as a self-contained HTML document with its stylesheet inlined."""
    return _render_html(profile, labels, stylesheet=_stylesheet_text())


def render_profile_pdf(profile: Profile, *, labels: dict[str, str] | None = None) -> bytes:
    """Return the profile as PDF bytes."""
    renderer = _renderer()
    source = _render_html(profile, labels, stylesheet=None)
    with renderer.lock:
        document = HTML(string=source, base_url=None, url_fetcher=renderer.url_fetcher)
        pdf = document.write_pdf(stylesheets=renderer.stylesheets, font_config=renderer.font_config)
    if pdf is None:
        raise RuntimeError("WeasyPrint returned no PDF bytes")
    return pdf


def _render_html(profile: Profile, labels: dict[str, str] | None, *, stylesheet: str | None) -> str:
    """Fill the profile template; the stylesheet is inlined only when given."""
    merged = {**LABELS, **(labels or {})}
    template = _environment().get_template(TEMPLATE)
    return template.render(
        profile=profile,
        labels=merged,
        chart=radar_svg(profile.dimensions),
        provisional_note=_provisional_note(profile, merged),
        stylesheet=stylesheet,
    )


def _provisional_note(profile: Profile, labels: dict[str, str]) -> str:
    """Name the dimensions whose scores still wait for ratings."""
    waiting = [d.name for d in profile.dimensions if d.n_pending]
    if not waiting:
        return labels["provisional_note_any"]
    return labels["provisional_note"].format(dimensions=labels["list_separator"].join(waiting))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """Build the template environment once per process."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        utc=format_utc,
        rounded=format_rounded,
        one_decimal=format_one_decimal,
        percent=format_percent,
    )
    return environment


@lru_cache(maxsize=1)
def _stylesheet_text() -> str:
    """Read the report stylesheet once per process."""
    return STYLESHEET.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _renderer() -> _Renderer:
    """Build the parsed stylesheet, fonts and URL fetcher once per process."""
    # Only data: URLs, so candidate text can never make the renderer read a file or a URL.
    url_fetcher = URLFetcher(allowed_protocols=["data"])
    font_config = FontConfiguration()
    stylesheet = CSS(
        string=_stylesheet_text(),
        base_url=None,
        url_fetcher=url_fetcher,
        font_config=font_config,
    )
    return _Renderer(
        stylesheets=[stylesheet],
        font_config=font_config,
        url_fetcher=url_fetcher,
        lock=threading.Lock(),
    )
