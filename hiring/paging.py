"""Offset paging of a query: which page, how many pages, the rows on it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.sql import Select
from sqlmodel import Session, func, select

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int  # 1-based, within 1..pages
    pages: int  # at least 1, also when nothing matches
    total: int  # rows matching, on every page
    per_page: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_count(total: int, per_page: int) -> int:
    """Return how many pages the rows fill: at least one, an empty one for no rows."""
    return max(1, math.ceil(total / per_page))


def clamp(number: int, pages: int) -> int:
    """Return the page to show for the number asked: a page past the end gives the last."""
    return min(max(1, number), pages)


def paginate(query: Select, *, session: Session, number: int, per_page: int,
             total: int | None = None) -> Page[Any]:
    """Return one page of the ordered query's rows.

    `total` spares the count when the caller already knows it."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    if total is None:
        total = session.exec(select(func.count()).select_from(
            query.order_by(None).subquery())).one()
    pages = page_count(total, per_page)
    number = clamp(number, pages)
    rows = session.exec(query.offset((number - 1) * per_page).limit(per_page))
    return Page(items=list(rows), number=number, pages=pages, total=total, per_page=per_page)
