"""Views find a row by its id or answer 404 with what is missing."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from hiring.models import User
from hiring.web.lookup import get_or_404
from tests.factories import make_user


def test_a_row_is_found_by_its_id(app, db):
    with db() as session:
        user_id = make_user(session, email="hr@example.com", role="hr").id
    with app.test_request_context():
        assert get_or_404(User, user_id, "No such user.").email == "hr@example.com"


@pytest.mark.parametrize("row_id", [987654, None])
def test_a_missing_row_is_a_404_with_the_message(app, row_id):
    with app.test_request_context(), pytest.raises(NotFound) as caught:
        get_or_404(User, row_id, "No such user.")
    assert caught.value.description == "No such user."
