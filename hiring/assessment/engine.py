"""The attempt engine: invite, start, save answers, submit. Flushes; never commits."""

from __future__ import annotations

import random
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, exists, insert, literal, literal_column, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, func, select

from hiring.assessment import planning
from hiring.assessment.tokens import hash_token, new_token
from hiring.db import quick_write
from hiring.email_address import normalize_email
from hiring.items import accommodations
from hiring.items.messages import N_, CandidateError
from hiring.items.revisions import cached_revision_content, revision_content, revision_contents
from hiring.items.types import AnswerError, get_type
from hiring.items.types.base import translate
from hiring.models import (
    Assessment,
    Attempt,
    AttemptEnd,
    AttemptState,
    Response,
    UTCDateTime,
    utcnow,
)
from hiring.scoring.attempts import score_attempt
from hiring.webhooks import events as webhooks

OPEN_STATES = (AttemptState.INVITED, AttemptState.IN_PROGRESS)
# The page's timer counts down from the seconds left when the page loaded, rounded, so it
# may reach zero a moment before the server's deadline.
TIMER_EARLY = timedelta(seconds=10)


class AttemptClosed(CandidateError):
    """The attempt no longer takes answers; the message says why."""


class AssessmentUnavailable(CandidateError):
    """The assessment cannot be started; the message says why."""


@dataclass(frozen=True)
class SaveResult:
    accepted: bool  # False: a newer save was already stored; nothing changed
    seq: int  # the sequence number (the item's revision) now stored
    saved_at: datetime
    confirm: dict | None = None  # what the candidate is asked about the stored answer
    # A save based on a revision that is no longer the stored one, with another answer:
    # refused, and the stored answer given back as the form's fields, to be shown.
    conflict: bool = False
    stored: dict[str, Any] | None = None
    # When a quick save also wrote the attempt's place and last activity (None: it did not).
    touched_at: datetime | None = None


def invite(assessment: Assessment, *, session: Session, name: str, email: str,
           expires_at: datetime, language: str | None = None,
           created_by: int | None = None, time_multiplier: float = 1.0,
           simulated: bool = False, now: datetime | None = None) -> tuple[Attempt, str]:
    """Create an invitation; return it with its token, which is not stored.

    simulated: made by `hiring simulate`, it is told to no webhook."""
    time_multiplier = accommodations.parse_multiplier(time_multiplier)
    token = new_token()
    attempt = Attempt(
        assessment_id=assessment.id, candidate_name=name.strip(),
        candidate_email=normalize_email(email), token_hash=hash_token(token),
        expires_at=expires_at, language=language or assessment.language,
        seed=random.SystemRandom().randrange(2**31), created_by=created_by,
        time_multiplier=time_multiplier, simulated=simulated,
    )
    session.add(attempt)
    session.flush()
    webhooks.emit(webhooks.Event.INVITATION_CREATED, attempt, session=session,
                  now=now or utcnow())
    return attempt, token


@cache
def _by_token(with_assessment: bool, locking: bool):
    """The statement find_by_token runs, built once: every candidate request runs one,
    and building it anew (and its cache key) took a sixth of the lookup's samples in a
    profile of a start burst."""
    if with_assessment:
        query = select(Attempt, Assessment).join(
            Assessment, col(Assessment.id) == Attempt.assessment_id)
    else:
        query = select(Attempt)
    query = query.where(col(Attempt.token_hash) == bindparam("token_hash"))
    return query.with_for_update(of=Attempt) if locking else query


def find_by_token(token: str, *, session: Session, for_update: bool = False,
                  with_assessment: bool = False) -> Attempt | None:
    """Return the attempt an invitation token opens, if any.

    for_update: the caller is about to change the attempt, so its row is locked now
    (see lock()), which spares the save path a second read of the row (the attempt's row
    only: the assessment's is never locked).
    with_assessment: the caller reads the attempt's assessment too (the welcome page, the
    start): it is read in the same statement, and session.get finds it in the session."""
    if not token or len(token) > 200:
        return None
    locking = for_update and not _is_sqlite(session)
    row = session.exec(_by_token(with_assessment, locking),
                       params={"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    if with_assessment:
        attempt, assessment = row
        # held while the session lasts: its identity map holds it weakly
        session.info.setdefault("hiring.assessments_read", []).append(assessment)
    else:
        attempt = row
    if locking:
        _mark_locked(attempt, session=session)
    return attempt


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _mark_locked(attempt: Attempt, *, session: Session) -> None:
    session.info.setdefault("attempt_locks", {})[attempt.id] = session.get_transaction()


def start(attempt: Attempt, *, session: Session, now: datetime, language: str | None = None
          ) -> None:
    """Start an invited attempt in a language: draw items and parameters, set the deadline."""
    if attempt.state != AttemptState.INVITED:
        return
    if now > attempt.expires_at:
        attempt.state = AttemptState.EXPIRED
        webhooks.emit(webhooks.Event.INVITATION_EXPIRED, attempt, session=session, now=now)
        raise AttemptClosed(N_("This invitation has expired."))
    assessment = session.get(Assessment, attempt.assessment_id)
    if language is not None:
        if language not in planning.languages(assessment, session=session):
            raise AssessmentUnavailable(N_("This assessment is not available in that language."))
        attempt.language = language
    planned = planning.plan(assessment, attempt.seed, session=session)
    if not planned:
        raise AssessmentUnavailable(N_("This assessment has no questions yet."))
    rng = random.Random(attempt.seed ^ 0x5EED)  # noqa: S311 - reproducible parameters
    settings = {**(assessment.settings or {}), "language": attempt.language,
                "time_multiplier": attempt.time_multiplier or 1.0}
    rows = [{"attempt_id": attempt.id, "position": position,
             "section": translate(entry.section, attempt.language)[:200],
             "revision_id": entry.revision_id,
             "params": get_type(entry.content["type"]).draw_params(entry.content, rng, settings),
             "answer": None, "client_seq": 0, "time_spent_ms": 0, "paste_count": 0,
             "pasted_chars": 0}
            for position, entry in enumerate(planned, start=1)]
    # one statement for all, not one per item, and no ORM to go through
    session.connection().execute(insert(Response.__table__), rows)
    attempt.state = AttemptState.IN_PROGRESS
    attempt.started_at = now
    attempt.current_position = 1
    attempt.deadline_at = now + timedelta(minutes=accommodations.total_minutes(
        assessment.time_limit_minutes, attempt.time_multiplier, attempt.extra_minutes))
    session.flush()
    webhooks.emit(webhooks.Event.ATTEMPT_STARTED, attempt, session=session, now=now)


def choose_language(attempt: Attempt, language: str, *, session: Session) -> bool:
    """Keep the language an invited candidate chose before starting; False when the attempt
    was started (or closed) meanwhile, and its language stays as it was."""
    changed = session.execute(update(Attempt).where(
        col(Attempt.id) == attempt.id, col(Attempt.state) == AttemptState.INVITED
    ).values(language=language)).rowcount == 1
    if changed:
        set_committed_value(attempt, "language", language)
    return changed


def grace(attempt: Attempt, *, session: Session) -> timedelta:
    # Kept for the session: the identity map holds rows only while something refers to
    # them, and a save asks twice (once on arrival, once under the lock).
    known = session.info.setdefault("grace_seconds", {})
    if attempt.assessment_id not in known:
        known[attempt.assessment_id] = session.exec(select(Assessment.grace_seconds).where(
            Assessment.id == attempt.assessment_id)).one()
    return timedelta(seconds=known[attempt.assessment_id])


def is_overdue(attempt: Attempt, now: datetime, *, session: Session) -> bool:
    """Tell whether the deadline and its grace period have passed. Before the deadline
    the grace period is not read: it is never negative (0-600 s, as the assessment's form
    and the bank schema keep it)."""
    return (attempt.state == AttemptState.IN_PROGRESS and attempt.deadline_at is not None
            and now > attempt.deadline_at
            and now > attempt.deadline_at + grace(attempt, session=session))


def responses(attempt: Attempt, *, session: Session) -> list[Response]:
    """Return the attempt's responses in order."""
    return list(session.exec(select(Response).where(
        Response.attempt_id == attempt.id).order_by(Response.position)))


def answered(attempt: Attempt, *, session: Session) -> list[tuple[Response, bool]]:
    """Return the attempt's responses in order, each with whether it holds an answer."""
    rows = responses(attempt, session=session)
    contents = revision_contents([row.revision_id for row in rows], session=session)
    return [(row, get_type(contents[row.revision_id]["type"]).is_answered(row.answer))
            for row in rows]


def time_is_up(attempt: Attempt, now: datetime) -> bool:
    """Tell whether the deadline has come, as the page's timer sees it (TIMER_EARLY)."""
    return attempt.deadline_at is not None and now >= attempt.deadline_at - TIMER_EARLY


def response_count(attempt: Attempt, *, session: Session) -> int:
    """Count the attempt's items without loading them."""
    return session.exec(select(func.count()).select_from(Response).where(
        Response.attempt_id == attempt.id)).one()


def response_at(attempt: Attempt, position: int, *, session: Session) -> Response | None:
    if not 0 < position < 2**31:
        return None  # outside the column's range: no such question
    return session.exec(select(Response).where(
        Response.attempt_id == attempt.id, Response.position == position)).first()


def lock(attempt: Attempt, *, session: Session) -> None:
    """Re-read the attempt and hold its row until the transaction ends.

    A save and a submit of the same attempt then run one after the other: the submit
    scores every save acknowledged before it, and a save after it is refused.
    PostgreSQL needs the row lock, unless find_by_token took it in this transaction.
    SQLite gets the same from BEGIN IMMEDIATE: the transaction holds the write lock from
    its first statement, so every row it read is current and no one else can change it;
    the only rows it could hold stale are closed attempts a request committed earlier,
    and a closed attempt never opens again."""
    if _is_sqlite(session):
        return
    if session.info.get("attempt_locks", {}).get(attempt.id) is session.get_transaction():
        return
    session.flush()  # the refresh below re-reads the row: changes made to it are kept
    session.refresh(attempt, with_for_update=True)
    _mark_locked(attempt, session=session)


def _closed_message(attempt: Attempt) -> str:
    if attempt.state == AttemptState.EXPIRED:
        return N_("This invitation has expired.")
    if attempt.state == AttemptState.INVITED:
        return N_("The assessment has not been started yet.")
    if attempt.timed_out:
        return N_("Time is up: your answers were submitted with everything saved so far.")
    return N_("This assessment has already been submitted.")


def save_answer(attempt: Attempt, position: Any, raw: Any, *, session: Session,
                now: datetime, seq: int | None = None, base: int | None = None,
                time_spent_ms: int = 0) -> SaveResult:
    """Store an answer unless a newer one is stored; refuse after the deadline's grace.

    Two ways to say what is newer. base: the item's revision (its client_seq) the answer
    was given on; the server issues revision base + 1, and refuses a save based on an
    older revision unless it carries the stored answer already (a repeat whose reply was
    lost), so that every tab and device of an attempt shares one numbering. seq: the
    client's own number, stored when it is higher (pages from before revisions)."""
    lock(attempt, session=session)
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(_closed_message(attempt))
    if is_overdue(attempt, now, session=session):
        raise AttemptClosed(N_("Time is up: answers can no longer be changed."))
    if not isinstance(position, int) or isinstance(position, bool):
        raise AnswerError(N_("Unknown question."))
    response = response_at(attempt, position, session=session)
    if response is None:
        raise AnswerError(N_("Unknown question."))
    content = revision_content(response.revision_id, session=session)
    item_type = get_type(content["type"])
    answer = item_type.read_answer(content, raw, attempt.language)
    if base is not None:
        if base != response.client_seq:
            # The attempt's lock keeps other saves out: the row read above is current.
            attempt.current_position = position
            session.flush()
            if answer == response.answer:
                return SaveResult(accepted=True, seq=response.client_seq,
                                  saved_at=response.saved_at or now,
                                  confirm=item_type.confirmation(content, response.answer,
                                                                 attempt.language))
            return SaveResult(accepted=False, seq=response.client_seq,
                              saved_at=response.saved_at or now, conflict=True,
                              stored=item_type.form_values(response.answer))
        seq = base + 1
    elif seq is None:  # a plain form post: it is the newest thing the candidate did
        seq = response.client_seq + 1
    time_spent_ms = max(0, min(int(time_spent_ms or 0), 24 * 3600 * 1000))
    # One conditional UPDATE: an older or repeated save matches no row and changes nothing.
    result = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.client_seq < seq)
        .values(answer=answer, client_seq=seq, saved_at=now,
                time_spent_ms=max(response.time_spent_ms, time_spent_ms))
        .execution_options(synchronize_session=False)
    )
    accepted = result.rowcount == 1
    attempt.current_position = position
    attempt.touch(now)  # the pipeline's last activity (Attempt.last_activity_at)
    session.flush()
    # The attempt's lock keeps other saves out, so what was read above is still current;
    # the stored values are set on the loaded row too, so that this session (a submit in
    # the same transaction, say) sees the saved answer without reading the row again.
    if accepted:
        stored = {"answer": answer, "client_seq": seq, "saved_at": now,
                  "time_spent_ms": max(response.time_spent_ms, time_spent_ms)}
        for name, value in stored.items():
            set_committed_value(response, name, value)
    return SaveResult(accepted=accepted, seq=response.client_seq,
                      saved_at=response.saved_at or now,
                      confirm=item_type.confirmation(content, response.answer,
                                                     attempt.language))


@dataclass(frozen=True)
class OpenAttempt:
    """What a save needs of an attempt under way that does not change while it is: its
    items are drawn at the start, and its language is chosen by then. Kept per process
    (see quick_save); what does change (its state, deadline, grace) is checked in SQL."""

    id: int
    token_hash: str
    language: str
    ip_addresses: tuple[str, ...]  # as recorded when it was read; these only grow
    user_agents: tuple[str, ...]
    items: dict[int, tuple[int, int]]  # position -> (response id, revision id)


ACTIVITY_EVERY = timedelta(minutes=1)  # how far a quick save lets last activity lag


class _OpenAttempts:
    """The attempts under way that this process has saved answers of, by token hash, and
    the position each was last moved to by this process."""

    def __init__(self, size: int = 20_000):
        self._size = size
        self._lock = threading.Lock()
        self._by_engine: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _caches(self, engine) -> tuple[OrderedDict, OrderedDict]:
        return self._by_engine.setdefault(engine, (OrderedDict(), OrderedDict()))

    def get(self, engine, token_hash: str) -> OpenAttempt | None:
        with self._lock:
            attempts, _ = self._caches(engine)
            found = attempts.get(token_hash)
            if found is not None:
                attempts.move_to_end(token_hash)
            return found

    def put(self, engine, attempt: OpenAttempt) -> None:
        with self._lock:
            attempts, _ = self._caches(engine)
            attempts[attempt.token_hash] = attempt
            while len(attempts) > self._size:
                attempts.popitem(last=False)

    def forget(self, engine, token: str) -> None:
        """Read the attempt anew next time (the slow way may have recorded something)."""
        with self._lock:
            attempts, positions = self._caches(engine)
            found = attempts.pop(hash_token(token), None)
            if found is not None:
                positions.pop(found.id, None)

    def position(self, engine, attempt_id: int) -> tuple[int, datetime] | None:
        """The position this process last stored, and when it wrote the attempt's row."""
        with self._lock:
            return self._caches(engine)[1].get(attempt_id)

    def moved(self, engine, attempt_id: int, position: int | None,
              touched_at: datetime | None = None) -> None:
        with self._lock:
            _, positions = self._caches(engine)
            if position is None:
                positions.pop(attempt_id, None)
                return
            known = positions.get(attempt_id)
            if touched_at is None:  # the row was not written: keep when it last was
                if known is None or known[0] != position:
                    positions.pop(attempt_id, None)
                    return
                touched_at = known[1]
            positions[attempt_id] = (position, touched_at)
            positions.move_to_end(attempt_id)
            while len(positions) > self._size:
                positions.popitem(last=False)


_open = _OpenAttempts()
forget_open = _open.forget


def moved_to(engine, attempt_id: int, position: int | None,
             touched_at: datetime | None = None) -> None:
    """Note the attempt's current position once stored (None: not known any more), and
    when the attempt's row was written with it."""
    _open.moved(engine, attempt_id, position, touched_at)


def open_attempt(token: str, *, engine, read: Callable[[], AbstractContextManager[Session]]
                 ) -> OpenAttempt | None:
    """Return what a save needs of the attempt under way the token opens, from this
    process's cache, or read it in a read-only transaction (no write lock) and keep it.
    None: no such attempt, or not under way (the slow way says why)."""
    if not token or len(token) > 200:
        return None
    token_hash = hash_token(token)
    found = _open.get(engine, token_hash)
    if found is not None:
        return found
    # The attempt with its responses, in one statement; on PostgreSQL outside a transaction
    # (one round trip, not four: each server process reads every attempt it saves for once)
    query = (select(Attempt.id, Attempt.state, Attempt.language, Attempt.ip_addresses,
                    Attempt.user_agents, Response.position,
                    Response.id.label("response_id"), Response.revision_id)
             .outerjoin(Response, col(Response.attempt_id) == Attempt.id)
             .where(Attempt.token_hash == token_hash))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            rows = connection.execute(query).all()
    else:
        with read() as session:
            rows = session.exec(query).all()
    if not rows or rows[0].state != AttemptState.IN_PROGRESS:
        return None
    row = rows[0]
    items = {r.position: (r.response_id, r.revision_id) for r in rows
             if r.response_id is not None}
    revisions = sorted({revision for _, revision in items.values()})
    if any(cached_revision_content(revision, engine=engine) is None for revision in revisions):
        with read() as session:
            revision_contents(revisions, session=session)
    found = OpenAttempt(id=row.id, token_hash=token_hash, language=row.language,
                        ip_addresses=tuple(row.ip_addresses or ()),
                        user_agents=tuple(row.user_agents or ()), items=items)
    _open.put(engine, found)
    return found


def _takes_answers(attempt_id: Any, token_hash: Any, now: Any, dialect: str):
    """SQL: the attempt is under way, its token not revoked, and now is within its deadline
    and grace (the deadline holds any extra time). Its row is locked on PostgreSQL as
    lock() does, so that a submit waits for the save or the save sees it submitted.

    On SQLite the time is compared in days (julianday), a millisecond short of the
    grace: never later than is_overdue allows; a save in that last millisecond takes
    the slow way, which compares exactly. The arguments are values or bound parameters."""
    moment = now if isinstance(now, BindParameter) else literal(now, UTCDateTime())
    if dialect == "sqlite":
        in_time = ((func.julianday(moment) - func.julianday(Attempt.deadline_at)) * 86400.0
                   <= Assessment.grace_seconds - 0.001)
    else:
        in_time = (Attempt.deadline_at
                   + literal_column("interval '1 second'") * Assessment.grace_seconds
                   >= moment)
    return exists(
        select(Attempt.id).join(Assessment, col(Assessment.id) == Attempt.assessment_id)
        .where(Attempt.id == attempt_id, Attempt.token_hash == token_hash,
               Attempt.state == AttemptState.IN_PROGRESS,
               col(Attempt.deadline_at).is_not(None), in_time)
        .with_for_update(key_share=True, of=Attempt))


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled once for a dialect: its SQL text, and how to turn named values
    into the driver's parameters (every bound value through its column type's processor,
    as SQLAlchemy itself would, in the statement's order for a positional driver)."""

    sql: str
    compiled: Any
    processors: dict[str, Callable[[Any], Any]]
    order: tuple[str, ...] | None

    @classmethod
    def of(cls, statement, dialect) -> _Prepared:
        compiled = statement.compile(dialect=dialect)
        processors = {}
        for bind, name in compiled.bind_names.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        order = tuple(compiled.positiontup) if compiled.positional else None
        return cls(sql=str(compiled), compiled=compiled, processors=processors, order=order)

    def driver(self, values: dict[str, Any]) -> tuple[str, Any]:
        """The SQL text and the driver's parameters for these values."""
        params = self.compiled.construct_params(values)
        for name, processor in self.processors.items():
            params[name] = processor(params[name])
        return self.sql, (tuple(params[name] for name in self.order)
                          if self.order is not None else params)


def _save_statement(by_base: bool, dialect: str):
    """The save's conditional UPDATE, with bound parameters: q_response, q_attempt,
    q_position, q_revision, q_token, q_now, q_answer, q_seq (the new sequence number),
    q_newer (the stored revision it changes, or the sequence it must exceed), q_spent."""
    newer = (Response.client_seq == bindparam("q_newer") if by_base
             else Response.client_seq < bindparam("q_newer"))
    spent = bindparam("q_spent")
    return (
        update(Response)
        .where(Response.id == bindparam("q_response"),
               Response.attempt_id == bindparam("q_attempt"),
               Response.position == bindparam("q_position"),
               Response.revision_id == bindparam("q_revision"), newer,
               _takes_answers(bindparam("q_attempt"), bindparam("q_token"),
                              bindparam("q_now", type_=UTCDateTime()), dialect))
        .values(answer=bindparam("q_answer", type_=Response.__table__.c.answer.type),
                client_seq=bindparam("q_seq"),
                saved_at=bindparam("q_now", type_=UTCDateTime()),
                time_spent_ms=case((Response.time_spent_ms > spent, Response.time_spent_ms),
                                   else_=spent)))


_MOVE_STATEMENT = (update(Attempt).where(Attempt.id == bindparam("q_attempt"))
                   .values(current_position=bindparam("q_position"),
                           last_activity_at=bindparam("q_now", type_=UTCDateTime())))

# Per dialect (weakly: an engine disposed of takes its dialect along): the save's
# statements compiled once, so that a save builds and compiles no SQL (that was over half
# of its time in a profile of 2,000 saves).
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PREPARED_LOCK = threading.Lock()


def _save_and_move(by_base: bool, dialect: str):
    """PostgreSQL: the save and, only when it stored the answer, the attempt's place, in
    one statement (the save as a data-modifying WITH), so one round trip."""
    saved = _save_statement(by_base, dialect).returning(Response.id).cte("saved")
    return (update(Attempt)
            .where(Attempt.id == bindparam("q_attempt"), exists(select(saved.c.id)))
            .values(current_position=bindparam("q_position"),
                    last_activity_at=bindparam("q_now", type_=UTCDateTime()))
            .add_cte(saved))


def _prepared(dialect, name: str) -> _Prepared:
    found = _PREPARED.get(dialect)
    if found is None:
        with _PREPARED_LOCK:
            found = _PREPARED.get(dialect)
            if found is None:
                found = {
                    "by_base": _Prepared.of(_save_statement(True, dialect.name), dialect),
                    "by_seq": _Prepared.of(_save_statement(False, dialect.name), dialect),
                    "move": _Prepared.of(_MOVE_STATEMENT, dialect),
                }
                if dialect.name == "postgresql":
                    found["by_base_move"] = _Prepared.of(_save_and_move(True, dialect.name),
                                                         dialect)
                    found["by_seq_move"] = _Prepared.of(_save_and_move(False, dialect.name),
                                                        dialect)
                _PREPARED[dialect] = found
    return found[name]


def quick_save(found: OpenAttempt, position: Any, raw: Any, *, engine: Engine,
               read: Callable[[], AbstractContextManager[Session]], now: datetime,
               seq: int | None = None, base: int | None = None,
               time_spent_ms: int = 0) -> SaveResult | None:
    """Store an answer the way save_answer does, in one conditional UPDATE that carries
    every rule: the attempt under way and in time, and the answer's revision (base) or
    sequence (seq) newer than the stored one. The answer is read before it, from cached
    content, so that the write transaction (SQLite's write lock) is that statement and its
    commit. (Plus an UPDATE of the attempt's position when this process does not know it
    to be there already.) Both statements are compiled once per process (_prepared) and
    run in a transaction of their own, committed here (hiring.db.quick_write).

    None: nothing was written and the caller must take the slow way
    (save_answer after the full checks), which tells why: the attempt closed or overdue,
    a stale revision (the stored answer, or the same answer accepted), a bad answer, an
    unknown question."""
    if not isinstance(position, int) or isinstance(position, bool) or (seq is None) == (
            base is None):
        return None
    item = found.items.get(position)
    if item is None:
        return None
    response_id, revision_id = item
    content = cached_revision_content(revision_id, engine=engine)
    if content is None:
        with read() as reading:
            content = revision_content(revision_id, session=reading)
    item_type = get_type(content["type"])
    try:
        answer = item_type.read_answer(content, raw, found.language)
    except AnswerError:
        return None  # said the slow way, after the attempt's own checks, as before
    spent = max(0, min(int(time_spent_ms or 0), 24 * 3600 * 1000))
    if base is not None:
        kind, newer, seq = "by_base", base, base + 1
    else:
        kind, newer = "by_seq", seq
    # The attempt's place (where a reopened link resumes) and its last activity (the
    # pipeline's) are written when this process did not store that place last, or wrote
    # the row more than ACTIVITY_EVERY ago: saves on one question leave the last activity
    # behind by that at most. A page of the attempt served by another process in between
    # may leave the place at that page until the next move.
    last = _open.position(engine, found.id)
    touched_at = None
    move = None
    values = {
        "q_response": response_id, "q_attempt": found.id, "q_position": position,
        "q_revision": revision_id, "q_token": found.token_hash, "q_now": now,
        "q_answer": answer, "q_seq": seq, "q_newer": newer, "q_spent": spent,
    }
    if last is None or last[0] != position or now - last[1] >= ACTIVITY_EVERY:
        touched_at = now
        if engine.dialect.name == "postgresql":
            kind += "_move"
        else:
            move = _prepared(engine.dialect, "move").driver(
                {"q_attempt": found.id, "q_position": position, "q_now": now})
    saved = quick_write(engine, _prepared(engine.dialect, kind).driver(values), then=move)
    if not saved:
        return None
    return SaveResult(accepted=True, seq=seq, saved_at=now,
                      confirm=item_type.confirmation(content, answer, found.language),
                      touched_at=touched_at)


def submit(attempt: Attempt, *, session: Session, now: datetime,
           ended_by: AttemptEnd = AttemptEnd.CANDIDATE) -> bool:
    """Close the attempt with what is stored and score it; tell whether this closed it.

    ended_by: what closed it, for the candidate's last page and e-mail."""
    lock(attempt, session=session)
    if attempt.state != AttemptState.IN_PROGRESS:
        return False
    attempt.state = AttemptState.SUBMITTED
    attempt.submitted_at = now
    attempt.ended_by = ended_by
    # The attempt's lock is held: the closing and the scores are written in one UPDATE.
    with session.no_autoflush:
        score_attempt(attempt, session=session, just_closed=True)
    webhooks.emit_changes(AttemptState.IN_PROGRESS, attempt, session=session, now=now)
    return True


def finalize_if_due(attempt: Attempt, *, session: Session, now: datetime) -> bool:
    """Submit an overdue attempt or expire an unused invitation; tell whether it changed.

    Of two requests that find the same attempt overdue, only the one that submits it
    is told that it changed (the other waits for the attempt's lock, then finds it closed)."""
    if is_overdue(attempt, now, session=session):
        return submit(attempt, session=session, now=now, ended_by=AttemptEnd.DEADLINE)
    if attempt.state == AttemptState.INVITED and now > attempt.expires_at:
        attempt.state = AttemptState.EXPIRED
        session.flush()
        webhooks.emit(webhooks.Event.INVITATION_EXPIRED, attempt, session=session, now=now)
        return True
    return False


def finalize_expired(*, session: Session, now: datetime) -> tuple[int, int]:
    """Submit every overdue attempt and expire every unused invitation past its date.

    Returns (submitted, expired). Safe to run again: closed attempts are left alone."""
    submitted = expired = 0
    candidates = session.exec(select(Attempt).where(
        col(Attempt.state).in_([AttemptState.INVITED, AttemptState.IN_PROGRESS])))
    for attempt in list(candidates):
        before = attempt.state
        if finalize_if_due(attempt, session=session, now=now):
            if before == AttemptState.IN_PROGRESS:
                submitted += 1
            else:
                expired += 1
    return submitted, expired


def give_extra_time(attempt: Attempt, minutes: int, *, session: Session,
                    now: datetime) -> None:
    """Add time for one candidate (an accommodation), before or during the attempt.

    An attempt already past its deadline and grace is finalised first (nothing may have
    closed it yet): extra time cannot reopen it."""
    if not 0 <= minutes <= 600:
        raise ValueError(N_("Extra time must be between 0 and 600 minutes."))
    lock(attempt, session=session)
    finalize_if_due(attempt, session=session, now=now)
    if attempt.state not in OPEN_STATES:
        raise AttemptClosed(N_("This assessment has already been submitted."))
    if attempt.deadline_at is not None:
        attempt.deadline_at += timedelta(minutes=minutes - attempt.extra_minutes)
    attempt.extra_minutes = minutes
    session.flush()


def set_time_multiplier(attempt: Attempt, multiplier: float, *, session: Session,
                        now: datetime) -> None:
    """Give a candidate more time by a multiplier (an accommodation), before the start.

    The multiplier is applied when the attempt starts (its deadline and its timed items),
    so an attempt under way or closed keeps what it started with."""
    multiplier = accommodations.parse_multiplier(multiplier)
    lock(attempt, session=session)
    finalize_if_due(attempt, session=session, now=now)
    if attempt.state != AttemptState.INVITED:
        raise AttemptClosed(N_("This assessment has already been started."))
    attempt.time_multiplier = multiplier
    session.flush()


def revoke(attempt: Attempt, *, session: Session, now: datetime) -> None:
    """Make the invitation link stop working for good.

    An unused invitation expires; an attempt under way is submitted with what was saved.
    The stored hash is replaced by one no token can match."""
    lock(attempt, session=session)
    if attempt.state == AttemptState.IN_PROGRESS:
        submit(attempt, session=session, now=now, ended_by=AttemptEnd.CANCELLED)
    elif attempt.state == AttemptState.INVITED:
        attempt.state = AttemptState.EXPIRED
        webhooks.emit(webhooks.Event.INVITATION_EXPIRED, attempt, session=session, now=now)
    attempt.token_hash = "revoked:" + new_token()[:40]
    attempt.expires_at = min(attempt.expires_at, now)
    session.flush()
