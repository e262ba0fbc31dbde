"""Hiring decisions: an assessment's stages, a candidate's moves, their history and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from hiring import audit
from hiring.assessment import decisions, pipeline
from hiring.assessment.recipes import create_assessment
from hiring.models import Attempt, AuditEvent, DecisionChange, DecisionStage
from tests.factories import make_attempt


def test_an_assessment_starts_with_the_default_stages_stored_at_the_first_change(
        db, assessment, clock):
    with db() as session:
        first = decisions.stages(session.merge(assessment), session=session)
        assert session.exec(select(DecisionStage)).all() == []  # reading writes nothing
        decisions.set_retired(session.merge(assessment), "withdrew", True, session=session,
                              actor="hr", now=clock())
        rows = session.exec(select(DecisionStage)).all()
    assert [s.key for s in first] == list(decisions.DEFAULT_STAGES)
    assert all(s.label is None and not s.retired for s in first)
    assert [r.key for r in rows] == list(decisions.DEFAULT_STAGES)
    assert [r.key for r in rows if r.retired] == ["withdrew"]


def test_hr_adds_renames_reorders_retires_and_deletes_stages(db, assessment, clock):
    with db() as session:
        a = session.merge(assessment)
        added = decisions.add_stage(a, "  Second   interview ", session=session, actor="hr",
                                    now=clock())
        assert (added.key, added.label) == ("second_interview", "Second interview")
        with pytest.raises(decisions.DecisionError, match="exists already"):
            decisions.add_stage(a, "hired", session=session, actor="hr", now=clock())
        with pytest.raises(decisions.DecisionError, match="name"):
            decisions.add_stage(a, "   ", session=session, actor="hr", now=clock())
        decisions.rename(a, "offered", "Offer made", session=session, actor="hr", now=clock())
        decisions.move(a, "second_interview", -1, session=session, actor="hr", now=clock())
        decisions.move(a, "shortlisted", -1, session=session, actor="hr", now=clock())  # no-op
        decisions.set_retired(a, "withdrew", True, session=session, actor="hr", now=clock())
        decisions.delete(a, "interviewed", session=session, actor="hr", now=clock())
        found = decisions.stages(a, session=session)
        active = decisions.stages(a, session=session, active_only=True)
        changes = session.exec(select(AuditEvent).where(
            AuditEvent.action == audit.Action.STAGES_CHANGED)).all()
    assert [s.key for s in found] == ["shortlisted", "offered", "hired", "rejected",
                                      "second_interview", "withdrew"]
    assert next(s for s in found if s.key == "offered").label == "Offer made"
    assert "withdrew" not in [s.key for s in active]
    assert [c.detail["change"] for c in changes] == [
        "added", "renamed", "moved", "retired", "deleted"]
    # An empty name gives a built-in stage its own name back.
    with db() as session:
        decisions.rename(session.merge(assessment), "offered", "", session=session,
                         actor="hr", now=clock())
        assert decisions.stages(session.merge(assessment), session=session)[1].label is None


def test_recording_a_stage_keeps_history_and_audit_and_sets_the_current_stage(
        db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
        attempt.created_at = clock()
        decisions.record(attempt, "shortlisted", session=session, actor="hr@example.com",
                         now=clock(), note="Strong on judgement")
        clock.advance(days=3)
        decisions.record(attempt, "hired", session=session, actor="hr@example.com",
                         now=clock(), decided_on=clock().date() - timedelta(days=1))
        attempt_id = attempt.id
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        history = decisions.history(attempt_id, session=session)
        events = session.exec(select(AuditEvent).where(
            AuditEvent.action == audit.Action.DECISION_RECORDED)).all()
    assert attempt.decision == "hired"
    assert [(c.from_key, c.to_key) for c in history] == [(None, "shortlisted"),
                                                         ("shortlisted", "hired")]
    assert history[0].note == "Strong on judgement" and history[0].decided_on == (
        clock().date() - timedelta(days=3))
    assert history[1].decided_on == clock().date() - timedelta(days=1)
    assert history[1].actor_label == "hr@example.com"
    assert [(e.object_id, e.detail["from"], e.detail["to"]) for e in events] == [
        (attempt_id, None, "shortlisted"), (attempt_id, "shortlisted", "hired")]
    assert all("note" not in e.detail for e in events)  # the note may name the candidate


def test_bad_decisions_are_refused_and_change_nothing(db, assessment, clock):
    with db() as session:
        a = session.merge(assessment)
        attempt, _ = make_attempt(session, a, now=clock())
        attempt.created_at = clock()
        decisions.set_retired(a, "withdrew", True, session=session, actor="hr", now=clock())
        attempt_id = attempt.id
    cases = [({"to_key": "withdrew"}, "retired"), ({"to_key": "promoted"}, "no such stage"),
             ({"to_key": "hired", "decided_on": clock().date() + timedelta(days=3)}, "future"),
             ({"to_key": "hired", "decided_on": clock().date() - timedelta(days=30)},
              "before the candidate was invited"),
             ({"to_key": "hired", "note": "x" * 2001}, "2000")]
    for kwargs, message in cases:
        with db() as session:
            attempt = session.get(Attempt, attempt_id)
            to_key = kwargs.pop("to_key")
            with pytest.raises(decisions.DecisionError, match=message):
                decisions.record(attempt, to_key, session=session, actor="hr", now=clock(),
                                 **kwargs)
            session.rollback()
    with db() as session:
        assert session.get(Attempt, attempt_id).decision is None
        assert session.exec(select(DecisionChange)).all() == []
    # Tomorrow is a time zone away, and allowed.
    with db() as session:
        decisions.record(session.get(Attempt, attempt_id), "hired", session=session,
                         actor="hr", now=clock(), decided_on=clock().date() + timedelta(days=1))


def test_a_stage_in_use_is_retired_never_deleted(db, assessment, clock):
    with db() as session:
        a = session.merge(assessment)
        attempt, _ = make_attempt(session, a, now=clock())
        attempt.created_at = clock()
        decisions.record(attempt, "shortlisted", session=session, actor="hr", now=clock())
        decisions.record(attempt, "rejected", session=session, actor="hr", now=clock())
        for key in ("shortlisted", "rejected"):  # once, and now
            with pytest.raises(decisions.DecisionError, match="retire it instead"):
                decisions.delete(a, key, session=session, actor="hr", now=clock())
        decisions.set_retired(a, "shortlisted", True, session=session, actor="hr", now=clock())
        assert decisions.reached(a.id, {"shortlisted"}, session=session) == {attempt.id}


def test_a_new_version_keeps_the_stages_of_the_one_it_replaced(db, assessment, bank, clock):
    with db() as session:
        old = session.merge(assessment)
        decisions.add_stage(old, "Assessment centre", session=session, actor="hr", now=clock())
        decisions.rename(old, "hired", "Hired (contract)", session=session, actor="hr",
                         now=clock())
        new = create_assessment(session=session, bank=session.merge(bank), name=old.name,
                                sections=old.sections, time_limit_minutes=30)
        old.replaced_by_id = new.id
        session.flush()
        stages = decisions.stages(new, session=session)
    assert [s.key for s in stages][-1] == "assessment_centre"
    assert next(s for s in stages if s.key == "hired").label == "Hired (contract)"


def test_the_pipeline_filters_and_counts_by_decision(db, assessment, clock):
    with db() as session:
        a = session.merge(assessment)
        ids = []
        for i in range(5):
            attempt, _ = make_attempt(session, a, now=clock(), email=f"c{i}@example.com")
            attempt.created_at = clock()
            ids.append(attempt.id)
        for attempt_id, key in zip(ids, ["hired", "hired", "rejected"], strict=False):
            decisions.record(session.get(Attempt, attempt_id), key, session=session,
                             actor="hr", now=clock())
    with db() as session:
        everyone = pipeline.page(session=session, assessment_id=a.id, now=clock())
        hired = pipeline.page(session=session, assessment_id=a.id, now=clock(),
                              decision="hired")
        undecided = pipeline.page(session=session, assessment_id=a.id, now=clock(),
                                  decision=pipeline.NO_DECISION)
        counted = decisions.counts(a.id, session=session)
    assert everyone.decision_counts == {"hired": 2, "rejected": 1, None: 2}
    assert sorted(r.attempt.id for r in hired.rows) == ids[:2] and hired.total == 2
    assert sorted(r.attempt.id for r in undecided.rows) == ids[3:]
    assert hired.counts["invited"] == 2  # the stage counts follow the decision filter
    assert counted == {"hired": 2, "rejected": 1, None: 2}


def test_the_decision_filter_and_its_counts_read_the_index(db, assessment, clock):
    """A fixed number of statements, whatever the number of attempts; on SQLite, the
    decision's counts and filter search the (assessment, decision) index."""
    seen = []

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    with db() as session:
        for i in range(3):
            make_attempt(session, assessment, now=clock(), email=f"c{i}@example.com")
    with db() as session:
        bind = session.get_bind()
        event.listen(bind, "before_cursor_execute", record)
        try:
            pipeline.page(session=session, assessment_id=assessment.id, now=clock(),
                          decision="hired")
        finally:
            event.remove(bind, "before_cursor_execute", record)
        queries = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
        assert len(queries) == 4
        if bind.dialect.name == "sqlite":
            plans = [" ".join(str(row) for row in session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters).all())
                for statement, parameters in queries[:2]]
            assert all("ix_attempt_assessment_decision" in plan for plan in plans), plans
        else:
            assert session.connection().exec_driver_sql(
                "SELECT count(*) FROM pg_indexes WHERE indexname ="
                " 'ix_attempt_assessment_decision'").scalar() == 1
