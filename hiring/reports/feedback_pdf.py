"""Render the candidate's feedback report as a tagged PDF, with the profile's renderer."""

from __future__ import annotations

from hiring.reports import pdf
from hiring.reports.feedback import Feedback

TEMPLATE = "reports/feedback.html"
STYLESHEET = "feedback.css"  # after document.css (hiring/reports/pdf.py)


def render_feedback_html(feedback: Feedback) -> str:
    """Return the report as a whole HTML document in the candidate's language."""
    # The profile's environment per language: the same catalogues, filters and loader.
    return pdf._environment(feedback.language).get_template(TEMPLATE).render(
        feedback=feedback)


def render_feedback_pdf(feedback: Feedback, *,
                        time_limit: float = pdf.TIME_LIMIT_SECONDS) -> bytes:
    """Return the report as PDF bytes (PDF/UA-1: tagged, with its language), or raise
    pdf.RenderError when the renderer stays busy for longer than time_limit.

    The report holds no free text of the candidate's, only names of bounded length and
    fixed texts, so its render is short: it runs in the caller's thread."""
    return pdf.render_document_pdf(render_feedback_html(feedback), STYLESHEET,
                                   time_limit=time_limit)
