"""Numbers on the candidate's pages: read in their language, asked about when ambiguous."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hiring.assessment import engine
from hiring.models import Attempt
from tests.factories import make_attempt

MATH = 5  # the mini assessment's math item: price * months EUR


@pytest.fixture
def croatian(db, assessment, clock):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True,
                                      language="hr")
    return attempt.id, token


def answer(db, attempt_id: int, position: int = MATH):
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        return engine.response_at(attempt, position, session=session).answer


def save(client, token: str, seq: int, answer: dict):
    return client.post(f"/a/{token}/save", json={"position": MATH, "seq": seq, "answer": answer})


def test_the_save_asks_which_reading_an_ambiguous_number_meant(client, db, croatian):
    attempt_id, token = croatian
    asked = save(client, token, 1, {"value": "9.940"})
    assert asked.status_code == 200 and asked.json["ok"] and asked.json["accepted"]
    assert asked.json["confirm"] == {
        "question": "Jeste li mislili 9940 ili 9,94?", "chosen": None,
        "readings": [{"value": "9940", "label": "9940"}, {"value": "9.94", "label": "9,94"}]}
    # kept as typed meanwhile: nothing is lost if the candidate never answers the question
    assert answer(db, attempt_id) == {"typed": "9.940", "readings": ["9940", "9.94"]}

    chosen = save(client, token, 2, {"value": "9.940", "reading": "9.94"})
    assert chosen.json["confirm"]["chosen"] == "9.94"
    assert answer(db, attempt_id) == {"typed": "9.940", "value": "9.94"}

    plain = save(client, token, 3, {"value": "1.234,5"})
    assert plain.json["confirm"] is None
    assert answer(db, attempt_id) == {"typed": "1.234,5", "value": "1234.5"}


def test_english_reads_a_decimal_point_and_grouping_commas(client, db, assessment, clock):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True)
    assert save(client, token, 1, {"value": "1,234.5"}).json["confirm"] is None
    assert answer(db, attempt.id) == {"typed": "1,234.5", "value": "1234.5"}
    asked = save(client, token, 2, {"value": "9,940"}).json["confirm"]
    assert asked["question"] == "Did you mean 9940 or 9.94?"


def test_without_script_the_page_asks_before_moving_on(client, db, croatian):
    attempt_id, token = croatian
    asked = client.post(f"/a/{token}/q/{MATH}", data={"value": "9.940", "go": "next"})
    assert asked.status_code == 200  # the same question again, not the next one
    page = asked.get_data(as_text=True)
    assert "<legend>Jeste li mislili 9940 ili 9,94?</legend>" in page
    assert re.search(r'<input type="radio" name="reading" value="9940"\s*>', page)
    assert 'value="9.940"' in page
    assert answer(db, attempt_id) == {"typed": "9.940", "readings": ["9940", "9.94"]}

    moved = client.post(f"/a/{token}/q/{MATH}",
                        data={"value": "9.940", "reading": "9940", "go": "next"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/q/{MATH + 1}")
    assert answer(db, attempt_id) == {"typed": "9.940", "value": "9940"}
    # on return the choice shows, and posting the page again keeps it
    again = client.get(f"/a/{token}/q/{MATH}").get_data(as_text=True)
    assert re.search(r'value="9940"\s*checked', again)
    client.post(f"/a/{token}/q/{MATH}", data={"value": "9.940", "reading": "9940"})
    assert answer(db, attempt_id)["value"] == "9940"


def test_the_page_shows_numbers_and_how_to_write_them_in_the_language(client, croatian):
    _, token = croatian
    page = client.get(f"/a/{token}/q/{MATH}").get_data(as_text=True)
    stem = page.split('<p class="stem">')[1].split("</p>")[0]
    price = re.search(r"Tarifa stoji (\S+) EUR", stem)[1]
    assert "." not in price  # 12,5 or 12: a decimal comma
    assert "Decimale odvojite zarezom, na primjer 1.234,50." in page


def test_when_the_time_is_up_an_unconfirmed_answer_goes_as_it_is(client, db, croatian,
                                                                 clock):
    attempt_id, token = croatian
    with db() as session:
        deadline = session.get(Attempt, attempt_id).deadline_at
    clock.now = deadline + timedelta(seconds=5)  # within the grace period
    moved = client.post(f"/a/{token}/q/{MATH}", data={"value": "9.940", "go": "review"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/review")
    assert answer(db, attempt_id) == {"typed": "9.940", "readings": ["9940", "9.94"]}


def test_the_profile_shows_croatian_numbers_with_a_decimal_comma(client, auth, db,
                                                                 croatian, clock):
    attempt_id, token = croatian
    save(client, token, 1, {"value": "37,5"})
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        params = engine.response_at(attempt, MATH, session=session).params
        engine.submit(attempt, session=session, now=clock())
    keyed = f"{params['price'] * params['months']:.2f}".replace(".", ",")
    auth.login("interviewer")
    page = client.get(f"/attempts/{attempt_id}?lang=hr").get_data(as_text=True)
    assert f"37,5 (točno: {keyed})" in page
    english = client.get(f"/attempts/{attempt_id}?lang=en").get_data(as_text=True)
    assert f"37.5 (correct: {keyed.replace(',', '.')})" in english
