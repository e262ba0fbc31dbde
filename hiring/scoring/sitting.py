"""A simulated sitting of an assessment: the items a candidate is given, the answers the
model's candidate gives, and a copy of the bank whose situational keys are wrong.

The scoring check (hiring.scoring.check) scores these answers as the product would."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hiring.banks.loader import BankFile
from hiring.items.types import get_type
from hiring.scoring.scales import COMPOSITE
from hiring.scoring.simulation import TrueProfile, answer_item

Sections = list[tuple[list[dict], int]]  # per section of the recipe: (pool, count)


@dataclass(frozen=True)
class Answer:
    content: dict  # the item as the candidate saw it, real keys
    params: dict | None
    answer: Any  # as the attempt stores it (parsed by the item type)
    ratings: list[dict]


@dataclass(frozen=True)
class Candidate:
    profile: TrueProfile
    answers: list[Answer]


def recipe_sections(bank: BankFile, recipe: dict, items_per_dimension: int | None
                    ) -> Sections:
    """Return (pool, count) per section; with items_per_dimension, that many situations
    per behavioural dimension instead of the recipe's count."""
    items = sorted(bank.items, key=lambda item: item["id"])
    out = []
    for section in recipe["sections"]:
        pool = [item for item in items if section.get("type") in (None, item["type"])
                and section.get("dimension") in (None, item["dimension"])]
        count = section["count"]
        if items_per_dimension and all(get_type(i["type"]).scale == COMPOSITE for i in pool):
            count = items_per_dimension
        out.append((pool, count))
    return out


def draw(sections: Sections, rng: random.Random) -> list[dict]:
    """Choose an attempt's items section by section, no item twice, as the engine does."""
    used: set[str] = set()
    chosen: list[dict] = []
    for pool, count in sections:
        available = [item for item in pool if item["id"] not in used]
        picked = rng.sample(available, min(count, len(available)))
        used.update(item["id"] for item in picked)
        chosen += picked
    return chosen


def simulate(sections: Sections, dimensions: Sequence[str],
             settings: dict, rng: random.Random, correlation: float) -> Candidate:
    """Draw a candidate's levels and items, and answer them as the attempt would store."""
    profile = TrueProfile.draw(dimensions, rng, correlation)
    answers = []
    for content in draw(sections, rng):
        item_type = get_type(content["type"])
        params = item_type.draw_params(content, rng, settings)
        raw, ratings = answer_item(content, params, profile, rng)
        answers.append(Answer(content, params, item_type.parse_answer(content, raw), ratings))
    return Candidate(profile, answers)


def permuted_keys(items: Sequence[dict], rng: random.Random) -> dict[str, dict]:
    """Return the items by id, those with keyed options (situations) with their keys
    permuted within the item. A permutation that changes nothing is drawn again, unless
    every option has the same key."""
    out = {}
    for item in items:
        options = item.get("options") or []
        keys = [option.get("key") for option in options]
        if not options or None in keys:
            out[item["id"]] = item
            continue
        shuffled = list(keys)
        while len(set(keys)) > 1 and shuffled == keys:
            rng.shuffle(shuffled)
        out[item["id"]] = {**item, "options": [{**option, "key": key} for option, key
                                               in zip(options, shuffled, strict=True)]}
    return out
