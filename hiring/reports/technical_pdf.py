"""Render an assessment's technical report as a tagged PDF, with the profile's renderer."""

from __future__ import annotations

from functools import partial
from typing import Any

from hiring.assessment import decisions, self_id
from hiring.reports import pdf
from hiring.reports.formatting import format_language
from hiring.reports.scores import SCALE_TEXTS
from hiring.reports.technical import TechnicalReport

TEMPLATE = "reports/technical.html"
STYLESHEET = "technical.css"  # after document.css (hiring/reports/pdf.py)


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


def render_technical_pdf(report: TechnicalReport, language: str, *,
                         time_limit: float = pdf.TIME_LIMIT_SECONDS) -> bytes:
    """Return the report as PDF bytes (PDF/UA-1: tagged, with its language), or raise
    pdf.RenderError when the renderer stays busy for longer than time_limit.

    The report holds fixed texts, figures and names of bounded length (items, outcomes,
    stages), so its render is short: it runs in the caller's thread."""
    return pdf.render_document_pdf(render_technical_html(report, language), STYLESHEET,
                                   time_limit=time_limit)
