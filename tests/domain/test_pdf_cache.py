"""Rendered profiles are reused until something they show changes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from hiring.reports.cache import cached_pdf, fingerprint
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
        f"profile-7-{fingerprint(rated)}.pdf"]  # the stale one is gone
