"""Integrity facts: what the candidate's browser reported, recorded as counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col

from hiring.models import Attempt, AttemptState, Response
from hiring.scoring.integrity import FOCUS_LOSS_SECONDS

MAX_REMEMBERED = 10  # distinct addresses or browsers kept per attempt
EVENTS = ("focus_lost", "paste")
# A page reports an absence only after FOCUS_LOSS_SECONDS of it, and once, so two true
# reports of one attempt are at least that far apart; closer ones are the same absence
# seen by two open pages of the attempt, or a page that misbehaves.
MIN_SECONDS_BETWEEN_FOCUS_LOSSES = FOCUS_LOSS_SECONDS


def record_event(attempt: Attempt, kind: str, *, session: Session, now: datetime,
                 position: int | None = None, chars: int = 0) -> bool:
    """Count an event the candidate page reported; tell whether it was counted."""
    if attempt.state != AttemptState.IN_PROGRESS or kind not in EVENTS:
        return False
    if kind == "focus_lost":
        return _count_focus_loss(attempt, session=session, now=now)
    chars = max(0, min(int(chars), 100_000))
    session.execute(update(Attempt).where(Attempt.id == attempt.id)
                    .values(paste_count=Attempt.paste_count + 1))
    if isinstance(position, int) and not isinstance(position, bool):
        session.execute(update(Response).where(
            Response.attempt_id == attempt.id, Response.position == position).values(
            paste_count=Response.paste_count + 1,
            pasted_chars=Response.pasted_chars + chars))
    return True


def _count_focus_loss(attempt: Attempt, *, session: Session, now: datetime) -> bool:
    """Count a focus loss unless one was counted moments ago; tell whether it was counted.

    One conditional UPDATE: two requests at once cannot both pass the check."""
    since = now - timedelta(seconds=MIN_SECONDS_BETWEEN_FOCUS_LOSSES)
    result = session.execute(
        update(Attempt)
        .where(col(Attempt.id) == attempt.id,
               or_(col(Attempt.focus_lost_at).is_(None), col(Attempt.focus_lost_at) <= since))
        .values(focus_losses=Attempt.focus_losses + 1, focus_lost_at=now))
    return result.rowcount == 1


def is_recorded(ip_addresses, user_agents, *, ip: str | None, user_agent: str | None
                ) -> bool:
    """Tell whether record_client would change nothing, given what the attempt held: an
    address or browser once recorded stays, and a full list takes no more."""
    for seen, value in ((ip_addresses, ip), (user_agents, user_agent)):
        value = (value or "")[:300]
        if value and value not in seen and len(seen) < MAX_REMEMBERED:
            return False
    return True


def record_client(attempt: Attempt, *, ip: str | None, user_agent: str | None,
                  starting: bool = False) -> bool:
    """Remember a new address or browser seen during the attempt; tell whether it was new.

    The attempt begins when the candidate presses Start (starting=True: the browser that
    starts it is its first). The welcome and practice pages before it are not part of it:
    reading the invitation on a phone and taking the assessment on a computer is no change
    of address or browser during the attempt."""
    if attempt.state != AttemptState.IN_PROGRESS and not (
            starting and attempt.state == AttemptState.INVITED):
        return False
    changed = False
    for field, value in (("ip_addresses", ip), ("user_agents", user_agent)):
        seen = list(getattr(attempt, field) or [])
        value = (value or "")[:300]
        if value and value not in seen and len(seen) < MAX_REMEMBERED:
            setattr(attempt, field, [*seen, value])
            changed = True
    return changed
