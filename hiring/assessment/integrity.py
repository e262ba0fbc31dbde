"""Integrity facts: what the candidate's browser reported, recorded as counts."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from hiring.models import Attempt, AttemptState, Response

MAX_REMEMBERED = 10  # distinct addresses or browsers kept per attempt
EVENTS = ("focus_lost", "paste")


def record_event(attempt: Attempt, kind: str, *, session: Session, position: int | None = None,
                 chars: int = 0) -> bool:
    """Count an event the candidate page reported; tell whether it was counted."""
    if attempt.state != AttemptState.IN_PROGRESS or kind not in EVENTS:
        return False
    if kind == "focus_lost":
        session.execute(update(Attempt).where(Attempt.id == attempt.id)
                        .values(focus_losses=Attempt.focus_losses + 1))
        return True
    chars = max(0, min(int(chars), 100_000))
    session.execute(update(Attempt).where(Attempt.id == attempt.id)
                    .values(paste_count=Attempt.paste_count + 1))
    if isinstance(position, int) and not isinstance(position, bool):
        session.execute(update(Response).where(
            Response.attempt_id == attempt.id, Response.position == position).values(
            paste_count=Response.paste_count + 1,
            pasted_chars=Response.pasted_chars + chars))
    return True


def record_client(attempt: Attempt, *, ip: str | None, user_agent: str | None) -> bool:
    """Remember a new address or browser seen during the attempt; tell whether it was new."""
    if attempt.state not in (AttemptState.INVITED, AttemptState.IN_PROGRESS):
        return False
    changed = False
    for field, value in (("ip_addresses", ip), ("user_agents", user_agent)):
        seen = list(getattr(attempt, field) or [])
        value = (value or "")[:300]
        if value and value not in seen and len(seen) < MAX_REMEMBERED:
            setattr(attempt, field, [*seen, value])
            changed = True
    return changed
