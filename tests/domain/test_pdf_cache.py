"""Rendered profiles are reused until something they show changes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from hiring.reports import cache
from hiring.reports.cache import (
    cached_html,
    cached_pdf,
    fingerprint,
    stored,
    view_name,
)
from hiring.reports.profile import Profile, ScoreResult


def judgement(score: float) -> ScoreResult:
    return ScoreResult("judgement", "scale", "Judgement", "All situations.", score,
                       score - 20, score + 20, 20)


def profile(**overrides) -> Profile:
    values = {
        "attempt_id": 7, "candidate_name": "Ana", "candidate_email": "ana@example.com",
        "assessment_name": "A", "bank_title": "B", "bank_version": 1, "language": "en",
        "state": "scored", "submitted_at": None, "generated_at": datetime.now(UTC),
        "judgement": judgement(60.0),
    }
    values.update(overrides)
    return Profile(**values)


def test_the_same_profile_renders_once_and_a_change_renders_again(tmp_path):
    renders = []

    def render(p: Profile) -> bytes:
        renders.append(p)
        return f"%PDF {p.judgement.score}".encode()

    first = profile()
    assert cached_pdf(first, tmp_path, render) == b"%PDF 60.0"
    later = dataclasses.replace(first, generated_at=datetime(2030, 1, 1, tzinfo=UTC))
    assert fingerprint(later) == fingerprint(first)
    assert cached_pdf(later, tmp_path, render) == b"%PDF 60.0"
    assert len(renders) == 1
    rated = dataclasses.replace(first, judgement=judgement(75.0))
    assert cached_pdf(rated, tmp_path, render) == b"%PDF 75.0"
    assert len(renders) == 2
    assert [p.name for p in tmp_path.glob("profile-7-*.pdf")] == [
        f"profile-7-en-all-{fingerprint(rated)}.pdf"]  # the stale one is gone


def test_each_language_and_view_is_kept_apart_and_a_new_renderer_renders_again(
        tmp_path, monkeypatch):
    renders = []

    def render(p: Profile) -> bytes:
        renders.append(p)
        return f"%PDF {p.language}".encode()

    english, croatian = profile(), profile(language="hr")
    assert cached_pdf(english, tmp_path, render) == b"%PDF en"
    assert cached_pdf(croatian, tmp_path, render) == b"%PDF hr"
    assert cached_pdf(english, tmp_path, render, view=view_name(8)) == b"%PDF en"
    assert len(renders) == 3  # the same data for another view is rendered for it
    assert stored(english, tmp_path, view=view_name(None)) == b"%PDF en"
    assert stored(english, tmp_path, view="r9") is None
    assert len(list(tmp_path.glob("profile-7-*.pdf"))) == 3  # none removed the others

    # Texts are cut at PDF_MAX_TEXT_CHARS: another limit is another rendering.
    assert stored(english, tmp_path, settings=cache.pdf_settings(300)) is None

    assert cached_html(english, tmp_path, lambda p: "<section>en</section>") == (
        "<section>en</section>")
    assert cached_html(english, tmp_path, lambda p: "never") == "<section>en</section>"

    # Changed templates, stylesheet, translations or code give every profile a new
    # fingerprint: nothing rendered by the old ones is served.
    before = fingerprint(english)
    monkeypatch.setattr(cache, "renderer_version", lambda: "another")
    assert fingerprint(english) != before
    assert stored(english, tmp_path) is None
    assert cached_pdf(english, tmp_path, render) == b"%PDF en"
    assert len(renders) == 4
