"""Offset paging: page numbers are clamped, totals counted, rows taken in order."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from hiring.models import User
from hiring.paging import clamp, page_count, paginate
from tests.factories import make_user


@pytest.mark.parametrize(("total", "per_page", "pages"), [
    (0, 10, 1), (1, 10, 1), (10, 10, 1), (11, 10, 2), (20, 10, 2), (21, 10, 3), (5, 1, 5)])
def test_page_count_is_at_least_one(total, per_page, pages):
    assert page_count(total, per_page) == pages


@pytest.mark.parametrize(("number", "pages", "shown"), [
    (1, 3, 1), (3, 3, 3), (4, 3, 3), (999, 3, 3), (0, 3, 1), (-5, 3, 1), (1, 1, 1)])
def test_a_page_outside_the_range_gives_the_nearest_one(number, pages, shown):
    assert clamp(number, pages) == shown


@pytest.fixture
def staff(db):
    with db() as session:
        for n in range(1, 8):
            make_user(session, email=f"u{n}@example.com", name=f"User {n}")


def _emails(page) -> list[str]:
    return [user.email for user in page.items]


def test_pages_follow_the_query_order_and_count_every_row(db, staff):
    query = select(User).order_by(col(User.email).desc())
    with db() as session:
        first = paginate(query, session=session, number=1, per_page=3)
        assert _emails(first) == ["u7@example.com", "u6@example.com", "u5@example.com"]
        assert (first.number, first.pages, first.total, first.per_page) == (1, 3, 7, 3)
        assert not first.has_previous and first.has_next
        last = paginate(query, session=session, number=3, per_page=3)
        assert _emails(last) == ["u1@example.com"]
        assert last.has_previous and not last.has_next
        past = paginate(query, session=session, number=40, per_page=3)
        assert past.number == 3 and _emails(past) == ["u1@example.com"]


def test_an_empty_query_has_one_empty_page(db, staff):
    query = select(User).where(User.email == "nobody@example.com").order_by(col(User.id))
    with db() as session:
        page = paginate(query, session=session, number=2, per_page=3)
    assert (page.items, page.number, page.pages, page.total) == ([], 1, 1, 0)
    assert not page.has_previous and not page.has_next


def test_a_known_total_is_not_counted_again(db, staff):
    query = select(User).order_by(col(User.email))
    with db() as session:
        page = paginate(query, session=session, number=2, per_page=2, total=4)
    assert (page.pages, page.total) == (2, 4)
    assert _emails(page) == ["u3@example.com", "u4@example.com"]


def test_a_page_holds_at_least_one_row(db):
    with db() as session, pytest.raises(ValueError, match="per_page"):
        paginate(select(User), session=session, number=1, per_page=0)
