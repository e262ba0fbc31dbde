"""Views' lookups: a row by its id, or the 404 page."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlmodel import SQLModel

from hiring.db import get_session

Row = TypeVar("Row", bound=SQLModel)


def get_or_404(model: type[Row], row_id: int | None, message: str | None = None) -> Row:
    """Return the row of the model with this id, or end the request with a 404 page."""
    row = get_session().get(model, row_id) if row_id is not None else None
    if row is None:
        abort(404, message)
    return row
