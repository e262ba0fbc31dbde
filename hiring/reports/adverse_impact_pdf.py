"""Render the adverse-impact report as a tagged PDF, with the profile's renderer."""

from __future__ import annotations

from hiring.reports import pdf

TEMPLATE = "reports/adverse_impact.html"
STYLESHEET = "adverse_impact.css"  # after document.css (hiring/reports/pdf.py)


def render_adverse_impact_html(language: str, context: dict) -> str:
    """Return the report as a whole HTML document in the reader's language."""
    # The profile's environment per language: the same catalogues, filters and loader.
    return pdf._environment(language).get_template(TEMPLATE).render(language=language,
                                                                     **context)


def render_adverse_impact_pdf(language: str, context: dict, *,
                              time_limit: float = pdf.TIME_LIMIT_SECONDS) -> bytes:
    """Return the report as PDF bytes (PDF/UA-1: tagged, with its language), or raise
    pdf.RenderError when the renderer stays busy for longer than time_limit.

    The report holds figures, fixed texts and names of bounded length (groups, stages,
    the assessment), so its render is short: it runs in the caller's thread."""
    return pdf.render_document_pdf(render_adverse_impact_html(language, context), STYLESHEET,
                                   time_limit=time_limit)
