"""Searching text columns with LIKE for what a person typed, taken literally."""

from __future__ import annotations

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

ESCAPE = "\\"


def escape(text: str) -> str:
    """Escape LIKE's wildcards (% and _) and the escape character itself."""
    return (text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%")
            .replace("_", ESCAPE + "_"))


def containing(text: str) -> str:
    """Return the LIKE pattern of values containing the text."""
    return f"%{escape(text)}%"


def any_contains(text: str, *columns: object) -> ColumnElement[bool]:
    """Return the condition that any column contains the text, ignoring case.

    The text is matched as it is given: the caller strips it if it wants to."""
    if not columns:
        raise ValueError("name at least one column")
    pattern = containing(text)
    return or_(*(col(column).ilike(pattern, escape=ESCAPE) for column in columns))
