"""Practice items: unscored, tried before the clock starts, answered with feedback.

A practice answer is read and explained, never stored: nothing of it reaches the
attempt's responses, its scores, item statistics or the profile."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from hiring.assessment import planning
from hiring.items.types import get_type
from hiring.models import Assessment, Bank

PRACTICE_SEED = 0  # every candidate gets the same parameters: practice is not a secret


@dataclass(frozen=True)
class PracticeAnswer:
    """A practice answer as read, what is still to confirm about it, and the feedback."""

    answer: Any
    confirm: dict | None
    feedback: list[str]


def items(assessment: Assessment, *, session: Session) -> list[dict]:
    """Return the bank's practice items of the types the assessment uses, in file order."""
    settings = planning.bank_field(Bank.settings, assessment.bank_id, session=session)
    practice = (settings or {}).get("practice") or []
    types = {section.get("type") for section in assessment.sections}
    if None in types:  # a section of any type may draw every type
        return list(practice)
    return [item for item in practice if item["type"] in types]


def params(content: dict, assessment: Assessment, language: str) -> dict | None:
    """Return the practice item's parameters, the same for every candidate."""
    settings = {**(assessment.settings or {}), "language": language}
    rng = random.Random(PRACTICE_SEED)  # noqa: S311 - not a secret
    return get_type(content["type"]).draw_params(content, rng, settings)


def view(content: dict, assessment: Assessment, language: str) -> dict[str, Any]:
    """Return what the practice page shows, as an item page would."""
    return get_type(content["type"]).view(content, params(content, assessment, language),
                                          language)


def answer(content: dict, raw: dict, assessment: Assessment, language: str
           ) -> PracticeAnswer:
    """Read a practice answer and explain the key; raise AnswerError for an invalid one.

    A number that reads two ways is asked about first, as on a scored item."""
    item_type = get_type(content["type"])
    given = item_type.read_answer(content, raw, language)
    confirm = item_type.confirmation(content, given, language)
    if confirm is not None and confirm.get("chosen") is None:
        return PracticeAnswer(given, confirm, [])
    feedback = item_type.practice_feedback(content, params(content, assessment, language),
                                           given, language)
    return PracticeAnswer(given, confirm, [line for line in feedback if line])
