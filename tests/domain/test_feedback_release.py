"""Releasing the feedback report: refused unless on and submitted; once, unless re-sent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hiring.assessment import engine
from hiring.assessment import feedback as release
from hiring.assessment.tokens import hash_token
from hiring.models import Assessment, Attempt
from tests.factories import make_attempt, make_user


@pytest.fixture
def submitted(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        return attempt.id


def switch(session, assessment_id: int, on: bool, clock) -> None:
    release.set_enabled(session.get(Assessment, assessment_id), on, session=session,
                        actor="cli", now=clock())


def test_off_by_default_and_refused_while_off(db, assessment, submitted, clock):
    with db() as session:
        hr = make_user(session, role="hr", email="hr@example.com")
        attempt = session.get(Attempt, submitted)
        assert not release.enabled(session.get(Assessment, assessment.id))
        with pytest.raises(release.ReleaseRefused, match="feedback is off"):
            release.release(attempt, session=session, actor=hr, now=clock())
        assert release.release_of(attempt, session=session) is None


def test_released_once_then_a_resend_replaces_the_token(db, assessment, submitted, clock):
    with db() as session:
        hr = make_user(session, role="hr", email="hr@example.com")
        switch(session, assessment.id, True, clock)
        attempt = session.get(Attempt, submitted)
        first = release.release(attempt, session=session, actor=hr, now=clock(), days=10)
        assert first.to_send and first.release.released_by == hr.id
        assert first.release.expires_at == clock() + timedelta(days=10)
        assert first.release.token_hash == hash_token(first.token)

        again = release.release(attempt, session=session, actor=hr, now=clock())
        assert not again.to_send and again.release.sends == 1

        resent = release.release(attempt, session=session, actor=hr, now=clock(), resend=True)
        assert resent.to_send and resent.token != first.token and resent.release.sends == 2
        assert release.find(first.token, session=session) is None
        found = release.find(resent.token, session=session)
        assert found.released_at == clock()  # the first release's moment stays
        assert not release.expired(found, clock() + timedelta(days=29))
        assert release.expired(found, clock() + timedelta(days=30))
        assert release.find("", session=session) is None
        assert release.find("x" * 500, session=session) is None


def test_an_unsubmitted_or_simulated_attempt_is_refused(db, assessment, clock):
    with db() as session:
        hr = make_user(session, role="hr", email="hr@example.com")
        started, _ = make_attempt(session, assessment, now=clock(), started=True)
        switch(session, assessment.id, True, clock)  # after make_attempt, which merges
        with pytest.raises(release.ReleaseRefused, match="has not submitted"):
            release.release(started, session=session, actor=hr, now=clock())
        engine.submit(started, session=session, now=clock())
        started.simulated = True
        with pytest.raises(release.ReleaseRefused, match="simulated"):
            release.release(started, session=session, actor=hr, now=clock())


def test_the_setting_holds_for_every_version(db, assessment, clock):
    with db() as session:
        found = session.get(Assessment, assessment.id)
        found.key = "shared"
        newer = Assessment(bank_id=found.bank_id, key="shared", name=found.name, version=2,
                           sections=found.sections, settings={"strength_score": 65})
        session.add(newer)
        session.flush()
        switch(session, found.id, True, clock)
        assert release.enabled(found) and release.enabled(newer)
        assert newer.settings["strength_score"] == 65
