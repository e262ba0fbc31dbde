"""Simulated hiring decisions and self-identification, with a planted group difference.

`hiring simulate --impact R` gives each simulated candidate a gender (group A "woman" or
group B "man", at even odds) through the self-identification questions, and a decision:
hired with probability BASE_RATE in group A and R × BASE_RATE in group B, else rejected.
So the selection rates' ratio, B to A, is R in expectation: an adverse-impact report
should find it (flag it under 0.8, not at 1.0). Flushes only.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlmodel import Session

from hiring.assessment import decisions, self_id
from hiring.models import Assessment, Attempt

QUESTION = "gender"
GROUP_A, GROUP_B = "woman", "man"
BASE_RATE = 0.5  # group A's chance of being hired
ACTOR = "simulate"


def draw(rng: random.Random, impact: float) -> tuple[str, bool]:
    """Return a simulated candidate's group and whether they are hired."""
    if not 0 <= impact <= 1 / BASE_RATE:
        raise ValueError(f"the impact ratio must be between 0 and {1 / BASE_RATE:g}")
    group = GROUP_A if rng.random() < 0.5 else GROUP_B
    rate = BASE_RATE * (impact if group == GROUP_B else 1.0)
    return group, rng.random() < rate


def ask_gender(assessment: Assessment, *, session: Session, now: datetime) -> None:
    """Make sure the assessment asks the question the groups are drawn on."""
    asked = self_id.questions(assessment)
    if QUESTION not in asked:
        self_id.set_questions(assessment, [*asked, QUESTION], session=session, actor=ACTOR,
                              now=now)


def plant(attempt: Attempt, assessment: Assessment, *, session: Session, now: datetime,
          rng: random.Random, impact: float) -> tuple[str, bool]:
    """Give a submitted simulated attempt its self-identification and its decision."""
    group, hired = draw(rng, impact)
    self_id.save(attempt, assessment, {QUESTION: group}, session=session, now=now)
    if hired:
        decisions.record(attempt, "shortlisted", session=session, actor=ACTOR, now=now)
        decisions.record(attempt, "hired", session=session, actor=ACTOR, now=now)
    else:
        decisions.record(attempt, "rejected", session=session, actor=ACTOR, now=now)
    return group, hired
