"""The banks and their items as HR's pages list them."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from hiring.models import Bank, Item, ItemRevision


def all_banks(*, session: Session) -> list[Bank]:
    """Every bank, by its slug."""
    return list(session.exec(select(Bank).order_by(col(Bank.slug))))


def count_banks(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(Bank)).one()


def banks_with_item_counts(*, session: Session) -> list[tuple[Bank, int]]:
    """Every bank with the number of its items."""
    return list(session.exec(
        select(Bank, func.count(col(Item.id))).join(Item, isouter=True).group_by(col(Bank.id))))


def current_items(bank_id: int, *, session: Session) -> list[tuple[Item, ItemRevision]]:
    """The bank's items with their current revisions, by type, dimension and key."""
    return list(session.exec(
        select(Item, ItemRevision).join(ItemRevision, (col(ItemRevision.item_id) == Item.id) & (
            col(ItemRevision.number) == Item.current_revision))
        .where(Item.bank_id == bank_id)
        .order_by(col(Item.type), col(Item.dimension), col(Item.key))))
