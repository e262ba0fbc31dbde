"""Item statistics against values worked out by hand."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from hiring.assessment import engine
from hiring.assessment.simulate import invite_and_complete
from hiring.scoring import aggregates
from hiring.scoring.attempts import score_attempt
from hiring.scoring.item_health import ITEM_HEALTH, health_data, item_health, report_from
from hiring.scoring.item_stats import (
    MIN_ATTEMPTS,
    histogram,
    item_statistics,
    load_rows,
    option_texts,
)
from tests import factories

# Five attempts; dimension "care" has items c1, c2, c3 (0/1 scores), dimension "math" has
# one best/worst SJT item s1.
#
#   attempt  c1 c2 c3 | total  s1   best worst | mean of 4 items
#   1         1  1  1 |   3    0     a    c    | 3/4   = .75
#   2         1  1  0 |   2    0     a    b    | 2/4   = .50
#   3         0  0  0 |   0    0     b    a    | 0/4   = .00
#   4         1  0  0 |   1    .5    a    c    | 1.5/4 = .375
#   5         1  1  1 |   3    0     c    a    | 3/4   = .75
SCORES = {1: (1, 1, 1, 0), 2: (1, 1, 0, 0), 3: (0, 0, 0, 0), 4: (1, 0, 0, 0.5),
          5: (1, 1, 1, 0)}
CHOICES = {1: ("a", "c"), 2: ("a", "b"), 3: ("b", "a"), 4: ("a", "c"), 5: ("c", "a")}


def rows() -> list[tuple]:
    out = []
    for attempt_id, (c1, c2, c3, s1) in SCORES.items():
        best, worst = CHOICES[attempt_id]
        out += [(attempt_id, "c1", "care", "numeric", c1, {"value": 1}, attempt_id * 10_000),
                (attempt_id, "c2", "care", "numeric", c2, {"value": 2}, 4_000),
                (attempt_id, "c3", "care", "numeric", c3, {"value": 3}, 4_000),
                (attempt_id, "s1", "math", "sjt", s1, {"best": best, "worst": worst}, 8_000)]
    return out


def by_key(report):
    return {item.key: item for item in report.items}


def test_facility_is_the_mean_score():
    items = by_key(item_statistics(rows()))
    # c1: 4/5 = .8; c2: 3/5 = .6; c3: 2/5 = .4; s1: .5/5 = .1
    assert items["c1"].facility == pytest.approx(0.8)
    assert items["c2"].facility == pytest.approx(0.6)
    assert items["c3"].facility == pytest.approx(0.4)
    assert items["s1"].facility == pytest.approx(0.1)
    assert [items[key].n for key in ("c1", "c2", "c3", "s1")] == [5, 5, 5, 5]


def test_discrimination_correlates_with_the_rest_of_the_dimension():
    items = by_key(item_statistics(rows()))
    # c1: x = 1,1,0,1,1 (mean .8); rest = c2+c3 = 2,1,0,0,2 (mean 1)
    #   dx = .2,.2,-.8,.2,.2   dy = 1,0,-1,-1,1
    #   sxy = .2+0+.8-.2+.2 = 1.0; sxx = 4(.04)+.64 = .8; syy = 1+0+1+1+1 = 4
    #   r = 1.0 / sqrt(.8 * 4) = 1 / 1.78885 = .55902
    assert items["c1"].discrimination == pytest.approx(0.55902, abs=1e-5)
    # c2: x = 1,1,0,0,1 (mean .6); rest = c1+c3 = 2,1,0,1,2 (mean 1.2)
    #   dx = .4,.4,-.6,-.6,.4   dy = .8,-.2,-1.2,-.2,.8
    #   sxy = .32-.08+.72+.12+.32 = 1.4; sxx = 3(.16)+2(.36) = 1.2
    #   syy = .64+.04+1.44+.04+.64 = 2.8; r = 1.4 / sqrt(3.36) = .76376
    assert items["c2"].discrimination == pytest.approx(0.76376, abs=1e-5)
    # c3: x = 1,0,0,0,1 (mean .4); rest = c1+c2 = 2,2,0,1,2 (mean 1.4)
    #   dx = .6,-.4,-.4,-.4,.6   dy = .6,.6,-1.4,-.4,.6
    #   sxy = .36-.24+.56+.16+.36 = 1.2; sxx = 1.2; syy = 3(.36)+1.96+.16 = 3.2
    #   r = 1.2 / sqrt(3.84) = .61237
    assert items["c3"].discrimination == pytest.approx(0.61237, abs=1e-5)
    # s1 is alone in its dimension: the rest total is always 0, no variance.
    assert items["s1"].discrimination is None


def test_sjt_option_counts():
    items = by_key(item_statistics(rows()))
    assert items["s1"].options == {"best": {"a": 3, "b": 1, "c": 1},
                                   "worst": {"a": 2, "b": 1, "c": 2}}
    assert items["c1"].options == {}


def test_median_time_in_seconds():
    items = by_key(item_statistics(rows()))
    # c1: 10, 20, 30, 40, 50 s
    assert items["c1"].median_seconds == 30
    assert items["s1"].median_seconds == 8


def test_flags():
    items = by_key(item_statistics(rows()))
    assert items["s1"].flags == ["too hard"]  # .1 < .2
    assert items["c1"].flags == []  # .8 is not above .9
    # c2 on its own: 1,1,0,1,0 against rest 2,1,1,1,2 (c1 always 1, c3 = 1,0,0,0,1)
    #   dx = .4,.4,-.6,.4,-.6  dy = .6,-.4,-.4,-.4,.6
    #   sxy = .24-.16+.24-.16-.36 = -.2; sxx = syy = 1.2; r = -.2/1.2 = -1/6
    easy = item_statistics([
        (a, key, "care", "numeric", score, None, 0)
        for a, scores in {1: (1, 1, 1), 2: (1, 1, 0), 3: (1, 0, 0), 4: (1, 1, 0),
                          5: (1, 0, 1)}.items()
        for key, score in zip(("c1", "c2", "c3"), scores, strict=True)])
    items = by_key(easy)
    assert items["c1"].flags == ["too easy"]
    assert items["c1"].discrimination is None  # no variance
    assert items["c2"].discrimination == pytest.approx(-1 / 6)
    assert items["c2"].flags == ["negative discrimination"]


def test_histogram_of_mean_item_scores():
    report = item_statistics(rows())
    # means .75, .5, 0, .375, .75 -> bins 7, 5, 0, 3, 7
    assert report.histogram == [1, 0, 0, 1, 0, 1, 0, 2, 0, 0]
    assert histogram([1.0, 0.999, 0.1]) == [0, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_too_few_attempts_is_not_enough():
    report = item_statistics(rows())
    assert report.n_attempts == 5
    assert not report.enough
    many = [(a, key, "care", "numeric", (a + i) % 2, None, 0)
            for a in range(MIN_ATTEMPTS) for i, key in enumerate(("c1", "c2"))]
    assert item_statistics(many).enough


def test_empty_assessment():
    report = item_statistics([])
    assert (report.n_attempts, report.enough, report.items) == (0, False, [])
    assert report.histogram == [0] * 10


def test_load_rows_reads_completed_attempts(db, assessment):
    rng = random.Random(3)
    with db() as session:
        attempt = invite_and_complete(session.merge(assessment), session=session,
                                      now=datetime.now(UTC), rng=rng)
        factories.make_attempt(session, assessment, started=True)  # not completed
        responses = engine.responses(attempt, session=session)
        rows_ = load_rows(assessment.id, session=session)
        other = load_rows(assessment.id + 1, session=session)
    assert rows_ and other == []
    assert {row.attempt_id for row in rows_} == {attempt.id}
    assert len(rows_) == len(responses)
    assert sorted(row.score for row in rows_ if row.score is not None) == sorted(
        r.score for r in responses if r.score is not None)
    assert item_statistics(rows_).n_attempts == 1


def test_kept_figures_equal_the_figures_computed_from_the_responses(db, assessment):
    rng = random.Random(11)
    now = datetime.now(UTC)
    with db() as session:
        for _ in range(25):
            invite_and_complete(session.merge(assessment), session=session, now=now, rng=rng)
        stamp, data = health_data(assessment.id, session=session)
        aggregates.keep(assessment.id, ITEM_HEALTH, data, stamp, session=session)
    with db() as session:  # read back from the table, not from the process's memory
        kept = aggregates.read(assessment.id, ITEM_HEALTH, session=session)
        assert kept is not None and kept.is_current(stamp)
        recomputed = item_statistics(load_rows(assessment.id, session=session))
        assert report_from(kept.data) == recomputed  # every float exactly
        assert recomputed.enough and recomputed.items
        assert kept.data["option_texts"] == option_texts(assessment.id, session=session)
        health = item_health(assessment.id, session=session, inline_limit=0)
        assert health is not None and health.current and health.report == recomputed


def test_figures_older_than_the_attempts_are_shown_as_such(db, assessment):
    rng = random.Random(12)
    now = datetime.now(UTC)
    with db() as session:
        for _ in range(3):
            invite_and_complete(session.merge(assessment), session=session, now=now, rng=rng)
        stamp, data = health_data(assessment.id, session=session)
        aggregates.keep(assessment.id, ITEM_HEALTH, data, stamp, session=session)
        invite_and_complete(session.merge(assessment), session=session, now=now, rng=rng)
    with db() as session:
        health = item_health(assessment.id, session=session, inline_limit=0)  # too many
        assert not health.current
        assert (health.n_attempts, health.n_attempts_now) == (3, 4)
        assert health.report.n_attempts == 3
        assert aggregates.stale(session) == {(ITEM_HEALTH, assessment.id)}
        current = item_health(assessment.id, session=session)  # few enough to compute
        assert current.current and current.report.n_attempts == 4


def test_a_rescore_makes_kept_figures_out_of_date(db, assessment):
    rng = random.Random(13)
    now = datetime.now(UTC)
    with db() as session:
        attempt = invite_and_complete(session.merge(assessment), session=session, now=now,
                                      rng=rng)
        before = aggregates.fingerprint(assessment.id, session=session, real_only=False)
        score_attempt(attempt, session=session)  # after a rating, say
        after = aggregates.fingerprint(assessment.id, session=session, real_only=False)
    assert before.n_attempts == after.n_attempts == 1
    assert after.last_scored_at > before.last_scored_at
