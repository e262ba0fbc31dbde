"""Who sees which assessments (hiring.rights)."""

from __future__ import annotations

import dataclasses

from hiring import rights
from hiring.assessment import editor
from hiring.assessment.editor import Outcome, Recipe
from hiring.models import Assessment
from tests.factories import make_assessment, make_attempt, make_user


def test_hr_sees_all_and_an_interviewer_their_assessments(db, bank, assessment, clock):
    with db() as session:
        other = make_assessment(session, bank)
        hr = make_user(session, role="hr")
        ivo = make_user(session, role="interviewer")
        mine, _ = make_attempt(session, assessment, now=clock())
        theirs, _ = make_attempt(session, other, now=clock(), email="b@example.com")
        assert rights.visible_assessment_ids(hr, session=session) is None
        assert rights.visible_assessment_ids(ivo, session=session) == set()
        assert rights.visible_attempt_ids(ivo, [mine.id, theirs.id], session=session) == []
        added, removed = rights.assign(ivo, {assessment.id}, session=session)
        assert (added, removed) == ({assessment.id}, set())
        assert rights.visible_attempt_ids(ivo, [theirs.id, mine.id, 999],
                                          session=session) == [mine.id]
        assert rights.visible_attempt_ids(hr, [theirs.id, mine.id, 999],
                                          session=session) == [theirs.id, mine.id]
        assert rights.assign(ivo, {other.id}, session=session) == ({other.id},
                                                                    {assessment.id})
        assert not rights.may_see_assessment(ivo, assessment.id, session=session)
        assert rights.may_see_assessment(ivo, other.id, session=session)


def test_a_new_version_keeps_its_interviewers(db, bank, assessment, clock):
    with db() as session:
        ivo = make_user(session, role="interviewer")
        rights.assign(ivo, {assessment.id}, session=session)
        make_attempt(session, assessment, now=clock())  # taken: an edit makes a version
        current = session.get(Assessment, assessment.id)
        saved = editor.save(current, dataclasses.replace(Recipe.of(current), name="Renamed"),
                            session=session, author="hr@example.com")
        assert saved.outcome == Outcome.VERSIONED
        assert rights.assignments_of(ivo.id, session=session) == {assessment.id,
                                                                  saved.assessment.id}
