"""Figures kept per assessment, with the fingerprint of the attempts they come from.

Item statistics and norm groups are computed from every completed attempt of an
assessment: too much to read again on every page. They are kept in the aggregate table
with the fingerprint of those attempts (how many, and the latest time one of them was
scored: scoring sets Attempt.scored_at, so a new attempt, a rescore after a rating and an
erased attempt each change it). A reader compares the kept fingerprint with the current
one, a count over the assessment's attempts, and recomputes or says how old the figures
are.

A request never writes them: it reads the kept figure, or computes it (small
assessments) and remembers it in the process, and notes the kind in the session's info
(STALE) so that the web layer starts a background task that keeps it after the request
(hiring.scoring.keeping, "aggregates")."""

from __future__ import annotations

import contextvars
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from hiring.models import Aggregate, Attempt, AttemptState, utcnow

COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)
STALE = "hiring.stale_aggregates"  # session.info key: {(kind, assessment_id), ...}


@dataclass(frozen=True)
class Fingerprint:
    """The completed attempts behind a figure: how many, and when one was last scored."""

    n_attempts: int
    last_scored_at: datetime | None


def fingerprint(assessment_id: int, *, session: Session, real_only: bool) -> Fingerprint:
    """Return the fingerprint of an assessment's completed attempts (real ones only when
    asked: norms leave simulated attempts out, item statistics do not)."""
    where = [Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED)]
    if real_only:
        where.append(col(Attempt.simulated).is_(False))
    count, last = session.exec(
        select(func.count(), func.max(col(Attempt.scored_at))).where(*where)).one()
    return Fingerprint(count, last)


@dataclass(frozen=True)
class Kept:
    """A kept figure, the fingerprint it was computed at, and when."""

    data: dict[str, Any]
    fingerprint: Fingerprint
    computed_at: datetime

    def is_current(self, now: Fingerprint) -> bool:
        return self.fingerprint == now


def read(assessment_id: int, kind: str, *, session: Session) -> Kept | None:
    """Return the kept figure of a kind, or None when none was computed yet."""
    row = session.exec(select(Aggregate).where(Aggregate.assessment_id == assessment_id,
                                               Aggregate.kind == kind)).first()
    if row is None:
        return None
    return Kept(row.data, Fingerprint(row.n_attempts, row.last_scored_at), row.computed_at)


def keep(assessment_id: int, kind: str, data: dict[str, Any], stamp: Fingerprint, *,
         session: Session, now: datetime | None = None) -> Kept:
    """Store a figure with the fingerprint it was computed at; flushes, never commits.

    Of two processes that compute the same figure at once, the later write wins: both
    computed it from the attempts their fingerprints name."""
    computed_at = now or utcnow()
    values = {"n_attempts": stamp.n_attempts, "last_scored_at": stamp.last_scored_at,
              "computed_at": computed_at, "data": data}
    row = session.exec(select(Aggregate).where(Aggregate.assessment_id == assessment_id,
                                               Aggregate.kind == kind)).first()
    if row is None:
        try:
            with session.begin_nested():
                session.add(Aggregate(assessment_id=assessment_id, kind=kind, **values))
        except IntegrityError:  # another process kept it first: overwrite theirs
            row = session.exec(select(Aggregate).where(
                Aggregate.assessment_id == assessment_id, Aggregate.kind == kind)).one()
    if row is not None:
        for name, value in values.items():
            setattr(row, name, value)
        session.flush()
    return Kept(data, stamp, computed_at)


def note_stale(kind: str, assessment_id: int, *, session: Session) -> None:
    """Ask for the kept figure to be computed again after this request (see STALE)."""
    session.info.setdefault(STALE, set()).add((kind, assessment_id))


def stale(session: Session) -> set[tuple[str, int]]:
    """Return and forget the figures this session asked to be computed again."""
    return session.info.pop(STALE, set())


class Memo:
    """Figures computed in this process, per engine (weakly: another database, or an
    engine made after this one was dropped, never sees them), kind and assessment."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_engine: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self, kind: str, assessment_id: int, stamp: Fingerprint, *, session: Session
            ) -> Any | None:
        with self._lock:
            found = self._by_engine.get(session.get_bind(), {}).get((kind, assessment_id))
        return found[1] if found is not None and found[0] == stamp else None

    def put(self, kind: str, assessment_id: int, stamp: Fingerprint, value: Any, *,
            session: Session) -> None:
        with self._lock:
            self._by_engine.setdefault(session.get_bind(), {})[kind, assessment_id] = (
                stamp, value)


MEMO = Memo()
_READY_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "hiring.aggregates.ready_only", default=False)


class NotReady(Exception):
    """A figure neither remembered nor kept as of now, asked for under ready_only()."""


@contextmanager
def ready_only() -> Iterator[None]:
    """Within the block, current() raises NotReady instead of computing a figure over
    the attempts (a server process warming up reads, it never computes)."""
    token = _READY_ONLY.set(True)
    try:
        yield
    finally:
        _READY_ONLY.reset(token)


def current(kind: str, assessment_id: int, *, session: Session, real_only: bool,
            compute: Callable[[], Any], load: Callable[[dict], Any],
            inline_limit: int | None = None) -> Any:
    """Return a figure as of now: remembered, kept, or computed (then noted as stale).

    compute() reads the attempts; load() turns kept data into the figure. With an
    inline_limit, an assessment of more completed attempts than that whose figure is
    neither remembered nor kept as of now is not computed: None (noted as stale, so that
    a task keeps it after the request)."""
    stamp = fingerprint(assessment_id, session=session, real_only=real_only)
    found = MEMO.get(kind, assessment_id, stamp, session=session)
    if found is not None:
        return found
    kept = read(assessment_id, kind, session=session)
    if kept is not None and kept.is_current(stamp):
        found = load(kept.data)
    elif _READY_ONLY.get():
        raise NotReady(kind)
    elif inline_limit is not None and stamp.n_attempts > inline_limit:
        note_stale(kind, assessment_id, session=session)
        return None
    else:
        found = compute()
        note_stale(kind, assessment_id, session=session)
    MEMO.put(kind, assessment_id, stamp, found, session=session)
    return found
