"""Job outcomes: the CSV import (all or nothing), the validity report, the planted validity
of `hiring simulate`, and outcomes in a candidate's export and erasure."""

from __future__ import annotations

import json
import random

import pytest
from sqlmodel import func, select

from hiring import jobs, privacy
from hiring.assessment import outcomes
from hiring.assessment.simulate import add_outcomes
from hiring.models import Attempt, AttemptState, Outcome
from hiring.scoring import validity
from hiring.scoring.fairness import pearson
from hiring.scoring.simulation import planted_outcomes
from tests.factories import make_attempt


def scored(session, assessment, clock, *, email: str, score: float | None = 50.0,
           state: str = AttemptState.SCORED) -> Attempt:
    """Store a completed attempt with a judgement score (and nothing else)."""
    attempt, _ = make_attempt(session, assessment, now=clock(), email=email)
    attempt.state = state
    scales = {} if score is None else {"judgement": {"score": score, "n_items": 4}}
    attempt.results = {"scales": scales, "subscores": {}, "n_items": 4, "n_unanswered": 0}
    session.flush()
    return attempt


def count(session) -> int:
    return session.exec(select(func.count()).select_from(Outcome)).one()


# ---- reading the file -------------------------------------------------------------------


def test_rows_are_matched_by_email_or_invitation_number(db, assessment, clock):
    with db() as session:
        ana = scored(session, assessment, clock, email="ana@example.com")
        ivo = scored(session, assessment, clock, email="ivo@example.com")
        text = ("\ufeffEmail,outcome,value,date\n"
                "ANA@example.com,quality_90d,4.5,2026-06-01\n"
                ",retained_6m,1,\n").encode()
        # the second row has neither: a problem
        rows = outcomes.read_rows(text, assessment_id=assessment.id, session=session)
        assert rows[0].attempt_id == ana.id and rows[0].value == 4.5
        assert rows[0].recorded_on.isoformat() == "2026-06-01"
        assert rows[1].problems == [("neither an email nor an invitation number", {})]
        by_number = f"invitation,outcome,value\n#{ivo.id},retained_6m,1\n{ana.id},x,0\n".encode()
        rows = outcomes.read_rows(by_number, assessment_id=assessment.id, session=session)
        assert [(r.attempt_id, r.value, r.problems) for r in rows] == [
            (ivo.id, 1.0, []), (ana.id, 0.0, [])]


def test_croatian_excel_semicolons_and_decimal_comma(db, assessment, clock):
    with db() as session:
        ana = scored(session, assessment, clock, email="ana@example.com")
        text = "email;outcome;value;date\nana@example.com;kvaliteta;4,25;31.12.2026.\n"
        (row,) = outcomes.read_rows(text.encode(), assessment_id=assessment.id,
                                    session=session)
        assert (row.attempt_id, row.name, row.value) == (ana.id, "kvaliteta", 4.25)
        assert row.recorded_on.isoformat() == "2026-12-31" and row.problems == []


def test_every_bad_row_is_named_and_nothing_is_imported(db, assessment, clock):
    with db() as session:
        scored(session, assessment, clock, email="ana@example.com")
        scored(session, assessment, clock, email="twice@example.com")
        scored(session, assessment, clock, email="twice@example.com")
        open_attempt, _ = make_attempt(session, assessment, now=clock(), email="open@example.com")
        text = (b"email,outcome,value,date\n"
                b"ana@example.com,quality,4.5,\n"
                b"ana@example.com,quality,3,\n"
                b"ana@example.com,,abc,2026-13-01\n"
                b"nobody@example.com,quality,1,\n"
                b"twice@example.com,quality,1,\n"
                b"open@example.com,quality,1,\n"
                b"ana@example.com,other,\"1,234\",\n")
        rows = outcomes.read_rows(text, assessment_id=assessment.id, session=session)
        problems = {row.line: [m % v for m, v in row.problems] for row in rows}
        assert problems[2] == []
        assert problems[3] == ["the same candidate and outcome as line 2"]
        assert problems[4] == ["the outcome's name is missing", "abc is not a number",
                               "the date must be like 2026-12-31 or 31.12.2026."]
        assert problems[5] == ["no completed attempt of this assessment by nobody@example.com"]
        assert "more than once" in problems[6][0]
        assert problems[7] == ["no completed attempt of this assessment by open@example.com"]
        assert problems[8] == ["1,234 could be 1234 or 1.234: write it without a thousands "
                               "separator"]
        with pytest.raises(outcomes.OutcomesInvalid, match="nothing was imported"):
            outcomes.save_all(rows, assessment_id=assessment.id, session=session,
                              now=clock(), imported_by="hr@example.com")
        assert count(session) == 0
        assert open_attempt.state == AttemptState.INVITED


def test_unreadable_and_oversized_files_are_refused(db, assessment, monkeypatch):
    with db() as session:
        for data, message in ((b"\xff\xfe\x00bad", "not UTF-8"),
                              (b"who,what\n1,2\n", "must name the columns"),
                              (b"email,outcome,value\n", "no outcomes"),
                              (b"email,outcome,value\nx\x00,y,1\n", "NUL"),
                              (b"x" * (outcomes.MAX_BYTES + 1), "larger than 2 MB")):
            with pytest.raises(outcomes.OutcomesInvalid, match=message):
                outcomes.read_rows(data, assessment_id=assessment.id, session=session)
        monkeypatch.setattr(outcomes, "MAX_ROWS", 3)
        many = b"email,outcome,value\n" + b"a@example.com,q,1\n" * 4
        with pytest.raises(outcomes.OutcomesInvalid, match="At most 3 rows"):
            outcomes.read_rows(many, assessment_id=assessment.id, session=session)


def test_import_stores_all_and_a_second_import_replaces(db, assessment, clock):
    with db() as session:
        ana = scored(session, assessment, clock, email="ana@example.com")
        first = outcomes.read_rows(b"email,outcome,value\nana@example.com,quality,4\n",
                                   assessment_id=assessment.id, session=session)
        assert outcomes.save_all(first, assessment_id=assessment.id, session=session,
                                 now=clock(), imported_by="hr@example.com") == 1
        again = outcomes.read_rows(b"email,outcome,value\nana@example.com,quality,2.5\n",
                                   assessment_id=assessment.id, session=session)
        assert again[0].replaces
        clock.advance(days=1)
        outcomes.save_all(again, assessment_id=assessment.id, session=session, now=clock(),
                          imported_by="boss@example.com")
        (outcome,) = session.exec(select(Outcome))
        assert (outcome.attempt_id, outcome.value, outcome.imported_by) == (
            ana.id, 2.5, "boss@example.com")
        assert outcome.imported_at == clock()


# ---- the report ---------------------------------------------------------------------------


def test_report_correlates_each_scale_with_each_outcome(db, assessment, clock):
    # Five hired of eight: scores 40..80, quality 2, 4, 5, 4, 5 (r = 0.7746 as in
    # test_fairness); the three without an outcome widen the unrestricted SD.
    with db() as session:
        hired = [scored(session, assessment, clock, email=f"h{i}@example.com", score=s)
                 for i, s in enumerate((40, 50, 60, 70, 80))]
        for i, s in enumerate((10, 95, 20)):
            scored(session, assessment, clock, email=f"o{i}@example.com", score=s)
        for attempt, value in zip(hired, (2, 4, 5, 4, 5), strict=True):
            session.add(Outcome(attempt_id=attempt.id, name="quality", value=value,
                                imported_by="hr"))
            session.add(Outcome(attempt_id=attempt.id, name="retained",
                                value=float(value >= 4), imported_by="hr"))
        session.flush()
        report = validity.validity_report(assessment.id, session=session)
    assert report.scales == ["judgement"] and report.outcomes == ["quality", "retained"]
    assert (report.n_attempts, report.n_with_outcomes, report.n_simulated) == (8, 5, 0)
    cell = report.cell("judgement", "quality")
    assert cell.n == 5 and not cell.binary
    assert cell.correlation.r == pytest.approx(0.7746, abs=1e-4)
    assert cell.verdict == validity.TOO_FEW  # 5 < 30
    assert cell.unrestricted_sd > cell.restricted_sd
    assert cell.corrected.r > cell.correlation.r
    assert report.cell("judgement", "retained").binary


def test_verdicts():
    from hiring.scoring.fairness import Correlation

    assert validity.verdict(None, 100) == validity.NOT_COMPUTABLE
    assert validity.verdict(Correlation(0.5, 29, 0.1, 0.7), 29) == validity.TOO_FEW
    assert validity.verdict(Correlation(0.1, 100, -0.1, 0.3), 100) == validity.NO_EVIDENCE
    assert validity.verdict(Correlation(0.3, 100, 0.1, 0.5), 100) == validity.POSITIVE
    assert validity.verdict(Correlation(-0.3, 100, -0.5, -0.1), 100) == validity.NEGATIVE


def test_a_planted_validity_of_0_3_is_recovered():
    rng = random.Random(30)
    scores = {i: rng.gauss(60, 12) for i in range(2000)}
    planted = planted_outcomes(scores, 0.3, rng)
    ids = sorted(planted)
    found = pearson([scores[i] for i in ids], [planted[i] for i in ids])
    assert found.low <= 0.3 <= found.high
    assert found.low > 0.2 and found.high < 0.4
    with pytest.raises(ValueError):
        planted_outcomes(scores, 1.5, rng)


def test_simulated_outcomes_through_the_report(db, assessment, clock):
    rng = random.Random(3)
    with db() as session:
        ids = [scored(session, assessment, clock, email=f"c{i}@example.com",
                      score=round(rng.gauss(60, 12), 1)).id for i in range(400)]
        assert add_outcomes(ids, name="quality_90d", validity=0.3, session=session,
                            now=clock(), rng=rng) == 400
        report = validity.validity_report(assessment.id, session=session)
    cell = report.cell("judgement", "quality_90d")
    assert cell.n == 400
    assert cell.correlation.low <= 0.3 <= cell.correlation.high
    assert cell.verdict == validity.POSITIVE
    # No range restriction: every attempt has the outcome, so the correction changes nothing.
    assert cell.corrected.r == pytest.approx(cell.correlation.r)


# ---- privacy ------------------------------------------------------------------------------


def test_outcomes_are_exported_and_erased_with_the_candidate(db, app, assessment, clock):
    with db() as session:
        ana = scored(session, assessment, clock, email="ana@example.com")
        bo = scored(session, assessment, clock, email="bo@example.com")
        for attempt in (ana, bo):
            session.add(Outcome(attempt_id=attempt.id, name="quality_90d", value=4.25,
                                imported_by="hr@example.com", imported_at=clock()))
        ana_id, bo_id = ana.id, bo.id
    with db() as session:
        document = privacy.export_attempts([session.get(Attempt, ana_id)], session=session,
                                           now=clock())
        (data,) = document["attempts"]
        assert data["outcomes"] == [{"name": "quality_90d", "value": 4.25, "recorded_on": None,
                                     "imported_at": clock().isoformat(),
                                     "imported_by": "hr@example.com"}]
        json.dumps(document)  # serialisable
        erasure = privacy.erase([ana_id], session=session, exports_dir=jobs.exports_dir(app),
                                actor="system", now=clock())
        assert erasure.outcomes == 1
    with db() as session:
        left = session.exec(select(Outcome)).all()
        assert [o.attempt_id for o in left] == [bo_id]
