"""The profile report: radar chart, HTML and PDF in the profile's language, candidate text inert."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import tinycss2

from hiring.reports import pdf
from hiring.reports.chart import GRID_LEVELS, radar_svg
from hiring.reports.formatting import format_ordinal
from hiring.reports.profile import (
    DimensionResult,
    Evidence,
    GuideEntry,
    Probe,
    Profile,
    RatingSummary,
    TypingSummary,
    WrittenResult,
)
from hiring.scoring.integrity import IntegrityFacts
from hiring.scoring.writing import PhraseMatches, Spelling, WritingIndicators

SVG = "{http://www.w3.org/2000/svg}"
ANSWER = (
    "Poštovana gospođo Kovačević,\n\n"
    "žao mi je zbog neugodnosti s računom. Provjerio sam vaš račun i vratit ću vam "
    "razliku do petka.\n\nСрдачан поздрав, Љиљана"
)
PROBE_QUESTION = "Tell me about a time a customer asked for a refund you could not give."
ANCHORS = {
    1: "Refused without explanation.",
    2: "Explained the rule but offered nothing.",
    3: "Explained the rule and offered one alternative.",
    4: "Offered alternatives and checked the customer understood.",
    5: "As 4, and followed up afterwards.",
}
HEADINGS = {
    "en": ["Strengths", "Development areas", "Dimensions", "Interview guide", "Communication",
           "Integrity signals", "How to read this profile"],
    "hr": ["Snage", "Područja za razvoj", "Dimenzije", "Vodič za intervju", "Komunikacija",
           "Signali integriteta", "Kako čitati ovaj profil"],
}


def make_evidence(position: int, score: float | None = 0.75) -> Evidence:
    return Evidence(position, f"sjt-{position}", "sjt", f"Situation {position}: a customer calls.",
                    "best: Listen to the end.", "best: Listen to the end.", score)


def make_dimensions() -> list[DimensionResult]:
    """Return the six dimensions of the framework, numeracy not yet scored."""
    return [
        DimensionResult("customer_focus", "Customer focus and empathy", "Patience, empathy.",
                        78, 70, 86, 6, percentile=62.4, norm_n=45,
                        evidence=[make_evidence(1), make_evidence(4)]),
        DimensionResult("listening_problem_solving", "Listening and problem solving",
                        "Find the real cause.", 64.5, 55, 74, 5, norm_n=12),
        DimensionResult("composure", "Composure and positivity", "Stay calm.", 71, 60, 82, 1,
                        norm_n=12, insufficient=True),
        DimensionResult("communication", "Professional communication", "Clear language.",
                        58, 44, 72, 3, n_pending=1, norm_n=12,
                        evidence=[make_evidence(6, None)]),
        DimensionResult("ownership", "Ownership and integrity", "Keep promises.", 82, 75, 89, 5,
                        norm_n=12),
        DimensionResult("numeracy", "Numeracy and accuracy", "Billing math.", None, None, None, 0,
                        insufficient=True),
    ]


def make_indicators() -> WritingIndicators:
    return WritingIndicators(
        word_count=27, sentence_count=3, words_per_sentence=9.0, long_words=6, lix=31.2,
        spelling=Spelling("hr_HR", 2, ("neugodnossti", "racunom"), 0.07), spelling_note=None,
        phrases={"apology": PhraseMatches(1, ("žao mi je",)),
                 "empathy": PhraseMatches(0, ()),
                 "ownership": PhraseMatches(1, ("provjerio sam",))},
        uses_customer_name=True)


def make_written(answer: str = ANSWER) -> WrittenResult:
    """Return a written response rated by two interviewers who disagree on ownership."""
    return WrittenResult(
        prompt="Odgovorite ljutitom kupcu kojem je račun dvostruko naplaćen.",
        answer=answer,
        word_count=len(answer.split()),
        criteria=[("empathy", "Empathy"), ("clarity", "Clarity"), ("ownership", "Ownership")],
        ratings=[
            RatingSummary("Ana Horvat", {"empathy": 4, "clarity": 5, "ownership": 1}, "Warm."),
            RatingSummary("Петар Јовановић", {"empathy": 3, "clarity": 4, "ownership": 4}, ""),
        ],
        criterion_means={"empathy": 3.5, "clarity": 4.5, "ownership": 2.5},
        criterion_spread={"empathy": 1, "clarity": 1, "ownership": 3},
        indicators=make_indicators(),
        pasted_chars=12,
    )


def make_profile(**overrides: object) -> Profile:
    """Return a profile with every section filled, and Croatian and Cyrillic text."""
    profile = Profile(
        attempt_id=42,
        candidate_name="Đurđa Šimić",
        candidate_email="durda.simic@example.com",
        assessment_name="Contact centre agent, Zagreb",
        bank_title="CSR core bank",
        bank_version=3,
        language="en",
        state="submitted",
        submitted_at=datetime(2025, 3, 14, 9, 26, tzinfo=UTC),
        generated_at=datetime(2025, 3, 15, 12, 0, tzinfo=UTC),
        overall=70.7,
        overall_low=61.2,
        overall_high=80.4,
        dimensions=make_dimensions(),
        strengths=["Stays calm and keeps control of a call with a shouting customer."],
        development_areas=["Check the arithmetic of refunds before promising an amount."],
        written=[make_written()],
        ratings_complete=False,
        norm_min_group=30,
        interview_guide=[GuideEntry("ownership", "Ownership and integrity", [
            Probe(PROBE_QUESTION, "Explains the rule, offers an alternative.", ANCHORS)])],
        typing=[TypingSummary(net_wpm=31.6, gross_wpm=36.2, accuracy=0.97, errors=4,
                              target_wpm=35)],
        integrity=IntegrityFacts(focus_losses=4, pastes=2, pasted_items=[3, 7],
                                 fast_answers=[5], median_seconds_per_item=21.5,
                                 ip_addresses=2, browsers=1),
        rules=["Development area: score below 50."],
    )
    return replace(profile, **overrides)


@pytest.fixture
def pdftotext() -> str:
    """Return the path of pdftotext, skipping when poppler-utils is missing."""
    path = shutil.which("pdftotext")
    if path is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
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


def test_pdf_shows_every_section_with_its_facts(pdftotext: str, tmp_path: Path) -> None:
    text = pdf_text(pdftotext, tmp_path, pdf.render_profile_pdf(make_profile()))
    flat = squeeze(text)

    for heading in HEADINGS["en"]:
        assert heading in text
    assert squeeze("CSR core bank, version 3") in flat
    assert "awaiting 1 rating" in text
    assert squeeze("band 61–80") in flat
    # Dimensions: percentile when the norm group is large enough, else why not.
    assert squeeze("62nd percentile of n = 45") in flat
    assert squeeze("norm group too small (n = 12; percentiles from 30)") in flat
    assert "insufficient evidence" in text
    assert squeeze("Situation 4: a customer calls.") in flat
    assert "awaiting rating" in text
    # The interview guide: the question, what a good answer contains, the scorecard.
    assert squeeze(PROBE_QUESTION) in flat
    assert "A good answer contains:" in text
    for anchor in ANCHORS.values():
        assert squeeze(anchor) in flat
    # Communication: disagreement, indicators, typing.
    assert "raters disagree by 3 points" in text
    assert "neugodnossti" in text and "racunom" in text
    assert "not part of the score" in text
    assert "12 characters pasted" in text
    assert squeeze("3 WPM below") in flat
    # Integrity: facts with counts and their definitions, and what they are not.
    assert squeeze("Left the assessment's page for more than 2 seconds (another tab or "
                   "window) 4 times") in flat
    assert squeeze("Pasted text 2 times, on items 3, 7") in flat
    assert squeeze("Answers faster than plausible reading time 1 answer: item 5") in flat
    assert "facts, not verdicts" in text
    assert squeeze("at least 30 attempts") in flat
    assert squeeze("Development area: score below 50.") in flat


def test_pdf_in_croatian_has_croatian_headings(pdftotext: str, tmp_path: Path) -> None:
    text = pdf_text(pdftotext, tmp_path, pdf.render_profile_pdf(make_profile(language="hr")))

    for heading in HEADINGS["hr"]:
        assert heading in text
    for heading in HEADINGS["en"]:
        assert heading not in text
    assert squeeze("62. percentil (n = 45)") in squeeze(text)
    assert "ocjenjivači se razlikuju za 3 boda" in text
    assert squeeze("Napuštanje stranice procjene na više od 2 sekunde (druga kartica ili "
                   "prozor) 4 puta") in squeeze(text)
    assert "stranica 1 od" in text


def test_languages_render_side_by_side_in_threads() -> None:
    profiles = [make_profile(language="hr" if n % 2 else "en") for n in range(8)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        pages = list(pool.map(pdf.render_profile_html, profiles))

    for profile, page in zip(profiles, pages, strict=True):
        assert ("<h2>Vodič za intervju</h2>" in page) == (profile.language == "hr")
        assert ("<h2>Interview guide</h2>" in page) == (profile.language == "en")


def test_guide_marks_situational_probes_in_each_language() -> None:
    situational = Probe("What would you do if a customer asked for a refund you could "
                        "not give?", "Explains the rule, offers an alternative.", ANCHORS,
                        kind="situational")
    guide = [GuideEntry("ownership", "Ownership and integrity",
                        [situational, Probe(PROBE_QUESTION, "Explains the rule.", ANCHORS)])]
    for language, label, intro in (
            ("en", "Situational", "suit candidates without customer-service experience"),
            ("hr", "Situacijsko pitanje", "za kandidate bez iskustva u radu s korisnicima")):
        page = pdf.render_profile_html(make_profile(language=language, interview_guide=guide))
        assert page.count(f'<span class="probe-kind">{label}</span>') == 1
        assert intro in page


def test_unknown_language_falls_back_to_english() -> None:
    assert "How to read this profile" in pdf.render_profile_html(make_profile(language="xx"))


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
    written = replace(make_written(answer=hostile), prompt=hostile, indicators=replace(
        make_indicators(), spelling=Spelling("en_US", 1, (snippets[0],), 0.1)))
    rating = replace(written.ratings[0], rater=snippets[0], comment=hostile)
    dimensions = make_dimensions()
    dimensions[0] = replace(dimensions[0], evidence=[replace(make_evidence(1), answer=hostile)])
    profile = make_profile(
        candidate_name=hostile,
        candidate_email=snippets[1],
        strengths=[hostile],
        dimensions=dimensions,
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


@pytest.mark.parametrize("standalone", [True, False])
def test_html_escapes_markup_in_candidate_text(
    request_counter: tuple[str, list[str]], standalone: bool
) -> None:
    url, _ = request_counter
    profile, _ = hostile_profile(url)

    html = pdf.render_profile_html(profile, standalone=standalone)

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


def test_standalone_html_inlines_the_stylesheet() -> None:
    html = pdf.render_profile_html(make_profile())

    assert html.startswith("<!DOCTYPE html>")
    assert '"Noto Sans"' in html and "<style>" in html
    assert "<h1>Đurđa Šimić</h1>" in html


def test_fragment_has_no_inline_style_for_the_content_security_policy() -> None:
    html = pdf.render_profile_html(make_profile(), standalone=False).strip()

    assert html.startswith('<section class="profile" lang="en"')
    assert html.endswith("</section>")
    assert "<style" not in html and "style=" not in html
    assert "<h1" not in html  # the attempt page has its own
    assert "Interview guide" in html


def test_stylesheet_rules_stay_inside_the_profile_on_screen() -> None:
    rules = tinycss2.parse_stylesheet(pdf.profile_stylesheet(), skip_comments=True,
                                      skip_whitespace=True)
    screen = []
    for rule in rules:
        if rule.type == "qualified-rule":
            screen.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
            if tinycss2.serialize(rule.prelude).strip() == "screen":
                screen += tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                   skip_whitespace=True)
        else:
            assert rule.type == "at-rule" and rule.lower_at_keyword == "page"
    assert screen
    for rule in screen:
        for selector in tinycss2.serialize(rule.prelude).split(","):
            assert selector.strip().startswith(".profile"), selector


def test_html_says_when_nothing_is_identified_or_scored() -> None:
    html = pdf.render_profile_html(
        make_profile(strengths=[], development_areas=[], overall=None, ratings_complete=True,
                     interview_guide=[], written=[], typing=[], integrity=None)
    )

    assert html.count("None identified") == 2
    assert "not yet scored" in html
    assert "awaiting ratings" not in html.lower()
    assert "no interview questions" in html
    assert "no written responses and no typing test" in html
    assert "Not recorded for this attempt." in html


def test_html_says_awaiting_ratings_for_unrated_response() -> None:
    written = replace(make_written(), ratings=[], criterion_means={}, criterion_spread={})

    html = pdf.render_profile_html(make_profile(written=[written]))

    assert "Awaiting ratings" in html
    assert "scores for Professional communication are provisional" in html
    assert "raters disagree" not in html


def test_html_hides_others_ratings_until_the_viewer_rates() -> None:
    written = replace(make_written(), ratings=[], criterion_means={}, criterion_spread={},
                      hidden_ratings=2)

    html = pdf.render_profile_html(make_profile(written=[written]))

    assert "2 ratings hidden until you submit your own." in html
    assert "Ana Horvat" not in html and "Warm." not in html
    assert "Awaiting ratings" not in html


def test_format_utc_converts_aware_and_keeps_naive_moments() -> None:
    zagreb = timezone(timedelta(hours=1))

    assert pdf.format_utc(datetime(2025, 3, 14, 10, 26, tzinfo=zagreb)) == "2025-03-14 09:26 UTC"
    assert pdf.format_utc(datetime(2025, 3, 14, 9, 26)) == "2025-03-14 09:26 UTC"
    assert pdf.format_utc(None) == "—"


@pytest.mark.parametrize(("value", "language", "expected"), [
    (62.4, "en", "62nd"), (1, "en", "1st"), (3, "en", "3rd"), (11, "en", "11th"),
    (12.5, "en", "13th"), (21, "en", "21st"), (100, "en", "100th"), (0, "en", "0th"),
    (62.4, "hr", "62."), (7, "sr-Cyrl", "7."),
])
def test_format_ordinal(value: float, language: str, expected: str) -> None:
    assert format_ordinal(value, language) == expected


def test_radar_svg_is_xml_with_one_score_polygon_and_a_legend() -> None:
    svg = radar_svg(make_dimensions(), band_label="95% band")

    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted XML
    polygons = root.findall(f"{SVG}polygon")
    assert len(polygons) == 1
    assert len(polygons[0].get("points", "").split()) == 5
    labels = " ".join(text.text or "" for text in root.iter(f"{SVG}text"))
    assert "accuracy (–)" in labels
    assert "95% band" in labels and "score" in labels


def test_radar_svg_ring_values_are_off_the_axes() -> None:
    size = 320
    root = ET.fromstring(radar_svg(make_dimensions(), size=size))  # noqa: S314
    cx, cy, count = size * 1.45 / 2, size / 2, len(make_dimensions())
    axes = [-math.pi / 2 + 2 * math.pi * i / count for i in range(count)]
    ticks = [t for t in root.iter(f"{SVG}text") if t.text in {str(v) for v in GRID_LEVELS}]

    assert len(ticks) == len(GRID_LEVELS)
    for tick in ticks:
        angle = math.atan2(float(tick.get("y", 0)) - cy, float(tick.get("x", 0)) - cx)
        nearest = min(abs((angle - axis + math.pi) % (2 * math.pi) - math.pi) for axis in axes)
        assert nearest > math.radians(15), tick.text


def test_radar_svg_escapes_labels() -> None:
    dimensions = make_dimensions()
    dimensions[0] = replace(dimensions[0], name='Tone <&> "tact"')

    svg = radar_svg(dimensions, band_label="<b>")

    assert "&lt;&amp;&gt;" in svg and "&lt;b&gt;" in svg
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted XML
    assert any("<&>" in (text.text or "") for text in root.iter(f"{SVG}text"))


def test_radar_svg_is_deterministic_and_draws_no_polygon_without_scores() -> None:
    unscored = [replace(d, score=None, low=None, high=None) for d in make_dimensions()]

    assert radar_svg(make_dimensions()) == radar_svg(make_dimensions())
    assert "<polygon" not in radar_svg(unscored)


def test_templates_mark_every_visible_string_for_translation() -> None:
    template = (pdf.TEMPLATES_DIR / pdf.TEMPLATE).read_text(encoding="utf-8")
    without_code = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}|<[^>]+>", " ", template, flags=re.S)

    assert re.findall(r"[A-Za-z]{3,}", without_code) == []


def test_a_focus_count_made_under_the_earlier_rule_is_not_shown(db, assessment, clock):
    from hiring.scoring.integrity import integrity_facts
    from tests.factories import make_attempt

    with db() as session:
        old, _ = make_attempt(session, assessment, now=clock(), started=True,
                              email="old@example.com")
        old.focus_losses = 30  # one per page under the earlier rule, no focus_lost_at
        new, _ = make_attempt(session, assessment, now=clock(), started=True,
                              email="new@example.com")
        new.focus_losses, new.focus_lost_at = 2, clock()
        assert not integrity_facts(old, []).focus_losses_known
        assert integrity_facts(new, []).focus_losses_known
