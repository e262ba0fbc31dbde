"""Voluntary self-identification: stored apart, offered once after submitting, counted with
small cells suppressed, erased with the candidate and in the candidate's own export."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from hiring import privacy
from hiring.assessment import decisions, engine, self_id
from hiring.models import Assessment, Attempt, AuditEvent, DecisionChange, SelfIdentification
from tests.factories import make_attempt


def ask(db, assessment, keys, clock):
    with db() as session:
        self_id.set_questions(session.merge(assessment), keys, session=session, actor="hr",
                              now=clock())


def submitted(db, assessment, clock, email="ana@example.com", simulated=False) -> int:
    with db() as session:
        # the stored assessment: merging the fixture's copy would undo its settings
        attempt, _ = make_attempt(session, session.get(Assessment, assessment.id), now=clock(),
                                  started=True, email=email)
        engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        attempt.simulated = simulated
        attempt.created_at = clock()
        return attempt.id


def test_hr_chooses_built_in_questions_only(db, assessment, clock):
    ask(db, assessment, ["disability", "gender"], clock)
    with db() as session:
        a = session.get(Assessment, assessment.id)
        assert self_id.questions(a) == ["gender", "disability"]  # the built-in order
        with pytest.raises(self_id.SelfIdError):
            self_id.set_questions(a, ["religion"], session=session, actor="hr", now=clock())
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "self_id_questions")).one()
        assert event.detail == {"questions": ["gender", "disability"]}


def test_offered_only_after_submitting_and_only_once(db, assessment, clock):
    ask(db, assessment, ["gender", "age_band"], clock)
    with db() as session:
        a = session.get(Assessment, assessment.id)
        invited, _ = make_attempt(session, a, now=clock(), email="i@example.com")
        running, _ = make_attempt(session, a, now=clock(), started=True, email="r@example.com")
        assert not self_id.offered(invited, a, session=session)
        assert not self_id.offered(running, a, session=session)
    attempt_id = submitted(db, assessment, clock)
    with db() as session:
        a, attempt = session.get(Assessment, assessment.id), session.get(Attempt, attempt_id)
        assert self_id.offered(attempt, a, session=session)
        self_id.save(attempt, a, {"gender": "woman"}, session=session, now=clock())
        assert not self_id.offered(attempt, a, session=session)
        assert self_id.of_attempt(attempt_id, session=session) == {"gender": "woman",
                                                                  "age_band": None}


def test_an_assessment_without_questions_offers_nothing(db, assessment, clock):
    attempt_id = submitted(db, assessment, clock)
    with db() as session:
        assert not self_id.offered(session.get(Attempt, attempt_id),
                                   session.get(Assessment, assessment.id), session=session)


def test_a_choice_that_is_not_an_option_is_refused(db, assessment, clock):
    ask(db, assessment, ["gender"], clock)
    attempt_id = submitted(db, assessment, clock)
    with db() as session:
        with pytest.raises(self_id.SelfIdError):
            self_id.save(session.get(Attempt, attempt_id), session.get(Assessment, assessment.id),
                         {"gender": "55_plus"}, session=session, now=clock())


def test_suppression_by_hand():
    # 1..4 hidden; a single hidden cell takes the next smallest with it.
    assert self_id.suppress({"a": 12, "b": 3, "c": 7, "d": 0}) == {
        "a": 12, "b": None, "c": None, "d": 0}
    assert self_id.suppress({"a": 12, "b": 3, "c": 4}) == {"a": 12, "b": None, "c": None}
    assert self_id.suppress({"a": 5, "b": 9}) == {"a": 5, "b": 9}


def test_counts_per_option_with_small_cells_hidden(db, assessment, clock):
    ask(db, assessment, ["gender", "disability"], clock)
    answers = ([{"gender": "woman", "disability": "no"}] * 6
               + [{"gender": "man", "disability": "no"}] * 5
               + [{"gender": "another", "disability": "yes"}] * 2
               + [{"gender": "prefer_not"}])
    for number, choices in enumerate(answers):
        attempt_id = submitted(db, assessment, clock, email=f"c{number}@example.com",
                               simulated=number == 0)
        with db() as session:
            self_id.save(session.get(Attempt, attempt_id), session.get(Assessment, assessment.id),
                         choices, session=session, now=clock())
    with db() as session:
        counts = self_id.counts(assessment.id, session=session)
    gender, disability = counts.questions
    assert (gender.question, gender.respondents) == ("gender", 14)
    # another (2) and prefer not (1) are hidden; two cells are, so the rest can show.
    assert gender.cells == {"woman": 6, "man": 5, "another": None, "prefer_not": None,
                            "not_answered": 0}
    # yes (2) is hidden alone, so not answered (1) goes too; no (11) stays.
    assert disability.cells == {"yes": None, "no": 11, "prefer_not": 0, "not_answered": None}
    assert counts.simulated == 1 and counts.min_cell == 5


def test_fewer_respondents_than_the_minimum_show_no_count(db, assessment, clock):
    ask(db, assessment, ["gender"], clock)
    for number in range(4):
        attempt_id = submitted(db, assessment, clock, email=f"c{number}@example.com")
        with db() as session:
            self_id.save(session.get(Attempt, attempt_id), session.get(Assessment, assessment.id),
                         {"gender": "woman"}, session=session, now=clock())
    with db() as session:
        (gender,) = self_id.counts(assessment.id, session=session).questions
    assert gender.respondents == 4
    assert set(gender.cells.values()) == {None}  # a zero beside would tell the four's answer


def test_respondents_all_in_one_cell_show_no_count(db, assessment, clock):
    ask(db, assessment, ["disability"], clock)
    for number in range(7):
        attempt_id = submitted(db, assessment, clock, email=f"c{number}@example.com")
        with db() as session:
            self_id.save(session.get(Attempt, attempt_id), session.get(Assessment, assessment.id),
                         {"disability": "no"}, session=session, now=clock())
    with db() as session:
        (disability,) = self_id.counts(assessment.id, session=session).questions
    assert disability.respondents == 7 and set(disability.cells.values()) == {None}


def test_erased_with_the_candidate_and_in_their_own_export(app, db, assessment, clock,
                                                           tmp_path):
    ask(db, assessment, ["age_band", "first_language"], clock)
    attempt_id = submitted(db, assessment, clock)
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        self_id.save(attempt, session.get(Assessment, assessment.id),
                     {"age_band": "55_plus", "first_language": "prefer_not"}, session=session,
                     now=clock())
        decisions.record(attempt, "interviewed", session=session, actor="hr", now=clock(),
                         note="Met on Tuesday")
    with db() as session:
        document = privacy.export_attempts([session.get(Attempt, attempt_id)], session=session,
                                           now=clock())
        json.dumps(document)  # the export is JSON
        (exported,) = document["attempts"]
        assert exported["self_identification"] == {"age_band": "55_plus",
                                                   "first_language": "prefer_not"}
        assert [(d["to_key"], d["note"]) for d in exported["decisions"]] == [
            ("interviewed", "Met on Tuesday")]
        plan = privacy.plan([attempt_id], session=session, exports_dir=tmp_path)
        assert (plan.self_identification, plan.decisions) == (2, 1)
        privacy.erase([attempt_id], session=session, exports_dir=tmp_path, actor="hr",
                      now=clock())
    with db() as session:
        for model in (SelfIdentification, DecisionChange):
            assert session.exec(select(func.count()).select_from(model)).one() == 0
