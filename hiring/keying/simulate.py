"""Simulated experts, to try a round: each rates every option its current key plus noise.

They are marked simulated wherever experts are listed, so that nobody mistakes their
ratings for a panel's; adopting their keys is possible (that is the point of trying).
"""

from __future__ import annotations

import math
import random
from datetime import datetime

from sqlmodel import Session

from hiring import audit
from hiring.keying import experts as expert_domain
from hiring.keying.results import options_of
from hiring.keying.rounds import (
    Actor,
    KeyingError,
    current_revisions,
    require_open,
    round_items,
)
from hiring.models import ExpertKind, KeyingExpert, KeyingRound

MAX_EXPERTS = 200
NAME = "Simulated expert {number}"


def simulated_rating(key: int, noise: float, rng: random.Random) -> int:
    """Return the key plus normal noise with this standard deviation, rounded, in 1..5."""
    return min(5, max(1, math.floor(key + rng.gauss(0, noise) + 0.5)))


def simulate(round_: KeyingRound, *, experts: int, noise: float, seed: int | None,
             session: Session, actor: Actor, now: datetime) -> list[KeyingExpert]:
    """Add simulated experts who rate every option of every item of the round."""
    require_open(round_)
    if not 1 <= experts <= MAX_EXPERTS:
        raise KeyingError(f"Simulate 1 to {MAX_EXPERTS} experts.")
    if not 0 <= noise <= 5 or math.isnan(noise):
        raise KeyingError("The noise is a standard deviation from 0 to 5 scale points.")
    rng = random.Random(seed)  # noqa: S311 - a repeatable simulation, not a secret
    items = round_items(round_, session=session)
    current = current_revisions([item.item for item in items], session=session)
    taken = {e.name for e in expert_domain.experts_of(round_, session=session)}
    made = []
    number = 0
    for _ in range(experts):
        number += 1
        while NAME.format(number=number) in taken:
            number += 1
        expert = expert_domain.add_expert(round_, name=NAME.format(number=number),
                                          kind=ExpertKind.SIMULATED, session=session)
        for item in items:
            # The keys the item has now, as long as its options are those being rated.
            now_content = current[item.item.id].content
            keyed = (now_content if options_of(now_content) == options_of(item.content)
                     else item.content)
            ratings = {option["id"]: simulated_rating(option["key"], noise, rng)
                       for option in keyed["options"]}
            expert_domain.save_ratings(expert, item, ratings, session=session, now=now)
        expert.finished_at = now
        made.append(expert)
    session.flush()
    audit.record(session, actor=actor, action=audit.Action.KEYING_SIMULATED,
                 object_type="keying_round", object_id=round_.id,
                 detail={"experts": experts, "noise": noise, "seed": seed}, at=now)
    return made
