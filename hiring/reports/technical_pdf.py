"""Render an assessment's technical report as a tagged PDF, with the profile's renderer."""

from __future__ import annotations

from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML

from hiring.assessment import decisions, self_id
from hiring.reports import pdf
from hiring.reports.formatting import format_language
from hiring.reports.scores import SCALE_TEXTS
from hiring.reports.technical import TechnicalReport

TEMPLATE = "reports/technical.html"
STYLESHEET = Path(__file__).with_name("technical.css")


def labels() -> dict[str, Any]:
    """The English names the report's keys are shown with (translated where shown)."""
    return {"scales": {key: texts[0] for key, texts in SCALE_TEXTS.items()},
            "stages": dict(decisions.DEFAULT_NAMES),
            "questions": dict(self_id.QUESTION_TEXTS),
            "options": {key: dict(options) for key, options in self_id.OPTION_TEXTS.items()},
            "prefer_not": self_id.PREFER_NOT_TEXT, "not_answered": self_id.NOT_ANSWERED_TEXT}


def render_technical_html(report: TechnicalReport, language: str) -> str:
    """Return the report as a whole HTML document in `language`."""
    return pdf._environment(language).get_template(TEMPLATE).render(
        report=report, language=language, labels=labels(),
        language_name=partial(format_language, language=language))


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    """Parse the stylesheet once per process, with the profile renderer's fonts."""
    renderer = pdf._renderer()
    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=None,
               url_fetcher=renderer.url_fetcher, font_config=renderer.font_config)


def render_technical_pdf(report: TechnicalReport, language: str, *,
                         time_limit: float = pdf.TIME_LIMIT_SECONDS) -> bytes:
    """Return the report as PDF bytes (PDF/UA-1: tagged, with its language), or raise
    pdf.RenderError when the renderer stays busy for longer than time_limit.

    The report holds fixed texts, figures and names of bounded length (items, outcomes,
    stages), so its render is short: it runs in the caller's thread."""
    renderer = pdf._renderer()
    stylesheet = _stylesheet()
    source = render_technical_html(report, language)
    if not renderer.lock.acquire(timeout=time_limit):
        raise pdf.RenderError(f"The PDF was not rendered within {time_limit:g} s: "
                              "the renderer is busy. Try again in a minute.")
    try:
        document = HTML(string=source, base_url=None, url_fetcher=renderer.url_fetcher)
        return document.write_pdf(stylesheets=[stylesheet], font_config=renderer.font_config,
                                   pdf_variant="pdf/ua-1")
    finally:
        renderer.lock.release()
