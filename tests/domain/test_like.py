"""LIKE searches take what was typed literally: % _ and the backslash are characters."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from hiring import like
from hiring.models import User
from tests.factories import make_user


@pytest.mark.parametrize(("text", "escaped"), [
    ("ana", "ana"),
    ("100%_off", "100\\%\\_off"),
    ("a\\b", "a\\\\b"),
    ("\\%", "\\\\\\%"),
    ("", ""),
])
def test_wildcards_and_the_escape_character_are_escaped(text, escaped):
    assert like.escape(text) == escaped
    assert like.containing(text) == f"%{escaped}%"


NAMES = {
    "sale@example.com": "100%_off",
    "percent@example.com": "100 percent off",
    "plain@example.com": "100% off",
    "under@example.com": "100x_off",
    "slash@example.com": "back\\slash",
    "other@example.com": "backslash",
    "ivana@example.com": "Ivana Đurić",
}


@pytest.fixture
def people(db):
    with db() as session:
        for email, name in NAMES.items():
            make_user(session, email=email, name=name)


def _found(db, text: str) -> set[str]:
    with db() as session:
        return set(session.exec(select(User.email).where(
            like.any_contains(text, User.name, User.email)).order_by(col(User.email))))


@pytest.mark.parametrize(("text", "emails"), [
    ("100%_off", {"sale@example.com"}),
    ("100%", {"sale@example.com", "plain@example.com"}),
    ("_off", {"sale@example.com", "under@example.com"}),
    ("%", {"sale@example.com", "plain@example.com"}),
    ("\\", {"slash@example.com"}),
    ("k\\s", {"slash@example.com"}),
    ("BACKSLASH", {"other@example.com"}),
    ("IVANA", {"ivana@example.com"}),
    ("@EXAMPLE.com", set(NAMES)),
    ("nobody", set()),
])
def test_any_column_may_contain_the_text(db, people, text, emails):
    assert _found(db, text) == emails


def test_a_search_needs_a_column():
    with pytest.raises(ValueError, match="column"):
        like.any_contains("x")
