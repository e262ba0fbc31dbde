"""SJT options: each attempt shows them in its own order; staff always read them by id."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hiring.assessment import engine, planning, preview
from hiring.assessment.simulate import invite_and_complete
from hiring.banks.editing import preview as item_preview
from hiring.banks.loader import load_path
from hiring.items.types import get_type
from hiring.scoring.item_stats import option_texts
from tests.factories import make_attempt

DATA = Path(__file__).parent.parent / "data"
FILE_ORDER = ["a", "b", "c", "d"]


@pytest.fixture(scope="module")
def items():
    return {item["id"]: item for item in load_path(DATA / "mini_bank.yaml").items}


def shown(content: dict, params: dict | None) -> list[str]:
    return [option["id"] for option in get_type("sjt").view(content, params, "en")["options"]]


def test_each_draw_is_an_order_of_all_the_options_and_draws_differ(items):
    sjt, content = get_type("sjt"), items["sjt-1"]
    orders = [sjt.draw_params(content, random.Random(seed))["order"] for seed in range(12)]
    assert all(sorted(order) == FILE_ORDER for order in orders)
    assert len({tuple(order) for order in orders}) >= 4
    # the same generator state gives the same order: what start stores is reproducible
    assert orders[3] == sjt.draw_params(content, random.Random(3))["order"]


def test_items_drawn_in_a_row_get_orders_of_their_own(items):
    sjt, rng = get_type("sjt"), random.Random(7)
    orders = {tuple(sjt.draw_params(items[f"sjt-{n}"], rng)["order"]) for n in range(1, 5)}
    assert len(orders) > 1  # not one shared order: the item's id is part of the seed


def test_drawing_an_order_takes_nothing_from_the_attempts_generator(items):
    rng = random.Random(5)
    state = rng.getstate()
    get_type("sjt").draw_params(items["sjt-1"], rng)
    assert rng.getstate() == state


def test_an_order_is_what_the_generators_state_and_the_items_id_make(items):
    """Orders stored by attempts started earlier stay reproducible: the order is seeded
    from the generator's state written out and the item's id, however it is computed."""
    import hashlib

    sjt = get_type("sjt")

    def expected(rng: random.Random, item_id: str) -> list[str]:
        state = repr(rng.getstate()).encode()
        digest = hashlib.blake2b(state + b"\0" + item_id.encode(), digest_size=8).digest()
        order = [option["id"] for option in items[item_id]["options"]]
        random.Random(int.from_bytes(digest, "big")).shuffle(order)
        return order

    for seed in (1, 2, 1, 99):  # a state seen before, then others
        rng = random.Random(seed)
        for item_id in ("sjt-1", "sjt-2", "sjt-1"):
            assert sjt.draw_params(items[item_id], rng)["order"] == expected(rng, item_id)
        rng.random()  # another item drew from it: a new state
        assert sjt.draw_params(items["sjt-3"], rng)["order"] == expected(rng, "sjt-3")


def test_other_items_get_the_parameters_they_got_before_options_were_shuffled(
        db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        stored = [r.params for r in engine.responses(attempt, session=session)]
        planned = planning.plan(assessment, attempt.seed, session=session)
        # what start drew before: the same generator, the options not drawn at all
        rng = random.Random(attempt.seed ^ 0x5EED)
        settings = {**(assessment.settings or {}), "language": attempt.language}
        before = [get_type(entry.content["type"]).draw_params(entry.content, rng, settings)
                  for entry in planned if entry.content["type"] != "sjt"]
    types = [entry.content["type"] for entry in planned]
    assert [p for p, kind in zip(stored, types, strict=True) if kind != "sjt"] == before
    assert any(before)  # the numeric item's values: a comparison that could fail
    orders = [p["order"] for p, kind in zip(stored, types, strict=True) if kind == "sjt"]
    assert len(orders) == 4 and all(sorted(order) == FILE_ORDER for order in orders)


def test_view_shows_the_stored_order(items):
    content = items["sjt-4"]
    assert shown(content, {"order": ["c", "a", "d", "b"]}) == ["c", "a", "d", "b"]
    view = get_type("sjt").view(content, {"order": ["c", "a", "d", "b"]}, "hr")
    assert view["options"][0] == {"id": "c", "text": "Opcija c od 4"}


def test_fixed_order_keeps_the_files_order(items):
    sjt, content = get_type("sjt"), {**items["sjt-1"], "fixed_order": True}
    assert all(sjt.draw_params(content, random.Random(seed)) is None for seed in range(5))
    # even an order stored by mistake does not move options that refer to each other
    assert shown(content, {"order": ["d", "c", "b", "a"]}) == FILE_ORDER


@pytest.mark.parametrize("params", [
    None,  # an attempt started before options were shuffled
    {},
    {"order": None},
    {"order": "dcba"},
    {"order": ["d", "c", "b"]},  # an option missing
    {"order": ["d", "c", "b", "a", "a"]},  # one twice
    {"order": ["d", "c", "b", "b"]},
    {"order": ["d", "c", "b", "z"]},  # one that is not in this revision
    {"order": ["d", "c", ["b"], "a"]},
    ["d", "c", "b", "a"],  # not parameters at all
])
def test_an_old_or_unusable_order_shows_the_files_order(items, params):
    assert shown(items["sjt-1"], params) == FILE_ORDER


def test_answers_are_scored_and_described_by_option_whatever_the_order(items):
    sjt, content = get_type("sjt"), items["sjt-4"]
    answer = {"best": "a", "worst": "d"}
    for params in (None, {"order": ["d", "c", "b", "a"]}, {"order": ["b", "a", "d", "c"]}):
        assert sjt.score(content, params, answer) == 1.0
        assert sjt.describe_answer(content, params, answer, "en") == (
            "best: Option a of 4; worst: Option d of 4")
        assert sjt.keyed_answer(content, params, "en") == (
            "best: Option a of 4; worst: Option d of 4")


def test_hr_preview_shows_the_files_order_and_still_draws_numbers(items):
    template, view = item_preview(items["sjt-2"], "en")
    assert template == "candidate/items/sjt.html"
    assert [option["id"] for option in view["options"]] == FILE_ORDER
    _, numeric = item_preview(items["num-1"], "en")
    assert "{price}" not in numeric["stem"]


def test_sample_draw_shows_the_order_an_attempt_with_that_seed_gets(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
        attempt.seed = 1234
        engine.start(attempt, session=session, now=clock())
        given = [(r.params or {}).get("order")
                 for r in engine.responses(attempt, session=session)]
        drawn = preview.sample(session.merge(assessment), 1234, "en", session=session)
    assert [list(item.options) or None for item in drawn.items] == given
    assert sum(1 for order in given if order) == 4


def test_option_texts_name_each_option_of_the_completed_attempts_items(db, assessment):
    with db() as session:
        invite_and_complete(session.merge(assessment), session=session,
                            now=datetime.now(UTC), rng=random.Random(2))
        texts = option_texts(assessment.id, session=session)
        croatian = option_texts(assessment.id, session=session, language="hr")
        nothing = option_texts(assessment.id + 1, session=session)
    assert texts["sjt-3"] == {o: f"Option {o} of 3" for o in FILE_ORDER}
    assert croatian["sjt-1"]["b"] == "Opcija b od 1"
    assert "wr-1" not in texts and nothing == {}
