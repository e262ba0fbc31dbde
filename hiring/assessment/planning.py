"""Planning an attempt: the languages and title it is offered in, and which item
revisions it gets, in which order, drawn from its seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import bindparam, event
from sqlalchemy.orm import Session as SQLAlchemySession
from sqlmodel import Session, col, select

from hiring.db import plain_rows
from hiring.items.revisions import revision_contents
from hiring.models import Assessment, Bank, Item, ItemRevision


def languages(assessment: Assessment, *, session: Session) -> list[str]:
    """Return the languages a candidate may take the assessment in, in the bank's order.

    These are the assessment's languages that the bank has; every language of the bank
    when the assessment names none, or when the bank no longer has any it names (an
    invitation must stay usable after a bank import drops a language)."""
    bank_languages = list(bank_field(Bank.languages, assessment.bank_id, session=session))
    if assessment.languages is None:
        return bank_languages
    return [code for code in bank_languages if code in assessment.languages] or bank_languages


def title(assessment: Assessment, language: str, *, session: Session) -> str:
    """Return the assessment's name in a language, for candidates and profile readers.

    The name HR gave for that language; for the assessment's own language, its name;
    otherwise the bank's title in that language, so that a candidate never meets a name
    in another language while one in theirs exists; the name as the last resort."""
    given = (assessment.titles or {}).get(language)
    if given:
        return given
    if language == assessment.language:
        return assessment.name
    return ((bank_field(Bank.title, assessment.bank_id, session=session) or {}).get(language)
            or assessment.name)


# The bank's fields a candidate's page reads (bank_field), in one statement.
_FIELDS = (Bank.languages, Bank.title, Bank.settings)
_FIELDS_READ = "hiring.bank_fields"  # in session.info: {bank id: the fields' values}
# Built once, as the statements below (a candidate's every request runs them).
_FIELDS_STATEMENT = select(*_FIELDS).where(col(Bank.id) == bindparam("bank_id"))


def bank_field(column, bank_id: int, *, session: Session):
    """Read one of a bank's languages, title or settings (its practice items). A
    candidate's page needs them on every request, the welcome page two of them: the three
    are read in one statement and kept until the session flushes or its transaction ends.
    Loading the whole row would also decode its dimensions' texts (about 100 KB of JSON),
    which these pages never show."""
    read = session.info.setdefault(_FIELDS_READ, {})
    if bank_id not in read:
        read[bank_id] = plain_rows(session, _FIELDS_STATEMENT, {"bank_id": bank_id}).first()
    row = read[bank_id]
    return None if row is None else getattr(row, column.key)


def _forget_bank_fields(session: Session, *_args) -> None:
    session.info.pop(_FIELDS_READ, None)


# What a change in this session or another's commit may have made of them.
for _event in ("after_flush", "after_transaction_end"):
    event.listen(SQLAlchemySession, _event, _forget_bank_fields)


@dataclass(frozen=True)
class PlannedItem:
    section: str | dict
    revision_id: int
    content: dict


# A bank's items that can be drawn, each with its current revision's id.
_ITEMS_STATEMENT = select(Item.id, Item.key, Item.type, Item.dimension,
                          col(ItemRevision.id).label("revision_id")).join(
    ItemRevision, (col(ItemRevision.item_id) == Item.id)
    & (col(ItemRevision.number) == Item.current_revision)).where(
    col(Item.bank_id) == bindparam("bank_id"), col(Item.retired).is_(False)
).order_by(Item.key)


def plan(assessment: Assessment, seed: int, *, session: Session) -> list[PlannedItem]:
    """Choose the item revisions an attempt gets, section by section, from its seed.

    A start is on the hot path of a hiring day, when hundreds of candidates start at
    once: the items are read as plain rows with their current revisions' ids, in one
    query, and the revisions' content from the per-process cache of revisions."""
    rng = random.Random(seed)  # noqa: S311 - reproducible per attempt, not a secret
    # each item with its current revision's id, in one query
    items = plain_rows(session, _ITEMS_STATEMENT, {"bank_id": assessment.bank_id}).all()
    used: set[int] = set()
    chosen_by_section: list[tuple[str | dict, list]] = []
    for section in assessment.sections:
        pool = [item for item in items if item.id not in used
                and section.get("type") in (None, item.type)
                and section.get("dimension") in (None, item.dimension)]
        count = min(int(section.get("count", len(pool))), len(pool))
        chosen = rng.sample(pool, count)
        if not assessment.shuffle:
            chosen.sort(key=lambda item: item.key)
        used.update(item.id for item in chosen)
        chosen_by_section.append((section.get("title", ""), chosen))
    planned = [(title, item.revision_id) for title, chosen in chosen_by_section
               for item in chosen]
    if assessment.shuffle:
        planned = _shuffle_runs(planned, rng)
    contents = revision_contents([revision_id for _, revision_id in planned],
                                 session=session)
    return [PlannedItem(title, revision_id, contents[revision_id])
            for title, revision_id in planned]


def plan_items(assessment: Assessment, seed: int, *, session: Session
               ) -> list[tuple[str | dict, ItemRevision]]:
    """The plan with each item's revision row (for previews; start() uses plan())."""
    return [(entry.section, session.get(ItemRevision, entry.revision_id))
            for entry in plan(assessment, seed, session=session)]


def _shuffle_runs(plan: list, rng: random.Random) -> list:
    """Shuffle items across consecutive sections that share a title (one visible section)."""
    result, run = [], []
    for entry in plan:
        if run and entry[0] != run[0][0]:
            rng.shuffle(run)
            result.extend(run)
            run = []
        run.append(entry)
    rng.shuffle(run)
    return result + run
