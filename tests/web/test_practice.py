"""Practice items before the clock: shown like real items, explained, never stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from hiring.models import Attempt, AttemptState, Response
from tests import factories
from tests.factories import make_attempt

DATA = Path(__file__).parent.parent / "data"
SHIPPED = Path(__file__).parent.parent.parent / "question_banks" / "csr_core.yaml"


def practice_block() -> str:
    """The shipped bank's practice section, as text."""
    text = SHIPPED.read_text(encoding="utf-8")
    return text[text.index("\npractice:\n"):text.index("\nassessments:\n")]


@pytest.fixture
def practice_bank(app, db, tmp_path):
    """The mini bank with the shipped bank's practice items."""
    path = tmp_path / "mini_practice.yaml"
    path.write_text((DATA / "mini_bank.yaml").read_text(encoding="utf-8") + practice_block(),
                    encoding="utf-8")
    with db() as session:
        return factories.make_bank(session, path)


@pytest.fixture
def invitation(db, practice_bank, clock):
    with db() as session:
        assessment = factories.make_assessment(session, practice_bank)
        attempt, token = make_attempt(session, assessment, now=clock())
    return attempt.id, token


def nothing_stored(db, attempt_id):
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        responses = session.exec(select(Response).where(
            Response.attempt_id == attempt_id)).all()
        assert attempt.state == AttemptState.INVITED
        assert attempt.started_at is None and attempt.deadline_at is None
        assert responses == []


def test_welcome_offers_the_practice_of_the_types_used(client, invitation):
    _, token = invitation
    page = client.get(f"/a/{token}").get_data(as_text=True)
    # sjt and numeric are used; choice and typing are not, so their practice is left out.
    assert "Try 2 practice questions" in page
    assert f'href="/a/{token}/practice/1"' in page
    assert page.index("Practice first") < page.index("Start the assessment")


def test_practice_pages_use_the_item_controls_in_english(client, invitation):
    _, token = invitation
    page = client.get(f"/a/{token}/practice/1").get_data(as_text=True)
    assert "Practice — not scored." in page
    assert "Practice question 1 of 2" in page
    assert 'class="bestworst"' in page and 'name="worst"' in page
    assert "Mr Babić calls" in page
    assert "Skip the practice" in page and "data-seconds-left" not in page
    page = client.get(f"/a/{token}/practice/2").get_data(as_text=True)
    assert 'name="value"' in page and "20.00 EUR a month" in page


def test_practice_pages_in_croatian(client, invitation):
    _, token = invitation
    client.get(f"/a/{token}?lang=hr")
    page = client.get(f"/a/{token}/practice/1").get_data(as_text=True)
    assert "Vježba — ne boduje se." in page
    assert "Gospodin Babić zove" in page
    page = client.post(f"/a/{token}/practice/2", data={"value": "18,00"}).get_data(
        as_text=True)
    assert "Točan odgovor je 18,00 EUR." in page
    assert "plaća 20,00 − 2,00 = 18,00 EUR" in page


def test_answering_gives_feedback_and_stores_nothing(client, db, invitation):
    attempt_id, token = invitation
    response = client.post(f"/a/{token}/practice/1", data={"best": "d", "worst": "c"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Feedback" in page
    assert ("The most effective response here was: Use his name, explain the one-off fee"
            in page)
    assert "The least effective was: Tell him the fee is correct" in page
    assert re.search(r'name="best" value="d"[^>]*checked', page)  # the answer stays
    assert "Next practice question" in page
    page = client.post(f"/a/{token}/practice/2", data={"value": "18"}).get_data(as_text=True)
    assert "The correct answer is 18.00 EUR." in page
    assert "she pays 20.00 − 2.00 = 18.00 EUR" in page
    assert f'href="/a/{token}"' in page and "Back to the start" in page
    nothing_stored(db, attempt_id)


def test_invalid_practice_answer_is_shown_and_stores_nothing(client, db, invitation):
    attempt_id, token = invitation
    response = client.post(f"/a/{token}/practice/2", data={"value": "twelve"})
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)
    nothing_stored(db, attempt_id)


def test_start_still_works_after_practice_and_practice_ends_with_it(client, db, invitation):
    attempt_id, token = invitation
    client.post(f"/a/{token}/practice/1", data={"best": "a", "worst": "c"})
    assert client.post(f"/a/{token}/start").status_code == 302
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.IN_PROGRESS and attempt.started_at is not None
        responses = session.exec(select(Response).where(
            Response.attempt_id == attempt_id)).all()
        assert len(responses) == 6 and all(r.answer is None for r in responses)
    response = client.get(f"/a/{token}/practice/1")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/a/{token}")


def test_unknown_practice_number_is_404(client, invitation):
    _, token = invitation
    assert client.get(f"/a/{token}/practice/9").status_code == 404


def test_a_bank_without_practice_offers_none(client, db, assessment, clock):
    with db() as session:
        _, token = make_attempt(session, assessment, now=clock())
    assert "Practice first" not in client.get(f"/a/{token}").get_data(as_text=True)
    assert client.get(f"/a/{token}/practice/1").headers["Location"].endswith(f"/a/{token}")
