"""Norm groups: the same assessment and language, real completed attempts only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from hiring.assessment import engine
from hiring.models import Attempt
from hiring.reports.build import build_profile
from hiring.scoring import aggregates
from hiring.scoring.norms import (
    NORMS,
    SCALE,
    NormGroup,
    kept_norm_groups,
    norm_groups,
    norm_of,
    norms_now,
    percentile,
)
from tests.factories import make_attempt


def take(session, assessment, clock, *, number: int, language: str, best: str,
         simulated: bool = False) -> Attempt:
    attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                              email=f"c{number}@example.com", language=language)
    attempt.simulated = simulated
    for position in range(1, 5):
        engine.save_answer(attempt, position, {"best": best}, session=session, now=clock(),
                           seq=1)
    engine.submit(attempt, session=session, now=clock())
    clock.advance(days=1)
    return attempt


def test_percentile_counts_ties_as_half():
    assert percentile(50, [10, 50, 50, 90]) == 50.0
    assert percentile(95, [10, 50, 90]) == 100.0


def test_norm_groups_are_per_language_and_leave_simulated_attempts_out(db, assessment, clock):
    first_day = clock()
    with db() as session:
        for number in range(3):
            take(session, assessment, clock, number=number, language="hr", best="a")
        take(session, assessment, clock, number=3, language="en", best="b")
        for number in range(4, 9):  # many simulated attempts, all low
            take(session, assessment, clock, number=number, language="hr", best="d",
                 simulated=True)
        groups = norm_groups(assessment.id, session=session)
    croatian = groups["hr", SCALE, "judgement"]
    assert len(croatian.scores) == 3  # the simulated five are not in it
    assert croatian.first == first_day and croatian.last == first_day + timedelta(days=2)
    english = groups["en", SCALE, "judgement"]
    assert len(english.scores) == 1
    assert ("hr", "subscore", "composure") in groups
    assert norm_of(50.0, croatian, "hr", min_group=3).percentile == 0.0
    small = norm_of(50.0, english, "en", min_group=3)
    assert small.percentile is None and small.n == 1


def test_a_simulated_attempt_is_never_its_own_norm(db, assessment, clock):
    with db() as session:
        take(session, assessment, clock, number=1, language="en", best="a", simulated=True)
        assert norm_groups(assessment.id, session=session) == {}


def test_the_profile_prints_the_group_it_is_a_percentile_of(db, assessment, clock):
    with db() as session:
        attempts = [take(session, assessment, clock, number=n, language="hr", best="a")
                    for n in range(3)]
        take(session, assessment, clock, number=9, language="en", best="a")
        profile = build_profile(attempts[0], session=session, blind_for=None,
                                norm_min_group=3, language="en")
        norm = profile.judgement.norm
        assert (norm.percentile, norm.n, norm.language) == (50.0, 3, "Croatian")
        assert norm.first.date().isoformat() == "2026-03-02"
        assert norm.last.date().isoformat() == "2026-03-04"
        indications = [s for s in profile.subscores if s.indication]
        assert indications and all(s.norm is None for s in indications)
        english = build_profile(session.get(Attempt, attempts[0].id), session=session,
                                blind_for=None, norm_min_group=4)
        assert english.judgement.norm.percentile is None  # 3 in Croatian, fewer than 4


@pytest.mark.parametrize("language", ["en", "hr"])
def test_an_empty_group_has_no_dates(language):
    norm = norm_of(40.0, NormGroup(language), language, 1)
    assert (norm.percentile, norm.n, norm.first) == (None, 0, None)


class Statements:
    """The SELECT statements an engine runs while counting, for asserting a query's shape."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _record(self, _conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            self.seen.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.seen

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._record)


@pytest.mark.parametrize("n_attempts", [3, 8])
def test_a_profile_reads_kept_norm_groups_not_every_attempt(db, assessment, clock, monkeypatch,
                                                            n_attempts):
    with db() as session:
        attempts = [take(session, assessment, clock, number=n, language="hr", best="a")
                    for n in range(n_attempts)]
        stamp, data = norms_now(assessment.id, session=session)
        aggregates.keep(assessment.id, NORMS, data, stamp, session=session)
    monkeypatch.setattr(aggregates, "MEMO", aggregates.Memo())  # another process, say
    with db() as session:
        with Statements(session.get_bind()) as seen:
            groups = kept_norm_groups(assessment.id, session=session)
        assert groups == norm_groups(assessment.id, session=session)  # the same, exactly
        # Two one-row reads however many attempts: the fingerprint and the kept groups.
        assert len(seen) == 2 and "count(" in seen[0] and "aggregate" in seen[1]
        assert not any("results" in statement for statement in seen)
        assert aggregates.stale(session) == set()
        with Statements(session.get_bind()) as seen:
            profile = build_profile(session.get(Attempt, attempts[0].id), session=session,
                                    blind_for=None, norm_min_group=3, language="en")
        assert profile.judgement.norm.n == n_attempts
        # No statement of the profile reads the results of the assessment's attempts
        # other than its own (the outdated check reads none: they all have scales).
        reads = [s for s in seen if "attempt.results" in s and "FROM attempt" in s]
        assert all("attempt.id =" in s or "->>" in s or "JSON_EXTRACT" in s.upper()
                   for s in reads), reads


def test_norm_groups_are_computed_again_once_an_attempt_is_scored(db, assessment, clock):
    with db() as session:
        take(session, assessment, clock, number=1, language="hr", best="a")
        stamp, data = norms_now(assessment.id, session=session)
        aggregates.keep(assessment.id, NORMS, data, stamp, session=session)
        take(session, assessment, clock, number=2, language="hr", best="b")
        groups = kept_norm_groups(assessment.id, session=session)
        assert len(groups["hr", SCALE, "judgement"].scores) == 2
        assert aggregates.stale(session) == {(NORMS, assessment.id)}
