"""The candidate's feedback report: it says what the profile's rules say, in plain words,
in the candidate's language, and nothing of norms, integrity or raters."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from hiring.catalogues import translations
from hiring.reports import feedback
from hiring.reports.feedback_pdf import render_feedback_html, render_feedback_pdf
from hiring.scoring.rules import Rules
from tests.domain.test_reports import make_profile, make_subscores, pdf_objects

RULES = Rules()
# Words the report must never carry: norms, integrity facts, raters and their comments.
FORBIDDEN = {
    "en": ["percentile", "norm group", "Integrity", "leaving the page", "pasted", "pasting",
           "faster than plausible", "Warm.", "Ana Horvat", "Петар", "band", "78"],
    "hr": ["percentil", "normna skupina", "integritet", "napuštanje stranice", "zalijepljen",
           "lijepljenje", "Warm.", "Ana Horvat", "Петар", "interval", "78"],
}


def flat(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def keys(points: list[feedback.Point]) -> list[str]:
    return [p.key for p in points]


def test_the_profiles_strengths_and_development_areas_become_strengths_and_tips():
    report = feedback.from_profile(make_profile(), RULES)

    # customer focus: band 72-86, all at or above 70; numeracy: band 10-45, all below 50
    assert keys(report.strengths) == ["customer_focus"]
    assert keys(report.tips) == ["numeracy"]
    assert report.tips[0].text == feedback.TEXTS["numeracy"][1]
    # the judgement band reaches across 70; reading and typing rest on one item each
    assert keys(report.unclear) == ["judgement", "reading", "typing"]
    assert keys(report.not_measured) == ["writing"]  # awaiting ratings
    assert "not been reviewed yet" in report.not_measured[0].text


def test_a_band_too_wide_for_a_flag_gives_no_strong_claim():
    subscores = make_subscores()
    wide = replace(subscores[0], low=64.0, decision="band")  # 64-86 reaches across 70
    report = feedback.from_profile(make_profile(subscores=[wide, *subscores[1:]]), RULES)

    assert report.strengths == []
    text = flat(render_feedback_html(report))
    assert feedback.TEXTS["customer_focus"][0] not in text
    assert "did not show a clear strength this time" in text


def test_indications_are_never_flagged_for_the_candidate():
    subscores = make_subscores()
    strong_indication = replace(subscores[1], low=72.0, high=90.0, score=80.0)
    report = feedback.from_profile(make_profile(subscores=[subscores[0], strong_indication]),
                                   RULES)
    assert "composure" not in keys(report.strengths) + keys(report.tips)


def test_the_assessments_own_thresholds_decide():
    report = feedback.from_profile(make_profile(), Rules(strength_score=90.0))
    assert report.strengths == []  # 72-86 is not at or above 90


@pytest.mark.parametrize("language", ["en", "hr"])
def test_an_incomplete_attempt_claims_nothing_and_says_what_was_not_measured(language):
    profile = replace(make_profile(language=language), incomplete=True, n_unanswered=20)
    report = feedback.from_profile(profile, RULES)

    assert report.strengths == [] and report.tips == [] and report.unclear == []
    assert keys(report.not_measured) == ["writing"]
    text = flat(render_feedback_html(report))
    gettext = translations(language).gettext
    assert gettext("Your strengths") not in text
    assert gettext("Tips for your development") not in text
    assert ("10 of 30" if language == "en" else "10 od 30") in text
    assert feedback.TEXTS["numeracy"][1] not in text  # never weak for unanswered


def test_unanswered_parts_are_said_plainly_and_not_as_weak():
    scales = [replace(s, score=None, low=None, high=None, n_items=0, n_unanswered=2,
                      decision="none") if s.key == "reading" else s
              for s in make_profile().scales]
    report = feedback.from_profile(make_profile(scales=scales), RULES)
    point = next(p for p in report.not_measured if p.key == "reading")
    assert "not answered" in point.text and "not counted against you" in point.text
    assert "reading" not in keys(report.tips)


@pytest.mark.parametrize("language", ["en", "hr"])
def test_the_page_and_the_pdf_carry_no_norms_integrity_or_raters(language, tmp_path: Path):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    report = feedback.from_profile(make_profile(language=language), RULES)
    html = flat(render_feedback_html(report))
    path = tmp_path / "feedback.pdf"
    path.write_bytes(render_feedback_pdf(report))
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    gettext = translations(language).gettext
    for shown in (html, text):
        assert gettext("Your strengths") in shown and "Đurđa Šimić" in shown
        assert gettext(feedback.TEXTS["customer_focus"][0]) in shown
        lowered = shown.lower()
        for word in FORBIDDEN[language]:
            assert word.lower() not in lowered, (language, word)


@pytest.mark.parametrize("language", ["en", "hr"])
def test_the_pdf_is_tagged_in_the_candidates_language(language, tmp_path: Path):
    document = render_feedback_pdf(feedback.from_profile(make_profile(language=language),
                                                         RULES))
    objects = pdf_objects(document)
    assert b"/StructTreeRoot" in objects and re.search(rb"/Marked\s+true", objects)
    assert re.search(rb"/Lang\s*\(" + language.encode() + rb"\)", objects)
    assert re.search(rb"/S\s*/H1\b", objects)
    if shutil.which("pdfinfo"):
        path = tmp_path / "feedback.pdf"
        path.write_bytes(document)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                              check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M)


def test_every_text_is_translated_to_croatian():
    gettext = translations("hr").gettext
    texts = [text for pair in (*feedback.TEXTS.values(), feedback.GENERIC) for text in pair]
    untranslated = [text for text in texts if gettext(text) == text]
    assert untranslated == []


def test_the_template_marks_every_visible_string_for_translation():
    for name in ("reports/_feedback.html", "candidate/feedback.html",
                 "candidate/feedback_gone.html"):
        source = (Path(__file__).parents[2] / "templates" / name).read_text(encoding="utf-8")
        without_code = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}|<[^>]+>", " ", source, flags=re.S)
        assert re.findall(r"[A-Za-z]{3,}", without_code) == [], name
