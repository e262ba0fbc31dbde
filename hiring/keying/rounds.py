"""Keying rounds: open one over a bank's SJT items, list and find them, close them.

A round fixes, per item, the revision its experts see: an edit made while the round runs
does not change what the experts rate, and adopting the panel's key checks that the
options are still the ones they rated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from hiring import audit
from hiring.items.messages import N_, Message
from hiring.items.types import type_names
from hiring.models import (
    Bank,
    Item,
    ItemRevision,
    KeyingExpert,
    KeyingItem,
    KeyingRound,
    KeyingState,
    User,
)

MAX_NAME = 200
Actor = User | str | None  # who acted, for the audit log: a user, "cli" or None (system)


class KeyingError(ValueError):
    """The action does not apply to this round; the message says why."""


class RoundClosed(KeyingError):
    """The round is closed: it takes no more ratings or experts."""

    def __init__(self, round_: KeyingRound):
        super().__init__(Message(N_("The keying round “%(name)s” is closed: it takes no more "
                                    "ratings."), name=round_.name))


@dataclass(frozen=True)
class RoundItem:
    """An item of a round with the revision the experts see."""

    position: int
    item: Item
    revision: ItemRevision

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def content(self) -> dict:
        return self.revision.content

    @property
    def option_ids(self) -> list[str]:
        return [option["id"] for option in self.content["options"]]


@dataclass(frozen=True)
class RoundSummary:
    round: KeyingRound
    items: int
    experts: int


def sjt_items(bank: Bank, *, session: Session) -> list[Item]:
    """Return the bank's active SJT items, in the order they were added."""
    return list(session.exec(select(Item).where(
        Item.bank_id == bank.id, col(Item.type).in_(type_names(lambda t: t.keyed_options)),
        col(Item.retired).is_(False))
        .order_by(col(Item.id))))


def current_revisions(items: list[Item], *, session: Session) -> dict[int, ItemRevision]:
    """Return item id -> the item's current revision."""
    rows = session.exec(
        select(ItemRevision)
        .join(Item, (col(Item.id) == ItemRevision.item_id)
              & (col(Item.current_revision) == ItemRevision.number))
        .where(col(Item.id).in_([item.id for item in items])))
    return {revision.item_id: revision for revision in rows}


def _chosen_items(bank: Bank, keys: list[str] | None, *, session: Session) -> list[Item]:
    available = sjt_items(bank, session=session)
    if keys is None:
        if not available:
            raise KeyingError(Message(N_("The bank %(bank)s has no active SJT items to key."),
                                      bank=bank.slug))
        return available
    by_key = {item.key: item for item in available}
    unknown = [key for key in dict.fromkeys(keys) if key not in by_key]
    if unknown:
        raise KeyingError(Message(N_("Not an active SJT item of the bank: %(items)s."),
                                  items=", ".join(unknown)))
    if not keys:
        raise KeyingError(Message(N_("Choose at least one item.")))
    return [by_key[key] for key in dict.fromkeys(keys)]


def open_round(bank: Bank, *, name: str, item_keys: list[str] | None, session: Session,
               actor: Actor, now: datetime) -> KeyingRound:
    """Open a round over the chosen SJT items (None: all active ones) at their current
    revisions."""
    name = " ".join(name.split())
    if not name:
        raise KeyingError(Message(N_("Give the round a name.")))
    if len(name) > MAX_NAME:
        raise KeyingError(Message(N_("The name is longer than %(max)s characters."),
                                  max=MAX_NAME))
    items = _chosen_items(bank, item_keys, session=session)
    revisions = current_revisions(items, session=session)
    label = actor.email if isinstance(actor, User) else (actor or "system")
    round_ = KeyingRound(bank_id=bank.id, name=name, created_by=label, created_at=now)
    session.add(round_)
    session.flush()
    for position, item in enumerate(items, start=1):
        session.add(KeyingItem(round_id=round_.id, item_id=item.id,
                               revision_id=revisions[item.id].id, position=position))
    session.flush()
    audit.record(session, actor=actor, action=audit.Action.KEYING_OPENED,
                 object_type="keying_round", object_id=round_.id,
                 detail={"bank": bank.slug, "items": len(items)}, at=now)
    return round_


def rounds_of(bank: Bank, *, session: Session) -> list[RoundSummary]:
    """Return the bank's rounds, newest first, with their numbers of items and experts."""
    rounds = list(session.exec(select(KeyingRound).where(KeyingRound.bank_id == bank.id)
                               .order_by(col(KeyingRound.id).desc())))
    ids = [r.id for r in rounds]
    items = dict(session.exec(select(KeyingItem.round_id, func.count()).where(
        col(KeyingItem.round_id).in_(ids)).group_by(col(KeyingItem.round_id))).all())
    experts = dict(session.exec(select(KeyingExpert.round_id, func.count()).where(
        col(KeyingExpert.round_id).in_(ids)).group_by(col(KeyingExpert.round_id))).all())
    return [RoundSummary(r, items.get(r.id, 0), experts.get(r.id, 0)) for r in rounds]


def round_items(round_: KeyingRound, *, session: Session) -> list[RoundItem]:
    """Return the round's items in order, each with the revision its experts see."""
    rows = session.exec(
        select(KeyingItem, Item, ItemRevision)
        .join(Item, col(Item.id) == KeyingItem.item_id)
        .join(ItemRevision, col(ItemRevision.id) == KeyingItem.revision_id)
        .where(KeyingItem.round_id == round_.id).order_by(col(KeyingItem.position)))
    return [RoundItem(keying_item.position, item, revision)
            for keying_item, item, revision in rows]


def require_open(round_: KeyingRound) -> None:
    if round_.state != KeyingState.OPEN:
        raise RoundClosed(round_)


def close_round(round_: KeyingRound, *, session: Session, actor: Actor,
                now: datetime) -> None:
    """Close the round: experts' links then show their ratings but take no changes."""
    require_open(round_)
    round_.state, round_.closed_at = KeyingState.CLOSED, now
    session.flush()
    audit.record(session, actor=actor, action=audit.Action.KEYING_CLOSED,
                 object_type="keying_round", object_id=round_.id, at=now)
