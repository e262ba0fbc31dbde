"""Simulated candidates: plausible answers for demos and benchmarks."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from hiring.assessment import engine
from hiring.assessment.types.base import translate
from hiring.assessment.types.numeric import expected, format_number
from hiring.models import Assessment, Attempt, ItemRevision

FIRST_NAMES = ["Ana", "Marko", "Ivana", "Luka", "Petra", "Josip", "Maja", "Tomislav", "Lucija",
               "Filip", "Sara", "Nikola", "Đurđa", "Matej", "Katarina", "Šime"]
LAST_NAMES = ["Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak", "Knežević", "Vuković",
              "Šimić", "Petrović", "Perić", "Pavlović", "Božić", "Blažević", "Grgić", "Čović"]
_ASCII = str.maketrans("čćđšž", "ccdsz")
WRITTEN_SENTENCES = [
    "Thank you for getting in touch, and I am sorry about the trouble this has caused you.",
    "I understand how frustrating it is to wait without any news.",
    "I have checked your account and I can see what happened.",
    "I will make sure this is corrected today and I will call you back by 5 pm to confirm.",
    "If you prefer, I can also offer you a credit on your next bill.",
    "Please let me know if there is anything else I can do for you.",
    "We value you as a customer and want to put this right.",
]


def _answer_sjt(content: dict, ability: float, rng: random.Random) -> dict:
    """Choose options with probability rising with their key, more so for able candidates."""
    options = content["options"]
    # Most people prefer the better options somewhat; ability sharpens the preference.
    slope = 0.5 + 0.6 * ability
    weights = [math.exp(slope * (option["key"] - 3)) for option in options]
    best = rng.choices(options, weights)[0]["id"]
    answer = {"best": best}
    if content.get("format") == "best_worst":
        rest = [o for o in options if o["id"] != best]
        worst_weights = [math.exp(slope * (3 - o["key"])) for o in rest]
        answer["worst"] = rng.choices(rest, worst_weights)[0]["id"]
    return answer


def simulated_answer(content: dict, params: dict | None, ability: float,
                     rng: random.Random, language: str = "en") -> dict:
    """Return a plausible answer for an item from a candidate of the given ability (-2..2)."""
    kind = content["type"]
    if kind == "sjt":
        return _answer_sjt(content, ability, rng)
    if kind == "numeric":
        correct = expected(content, params or {})
        p_correct = 1 / (1 + math.exp(-(ability + 0.5) * 1.7))
        value = correct if rng.random() < p_correct else correct * rng.choice([0.9, 1.1, 1.25])
        return {"value": format_number(value, content.get("decimals", 2))}
    if kind == "choice":
        options = content["options"]
        correct = [o["id"] for o in options if o["correct"]]
        if rng.random() < 1 / (1 + math.exp(-(ability + 0.5) * 1.7)):
            return {"choice": correct if content.get("multiple") else correct[0]}
        return {"choice": rng.choice(options)["id"]}
    if kind == "typing":
        passage = translate(content["passage"], language)
        wpm = max(8.0, rng.gauss(35 + 10 * ability, 5))
        minutes = content.get("duration_seconds", 60) / 60
        typed = list(passage[: int(wpm * 5 * minutes)])
        for _ in range(max(0, int(rng.gauss(3 - ability, 1.5)))):
            if typed:
                typed[rng.randrange(len(typed))] = rng.choice("asdfjkl")
        return {"text": "".join(typed), "elapsed_ms": int(minutes * 60_000)}
    if kind == "written":
        count = max(3, min(len(WRITTEN_SENTENCES), int(4 + ability * 1.5 + rng.random() * 2)))
        return {"text": " ".join(rng.sample(WRITTEN_SENTENCES, count))}
    raise ValueError(f"no simulated answers for item type {kind!r}")


Answerer = Callable[[dict, dict | None], Any]


def ability_answerer(ability: float, rng: random.Random, language: str) -> Answerer:
    """Answer every item from one overall ability (the demo's simple candidates)."""
    return lambda content, params: simulated_answer(content, params, ability, rng, language)


def model_answerer(levels: dict[str, float], rng: random.Random, language: str) -> Answerer:
    """Answer each item from the true level of its dimension (see hiring.scoring.model)."""
    from hiring.scoring.model import RESPONDERS

    def answer(content: dict, params: dict | None) -> Any:
        theta = levels[content["dimension"]]
        if content["type"] == "written":  # a reply whose quality follows the level
            return simulated_answer(content, params, theta, rng, language)
        return RESPONDERS[content["type"]](content, params, theta, rng)[0]

    return answer


def complete(attempt: Attempt, *, session: Session, now: datetime, rng: random.Random,
             answerer: Answerer | None = None) -> Attempt:
    """Start the attempt, answer every item as a simulated candidate, and submit."""
    answerer = answerer or ability_answerer(rng.gauss(0, 1), rng, attempt.language)
    engine.start(attempt, session=session, now=now)
    moment = now
    for response in engine.responses(attempt, session=session):
        revision = session.get(ItemRevision, response.revision_id)
        moment += timedelta(seconds=rng.randint(15, 90))
        engine.save_answer(attempt, response.position,
                           answerer(revision.content, response.params),
                           session=session, now=min(moment, attempt.deadline_at), seq=1,
                           time_spent_ms=rng.randint(8_000, 90_000))
    engine.submit(attempt, session=session, now=min(moment, attempt.deadline_at))
    return attempt


def invite_and_complete(assessment: Assessment, *, session: Session, now: datetime,
                        rng: random.Random, levels: dict[str, float] | None = None
                        ) -> Attempt:
    """Invite a simulated candidate and complete the attempt.

    With levels (true level per dimension), answers follow the scoring model;
    otherwise one overall ability drives every answer."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    attempt, _token = engine.invite(
        assessment, session=session, name=f"{first} {last}",
        email=f"{first}.{last}.{rng.randrange(10**6)}@example.com".lower().translate(_ASCII),
        expires_at=now + timedelta(days=14))
    attempt.seed = rng.randrange(2**31)  # the items drawn follow rng too: reproducible runs
    attempt.simulated = True
    answerer = model_answerer(levels, rng, attempt.language) if levels else None
    return complete(attempt, session=session, now=now, rng=rng, answerer=answerer)
