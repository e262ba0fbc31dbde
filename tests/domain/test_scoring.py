"""Dimension scores, bands, rules, ratings."""

from __future__ import annotations

import pytest

from hiring.assessment import engine
from hiring.assessment.ratings import RatingError, rate
from hiring.models import AttemptState
from hiring.scoring.dimensions import DimensionScore, ItemScore, dimension_score
from hiring.scoring.rules import Rules, classify
from tests.factories import make_attempt, make_user


def test_dimension_score_is_weighted_mean_with_band():
    result = dimension_score([ItemScore("x", 1, 1.0), ItemScore("x", 1, 0.5),
                              ItemScore("x", 2, 0.0), ItemScore("x", 1, None)])
    assert result.score == pytest.approx(100 * 1.5 / 4, abs=0.1)
    assert result.n_items == 3 and result.n_pending == 1
    assert result.low < result.score < result.high


def test_band_narrows_with_more_items():
    few = dimension_score([ItemScore("x", 1, s) for s in (1.0, 0.5)])
    many = dimension_score([ItemScore("x", 1, s) for s in (1.0, 0.5) * 8])
    assert few.score == many.score
    assert (many.high - many.low) < (few.high - few.low)


def test_no_scored_items_means_no_score():
    result = dimension_score([ItemScore("x", 1, None)])
    assert result.score is None and result.n_pending == 1


def test_rules_pick_at_most_three_each_in_order():
    scores = {f"d{i}": DimensionScore(s, s - 10, s + 10, 5, 0)
              for i, s in enumerate([95, 90, 85, 80, 40, 30, 20, 10])}
    strengths, development = classify(scores, Rules())
    assert strengths == ["d0", "d1", "d2"]
    assert development == ["d7", "d6", "d5"]
    wide = {"d": DimensionScore(80, 40, 100, 1, 0)}
    assert classify(wide, Rules()) == ([], [])  # the band is too wide to call it a strength


def test_rating_completes_scoring(db, assessment, clock):
    with db() as session:
        rater = make_user(session, role="interviewer")
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 6, {"text": "Dear Ana, I am sorry."}, session=session,
                           now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        assert attempt.state == AttemptState.SUBMITTED
        assert attempt.results["communication"]["score"] is None
        written = engine.response_at(attempt, 6, session=session)
        with pytest.raises(RatingError):
            rate(written, session=session, rater_id=rater.id, scores={"tone": 5})
        with pytest.raises(RatingError):
            rate(written, session=session, rater_id=rater.id, scores={"tone": 6, "empathy": 1})
        rate(written, session=session, rater_id=rater.id, scores={"tone": 5, "empathy": 3})
        assert attempt.state == AttemptState.SCORED
        assert attempt.results["communication"]["score"] == 75.0
        rate(written, session=session, rater_id=rater.id, scores={"tone": 1, "empathy": 1},
             comment="changed my mind")
        assert attempt.results["communication"]["score"] == 0.0
