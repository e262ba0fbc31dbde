"""The attempt engine: start, save, deadline, submit."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlmodel import select

from hiring.assessment import engine
from hiring.assessment.tokens import hash_token
from hiring.items import accommodations
from hiring.items.types import AnswerError, get_type
from hiring.models import Attempt, AttemptEnd, AttemptState, Response
from tests.factories import make_attempt


def test_invitation_token_is_long_and_stored_hashed(db, assessment, clock):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock())
        assert len(token) >= 32  # 24 random bytes, url-safe
        assert attempt.token_hash == hash_token(token) and token not in attempt.token_hash
        assert engine.find_by_token(token, session=session).id == attempt.id
        other = token[:-1] + ("y" if token.endswith("x") else "x")  # one character off
        assert engine.find_by_token(other, session=session) is None


def test_start_draws_items_once_and_sets_the_deadline(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        rows = engine.responses(attempt, session=session)
        assert [r.position for r in rows] == [1, 2, 3, 4, 5, 6]
        assert [r.section for r in rows] == ["Situations"] * 4 + ["Math", "Writing"]
        assert attempt.deadline_at == clock() + timedelta(minutes=30)
        numeric = rows[4]
        assert set(numeric.params) == {"price", "months"}
        params_before = dict(numeric.params)
        engine.start(attempt, session=session, now=clock())  # again: no change
        assert len(engine.responses(attempt, session=session)) == 6
        assert engine.response_at(attempt, 5, session=session).params == params_before


def test_parameters_differ_between_attempts(db, assessment, clock):
    with db() as session:
        drawn = set()
        for n in range(8):
            attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                      email=f"c{n}@example.com")
            drawn.add(tuple(sorted(engine.response_at(attempt, 5, session=session)
                                   .params.items())))
        assert len(drawn) > 1


def test_older_save_never_overwrites_newer(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        first = engine.save_answer(attempt, 1, {"best": "b"}, session=session, now=clock(), seq=5)
        stale = engine.save_answer(attempt, 1, {"best": "c"}, session=session, now=clock(), seq=4)
        repeat = engine.save_answer(attempt, 1, {"best": "b"}, session=session, now=clock(),
                                    seq=5)
        assert first.accepted and not stale.accepted and not repeat.accepted
        assert engine.response_at(attempt, 1, session=session).answer == {"best": "b"}
        form_post = engine.save_answer(attempt, 1, {"best": "d"}, session=session, now=clock())
        assert form_post.accepted and form_post.seq == 6


def test_saves_based_on_a_revision_share_one_numbering(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        other_tab = engine.save_answer(attempt, 1, {"best": "a"}, session=session,
                                       now=clock(), base=0)
        assert other_tab.accepted and other_tab.seq == 1 and not other_tab.conflict
        # This tab still shows revision 0: its change is refused, the stored answer given back.
        stale = engine.save_answer(attempt, 1, {"best": "b"}, session=session, now=clock(),
                                   base=0, time_spent_ms=9000)
        assert not stale.accepted and stale.conflict and stale.seq == 1
        assert stale.stored == {"best": "a", "worst": ""}
        response = engine.response_at(attempt, 1, session=session)
        assert response.answer == {"best": "a"} and response.client_seq == 1
        assert response.time_spent_ms == 0
        # A repeat of what is stored (its reply was lost) is acknowledged, and changes nothing.
        repeat = engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(),
                                    base=0)
        assert repeat.accepted and repeat.seq == 1 and not repeat.conflict
        based = engine.save_answer(attempt, 1, {"best": "c"}, session=session, now=clock(),
                                   base=1)
        assert based.accepted and based.seq == 2
        # Pages from before revisions number their own saves, and still order them.
        old_page = engine.save_answer(attempt, 1, {"best": "d"}, session=session, now=clock(),
                                      seq=2)
        assert not old_page.accepted and not old_page.conflict
        assert engine.response_at(attempt, 1, session=session).answer == {"best": "c"}


def test_a_refused_answer_is_given_back_as_form_values(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 5, {"value": "12,5"}, session=session, now=clock(), base=0)
        refused = engine.save_answer(attempt, 5, {"value": "13"}, session=session,
                                     now=clock(), base=0)
        assert refused.conflict and refused.stored == {"value": "12,5"}
        engine.save_answer(attempt, 6, {"text": "Dear customer"}, session=session,
                           now=clock(), base=0)
        refused = engine.save_answer(attempt, 6, {"text": "Hello"}, session=session,
                                     now=clock(), base=0)
        assert refused.conflict and refused.stored == {"text": "Dear customer"}
        engine.save_answer(attempt, 2, {"best": "b"}, session=session, now=clock(), base=0)
        emptied = engine.save_answer(attempt, 2, {}, session=session, now=clock(), base=1)
        assert emptied.accepted
        refused = engine.save_answer(attempt, 2, {"best": "c"}, session=session, now=clock(),
                                     base=1)
        assert refused.conflict and refused.stored == {"best": "", "worst": ""}


def test_bad_answers_and_positions_change_nothing(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        for position, raw in [(99, {"best": "a"}), ("1", {"best": "a"}), (1, {"best": "zz"}),
                              (5, {"value": "twelve"})]:
            with pytest.raises(AnswerError):
                engine.save_answer(attempt, position, raw, session=session, now=clock(), seq=1)
        assert all(r.answer is None and r.client_seq == 0
                   for r in engine.responses(attempt, session=session))


def test_grace_period_then_refusal_then_submitted_with_what_was_saved(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(), seq=1)
        clock.advance(minutes=30, seconds=30)  # past the deadline, inside the 60 s grace
        late = engine.save_answer(attempt, 2, {"best": "a"}, session=session, now=clock(),
                                  seq=1)
        assert late.accepted
        clock.advance(seconds=31)
        with pytest.raises(engine.AttemptClosed):
            engine.save_answer(attempt, 3, {"best": "a"}, session=session, now=clock(), seq=1)
        assert engine.finalize_if_due(attempt, session=session, now=clock())
        assert attempt.state == AttemptState.SCORED  # the blank written item needs no rating
        answers = [r.answer for r in engine.responses(attempt, session=session)]
        assert answers[:3] == [{"best": "a"}, {"best": "a"}, None]
        scores = [r.score for r in engine.responses(attempt, session=session)]
        assert scores[:3] == [1.0, 1.0, None]  # unanswered: no evidence, not a zero


def test_the_attempt_records_what_closed_it_and_only_the_first_closer_is_told(
        db, assessment, clock):
    with db() as session:
        own, _ = make_attempt(session, assessment, now=clock(), started=True)
        overdue, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  email="b@example.com")
        cancelled, _ = make_attempt(session, assessment, now=clock(), started=True,
                                    email="c@example.com")
        engine.save_answer(own, 1, {"best": "a"}, session=session, now=clock(), seq=1)
        assert [response.position for response, answered
                in engine.answered(own, session=session) if not answered] == [2, 3, 4, 5, 6]
        assert engine.submit(own, session=session, now=clock())
        assert not engine.submit(own, session=session, now=clock())  # already closed
        engine.revoke(cancelled, session=session, now=clock())
        clock.advance(minutes=31, seconds=1)
        assert engine.finalize_if_due(overdue, session=session, now=clock())
        assert not engine.finalize_if_due(overdue, session=session, now=clock())
        assert (own.ended_by, overdue.ended_by, cancelled.ended_by) == (
            AttemptEnd.CANDIDATE, AttemptEnd.DEADLINE, AttemptEnd.CANCELLED)
        assert [a.timed_out for a in (own, overdue, cancelled)] == [False, True, False]


def test_time_is_up_for_the_pages_timer_a_moment_before_the_deadline(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        assert not engine.time_is_up(attempt, clock() + timedelta(minutes=29))
        assert engine.time_is_up(attempt, attempt.deadline_at - engine.TIMER_EARLY)
        assert engine.time_is_up(attempt, attempt.deadline_at + timedelta(minutes=5))


def test_unused_invitation_expires(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
        clock.advance(days=8)
        assert engine.finalize_if_due(attempt, session=session, now=clock())
        assert attempt.state == AttemptState.EXPIRED
        with pytest.raises(engine.AttemptClosed):
            engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(), seq=1)


def test_submit_scores_and_blank_written_needs_no_rating(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a", "worst": "d"}, session=session,
                               now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        assert attempt.state == AttemptState.SCORED
        assert attempt.results["scales"]["judgement"]["score"] == 100.0
        assert attempt.results["subscores"]["customer_focus"]["score"] == 100.0
        # The math and the written item were left unanswered: counted, not scored as 0.
        assert attempt.results["scales"]["numeracy"] == {
            "score": None, "n_items": 0, "n_unanswered": 1, "n_pending": 0}
        assert attempt.results["scales"]["writing"]["n_unanswered"] == 1
        stored = session.exec(select(Attempt).where(Attempt.id == attempt.id)).one()
        assert stored.overall_score == attempt.overall_score == 100.0
        unscored = session.exec(select(Response.position).where(
            Response.attempt_id == attempt.id, Response.score.is_(None))).all()
        assert sorted(unscored) == [5, 6]


def test_submit_in_the_same_session_scores_the_answers_just_saved(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        held = engine.responses(attempt, session=session)  # rows loaded before the saves
        for response in held[:4]:
            engine.save_answer(attempt, response.position, {"best": "a", "worst": "d"},
                               session=session, now=clock(), seq=1)
        assert held[0].answer == {"best": "a"}
        engine.submit(attempt, session=session, now=clock())
        assert [r.score for r in held[:4]] == [1.0, 1.0, 1.0, 1.0]


# ---- accommodations: a time multiplier ------------------------------------------------


def test_a_time_multiplier_lengthens_the_deadline_and_extra_minutes_come_after(
        db, assessment, clock):
    with db() as session:
        longer, _ = make_attempt(session, assessment, now=clock(), time_multiplier=1.5)
        engine.start(longer, session=session, now=clock())
        assert longer.deadline_at == clock() + timedelta(minutes=30 * 1.5)
        both, _ = make_attempt(session, assessment, now=clock(), email="b@example.com",
                               time_multiplier="1,25")
        engine.give_extra_time(both, 10, session=session, now=clock())
        engine.start(both, session=session, now=clock())
        # 30 × 1.25 = 37.5, rounded up to whole minutes, then the extra 10
        assert both.time_multiplier == 1.25
        assert both.deadline_at == clock() + timedelta(minutes=38 + 10)


def test_the_time_multiplier_changes_only_before_the_start(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
        engine.set_time_multiplier(attempt, "2", session=session, now=clock())
        assert attempt.time_multiplier == 2.0
        engine.start(attempt, session=session, now=clock())
        assert attempt.deadline_at == clock() + timedelta(minutes=60)
        with pytest.raises(engine.AttemptClosed):
            engine.set_time_multiplier(attempt, 1.5, session=session, now=clock())
        assert attempt.time_multiplier == 2.0


@pytest.mark.parametrize("text", ["0.5", "0", "10", "3.01", "abc", "1,2,5", "nan", "inf",
                                  "-1.5"])
def test_a_time_multiplier_outside_1_to_3_is_refused(text):
    with pytest.raises(ValueError, match="from 1 to 3"):
        accommodations.parse_multiplier(text)


@pytest.mark.parametrize(("text", "value"), [("", 1.0), ("1", 1.0), ("1.25", 1.25),
                                             ("1,5", 1.5), (" 2 ", 2.0), ("3", 3.0)])
def test_a_time_multiplier_is_read_with_a_point_or_a_comma(text, value):
    assert accommodations.parse_multiplier(text) == value


def test_typing_lasts_longer_by_the_multiplier_and_is_scored_on_the_time_given():
    typing = get_type("typing")
    content = {"type": "typing", "passage": {"en": "x" * 2000}, "duration_seconds": 60}
    usual = typing.draw_params(content, random.Random(1), {"language": "en"})
    longer = typing.draw_params(content, random.Random(1),
                                {"language": "en", "time_multiplier": 1.5})
    assert "duration_seconds" not in usual and longer["duration_seconds"] == 90
    assert typing.view(content, usual, "en")["duration"] == 60
    assert typing.view(content, longer, "en")["duration"] == 90
    # 300 characters are 60 words: 60 a minute in 60 s, 40 a minute in the 90 s given.
    answer = {"text": "x" * 300, "elapsed_ms": 90_000}
    assert typing.speed(content, usual, answer, "en").net_wpm == pytest.approx(60)
    assert typing.speed(content, longer, answer, "en").net_wpm == pytest.approx(40)
    # the whole passage typed in 80 s of the 90: the time taken counts, not the usual 60
    short = {"type": "typing", "passage": {"en": "x" * 400}, "duration_seconds": 60}
    done = {"text": "x" * 400, "elapsed_ms": 80_000}
    assert typing.speed(short, longer, done, "en").net_wpm == pytest.approx(80 / (80 / 60))
