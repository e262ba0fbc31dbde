"""Edit a bank's items in place: validate, store revisions, create, retire and restore.

Validation is the loader's, item by item, so an item saved here is one the bank file
would accept. Revisions are immutable: a changed item gets a new one and responses keep
pointing at the revision the candidate saw. Functions flush, never commit.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from hiring.banks.importer import content_hash
from hiring.banks.loader import _parse_item
from hiring.items.messages import N_, Message
from hiring.items.types import get_type
from hiring.items.types.base import translate
from hiring.models import Assessment, Bank, Item, ItemRevision, utcnow

PREVIEW_SETTINGS = {"typing_target_wpm": 35}
# The pydantic messages a person would stumble over, said plainly.
PLAIN = {
    "Field required": N_("Required."),
    "String should match pattern '^[A-Za-z0-9_-]{1,100}$'":
        N_("Use only letters, digits, - and _ (at most 100)."),
    "String should match pattern '^\\d{3}$'": N_("Give the seed article's three digits, e.g. "
                                                 "002."),
}
COUNTED = {"least": N_("Give at least %(num)s (there are %(count)s)."),
           "most": N_("Give at most %(num)s (there are %(count)s).")}


class EditConflict(Exception):
    """Someone saved the item since the editor was opened."""

    def __init__(self, current: int):
        super().__init__(f"the item is now at revision {current}")
        self.current = current


class KeyTaken(ValueError):
    """The bank already has an item with this id."""


@dataclass(frozen=True)
class Shortage:
    """An assessment section that would ask for more active items than the bank has."""

    assessment: Assessment
    section: str
    needed: int
    available: int

    def __str__(self) -> str:
        return (f"Assessment “{self.assessment.name}” (#{self.assessment.id}), section "
                f"“{self.section}”: asks for {self.needed} items and only "
                f"{self.available} matching active items would be left.")


class RetireRefused(Exception):
    """Retiring the item would leave assessments short of items."""

    def __init__(self, shortages: list[Shortage]):
        super().__init__("; ".join(str(s) for s in shortages))
        self.shortages = shortages


# ---- finding -------------------------------------------------------------------------


def find_item(bank: Bank, key: str, *, session: Session) -> Item | None:
    return session.exec(select(Item).where(Item.bank_id == bank.id, Item.key == key)).first()


def revisions(item: Item, *, session: Session) -> list[ItemRevision]:
    """Return the item's revisions, oldest first."""
    return list(session.exec(select(ItemRevision).where(
        ItemRevision.item_id == item.id).order_by(col(ItemRevision.number))))


def get_revision(item: Item, number: int, *, session: Session) -> ItemRevision | None:
    return session.exec(select(ItemRevision).where(
        ItemRevision.item_id == item.id, ItemRevision.number == number)).first()


# ---- validating ----------------------------------------------------------------------


def validate(raw: Any, *, bank: Bank) -> tuple[dict | None, list[tuple[tuple, str]]]:
    """Check raw content as the loader checks an item of the bank's file.

    Return the content as it is stored (None when there are problems) and the problems
    as (path, message)."""
    problems = [(path, Message(N_("Give a finite number."))) for path in _non_finite(raw)]
    if problems:
        return None, problems
    try:
        content = _parse_item(raw, (), {"languages": list(bank.languages)},
                              set(bank.dimensions),
                              lambda path, message: problems.append((path, plain(message))))
    except (ArithmeticError, ValueError) as exc:  # a type's check tripped on odd values
        problems.append(((), f"The item cannot be checked: {exc}."))
    return (None if problems else content), problems


def _non_finite(value: Any, path: tuple = ()) -> list[tuple]:
    """Return the paths of infinite and not-a-number values, which no item field takes."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [path]
    if isinstance(value, dict):
        return [found for key, v in value.items() for found in _non_finite(v, path + (key,))]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _non_finite(v, path + (i,))]
    return []


def plain(message: str) -> str:
    """Say a validation message plainly; the ones the editor knows as a Message, which the
    page shows in its language."""
    message = message.removeprefix("Value error, ")
    if message in PLAIN:
        return Message(PLAIN[message])
    counted = re.match(r"(?:List|Dictionary) should have at (least|most) (\d+) items? after "
                       r"validation, not (\d+)", message)
    if counted:
        return Message(COUNTED[counted[1]], num=int(counted[2]), count=int(counted[3]))
    missing = re.fullmatch(r"missing translation: (.+)", message)
    if missing:
        return Message(N_("Missing translation: %(languages)s"), languages=missing[1])
    return message[:1].upper() + message[1:]


# ---- saving --------------------------------------------------------------------------


def save_revision(item: Item, content: dict, *, session: Session, author: str,
                  base: int | None = None, now: datetime | None = None
                  ) -> ItemRevision | None:
    """Store validated content as the item's next revision; None when nothing changed.

    `base` is the revision the editor started from: if another one was saved since,
    raise EditConflict rather than overwrite it."""
    if content.get("id") != item.key or content.get("type") != item.type:
        raise ValueError("an item's id and type cannot change")
    session.refresh(item, with_for_update=True)  # two editors save one after the other
    if base is not None and base != item.current_revision:
        raise EditConflict(item.current_revision)
    current = get_revision(item, item.current_revision, session=session)
    digest = content_hash(content)
    if current is not None and current.content_hash == digest:
        return None
    revision = ItemRevision(item_id=item.id, number=item.current_revision + 1,
                            content=content, content_hash=digest, created_by=author,
                            created_at=now or utcnow())
    session.add(revision)
    item.current_revision = revision.number
    item.dimension = content["dimension"]
    session.flush()
    return revision


def carry_over(item: Item, content: dict, *, session: Session, from_form: bool
               ) -> tuple[dict, str | None]:
    """Carry what the product recorded on the current revision (a panel's keying) into an
    edit, as far as the edit leaves it true; return the content and a note for HR when
    something was dropped (a key changed by hand is no longer the panel's)."""
    current = get_revision(item, item.current_revision, session=session)
    if current is None:
        return content, None
    return get_type(item.type).carry_over(current.content, content, from_form=from_form)


def create_item(bank: Bank, content: dict, *, session: Session, author: str,
                now: datetime | None = None) -> Item:
    """Add a validated item to the bank with its first revision."""
    existing = find_item(bank, content["id"], session=session)
    if existing is not None:
        state = " (retired: restore it instead)" if existing.retired else ""
        raise KeyTaken(f"The bank already has an item with the id {content['id']!r}{state}.")
    item = Item(bank_id=bank.id, key=content["id"], type=content["type"],
                dimension=content["dimension"], current_revision=1)
    session.add(item)
    session.flush()
    session.add(ItemRevision(item_id=item.id, number=1, content=content,
                             content_hash=content_hash(content), created_by=author,
                             created_at=now or utcnow()))
    session.flush()
    return item


# ---- retiring ------------------------------------------------------------------------


def _matches(section: dict, item: Item) -> bool:
    return (section.get("type") in (None, item.type)
            and section.get("dimension") in (None, item.dimension))


def shortages_if_retired(item: Item, *, session: Session) -> list[Shortage]:
    """Return the sections of the bank's current assessments that retiring would starve.

    Counted as the loader checks a bank's assessments: sections that ask for the same
    type and dimension add up, and each must not ask for more than the active items
    that match it."""
    others = [other for other in session.exec(select(Item).where(
        Item.bank_id == item.bank_id, col(Item.retired).is_(False), Item.id != item.id))]
    shortages = []
    for assessment in session.exec(select(Assessment).where(
            Assessment.bank_id == item.bank_id, col(Assessment.replaced_by_id).is_(None))
            .order_by(col(Assessment.id))):
        asked: dict[tuple, int] = {}
        for section in assessment.sections:
            key = (section.get("type"), section.get("dimension"))
            asked[key] = asked.get(key, 0) + int(section.get("count", 0))
            if not _matches(section, item):
                continue  # retiring this item changes nothing for the section
            left = sum(1 for other in others if _matches(section, other))
            if asked[key] > left:
                title = translate(section.get("title"), "en") or "(untitled)"
                shortages.append(Shortage(assessment, title, asked[key], left))
    return shortages


def retire(item: Item, *, session: Session) -> None:
    """Stop drawing the item for new attempts; attempts that have it keep it."""
    shortages = shortages_if_retired(item, session=session)
    if shortages:
        raise RetireRefused(shortages)
    item.retired = True
    session.flush()


def restore(item: Item, *, session: Session) -> None:
    """Draw the item again for new attempts."""
    item.retired = False
    session.flush()


# ---- preview -------------------------------------------------------------------------


def preview(content: dict, language: str) -> tuple[str, dict]:
    """Return the candidate template and what it shows for the content in a language.

    Parameters are drawn from a fixed seed, so a preview is the same every time; what an
    attempt shuffles (a situation's options) is shown in the bank's order, as HR wrote it."""
    item_type = get_type(content["type"])
    rng = random.Random(0)  # noqa: S311 - a stable preview, not a secret
    params = item_type.preview_params(content, rng, {**PREVIEW_SETTINGS, "language": language})
    return item_type.template, item_type.view(content, params, language)
