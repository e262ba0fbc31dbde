"""The profile report: radar chart, HTML and PDF, with candidate text kept inert."""

from __future__ import annotations

import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hiring.reports import pdf
from hiring.reports.chart import radar_svg
from hiring.reports.profile import DimensionResult, Profile, RatingSummary, WrittenResult

SVG = "{http://www.w3.org/2000/svg}"
ANSWER = (
    "Poštovana gospođo Kovačević,\n\n"
    "žao mi je zbog neugodnosti s računom. Provjerio sam vaš račun i vratit ću vam "
    "razliku do petka.\n\nСрдачан поздрав, Љиљана"
)


def make_dimensions() -> list[DimensionResult]:
    """Return the six dimensions of the framework, numeracy not yet scored."""
    return [
        DimensionResult(
            "customer_focus", "Customer focus and empathy", "Patience, empathy.", 78, 70, 86, 6
        ),
        DimensionResult(
            "listening_problem_solving",
            "Listening and problem solving",
            "Find the real cause.",
            64.5,
            55,
            74,
            5,
        ),
        DimensionResult("composure", "Composure and positivity", "Stay calm.", 71, 60, 82, 4),
        DimensionResult(
            "communication",
            "Professional communication",
            "Clear language.",
            58,
            44,
            72,
            3,
            n_pending=1,
        ),
        DimensionResult("ownership", "Ownership and integrity", "Keep promises.", 82, 75, 89, 5),
        DimensionResult("numeracy", "Numeracy and accuracy", "Billing math.", None, None, None, 0),
    ]


def make_written(answer: str = ANSWER) -> WrittenResult:
    """Return a written response rated by two interviewers."""
    return WrittenResult(
        prompt="Odgovorite ljutitom kupcu kojem je račun dvostruko naplaćen.",
        answer=answer,
        word_count=len(answer.split()),
        criteria=[("empathy", "Empathy"), ("clarity", "Clarity"), ("ownership", "Ownership")],
        ratings=[
            RatingSummary("Ana Horvat", {"empathy": 4, "clarity": 5, "ownership": 4}, "Warm."),
            RatingSummary("Петар Јовановић", {"empathy": 3, "clarity": 4, "ownership": 5}, ""),
        ],
        criterion_means={"empathy": 3.5, "clarity": 4.5, "ownership": 4.5},
    )


def make_profile(**overrides: object) -> Profile:
    """Return a scored profile with Croatian and Cyrillic text."""
    profile = Profile(
        attempt_id=42,
        candidate_name="Đurđa Šimić",
        candidate_email="durda.simic@example.com",
        assessment_name="Contact centre agent, Zagreb",
        bank_title="CSR core bank",
        bank_version=3,
        language="hr",
        state="scored",
        submitted_at=datetime(2025, 3, 14, 9, 26, tzinfo=UTC),
        generated_at=datetime(2025, 3, 15, 12, 0, tzinfo=UTC),
        overall=70.7,
        dimensions=make_dimensions(),
        strengths=["Stays calm and keeps control of a call with a shouting customer."],
        development_areas=["Check the arithmetic of refunds before promising an amount."],
        written=[make_written()],
        ratings_complete=False,
    )
    return replace(profile, **overrides)


@pytest.fixture
def pdftotext() -> str:
    """Return the path of pdftotext, skipping when poppler-utils is missing."""
    path = shutil.which("pdftotext")
    if path is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return path


def pdf_text(pdftotext: str, tmp_path: Path, document: bytes) -> str:
    """Write the PDF to tmp_path and return its text as pdftotext extracts it."""
    target = tmp_path / "profile.pdf"
    target.write_bytes(document)
    result = subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(target), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def squeeze(text: str) -> str:
    """Drop all whitespace, since the PDF wraps lines where the source had none."""
    return "".join(text.split())


@pytest.mark.parametrize("name", ["Đurđa Šimić", "Љиљана Петровић"])
def test_pdf_shows_candidate_dimensions_and_answer(
    name: str, pdftotext: str, tmp_path: Path
) -> None:
    document = pdf.render_profile_pdf(make_profile(candidate_name=name))

    assert document.startswith(b"%PDF")
    text = pdf_text(pdftotext, tmp_path, document)
    assert name in text
    for dimension in make_dimensions():
        assert squeeze(dimension.name) in squeeze(text)
    assert squeeze(ANSWER) in squeeze(text)
    assert "Written responses awaiting ratings" in text
    assert "2025-03-14 09:26 UTC" in text
    assert "page 1 of" in text


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<p style="background:url({url}/x)">',
    '<img src="{url}/img">',
    '<link rel="attachment" href="{url}/attachment">',
    '<link rel="stylesheet" href="{url}/style.css">',
]


@pytest.fixture
def request_counter() -> Iterator[tuple[str, list[str]]]:
    """Serve HTTP on a free local port and yield its URL and the paths requested."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            requested.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def hostile_profile(url: str) -> tuple[Profile, list[str]]:
    """Return a profile whose candidate text is markup aimed at the renderer."""
    snippets = [snippet.format(url=url) for snippet in HOSTILE]
    hostile = " ".join(snippets)
    written = replace(make_written(answer=hostile), prompt=hostile)
    rating = replace(written.ratings[0], rater=snippets[0], comment=hostile)
    profile = make_profile(
        candidate_name=hostile,
        candidate_email=snippets[1],
        strengths=[hostile],
        written=[replace(written, ratings=[rating, written.ratings[1]])],
    )
    return profile, snippets


def test_pdf_prints_markup_in_candidate_text_and_fetches_nothing(
    request_counter: tuple[str, list[str]], pdftotext: str, tmp_path: Path
) -> None:
    url, requested = request_counter
    profile, snippets = hostile_profile(url)

    text = pdf_text(pdftotext, tmp_path, pdf.render_profile_pdf(profile))

    for snippet in snippets:
        assert squeeze(snippet) in squeeze(text)
    assert "root:" not in text
    assert requested == []


def test_html_escapes_markup_in_candidate_text(request_counter: tuple[str, list[str]]) -> None:
    url, _ = request_counter
    profile, _ = hostile_profile(url)

    html = pdf.render_profile_html(profile)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "<img" not in html
    assert "<link" not in html


def test_renderer_refuses_every_url_but_data(request_counter: tuple[str, list[str]]) -> None:
    url, requested = request_counter
    fetcher = pdf._renderer().url_fetcher

    for target in (f"{url}/direct", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(target)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    assert requested == []


def test_html_shows_every_label_as_text() -> None:
    html = pdf.render_profile_html(make_profile())

    # A key such as "items" must not resolve to a dict method.
    assert "built-in method" not in html
    assert all(text in html for text in ("Items", "Dimensions", "Written responses"))


def test_html_inlines_stylesheet_and_labels_can_be_replaced() -> None:
    html = pdf.render_profile_html(make_profile(), labels={"title": "Profil kandidata"})

    assert '"Noto Sans"' in html
    assert "Profil kandidata" in html
    assert "Candidate profile" not in html


def test_html_says_when_nothing_is_identified_or_scored() -> None:
    html = pdf.render_profile_html(
        make_profile(strengths=[], development_areas=[], overall=None, ratings_complete=True)
    )

    assert html.count("None identified") == 2
    assert "not yet scored" in html
    assert "awaiting ratings" not in html


def test_html_says_awaiting_ratings_for_unrated_response() -> None:
    written = replace(make_written(), ratings=[], criterion_means={})

    html = pdf.render_profile_html(make_profile(written=[written]))

    assert "Awaiting ratings" in html
    assert "scores for Professional communication are provisional" in html


def test_format_utc_converts_aware_and_keeps_naive_moments() -> None:
    zagreb = timezone(timedelta(hours=1))

    assert pdf.format_utc(datetime(2025, 3, 14, 10, 26, tzinfo=zagreb)) == "2025-03-14 09:26 UTC"
    assert pdf.format_utc(datetime(2025, 3, 14, 9, 26)) == "2025-03-14 09:26 UTC"
    assert pdf.format_utc(None) == "—"


def test_radar_svg_is_xml_with_one_score_polygon() -> None:
    svg = radar_svg(make_dimensions())

    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted XML
    polygons = root.findall(f"{SVG}polygon")
    assert len(polygons) == 1
    assert len(polygons[0].get("points", "").split()) == 5
    labels = " ".join(text.text or "" for text in root.iter(f"{SVG}text"))
    assert "accuracy (–)" in labels


def test_radar_svg_escapes_labels() -> None:
    dimensions = make_dimensions()
    dimensions[0] = replace(dimensions[0], name='Tone <&> "tact"')

    svg = radar_svg(dimensions)

    assert "&lt;&amp;&gt;" in svg
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted XML
    assert any("<&>" in (text.text or "") for text in root.iter(f"{SVG}text"))


def test_radar_svg_is_deterministic_and_draws_no_polygon_without_scores() -> None:
    unscored = [replace(d, score=None, low=None, high=None) for d in make_dimensions()]

    assert radar_svg(make_dimensions()) == radar_svg(make_dimensions())
    assert "<polygon" not in radar_svg(unscored)
