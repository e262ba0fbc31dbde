"""Render a profile as HTML (a document or a page fragment) and as a PDF that fetches nothing."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from hiring.catalogues import translations
from hiring.config import Defaults
from hiring.items.accommodations import format_multiplier
from hiring.reports.chart import ChartLabels, band_svg, bars_svg, narrow_bars_svg
from hiring.reports.formatting import (  # noqa: F401 - part of this module's interface
    MISSING,
    format_day,
    format_language,
    format_one_decimal,
    format_ordinal,
    format_percent,
    format_rounded,
    format_two_decimals,
    format_utc,
)
from hiring.reports.profile import Profile

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = "reports/profile.html"
STYLESHEET = Path(__file__).with_name("profile.css")
# The defaults of render_profile_pdf's limits; the app passes its PDF_* settings.
TIME_LIMIT_SECONDS = Defaults.PDF_TIME_LIMIT_SECONDS
MAX_TEXT_CHARS = 12_000
# PDFs this process has rendered (started): tells a stored PDF from a new one.
renders = 0


@dataclass(frozen=True)
class _Renderer:
    """The parts of the PDF renderer that are costly to build and safe to reuse."""

    stylesheets: list[CSS]
    font_config: FontConfiguration
    url_fetcher: URLFetcher
    # WeasyPrint does not promise that a shared FontConfiguration is thread-safe.
    lock: threading.Lock


def render_profile_html(profile: Profile, *, standalone: bool = True) -> str:
    """Return the profile as HTML in the profile's language.

    Standalone gives a whole document with the stylesheet inlined; otherwise a
    `<section class="profile">` fragment for a page that links profile_stylesheet()."""
    return _render_html(profile, standalone=standalone,
                        stylesheet=profile_stylesheet() if standalone else None)


class RenderError(RuntimeError):
    """The PDF was not rendered within its time limit; the message says so."""


def render_profile_pdf(profile: Profile, *, time_limit: float = TIME_LIMIT_SECONDS,
                       max_text_chars: int = MAX_TEXT_CHARS) -> bytes:
    """Return the profile as PDF bytes, or raise RenderError when time_limit runs out.

    Each text longer than max_text_chars is cut with a note, which bounds what a render
    can cost. The render runs in a thread, so a slow one fails the caller with an error
    instead of holding it; the thread finishes on its own and then lets the next render in.
    (A render in a subprocess could also cap memory, but costs 0.5 s more each time.)"""
    global renders
    renders += 1
    renderer = _renderer()
    note = " " + translations(profile.language).gettext("… (truncated)")
    profile = _shorten_texts(profile, max_text_chars, note)
    deadline = time.monotonic() + time_limit
    if not renderer.lock.acquire(timeout=time_limit):
        raise RenderError(f"The PDF was not rendered within {time_limit:g} s: "
                          "the renderer is busy. Try again in a minute.")
    outcome: dict[str, bytes | None | Exception] = {}

    def render() -> None:
        from weasyprint import HTML  # heavy (0.5 s): loaded by the first render, not on import

        try:
            source = _render_html(profile, standalone=True, stylesheet=None, for_pdf=True)
            document = HTML(string=source, base_url=None, url_fetcher=renderer.url_fetcher)
            # Tagged (PDF/UA-1): headings, tables and reading order reach screen readers.
            outcome["pdf"] = document.write_pdf(stylesheets=renderer.stylesheets,
                                                font_config=renderer.font_config,
                                                pdf_variant="pdf/ua-1")
        except Exception as exc:  # handed to the caller below
            outcome["error"] = exc
        finally:
            renderer.lock.release()  # a Lock may be released by another thread than its owner

    thread = threading.Thread(target=render, name="pdf-render", daemon=True)
    try:
        thread.start()
    except BaseException:
        renderer.lock.release()
        raise
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise RenderError(f"The PDF was not rendered within {time_limit:g} s.")
    if isinstance(error := outcome.get("error"), Exception):
        raise error
    pdf = outcome.get("pdf")
    if not isinstance(pdf, bytes):
        raise RuntimeError("WeasyPrint returned no PDF bytes")
    return pdf

@lru_cache(maxsize=8)
def document_stylesheet(name: str) -> Any:
    """A report document's stylesheet in hiring/reports/ (document.css, which every report
    shares, or a report's own), parsed once per process with the renderer's fonts."""
    from weasyprint import CSS  # heavy: loaded by the first render, not on import

    renderer = _renderer()
    return CSS(string=Path(__file__).with_name(name).read_text(encoding="utf-8"),
               base_url=None, url_fetcher=renderer.url_fetcher,
               font_config=renderer.font_config)


def render_document_pdf(source: str, stylesheet: str, *,
                        time_limit: float = TIME_LIMIT_SECONDS) -> bytes:
    """Return a report document (the whole HTML `source`) as PDF bytes, PDF/UA-1: tagged,
    with its language, styled by document.css and then the report's own `stylesheet`;
    raise RenderError when the renderer stays busy for longer than time_limit.

    Reports of figures, fixed texts and names of bounded length render quickly, so this
    runs in the caller's thread (a profile, which holds candidates' texts, has
    render_profile_pdf)."""
    from weasyprint import HTML  # heavy: loaded by the first render, not on import

    renderer = _renderer()
    stylesheets = [document_stylesheet("document.css"), document_stylesheet(stylesheet)]
    if not renderer.lock.acquire(timeout=time_limit):
        raise RenderError(f"The PDF was not rendered within {time_limit:g} s: "
                          "the renderer is busy. Try again in a minute.")
    try:
        document = HTML(string=source, base_url=None, url_fetcher=renderer.url_fetcher)
        return document.write_pdf(stylesheets=stylesheets, font_config=renderer.font_config,
                                   pdf_variant="pdf/ua-1")
    finally:
        renderer.lock.release()


def _shorten_texts(value: Any, limit: int, note: str) -> Any:
    """Return value with every string longer than limit cut there and the note added."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + note
    if isinstance(value, list | tuple):
        return type(value)(_shorten_texts(item, limit, note) for item in value)
    if isinstance(value, dict):
        return {key: _shorten_texts(item, limit, note) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _shorten_texts(getattr(value, f.name), limit, note)
                   for f in fields(value) if f.init}
        return replace(value, **changes)
    return value


@lru_cache(maxsize=1)
def profile_stylesheet() -> str:
    """Return the report stylesheet, read once per process."""
    return STYLESHEET.read_text(encoding="utf-8")


def _render_html(profile: Profile, *, standalone: bool, stylesheet: str | None,
                 for_pdf: bool = False) -> str:
    """Fill the profile template; the stylesheet is inlined only when given.

    For the PDF the evidence is one line an item (its answers are on the attempt page):
    a full table of answers tripled the pages and the render time."""
    template = _environment(profile.language).get_template(TEMPLATE)
    return template.render(
        profile=profile,
        compact_evidence=for_pdf,
        standalone=standalone,
        stylesheet=stylesheet,
        pending_items=profile.pending_items,
    )


def warm(languages: list[str]) -> None:
    """Compile the profile's templates for each language now, so that the first profile
    a process shows does not wait for it (a server process calls this as it starts)."""
    for language in languages:
        _environment(language).get_template(TEMPLATE)


@lru_cache(maxsize=16)
def _environment(language: str) -> jinja2.Environment:
    """Build the template environment of one language once per process.

    One environment per language keeps concurrent renders in different languages apart:
    installed translations are environment-wide."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: translated strings are escaped and formatted with %(name)s by Jinja.
    environment.install_gettext_translations(translations(language), newstyle=True)
    environment.filters.update(
        utc=format_utc,
        rounded=format_rounded,
        one_decimal=partial(format_one_decimal, language=language),
        two_decimals=partial(format_two_decimals, language=language),
        day=format_day,
        ordinal=partial(format_ordinal, language=language),
        language_name=partial(format_language, language=language),
        multiplier=partial(format_multiplier, language=language),
    )
    environment.globals.update(bars_svg=bars_svg, band_svg=band_svg, chart_labels=ChartLabels,
                               narrow_bars_svg=narrow_bars_svg)
    return environment


@lru_cache(maxsize=1)
def _renderer() -> _Renderer:
    """Build the parsed stylesheet, fonts and URL fetcher once per process."""
    # WeasyPrint is heavy (0.5 s to import): loaded here, by the first PDF, so that the
    # pages and commands that never render one do not wait for it.
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    # Only data: URLs, so candidate text can never make the renderer read a file or a URL.
    url_fetcher = URLFetcher(allowed_protocols=["data"])
    font_config = FontConfiguration()
    stylesheet = CSS(
        string=profile_stylesheet(),
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
