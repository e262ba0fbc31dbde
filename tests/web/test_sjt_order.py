"""A candidate sees a situation's options in the attempt's own order; staff read options."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

from sqlmodel import select

from hiring.assessment import engine
from hiring.assessment.simulate import invite_and_complete
from hiring.models import Attempt, Response
from tests import factories
from tests.conftest import DATA
from tests.factories import make_attempt

FILE_ORDER = ["a", "b", "c", "d"]


def shown_order(page: str) -> list[str]:
    """Return the option ids of an item page's "best" inputs, top to bottom."""
    return re.findall(r'<input type="radio" name="best" value="([^"]+)"', page)


def started(client, db, assessment, clock, email: str = "ana@example.com") -> tuple[int, str]:
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), email=email)
    assert client.post(f"/a/{token}/start").status_code == 302
    return attempt.id, token


def stored_params(db, attempt_id: int, position: int) -> dict | None:
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        return engine.response_at(attempt, position, session=session).params


def test_the_order_is_the_stored_one_and_survives_reloads(client, db, assessment, clock):
    attempt_id, token = started(client, db, assessment, clock)
    for position in (1, 4):  # a best item and the best/worst item
        first = client.get(f"/a/{token}/q/{position}").get_data(as_text=True)
        assert shown_order(first) == stored_params(db, attempt_id, position)["order"]
        client.post(f"/a/{token}/q/{position}", data={"best": shown_order(first)[0],
                                                      "go": "next"})
        again = client.get(f"/a/{token}/q/{position}").get_data(as_text=True)
        assert shown_order(again) == shown_order(first)
        assert re.search(rf'name="best" value="{shown_order(first)[0]}"[^>]*\bchecked', again)
        assert not re.search(r"\b[A-D]\)", again)  # no letters: nothing to pass on


def test_attempts_show_the_same_item_in_different_orders(client, db, assessment, clock):
    orders = []
    for n in range(8):
        _, token = started(client, db, assessment, clock, email=f"c{n}@example.com")
        page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
        assert "Situation 1 in English." in page  # the same item in every attempt
        orders.append(shown_order(page))
    assert all(sorted(order) == FILE_ORDER for order in orders)
    assert len({tuple(order) for order in orders}) >= 2


def test_fixed_order_items_keep_the_files_order(client, db, clock, tmp_path):
    text = (DATA / "mini_bank.yaml").read_text(encoding="utf-8")
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(text.replace("id: mini\n", "id: mini-fixed\n").replace(
        "    format: best\n", "    format: best\n    fixed_order: true\n"), encoding="utf-8")
    with db() as session:
        bank = factories.make_bank(session, fixed)
        assessment = factories.make_assessment(session, bank)
    for n in range(5):
        attempt_id, token = started(client, db, assessment, clock, email=f"f{n}@example.com")
        page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
        assert shown_order(page) == FILE_ORDER
        assert stored_params(db, attempt_id, 1) is None
    # sjt-4 is a best/worst item without fixed_order: it is still shuffled
    assert sorted(stored_params(db, attempt_id, 4)["order"]) == FILE_ORDER


def test_an_attempt_started_before_options_were_shuffled_shows_the_files_order(
        client, db, assessment, clock):
    orders = set()
    for n in range(6):
        attempt_id, token = started(client, db, assessment, clock, email=f"o{n}@example.com")
        with db() as session:
            response = session.exec(select(Response).where(
                Response.attempt_id == attempt_id, Response.position == 1)).one()
            orders.add(tuple(response.params["order"]))
            response.params = None  # as stored by the engine before this change
        assert shown_order(client.get(f"/a/{token}/q/1").get_data(as_text=True)) == FILE_ORDER
    assert orders != {tuple(FILE_ORDER)}  # the pages were moved back, not left alone


def test_staff_read_the_chosen_option_whatever_position_it_was_shown_in(
        client, auth, db, assessment, clock):
    for n in range(20):  # find an attempt that does not show option a first
        attempt_id, token = started(client, db, assessment, clock, email=f"s{n}@example.com")
        first = shown_order(client.get(f"/a/{token}/q/1").get_data(as_text=True))[0]
        if first != "a":
            break
    assert first != "a"
    client.post(f"/a/{token}/q/1", data={"best": first, "go": "next"})
    client.post(f"/a/{token}/submit", data={"confirm": "1"})
    auth.login("interviewer")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert (f'<strong>Answer:</strong> <span lang="en">best: Option {first} of 1</span></p>'
            in page)
    assert '<strong>Keyed:</strong> <span lang="en">best: Option a of 1</span></p>' in page

    auth.logout()
    auth.login("hr")
    export = client.get(f"/admin/candidates/attempts/{attempt_id}.json").json
    response = export["attempts"][0]["responses"][0]
    assert response["answer"] == {"best": first}
    texts = {o["id"]: o["text"]["en"] for o in response["item"]["content"]["options"]}
    assert texts[first] == f"Option {first} of 1"
    assert response["params"]["order"][0] == first  # what the candidate saw, by option


def test_item_health_names_options_by_id_and_text(client, auth, db, assessment):
    rng = random.Random(4)
    with db() as session:
        for _ in range(20):
            invite_and_complete(session.merge(assessment), session=session,
                                now=datetime.now(UTC), rng=rng)
    auth.login("hr")
    page = client.get(f"/admin/assessments/{assessment.id}/items").get_data(as_text=True)
    assert "20 completed attempts" in page
    assert re.search(r'a <span class="option-text" title="Option a of 2">“Option a of 2”</span> '
                     r"\d+", page)
    assert "whatever position each candidate saw it in" in page


def test_hr_previews_say_options_are_in_the_files_order(client, auth, db, bank, assessment):
    auth.login("hr")
    page = client.get(f"/admin/banks/{bank.id}/items/sjt-1/preview").get_data(as_text=True)
    assert shown_order(page) == FILE_ORDER
    assert "Options are in the bank's order here" in page
    sample = client.get(f"/admin/assessments/{assessment.id}/preview?seed=1234").get_data(
        as_text=True)
    with db() as session:
        attempt, _ = make_attempt(session, assessment)
        attempt.seed = 1234
        engine.start(attempt, session=session, now=datetime.now(UTC))
        order = engine.response_at(attempt, 1, session=session).params["order"]
    assert f"options in this draw's order: {' · '.join(order)}" in sample
