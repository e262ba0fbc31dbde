"""Staff logins: failed attempts counted in the database, and sessions kept on the server.

Counting in the database shares the limits between every server process and every app
server (SQLite or PostgreSQL alike), with or without Redis. Limits never lock an account's
owner out: failures are counted per client address (anyone guessing from one address is
slowed down) and per pair of e-mail and address (guessing one account from one address
meets a growing delay), never per e-mail alone, so guesses from elsewhere do not stop the
owner logging in from their own address.

A session is a row here; the cookie holds only a random token whose hash is stored. Logging
out, a password change or the session idling past its limit ends it on the server, so a
copied cookie stops working at once; nothing derived from the password is in the cookie."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from hiring.models import LoginFailure, StaffSession, User

WINDOW = timedelta(minutes=1)  # the per-address limit counts failures in this window
PAIR_WINDOW = timedelta(minutes=15)
PAIR_FREE_FAILURES = 5  # failures of one e-mail from one address before the delay starts
MAX_DELAY = timedelta(minutes=15)
KEEP_FAILURES = timedelta(days=1)
SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often


def _key(kind: str, value: str) -> str:
    # Hashed: the table holds no addresses or e-mails of people.
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Refusal:
    """Why a login attempt is refused before the password is checked, and for how long."""

    retry_after: int  # seconds
    reason: str  # "address" or "pair"


def check(*, session: Session, address: str, email: str, now: datetime,
          per_minute: int) -> Refusal | None:
    """Return a refusal when this address, or this e-mail from this address, must wait."""
    address_key = _key("address", address)
    recent = session.exec(select(func.count(), func.min(LoginFailure.at)).where(
        LoginFailure.address_key == address_key, LoginFailure.at > now - WINDOW)).one()
    if recent[0] >= per_minute:
        wait = recent[1] + WINDOW - now
        return Refusal(max(1, int(wait.total_seconds()) + 1), "address")
    pair_key = _key("pair", f"{email}\n{address}")
    count, last = session.exec(select(func.count(), func.max(LoginFailure.at)).where(
        LoginFailure.pair_key == pair_key, LoginFailure.at > now - PAIR_WINDOW)).one()
    if count >= PAIR_FREE_FAILURES:
        delay = min(timedelta(seconds=2 ** (count - PAIR_FREE_FAILURES + 1)), MAX_DELAY)
        if now < last + delay:
            return Refusal(max(1, int((last + delay - now).total_seconds()) + 1), "pair")
    return None


def record_failure(*, session: Session, address: str, email: str, now: datetime) -> None:
    """Count a failed login; forget failures older than a day."""
    session.add(LoginFailure(at=now, address_key=_key("address", address),
                             pair_key=_key("pair", f"{email}\n{address}")))
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) < now - KEEP_FAILURES))
    session.flush()


def record_success(*, session: Session, address: str, email: str) -> None:
    """A right password clears the delay of this e-mail from this address."""
    session.exec(delete(LoginFailure).where(
        LoginFailure.pair_key == _key("pair", f"{email}\n{address}")))
    session.flush()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, session: Session, now: datetime) -> str:
    """Open a session for the user; return the token for the cookie (not stored)."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(user_id=user.id, token_hash=_hash(token), created_at=now,
                             last_seen_at=now))
    session.flush()
    return token


def open_session(token: str | None, *, session: Session) -> StaffSession | None:
    """Return the open session a cookie's token names, if any."""
    if not token or len(token) > 100:
        return None
    return session.exec(select(StaffSession).where(
        StaffSession.token_hash == _hash(token), col(StaffSession.ended_at).is_(None))).first()


def idle_too_long(found: StaffSession, *, now: datetime, idle: timedelta) -> bool:
    return now - found.last_seen_at > idle


def needs_touch(found: StaffSession, *, now: datetime) -> bool:
    return now - found.last_seen_at > SEEN_EVERY


def touch(session_id: int, *, session: Session, now: datetime, end: bool = False) -> None:
    """Record that a session was used now, or end it (idle too long)."""
    values = {"ended_at": now} if end else {"last_seen_at": now}
    session.exec(update(StaffSession).where(StaffSession.id == session_id).values(**values))
    session.flush()


def end_session(token: str | None, *, session: Session, now: datetime) -> None:
    """End one session (logging out)."""
    if token:
        session.exec(update(StaffSession).where(
            StaffSession.token_hash == _hash(token), col(StaffSession.ended_at).is_(None))
            .values(ended_at=now))
        session.flush()


def end_sessions(user: User, *, session: Session, now: datetime) -> int:
    """End every open session of a user (a password change); return how many."""
    result = session.exec(update(StaffSession).where(
        StaffSession.user_id == user.id, col(StaffSession.ended_at).is_(None))
        .values(ended_at=now))
    session.flush()
    return result.rowcount
