"""Simulated candidates: complete attempts for demos and benchmarks.

The candidates answer as hiring.scoring.simulation says, the model `hiring scoring-check`
checks the scoring with: a true level per behavioural dimension and per skill."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from hiring.assessment import engine
from hiring.config import Defaults
from hiring.items.revisions import revision_content
from hiring.items.types import ITEM_TYPES, get_type
from hiring.models import Assessment, Attempt, Item, Outcome
from hiring.scoring.scales import COMPOSITE, AttemptScores
from hiring.scoring.simulation import TrueProfile, answer_item, planted_outcomes

FIRST_NAMES = ["Ana", "Marko", "Ivana", "Luka", "Petra", "Josip", "Maja", "Tomislav", "Lucija",
               "Filip", "Sara", "Nikola", "Đurđa", "Matej", "Katarina", "Šime"]
LAST_NAMES = ["Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak", "Knežević", "Vuković",
              "Šimić", "Petrović", "Perić", "Pavlović", "Božić", "Blažević", "Grgić", "Čović"]
_ASCII = str.maketrans("čćđšž", "ccdsz")


def behavioural_dimensions(bank_id: int, *, session: Session) -> list[str]:
    """Return the dimensions of a bank's situational (composite-scale) items: the ones a
    simulated candidate needs a behavioural level for."""
    composite = [name for name, item_type in ITEM_TYPES.items() if item_type.scale == COMPOSITE]
    return sorted(session.exec(select(Item.dimension).where(
        Item.bank_id == bank_id, col(Item.type).in_(composite)).distinct()).all())


def complete(attempt: Attempt, *, session: Session, now: datetime, rng: random.Random,
             profile: TrueProfile | None = None, harder: Mapping[str, float] | None = None
             ) -> Attempt:
    """Start the attempt, answer every item as the simulated candidate would, and submit.

    Without a profile, the candidate's true levels are drawn from the model for the
    behavioural dimensions of the items the attempt was given. harder: item key -> how
    much lower a level this candidate answers that item at (a planted difference)."""
    engine.start(attempt, session=session, now=now)
    given = [(response, revision_content(response.revision_id, session=session))
             for response in engine.responses(attempt, session=session)]
    if profile is None:
        profile = TrueProfile.draw(sorted({content["dimension"] for _, content in given
                                           if get_type(content["type"]).scale == COMPOSITE}),
                                   rng)
    moment = now
    for response, content in given:
        moment += timedelta(seconds=rng.randint(15, 90))
        answer, _ratings = answer_item(content, response.params, profile, rng,  # rated later
                                       (harder or {}).get(content["id"], 0.0))
        engine.save_answer(attempt, response.position, answer,
                           session=session, now=min(moment, attempt.deadline_at), seq=1,
                           time_spent_ms=rng.randint(8_000, 90_000))
    engine.submit(attempt, session=session, now=min(moment, attempt.deadline_at))
    return attempt


def invite_and_complete(assessment: Assessment, *, session: Session, now: datetime,
                        rng: random.Random, profile: TrueProfile | None = None,
                        language: str | None = None,
                        harder: Mapping[str, float] | None = None) -> Attempt:
    """Invite a simulated candidate and complete the attempt, answering from the profile's
    true levels (hiring.scoring.simulation), drawn when none is given, in the language
    given (default: the assessment's), with the planted differences of `harder`."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    attempt, _token = engine.invite(
        assessment, session=session, name=f"{first} {last}",
        email=f"{first}.{last}.{rng.randrange(10**6)}@example.com".lower().translate(_ASCII),
        expires_at=now + timedelta(days=Defaults.INVITATION_DAYS), language=language,
        simulated=True, now=now)
    attempt.seed = rng.randrange(2**31)  # the items drawn follow rng too: reproducible runs
    return complete(attempt, session=session, now=now, rng=rng, profile=profile,
                    harder=harder)


def add_outcomes(attempt_ids: list[int], *, name: str, validity: float, session: Session,
                 now: datetime, rng: random.Random) -> int:
    """Give completed attempts a job outcome planted to correlate `validity` with their
    judgement score (hiring.scoring.simulation.planted_outcomes); return how many."""
    scores = {}
    for attempt in session.exec(select(Attempt).where(col(Attempt.id).in_(attempt_ids))):
        result = AttemptScores.from_dict(attempt.results)
        score = result.scales.get(COMPOSITE) if result else None
        if score is not None and score.score is not None:
            scores[attempt.id] = score.score
    outcomes = planted_outcomes(scores, validity, rng)
    for attempt_id, value in outcomes.items():
        session.add(Outcome(attempt_id=attempt_id, name=name, value=value, imported_at=now,
                            imported_by="simulate"))
    session.flush()
    return len(outcomes)
