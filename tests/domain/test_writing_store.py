"""Writing indicators stored with the response: JSON, states, and the job's idempotent fill."""

from __future__ import annotations

import json

import pytest

from hiring.assessment import engine
from hiring.assessment import writing as stored_writing
from hiring.models import Response
from hiring.scoring import writing_store
from hiring.scoring.writing import writing_indicators
from hiring.scoring.writing_store import IndicatorState
from tests.factories import make_attempt

CROATIAN = ("Postovana Ana, zao nam je. Mogu vam vratit novac, a poslat ćemo i ispriku. "
            "Javit ćemo vam se sutra.")
ENGLISH = ("Dear Ana, we are sorry that your refund took two weeks. We have checked it and "
           "it is paid today.")


@pytest.mark.parametrize(("text", "language"), [(CROATIAN, "hr"), (ENGLISH, "hr"),
                                                (ENGLISH, "en"), ("Vielen Dank.", "de")])
def test_stored_indicators_read_back_equal(text, language):
    indicators = writing_indicators(text, language, "Ana Marić")
    record = json.loads(json.dumps(writing_store.record(indicators, text)))  # as the column
    assert writing_store.read(record, text) == (indicators, IndicatorState.READY)
    assert writing_store.is_current(record, text)


def test_states_of_stored_indicators():
    record = writing_store.record(writing_indicators(ENGLISH, "en"), ENGLISH)
    assert writing_store.read(None, ENGLISH) == (None, IndicatorState.COMPUTING)
    # indicators of another answer are not this answer's
    assert writing_store.read(record, ENGLISH + " Bye.") == (None, IndicatorState.COMPUTING)
    assert writing_store.read(record, "  ") == (None, IndicatorState.NONE)
    assert writing_store.read(None, None) == (None, IndicatorState.NONE)
    failed = writing_store.failure("ValueError: broken", ENGLISH)
    assert writing_store.read(failed, ENGLISH) == (None, IndicatorState.FAILED)
    assert not writing_store.is_current(failed, ENGLISH)  # tried again by the next run
    # an older version is shown until the job replaces it
    older = {**record, "version": writing_store.VERSION - 1}
    assert writing_store.read(older, ENGLISH)[1] == IndicatorState.READY
    assert not writing_store.is_current(older, ENGLISH)


def submitted(db, assessment, clock, text: str | None, *, submit: bool = True,
              email: str = "ana@example.com") -> tuple[int, int]:
    """Store an attempt with a written answer; return its id and the answer's response id."""
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True, email=email,
                                  language="hr")
        engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(), seq=1)
        if text is not None:
            engine.save_answer(attempt, 6, {"text": text}, session=session, now=clock(), seq=1)
        if submit:
            engine.submit(attempt, session=session, now=clock())
        return attempt.id, engine.response_at(attempt, 6, session=session).id


def stored(db, response_id: int) -> dict | None:
    with db() as session:
        return session.get(Response, response_id).indicators


def test_fill_stores_each_answer_once_and_can_run_again(db, assessment, clock):
    attempt_id, response_id = submitted(db, assessment, clock, CROATIAN)
    _, in_progress = submitted(db, assessment, clock, CROATIAN, submit=False,
                               email="b@example.com")
    _, empty = submitted(db, assessment, clock, None, email="c@example.com")

    with db() as session:
        pending = stored_writing.pending_answers(session=session)
        assert [p.response_id for p in pending] == [response_id]
        assert (pending[0].language, pending[0].answer) == ("hr", CROATIAN)
        assert stored_writing.attempts_missing_indicators(session=session) == [attempt_id]
    assert stored_writing.fill_indicators(read=db, write=db) == 1
    indicators, state = writing_store.read(stored(db, response_id), CROATIAN)
    assert state == IndicatorState.READY and indicators is not None
    assert indicators.missing_diacritics.words == (("Postovana", "Poštovana"), ("zao", "žao"))
    assert indicators.colloquial.words == (("vratit", "vratiti"),)
    assert stored(db, in_progress) is None and stored(db, empty) is None

    # Run again: nothing left to do; forced: the same record again.
    assert stored_writing.fill_indicators(read=db, write=db) == 0
    before = stored(db, response_id)
    assert stored_writing.fill_indicators(read=db, write=db, attempt_ids=[attempt_id],
                                          force=True) == 1
    assert stored(db, response_id) == before


def test_a_failure_is_stored_and_tried_again(db, assessment, clock, monkeypatch):
    _, response_id = submitted(db, assessment, clock, ENGLISH)

    def broken(*_args, **_kwargs):
        raise RuntimeError("dictionary on fire")

    monkeypatch.setattr(stored_writing, "writing_indicators", broken)
    assert stored_writing.fill_indicators(read=db, write=db) == 1
    assert stored(db, response_id)["error"] == "RuntimeError: dictionary on fire"
    assert writing_store.read(stored(db, response_id), ENGLISH)[1] == IndicatorState.FAILED
    monkeypatch.undo()
    assert stored_writing.fill_indicators(read=db, write=db) == 1
    assert writing_store.read(stored(db, response_id), ENGLISH)[1] == IndicatorState.READY
