"""Render the adverse-impact report as a tagged PDF, with the profile's renderer."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from weasyprint import CSS, HTML

from hiring.reports import pdf

TEMPLATE = "reports/adverse_impact.html"
STYLESHEET = Path(__file__).with_name("adverse_impact.css")


def render_adverse_impact_html(language: str, context: dict) -> str:
    """Return the report as a whole HTML document in the reader's language."""
    # The profile's environment per language: the same catalogues, filters and loader.
    return pdf._environment(language).get_template(TEMPLATE).render(language=language,
                                                                     **context)


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    """Parse the stylesheet once per process, with the profile renderer's fonts."""
    renderer = pdf._renderer()
    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=None,
               url_fetcher=renderer.url_fetcher, font_config=renderer.font_config)


def render_adverse_impact_pdf(language: str, context: dict, *,
                              time_limit: float = pdf.TIME_LIMIT_SECONDS) -> bytes:
    """Return the report as PDF bytes (PDF/UA-1: tagged, with its language), or raise
    pdf.RenderError when the renderer stays busy for longer than time_limit.

    The report holds figures, fixed texts and names of bounded length (groups, stages,
    the assessment), so its render is short: it runs in the caller's thread."""
    renderer = pdf._renderer()
    stylesheet = _stylesheet()
    source = render_adverse_impact_html(language, context)
    if not renderer.lock.acquire(timeout=time_limit):
        raise pdf.RenderError(f"The PDF was not rendered within {time_limit:g} s: "
                              "the renderer is busy. Try again in a minute.")
    try:
        document = HTML(string=source, base_url=None, url_fetcher=renderer.url_fetcher)
        return document.write_pdf(stylesheets=[stylesheet], font_config=renderer.font_config,
                                   pdf_variant="pdf/ua-1")
    finally:
        renderer.lock.release()
