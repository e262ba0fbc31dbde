"""The writing indicators of closed attempts' written answers: computed once, stored.

A background task (WRITING_INDICATORS) runs fill_indicators when an attempt closes (submitted by the
candidate, by the clock or by HR), and `hiring writing compute` runs it for older
attempts. It is safe to run again at any time: answers whose stored indicators are
current are left alone. The slow part (dictionaries) runs between two short database
sessions and holds no lock, so candidates' saves never wait for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from hiring.background import Run, Scope, task
from hiring.items.revisions import revision_contents
from hiring.items.types import ITEM_TYPES
from hiring.models import Attempt, AttemptState, Item, ItemRevision, Response
from hiring.scoring import writing_store
from hiring.scoring.writing import writing_indicators

log = logging.getLogger(__name__)
CLOSED = (AttemptState.SUBMITTED, AttemptState.SCORED)
WRITING_INDICATORS = "writing_indicators"


@dataclass(frozen=True)
class PendingAnswer:
    """A written answer whose indicators are to be computed, with what they need."""

    response_id: int
    attempt_id: int
    answer: str
    language: str  # the attempt's: the reply is in the language the candidate took it in
    customer_name: str | None


def pending_answers(*, session: Session, attempt_ids: Iterable[int] | None = None,
                    force: bool = False) -> list[PendingAnswer]:
    """Return the non-empty written answers of closed attempts without current indicators.

    attempt_ids None: every closed attempt. force: their current ones too."""
    written = [name for name, item_type in ITEM_TYPES.items() if item_type.needs_rating]
    query = (select(Response.id, Response.attempt_id, Response.answer, Response.indicators,
                    Response.revision_id, Attempt.language)
             .join(Attempt, col(Attempt.id) == Response.attempt_id)
             .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
             .join(Item, col(Item.id) == ItemRevision.item_id)
             .where(col(Attempt.state).in_(CLOSED), col(Item.type).in_(written))
             .order_by(col(Response.attempt_id), col(Response.position)))
    if attempt_ids is not None:
        query = query.where(col(Response.attempt_id).in_(list(attempt_ids)))
    rows = [row for row in session.exec(query)
            if isinstance(row.answer, str) and row.answer.strip()
            and (force or not writing_store.is_current(row.indicators, row.answer))]
    contents = revision_contents(sorted({row.revision_id for row in rows}), session=session)
    return [PendingAnswer(row.id, row.attempt_id, row.answer, row.language,
                          contents[row.revision_id].get("customer_name")) for row in rows]


def attempts_missing_indicators(*, session: Session) -> list[int]:
    """Return the closed attempts with a written answer whose indicators are not current."""
    return sorted({answer.attempt_id for answer in pending_answers(session=session)})


def measure(answer: PendingAnswer) -> dict:
    """Compute an answer's indicators as the record to store; a failure is recorded too."""
    try:
        indicators = writing_indicators(answer.answer, answer.language, answer.customer_name)
    except Exception as error:  # one odd answer must not stop the others
        log.exception("writing indicators of response %s failed", answer.response_id)
        return writing_store.failure(f"{type(error).__name__}: {error}", answer.answer)
    return writing_store.record(indicators, answer.answer)


def store(response_id: int, stored: dict, *, session: Session) -> bool:
    """Store a response's indicators; tell whether it still exists (erasure may have won)."""
    result = session.execute(update(Response).where(col(Response.id) == response_id)
                             .values(indicators=stored)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


def fill_indicators(*, read: Scope, write: Scope, attempt_ids: Iterable[int] | None = None,
                    force: bool = False,
                    on_progress: Callable[[int, int], None] | None = None) -> int:
    """Compute and store the indicators the attempts' answers lack; return how many.

    read and write open database sessions: the answers are read in one, each result is
    stored in a short write session of its own, and nothing is held in between."""
    with read() as session:
        answers = pending_answers(session=session, attempt_ids=attempt_ids, force=force)
    stored = 0
    for done, answer in enumerate(answers, start=1):
        result = measure(answer)
        with write() as session:
            stored += store(answer.response_id, result, session=session)
        if on_progress is not None:
            on_progress(done, len(answers))
    return stored


@task(WRITING_INDICATORS)
def fill_indicators_task(run: Run, attempt_ids: list[int]) -> None:
    """The task's work: the attempts' indicators; then their profiles may be rendered."""
    stored = fill_indicators(read=run.read, write=run.write, attempt_ids=attempt_ids)
    log.info("writing indicators of attempts %s: %d answers", attempt_ids, stored)
    if stored:  # a profile job waiting for them may go now
        run.profiles_changed(attempt_ids)
