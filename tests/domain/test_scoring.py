"""Scoring an attempt: scales, unanswered items, ratings, flags, re-scoring old results."""

from __future__ import annotations

import pytest

from hiring.assessment import engine
from hiring.assessment.ratings import RatingError, rate
from hiring.models import Assessment, Attempt, AttemptState
from hiring.reports.build import build_profile
from hiring.scoring.attempts import current_scores, rescore_outdated
from hiring.scoring.evidence import precision_for
from hiring.scoring.precision import ScaleModel
from hiring.scoring.rules import Banded, Rules, classify
from hiring.scoring.scales import ItemResult, scale_score
from tests.factories import make_attempt, make_user


def test_a_scale_score_is_the_weighted_mean_of_its_answered_items():
    items = [ItemResult("numeracy", "numeracy", 1, True, 1.0),
             ItemResult("numeracy", "numeracy", 1, True, 0.5),
             ItemResult("numeracy", "numeracy", 2, True, 0.0),
             ItemResult("numeracy", "numeracy", 1, False, None)]
    result = scale_score(items)
    assert result.score == pytest.approx(100 * 1.5 / 4, abs=0.1)
    assert (result.n_items, result.n_unanswered, result.n_pending) == (3, 1, 0)


def test_rules_pick_at_most_three_each_in_order():
    scores = {f"d{i}": Banded(s, s - 10, s + 10, 5)
              for i, s in enumerate([95, 90, 85, 80, 40, 30, 20, 10])}
    strengths, development = classify(scores, Rules())
    assert strengths == ["d0", "d1", "d2"]
    assert development == ["d7", "d6", "d5"]
    wide = {"d": Banded(80, 40, 100, 1)}
    assert classify(wide, Rules()) == ([], [])  # one item, and a band across both thresholds


def answer_only(attempt, positions, *, session, clock):
    for position in positions:
        answer = {"value": "1"} if position > 20 else {"best": "a"}
        engine.save_answer(attempt, position, answer, session=session, now=clock(), seq=1)
    engine.submit(attempt, session=session, now=clock())


def test_27_of_30_unanswered_is_scored_on_the_3_answered_items(db, long_assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, long_assessment, now=clock(), started=True)
        answer_only(attempt, [1, 2, 21], session=session, clock=clock)
        results = attempt.results
        assert results["n_items"] == 30 and results["n_unanswered"] == 27
        judgement = results["scales"]["judgement"]
        assert judgement == {"score": 100.0, "n_items": 2, "n_unanswered": 18, "n_pending": 0}
        numeracy = results["scales"]["numeracy"]
        assert (numeracy["n_items"], numeracy["n_unanswered"]) == (1, 7)
        writing = results["scales"]["writing"]
        assert writing == {"score": None, "n_items": 0, "n_unanswered": 2, "n_pending": 0}
        assert attempt.overall_score == 100.0  # the judgement score, not a mean with zeros
        assert attempt.state == AttemptState.SCORED  # nothing answered waits for a rating
        unanswered = engine.response_at(attempt, 30, session=session)
        assert unanswered.score is None  # not a zero

        profile = build_profile(attempt, session=session, blind_for=None)
        assert profile.incomplete and not profile.no_answers
        assert (profile.n_items, profile.n_unanswered, profile.min_answered) == (30, 27, 23)
        assert profile.strengths == [] and profile.development_areas == []
        assert all(s.decision in ("incomplete", "none") for s in profile.scores)
        assert profile.interview_guide == [] and "too few items" in profile.guide_note
        assert profile.judgement.n_items == 2 and profile.judgement.n_unanswered == 18


def test_an_attempt_without_answers_measures_nothing(db, long_assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, long_assessment, now=clock(), started=True)
        answer_only(attempt, [], session=session, clock=clock)
        assert attempt.overall_score is None and attempt.results["n_unanswered"] == 30
        profile = build_profile(attempt, session=session, blind_for=None)
        assert profile.no_answers and profile.strengths == profile.development_areas == []
        assert profile.interview_guide == [] and "nothing was measured" in profile.guide_note
        assert all(s.score is None for s in profile.scores)


def test_the_composite_band_is_the_scale_model_band_by_hand(db, long_assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, long_assessment, now=clock(), started=True)
        answer_only(attempt, range(1, 21), session=session, clock=clock)
        model = precision_for(session.get(Assessment, long_assessment.id),
                              session=session).scale("judgement")
        assert model.source == "prior"  # one completed attempt: far from enough
        assert (model.item_sd, model.icc) == (ScaleModel.prior("judgement").item_sd, 0.08)
        profile = build_profile(attempt, session=session, blind_for=None)
        # Prior: item SD 0.30, ICC 0.08. Over 20 answered items the SEM is
        # 100 * 0.30 * sqrt(0.92 / 20) = 6.434 points. The best option everywhere scores
        # 100, but the five best-and-worst items had no worst chosen: half marks, so 87.5;
        # the band is 87.5 - 1.96 * 6.434 = 74.89 up to 100 (kept within 0-100).
        sem = 100 * 0.30 * (0.92 / 20) ** 0.5
        assert sem == pytest.approx(6.434, abs=1e-3)
        assert profile.judgement.score == 87.5
        assert (profile.judgement.low, profile.judgement.high) == (74.9, 100.0)
        assert model.band(87.5, 20) == (round(87.5 - 1.96 * sem, 1), 100.0)
        assert profile.judgement.reliability.sem == round(sem, 1)
        assert profile.judgement.reliability.reliability == pytest.approx(
            20 * 0.08 / (1 + 19 * 0.08), abs=1e-4)


def test_rating_completes_scoring(db, assessment, clock):
    with db() as session:
        rater = make_user(session, role="interviewer")
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 6, {"text": "Dear Ana, I am sorry."}, session=session,
                           now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        assert attempt.state == AttemptState.SUBMITTED
        writing = attempt.results["scales"]["writing"]
        assert writing["score"] is None and writing["n_pending"] == 1
        written = engine.response_at(attempt, 6, session=session)
        with pytest.raises(RatingError):
            rate(written, session=session, rater_id=rater.id, scores={"tone": 5})
        with pytest.raises(RatingError):
            rate(written, session=session, rater_id=rater.id, scores={"tone": 6, "empathy": 1})
        rate(written, session=session, rater_id=rater.id, scores={"tone": 5, "empathy": 3})
        assert attempt.state == AttemptState.SCORED
        assert attempt.results["scales"]["writing"]["score"] == 75.0
        rate(written, session=session, rater_id=rater.id, scores={"tone": 1, "empathy": 1},
             comment="changed my mind")
        assert attempt.results["scales"]["writing"]["score"] == 0.0


def test_a_blank_reply_is_unanswered_and_cannot_be_rated(db, assessment, clock):
    with db() as session:
        rater = make_user(session, role="interviewer")
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(), seq=1)
        engine.save_answer(attempt, 6, {"text": "   \n "}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        assert attempt.state == AttemptState.SCORED  # nothing waits for a rating
        assert attempt.results["scales"]["writing"] == {
            "score": None, "n_items": 0, "n_unanswered": 1, "n_pending": 0}
        with pytest.raises(RatingError, match="no answer"):
            rate(engine.response_at(attempt, 6, session=session), session=session,
                 rater_id=rater.id, scores={"tone": 3, "empathy": 3})


def test_results_scored_before_scales_are_scored_again_when_read(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        other, _ = make_attempt(session, assessment, now=clock(), started=True,
                                email="b@example.com")
        engine.submit(other, session=session, now=clock())
        for old in (attempt, other):  # as the dimension scorer left them: zeros for blanks
            old.results = {"customer_focus": {"score": 100.0, "low": 51.0, "high": 100.0,
                                              "n_items": 1, "n_pending": 0},
                           "numeracy": {"score": 0.0, "low": 0.0, "high": 49.0,
                                        "n_items": 1, "n_pending": 0}}
            old.overall_score = 50.0
        ids = attempt.id, other.id
    with db() as session:
        attempt = session.get(Attempt, ids[0])
        scores = current_scores(attempt, session=session)
        assert scores.scales["judgement"].score == 100.0 and scores.n_unanswered == 5
        assert attempt.overall_score == 100.0
        assert rescore_outdated(session=session) == 1  # the other one
        rescored = session.get(Attempt, ids[1])
        assert rescored.results["n_unanswered"] == 6 and rescored.overall_score is None
        assert rescore_outdated(session=session) == 0


def test_every_note_is_in_the_profiles_language(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 5, {"value": "1"}, session=session, now=clock(), seq=1)
        answer_only(attempt, [1, 2, 3, 4], session=session, clock=clock)  # the reply: none
        profile = build_profile(attempt, session=session, blind_for=None, language="hr")
    notes = {s.key: s.note for s in profile.scores}
    assert notes["numeracy"] == "1 odgovorena stavka, manje od 2: nema zaključka"
    assert notes["writing"] == "nijedna stavka nije odgovorena: ništa nije izmjereno"
    assert notes["customer_focus"].startswith("samo naznaka: 1 stavka, pouzdanost 0,08")
    assert notes["judgement"].startswith("interval ")
    for note in notes.values():
        assert not {"band", "claim", "item", "items"} & set(note.replace(":", " ").split())


def test_db_upgrade_scores_again_what_was_scored_before_scales(db, assessment, clock, runner):
    from hiring.cli import main

    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.submit(attempt, session=session, now=clock())
        attempt.results = {"customer_focus": {"score": 0.0, "low": 0.0, "high": 49.0,
                                              "n_items": 1, "n_pending": 0}}
        attempt_id = attempt.id
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "1 attempt(s) scored again on the scales" in result.output
    with db() as session:
        assert "scales" in session.get(Attempt, attempt_id).results
