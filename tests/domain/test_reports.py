"""The profile report: score bars, HTML and PDF in the profile's language, candidate text inert."""

from __future__ import annotations

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
from hiring.reports.chart import bars_svg
from hiring.reports.formatting import format_ordinal
from hiring.reports.profile import (
    Evidence,
    GuideEntry,
    NormResult,
    Probe,
    Profile,
    RatingSummary,
    Reliability,
    ScoreResult,
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
    "en": ["Strengths", "Development areas", "Scores", "Behavioural dimensions",
           "Interview guide", "Communication", "Integrity signals", "How to read this profile"],
    "hr": ["Snage", "Područja za razvoj", "Rezultati", "Dimenzije ponašanja",
           "Vodič za intervju", "Komunikacija", "Signali integriteta",
           "Kako čitati ovaj profil"],
}
FIRST, LAST = datetime(2026, 10, 2, 9, tzinfo=UTC), datetime(2026, 12, 1, 17, tzinfo=UTC)


def make_evidence(position: int, score: float | None = 0.75, answered: bool = True
                  ) -> Evidence:
    return Evidence(position, f"sjt-{position}", "sjt", f"Situation {position}: a customer calls.",
                    "best: Listen to the end.", "best: Listen to the end.", score, answered)


def prior(n: int, reliability: float = 0.63, sem: float = 8.9) -> Reliability:
    return Reliability("prior", reliability, sem, n, n_attempts=12, min_attempts=50)


def make_judgement() -> ScoreResult:
    return ScoreResult(
        "judgement", "scale", "Customer-service judgement", "All situations.", 70.7, 61.2,
        80.4, 20, decision="band", note="band 61–80 reaches across 70: no claim",
        norm=NormResult(62.4, 41, "Croatian", FIRST, LAST),
        reliability=Reliability("data", 0.71, 6.2, 20, (0.66, 0.75), 312, 50))


def make_scales() -> list[ScoreResult]:
    """Return numeracy (a development area), reading (1 of 2 answered), typing, writing."""
    return [
        ScoreResult("numeracy", "scale", "Numeracy", "Billing math.", 30.0, 10.0, 45.0, 6,
                    decision="development",
                    note="development area: the band 10–45 lies below 50",
                    norm=NormResult(None, 12, "Croatian"), reliability=prior(6),
                    evidence=[make_evidence(21, 1.0), make_evidence(22, None, answered=False)]),
        ScoreResult("reading", "scale", "Reading accuracy", "Account screens.", 100.0, 45.0,
                    100.0, 1, n_unanswered=1, decision="insufficient",
                    note="1 answered item, fewer than 2: no claim",
                    norm=NormResult(None, 12, "Croatian"), reliability=prior(1, 0.25, 39.0)),
        ScoreResult("typing", "scale", "Typing", "Net words a minute.", 90.3, 75.0, 100.0, 1,
                    decision="insufficient", note="1 answered item, fewer than 2: no claim",
                    norm=NormResult(None, 12, "Croatian"),
                    reliability=Reliability("prior", 0.85, 7.7, 1, single_item=True),
                    evidence=[Evidence(
                        25, "typing-1", "typing", "Copy the passage.", "32 net words a minute",
                        "", 0.903, line="32 net words a minute, accuracy 97%, against a "
                                        "target of 35")]),
        ScoreResult("writing", "scale", "Writing", "Rated replies.", None, None, None, 0,
                    n_pending=1, decision="pending", note="awaiting ratings: no score yet",
                    evidence=[make_evidence(30, None)]),
    ]


def make_subscores() -> list[ScoreResult]:
    """Return the behavioural subscores: one reportable, the others indications."""
    return [
        ScoreResult("customer_focus", "subscore", "Customer focus and empathy",
                    "Patience, empathy.", 78.0, 72.0, 86.0, 12, decision="strength",
                    note="strength: the band 72–86 lies at or above 70",
                    norm=NormResult(55.0, 41, "Croatian", FIRST, LAST),
                    reliability=Reliability("data", 0.74, 5.0, 12, None, 312, 50),
                    evidence=[make_evidence(1), make_evidence(4)]),
        ScoreResult("composure", "subscore", "Composure and positivity", "Stay calm.", 75.0,
                    40.0, 100.0, 4, reportable=False, decision="indication",
                    note="indication only: 4 items, reliability 0.26 (not enough to report "
                         "as a score on its own)", reliability=prior(4, 0.26, 14.4)),
        ScoreResult("ownership", "subscore", "Ownership and integrity", "Keep promises.", None,
                    None, None, 0, n_unanswered=4, reportable=False, decision="none",
                    note="no answered items: nothing was measured"),
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
        judgement=make_judgement(),
        scales=make_scales(),
        subscores=make_subscores(),
        n_items=30,
        n_unanswered=5,
        min_answered=23,
        strengths=["Customer focus and empathy: 78 (95% band 72–86), the whole band at or "
                   "above 70."],
        development_areas=["Numeracy: 30 (95% band 10–45), the whole band below 50: worth "
                           "probing in the interview."],
        written=[make_written()],
        ratings_complete=False,
        norm_min_group=30,
        interview_guide=[GuideEntry("numeracy", "Numeracy and accuracy", [
            Probe(PROBE_QUESTION, "Explains the rule, offers an alternative.", ANCHORS)])],
        typing=[TypingSummary(net_wpm=31.6, gross_wpm=36.2, accuracy=0.97, errors=4,
                              target_wpm=35)],
        integrity=IntegrityFacts(focus_losses=4, pastes=2, pasted_items=[3, 7],
                                 fast_answers=[5], median_seconds_per_item=21.5,
                                 ip_addresses=2, browsers=1),
        rules=["Development area: the upper end of the score's 95% band is below 50."],
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
def test_pdf_shows_candidate_scores_and_answer(
    name: str, pdftotext: str, tmp_path: Path
) -> None:
    document = pdf.render_profile_pdf(make_profile(candidate_name=name))

    assert document.startswith(b"%PDF")
    text = pdf_text(pdftotext, tmp_path, document)
    assert name in text
    for result in [make_judgement(), *make_scales(), *make_subscores()]:
        assert squeeze(result.name) in squeeze(text)
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
    # The judgement score leads, with its band, its counts and its norm group.
    assert squeeze("95% band 61–80") in flat
    assert squeeze("based on 20 of 20 items; 0 unanswered") in flat
    assert squeeze("percentile 62 among 41 attempts in Croatian, 2026-10-02 to 2026-12-01") \
        in flat
    assert squeeze("band 61–80 reaches across 70: no claim") in flat
    # Every score: its counts, its norm or why not, and what the rules make of it.
    assert squeeze("based on 1 of 2 items; 1 unanswered") in flat
    assert squeeze("based on 0 of 1 item; 0 unanswered; 1 awaiting rating") in flat
    assert squeeze("norm group too small (n = 12, Croatian)") in flat
    assert squeeze("1 answered item, fewer than 2: no claim") in flat
    assert squeeze("32 net words a minute, accuracy 97%, against a target of 35") in flat
    # Behavioural dimensions: a score with its band, or an indication that says why.
    assert squeeze("strength: the band 72–86 lies at or above 70") in flat
    assert squeeze("indication only: 4 items, reliability 0.26 (not enough to report as a "
                   "score on its own)") in flat
    assert squeeze("based on 0 of 4 items; 4 unanswered") in flat
    assert squeeze("Situation 4: a customer calls.") in flat
    assert "awaiting rating" in text and "no answer" in text
    # How to read: each score's reliability and SEM, and where they come from.
    assert squeeze("estimated from 312 completed attempts: reliability 0.71 (95% interval "
                   "0.66–0.75), SEM 6.2 points") in flat
    assert squeeze("prior (not enough completed attempts yet: 12 of 50): reliability 0.63, "
                   "SEM 8.9 points") in flat
    assert squeeze("prior (one item: no pairs of items to estimate it from)") in flat
    assert squeeze("intraclass correlation of item scores within candidates, stepped up "
                   "with Spearman-Brown") in flat
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
    assert squeeze("Development area: the upper end of the score's 95% band is below 50.") \
        in flat
    assert "Incomplete" not in text


def test_pdf_in_croatian_has_croatian_headings(pdftotext: str, tmp_path: Path) -> None:
    text = pdf_text(pdftotext, tmp_path, pdf.render_profile_pdf(make_profile(language="hr")))

    for heading in HEADINGS["hr"]:
        assert heading in text
    for heading in HEADINGS["en"]:
        assert heading not in text
    # (the builder names the group's language in the profile's language; here it is given)
    assert squeeze("percentil 62; normna skupina: 41 pokušaj (Croatian), 2026-10-02 – "
                   "2026-12-01") in squeeze(text)
    assert squeeze("95% interval 61–80") in squeeze(text)
    assert "raspon" not in text  # the band is "interval", the raters' spread "razlika"
    assert "ocjenjivači se razlikuju za 3 boda" in text
    assert squeeze("Napuštanje stranice procjene na više od 2 sekunde (druga kartica ili "
                   "prozor) 4 puta") in squeeze(text)
    assert "stranica 1 od" in text


def pdf_objects(document: bytes) -> bytes:
    """The PDF's bytes with every compressed stream (object streams too) inflated."""
    import zlib

    inflated = [document]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass  # an image or a font that is not deflated
    return b"".join(inflated)


@pytest.mark.parametrize("language", ["en", "hr"])
def test_the_pdf_is_tagged_for_assistive_technology_in_its_language(
        language: str, tmp_path: Path) -> None:
    document = pdf.render_profile_pdf(make_profile(language=language))
    objects = pdf_objects(document)
    # PDF/UA: a structure tree, marked content, the document's language, real headings
    # and tables, and the chart's text alternative
    assert b"/StructTreeRoot" in objects and re.search(rb"/Marked\s+true", objects)
    assert re.search(rb"/Lang\s*\(" + language.encode() + rb"\)", objects)
    assert re.search(rb"/S\s*/H1\b", objects) and re.search(rb"/S\s*/Table\b", objects)
    assert re.search(rb"/S\s*/Figure\b", objects) and b"/Alt" in objects
    path = tmp_path / "profile.pdf"
    path.write_bytes(document)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                              check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M)


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
    subscores = make_subscores()
    subscores[0] = replace(subscores[0], evidence=[replace(make_evidence(1), answer=hostile)])
    profile = make_profile(
        candidate_name=hostile,
        candidate_email=snippets[1],
        strengths=[hostile],
        subscores=subscores,
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
        make_profile(strengths=[], development_areas=[], judgement=None,
                     scales=make_scales()[:3], ratings_complete=True, interview_guide=[],
                     guide_note="The question bank has no interview questions for these "
                                "dimensions.", written=[], typing=[], integrity=None)
    )

    assert html.count("None identified") == 2
    assert "not measured" in html  # ownership: none of its items answered
    assert "this assessment has no situational questions" in html
    assert "awaiting ratings" not in html.lower()
    assert "no interview questions" in html
    assert "no written responses and no typing test" in html
    assert "Not recorded for this attempt." in html


def test_html_says_awaiting_ratings_for_unrated_response() -> None:
    written = replace(make_written(), ratings=[], criterion_means={}, criterion_spread={})

    html = pdf.render_profile_html(make_profile(written=[written]))

    assert "Awaiting ratings" in html
    assert "the writing score follows once they are rated" in html
    assert "raters disagree" not in html


def incomplete_profile(**overrides: object) -> Profile:
    """Return the profile of an attempt with 27 of its 30 questions unanswered."""
    judgement = replace(make_judgement(), score=100.0, low=47.0, high=100.0, n_items=2,
                        n_unanswered=18, decision="incomplete",
                        note="the attempt is incomplete: no claim",
                        norm=NormResult(None, 12, "Croatian"))
    values = {"judgement": judgement, "scales": [], "subscores": [], "n_unanswered": 27,
              "incomplete": True, "strengths": [], "development_areas": [],
              "interview_guide": [],
              "guide_note": "No interview questions are suggested: too few items were answered."}
    return make_profile(**{**values, **overrides})


def test_an_incomplete_profile_says_so_first_and_claims_nothing(pdftotext: str,
                                                                 tmp_path: Path) -> None:
    html = pdf.render_profile_html(incomplete_profile())
    text = pdf_text(pdftotext, tmp_path, pdf.render_profile_pdf(incomplete_profile()))
    flat = squeeze(text)

    notice = squeeze("Incomplete: 27 of 30 questions unanswered. Scores rest on the answered "
                     "items only; no strengths or development areas are claimed from fewer "
                     "than 23 answered items.")
    assert notice in flat
    assert flat.index(notice) < flat.index(squeeze("Customer-service judgement"))
    assert 'class="notice incomplete-notice"' in html
    assert flat.count(squeeze("None claimed: the attempt is incomplete")) == 2
    assert squeeze("based on 2 of 20 items; 18 unanswered") in flat
    assert squeeze("the attempt is incomplete: no claim") in flat


def test_a_profile_without_answers_shows_no_scores() -> None:
    nothing = replace(make_judgement(), score=None, low=None, high=None, n_items=0,
                      n_unanswered=20, decision="none", norm=None)
    html = pdf.render_profile_html(incomplete_profile(
        judgement=nothing, n_unanswered=30, no_answers=True,
        guide_note="No interview questions are suggested: nothing was measured."),
        standalone=False)

    assert "No answers: nothing was measured." in html
    assert "Incomplete:" not in html
    assert "scores-section" not in html and "<svg" not in html
    assert html.count("None: nothing was measured") == 2
    assert "No interview questions are suggested: nothing was measured." in html


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


def chart(subscores: list[ScoreResult] | None = None, **labels: str) -> str:
    groups = [("Scores", [make_judgement(), *make_scales()]),
              ("Behavioural dimensions", make_subscores() if subscores is None else subscores)]
    return bars_svg(groups, (50, 70), pdf.ChartLabels(**labels))


def test_bars_are_svg_with_a_band_per_score_and_hollow_indications() -> None:
    root = ET.fromstring(chart())  # noqa: S314 - our own output, not untrusted XML
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]

    assert "Customer-service judgement" in texts and "Behavioural dimensions" in texts
    # a band for each reportable score with one (judgement, numeracy, reading, typing,
    # customer focus), plus the legend's; none for writing (no score yet) nor composure
    bands = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#93c5fd"]
    assert len(bands) == 5 + 1
    hollow = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#ffffff"]
    assert len(hollow) == 1 + 1  # composure, and the legend's
    # the thresholds of the rules are drawn across every row
    assert len([line for line in root.iter(f"{SVG}line")
                if line.get("stroke-dasharray") == "3 2"]) == 2 + 1
    assert "awaiting ratings" in texts and {"0", "50", "70", "100"} <= set(texts)


def test_bars_escape_labels() -> None:
    subscores = make_subscores()
    subscores[0] = replace(subscores[0], name='Tone <&> "tact"')

    svg = chart(subscores, band="<b>")

    assert "&lt;&amp;&gt;" in svg and "&lt;b&gt;" in svg
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted XML
    assert any("<&>" in (text.text or "") for text in root.iter(f"{SVG}text"))


def test_bars_are_deterministic_and_draw_no_point_without_a_score() -> None:
    unscored = [replace(d, score=None, low=None, high=None) for d in make_subscores()]

    assert chart() == chart()
    root = ET.fromstring(chart(unscored))  # noqa: S314
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#ffffff"]) == 1


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
