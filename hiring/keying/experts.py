"""A round's experts: invited by a personal link (no account), their ratings and progress.

A link's token is stored only as a hash, like a candidate's invitation; a new link
(resend) replaces the old one. Every change of a rating is saved at once, so an expert
can close the page and come back to where they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from hiring import audit
from hiring.assessment.tokens import hash_token, new_token
from hiring.email_address import normalize_email
from hiring.items.messages import N_, Message
from hiring.keying.rounds import Actor, KeyingError, RoundItem, require_open
from hiring.models import (
    Bank,
    EmailMessage,
    ExpertKind,
    KeyingExpert,
    KeyingRating,
    KeyingRound,
)

MAX_NAME = 200
RATINGS = range(1, 6)


class RatingInvalid(KeyingError):
    """A rating names an option the item does not have, or is not a whole number 1-5."""


@dataclass(frozen=True)
class ExpertProgress:
    expert: KeyingExpert
    rated: int  # items with every option rated
    total: int

    @property
    def status(self) -> str:
        if self.expert.finished_at is not None:
            return N_("finished")
        if self.rated or self.expert.started_at is not None:
            return N_("started")
        return N_("invited") if self.expert.kind == ExpertKind.LINK else N_("no ratings")


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise KeyingError(Message(N_("Give the expert's name.")))
    if len(name) > MAX_NAME:
        raise KeyingError(Message(N_("The name is longer than %(max)s characters."),
                                  max=MAX_NAME))
    return name


def experts_of(round_: KeyingRound, *, session: Session) -> list[KeyingExpert]:
    return list(session.exec(select(KeyingExpert).where(KeyingExpert.round_id == round_.id)
                             .order_by(col(KeyingExpert.id))))


def find_by_name(round_: KeyingRound, name: str, *, session: Session) -> KeyingExpert | None:
    """Return the round's expert of this name, whatever its case and spacing."""
    wanted = " ".join(name.split()).casefold()
    return next((e for e in experts_of(round_, session=session)
                 if e.name.casefold() == wanted), None)


def add_expert(round_: KeyingRound, *, name: str, kind: str, session: Session,
               email: str = "", language: str = "en") -> KeyingExpert:
    """Add an expert without a link (paper or simulated); names are unique in a round."""
    require_open(round_)
    name = clean_name(name)
    if find_by_name(round_, name, session=session) is not None:
        raise KeyingError(Message(N_("The round already has an expert called %(name)s."),
                                  name=name))
    expert = KeyingExpert(round_id=round_.id, name=name, email=email, language=language,
                          kind=kind)
    session.add(expert)
    session.flush()
    return expert


def invite(round_: KeyingRound, *, name: str, email: str, language: str, session: Session,
           actor: Actor, now: datetime) -> tuple[KeyingExpert, str]:
    """Add an expert who rates through a personal link; return them and the link's token."""
    bank = session.get(Bank, round_.bank_id)
    if language not in bank.languages:
        raise KeyingError(Message(N_("Choose one of the bank's languages: %(languages)s."),
                                  languages=", ".join(bank.languages)))
    try:
        email = normalize_email(validate_email((email or "").strip(),
                                               check_deliverability=False).normalized)
    except EmailNotValidError:
        raise KeyingError(Message(N_("%(email)s is not a valid e-mail address."),
                                  email=email) if email else
                          Message(N_("The e-mail is not a valid e-mail address."))) from None
    expert = add_expert(round_, name=name, kind=ExpertKind.LINK, email=email,
                        language=language, session=session)
    token = new_link(expert)
    expert.invited_at = now
    session.flush()
    audit.record(session, actor=actor, action=audit.Action.KEYING_INVITED,
                 object_type="keying_round", object_id=round_.id,
                 detail={"expert": expert.id}, at=now)
    return expert, token


def new_link(expert: KeyingExpert) -> str:
    """Give the expert a new token (the previous link stops working); return it."""
    if expert.kind != ExpertKind.LINK:
        raise KeyingError(Message(N_("%(name)s rated on paper or was simulated: there is no "
                                     "link."), name=expert.name))
    token = new_token()
    expert.token_hash = hash_token(token)
    return token


def resend_link(expert: KeyingExpert, *, session: Session, actor: Actor,
                now: datetime) -> str:
    """Replace the expert's link with a new one (their ratings stay); return its token."""
    require_open(session.get(KeyingRound, expert.round_id))
    token = new_link(expert)
    session.flush()
    audit.record(session, actor=actor, action=audit.Action.KEYING_INVITED,
                 object_type="keying_round", object_id=expert.round_id,
                 detail={"expert": expert.id, "new_link": True}, at=now)
    return token


def find_by_token(token: str, *, session: Session) -> KeyingExpert | None:
    """Return the expert whose link this is, or None."""
    if not token or len(token) > 200:
        return None
    return session.exec(select(KeyingExpert).where(
        KeyingExpert.token_hash == hash_token(token))).first()


def remove(expert: KeyingExpert, *, session: Session, actor: Actor, now: datetime) -> None:
    """Remove an expert and their ratings from an open round; their link stops working."""
    round_ = session.get(KeyingRound, expert.round_id)
    require_open(round_)
    session.exec(delete(KeyingRating).where(col(KeyingRating.expert_id) == expert.id))
    # The messages stay in the outbox's list, no longer tied to anyone.
    session.exec(update(EmailMessage).where(col(EmailMessage.expert_id) == expert.id)
                 .values(expert_id=None))
    audit.record(session, actor=actor, action=audit.Action.KEYING_REMOVED,
                 object_type="keying_round", object_id=round_.id,
                 detail={"expert": expert.id, "kind": expert.kind}, at=now)
    session.delete(expert)
    session.flush()


# ---- ratings ---------------------------------------------------------------------------


def check_ratings(item: RoundItem, raw: Any) -> dict[str, int]:
    """Return {option id: rating} from posted data, or raise RatingInvalid."""
    if not isinstance(raw, dict):
        raise RatingInvalid("Ratings must be given per option.")
    options = set(item.option_ids)
    ratings = {}
    for option_id, value in raw.items():
        if option_id not in options:
            raise RatingInvalid(f"Item {item.key} has no option {str(option_id)[:100]!r}.")
        if isinstance(value, str) and value.strip().isdecimal():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value not in RATINGS:
            raise RatingInvalid("A rating is a whole number from 1 to 5.")
        ratings[option_id] = value
    return ratings


def save_ratings(expert: KeyingExpert, item: RoundItem, ratings: dict[str, int], *,
                 session: Session, now: datetime) -> int:
    """Store the expert's ratings of some options of an item (checked with check_ratings);
    return how many changed."""
    round_ = session.get(KeyingRound, expert.round_id)
    require_open(round_)
    stored = {r.option_id: r for r in session.exec(select(KeyingRating).where(
        KeyingRating.expert_id == expert.id, KeyingRating.item_id == item.item.id))}
    changed = 0
    for option_id, value in ratings.items():
        row = stored.get(option_id)
        if row is None:
            row = KeyingRating(expert_id=expert.id, item_id=item.item.id,
                               revision_id=item.revision.id, option_id=option_id,
                               rating=value, saved_at=now)
            session.add(row)
        elif row.rating == value:
            continue
        row.rating, row.saved_at = value, now
        changed += 1
    if expert.started_at is None:
        expert.started_at = now
    session.flush()
    return changed


def ratings_of(expert: KeyingExpert, *, session: Session) -> dict[int, dict[str, int]]:
    """Return the expert's ratings: item id -> option id -> rating."""
    found: dict[int, dict[str, int]] = {}
    for row in session.exec(select(KeyingRating).where(KeyingRating.expert_id == expert.id)):
        found.setdefault(row.item_id, {})[row.option_id] = row.rating
    return found


def is_rated(item: RoundItem, ratings: dict[int, dict[str, int]]) -> bool:
    return all(o in ratings.get(item.item.id, {}) for o in item.option_ids)


def progress(round_: KeyingRound, items: list[RoundItem], *, session: Session
             ) -> list[ExpertProgress]:
    """Return every expert of the round with how many items they have fully rated."""
    experts = experts_of(round_, session=session)
    counts: dict[tuple[int, int], int] = dict(
        ((expert_id, item_id), n) for expert_id, item_id, n in session.exec(
            select(KeyingRating.expert_id, KeyingRating.item_id, func.count())
            .where(col(KeyingRating.expert_id).in_([e.id for e in experts]))
            .group_by(col(KeyingRating.expert_id), col(KeyingRating.item_id))))
    return [ExpertProgress(expert, sum(
        1 for item in items if counts.get((expert.id, item.item.id), 0) >= len(item.option_ids)),
        len(items)) for expert in experts]


def finish(expert: KeyingExpert, *, session: Session, now: datetime) -> None:
    """Record that the expert said they are done (they may still change ratings while the
    round is open)."""
    require_open(session.get(KeyingRound, expert.round_id))
    expert.finished_at = now
    session.flush()
