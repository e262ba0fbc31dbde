"""Simulated candidates: their true levels, their answers and the scores they should get.

`hiring simulate` (attempts in the database) and `hiring scoring-check` both answer
through this module, so the check is about the candidates the demo data are made of.

Levels. A candidate has a true level (standard normal) on each behavioural dimension the
situational items are written for, and on each skill scale: numeracy, reading, typing and
writing. The behavioural levels load on one judgement factor, so that any two of them
correlate by `correlation` (default CORRELATION = 0.6: the subscales of situational
judgement tests usually correlate .5 to .8, which is why their subscores seldom add
anything to the composite). The judgement factor and the skills load on a weaker general
factor that gives each SKILL_CORRELATION = 0.3 of its variance: two skills correlate
0.3, a skill and a behavioural level 0.3 * sqrt(correlation) (0.23 at 0.6). Numeracy,
reading and typing are distinct abilities; a general factor of that size is what keeps
them, and judgement, from being either copies of each other or unrelated.

Answers. A situational item is answered from the level of its behavioural dimension, any
other item from the level of its scale (hiring.scoring.scales), by the item type's
`simulate_answer`; the response model the types share, and its parameters, are in
hiring.items.types.simulated. `expectation` gives an item's expected score as a
function of the level under the same model (the type's `expected_score`).

Planted differences between languages. An item can be made harder for the candidates of
one language by a chosen shift of the level it is answered at (`answer_item`'s
harder_by; `hiring simulate --dif ITEM:LANGUAGE:SHIFT`): a translation that works
differently for candidates of equal level, which the item-health page's differential
item functioning (hiring.scoring.dif) should find.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hiring.items.types import get_type
from hiring.items.types.simulated import Expectation
from hiring.scoring.scales import COMPOSITE, SCALES

SKILLS = tuple(scale for scale in SCALES if scale != COMPOSITE)  # answered from a skill level
CORRELATION = 0.6  # between behavioural levels
SKILL_CORRELATION = 0.3  # the general factor's share of a skill's and judgement's variance
MAX_DIF_SHIFT = 5.0  # a planted item difference, in standard deviations of the level


@dataclass(frozen=True)
class TrueProfile:
    """A simulated candidate's true levels: per behavioural dimension and per skill."""

    behavioural: dict[str, float]
    skills: dict[str, float]

    @classmethod
    def draw(cls, dimensions: Iterable[str], rng: random.Random,
             correlation: float = CORRELATION) -> TrueProfile:
        """Draw standard normal levels; behavioural ones correlate pairwise by
        `correlation`, the rest as the module says."""
        if not 0 <= correlation <= 1:
            raise ValueError("the correlation of behavioural levels must be within 0..1")
        general = rng.gauss(0, 1)
        judgement = _loading(general, SKILL_CORRELATION, rng)
        return cls({dimension: _loading(judgement, correlation, rng) for dimension in dimensions},
                   {skill: _loading(general, SKILL_CORRELATION, rng) for skill in SKILLS})

    @classmethod
    def flat(cls, dimensions: Iterable[str], level: float) -> TrueProfile:
        """Return a profile with the same level everywhere."""
        return cls(dict.fromkeys(dimensions, level), dict.fromkeys(SKILLS, level))

    @property
    def judgement(self) -> float:
        """The composite's true level: the mean of the behavioural levels."""
        return statistics.fmean(self.behavioural.values())

    def level(self, scale: str, dimension: str) -> float:
        """Return the level an item of the scale and dimension is answered from."""
        return self.behavioural[dimension] if scale == COMPOSITE else self.skills[scale]

    def level_for(self, content: dict) -> float:
        return self.level(get_type(content["type"]).scale, content["dimension"])

    def columns(self) -> dict[str, float]:
        """Return every level by name, for a table of true levels."""
        return {**self.behavioural, **self.skills}


def _loading(factor: float, share: float, rng: random.Random) -> float:
    return math.sqrt(share) * factor + math.sqrt(1 - share) * rng.gauss(0, 1)


def answer_item(content: dict, params: dict | None, profile: TrueProfile,
                rng: random.Random, harder_by: float = 0.0) -> tuple[Any, list[dict]]:
    """Answer an item as the candidate would: the answer and the raters' ratings.

    harder_by: the item is answered as if the candidate's level were this much lower,
    for this candidate only (planted differential item functioning: an item made harder
    for the candidates of one language, whatever their level)."""
    return get_type(content["type"]).simulate_answer(
        content, params, profile.level_for(content) - harder_by, rng)


def parse_dif(text: str) -> tuple[str, str, float]:
    """Parse a planted difference ITEM_KEY:LANGUAGE:SHIFT (e.g. num-refund:hr:0.8: the
    item is 0.8 standard deviations of the level harder for candidates answering in hr;
    for a right-or-wrong item that is a difficulty 0.8 higher, a log-odds of 1.7 x 0.8
    lower)."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"{text!r}: expected ITEM_KEY:LANGUAGE:SHIFT, e.g. item-1:hr:0.8")
    key, language, shift = parts
    try:
        value = float(shift)
    except ValueError:
        raise ValueError(f"{text!r}: the shift {shift!r} is not a number") from None
    if not math.isfinite(value) or not -MAX_DIF_SHIFT <= value <= MAX_DIF_SHIFT:
        raise ValueError(f"{text!r}: the shift must be within -{MAX_DIF_SHIFT:g}.."
                         f"{MAX_DIF_SHIFT:g}")
    return key, language, value


def expectation(content: dict, params: dict | None, scored: dict | None = None
                ) -> Expectation:
    """Return the item's expected score as a function of the level it is answered at,
    scored with `scored` (the same item, perhaps with other keys; default: as answered)."""
    return get_type(content["type"]).expected_score(content, params, scored or content)


OUTCOME_MEAN, OUTCOME_SD = 50.0, 10.0  # a planted outcome reads like a rating


def planted_outcomes(scores: dict[int, float], validity: float, rng: random.Random
                     ) -> dict[int, float]:
    """Draw a job outcome per attempt that correlates `validity` with its score.

    outcome = r z(score) + sqrt(1 - r^2) e, e standard normal, with z the score
    standardized over the attempts given; reported as 50 + 10 outcome."""
    if not -1 <= validity <= 1:
        raise ValueError("a validity is a correlation, from -1 to 1")
    if len(scores) < 2:
        return {}
    mean, sd = statistics.fmean(scores.values()), statistics.stdev(scores.values())
    noise = math.sqrt(1 - validity * validity)
    return {attempt_id: round(OUTCOME_MEAN + OUTCOME_SD * (
                validity * ((score - mean) / sd if sd else 0.0) + noise * rng.gauss(0, 1)), 3)
            for attempt_id, score in sorted(scores.items())}
