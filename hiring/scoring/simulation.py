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
other item from the level of its scale (hiring.scoring.scales):

- sjt: option k is chosen with probability softmax_k((a * theta + b) * (key_k - 3)),
  a = SJT_SLOPE, b = SJT_BASE. With b > 0 everybody leans to the better options; at
  theta = 0 the best option of a typical 1/2/3/5 item is chosen 58% of the time (item
  score 0.72), at theta = +2 96%, at theta = -0.8 the choice is random and below that
  the worse options attract. best_worst: the worst is chosen among the remaining
  options by the same rule on reversed keys (6 - key).
- numeric, choice: correct with probability logistic(a * (theta - difficulty)),
  a = LOGISTIC_SLOPE, difficulty stable per item in -1..1 (a hash of the item id).
  A wrong numeric answer is a plausible slip (10% or 25% off, plus one); a wrong
  single choice is a random wrong option. Multiple choice: each option is judged
  (ticked when correct, left when wrong) right with that probability.
- typing: net words per minute ~ Normal(35 + 10 * theta, 5); the passage is typed to
  the length that gives that net rate after a few substituted characters, so the
  type's own measure (edit distance, time) recovers it.
- written: the sample's quality is theta + Normal(0, WRITTEN_SAMPLE_SD) (one sample
  says less than the person's level); the reply has more of the stock sentences the
  better it is, and each of RATERS raters rates every rubric criterion
  round(3 + quality + Normal(0, RATER_SD)), clipped to 1..5.

Expected scores. `expectation` gives an item's expected score as a function of the level,
under the same model, scored with the keys the scorer is given (they differ from the keys
the answers follow when the check permutes them): the true score a reported score
estimates.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hiring.assessment.types import get_type
from hiring.assessment.types.base import translate
from hiring.assessment.types.numeric import expected, format_number
from hiring.numbers import format_duration
from hiring.scoring.scales import COMPOSITE

Expectation = Callable[[float], float]  # level -> expected item score 0..1
SKILLS = ("numeracy", "reading", "typing", "writing")  # scales answered from a skill level
CORRELATION = 0.6  # between behavioural levels
SKILL_CORRELATION = 0.3  # the general factor's share of a skill's and judgement's variance
SJT_SLOPE = 0.6  # a: how much more a stronger candidate prefers the better options
SJT_BASE = 0.5  # b: the preference for better options that everybody has
LOGISTIC_SLOPE = 1.7  # a unit-discrimination item on the normal-ogive scale
TYPING_MEAN_WPM, TYPING_WPM_PER_THETA, TYPING_SD_WPM = 35.0, 10.0, 5.0
WRITTEN_SAMPLE_SD = 0.5
RATER_SD = 0.7
RATERS = 2
WRITTEN_SENTENCES = [
    "Thank you for getting in touch, and I am sorry about the trouble this has caused you.",
    "I understand how frustrating it is to wait without any news.",
    "I have checked your account and I can see what happened.",
    "I will make sure this is corrected today and I will call you back by 5 pm to confirm.",
    "If you prefer, I can also offer you a credit on your next bill.",
    "Please let me know if there is anything else I can do for you.",
    "We value you as a customer and want to put this right.",
]


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


def difficulty(item_id: str) -> float:
    """Return a stable difficulty in -1..1 for an item."""
    digest = hashlib.sha256(item_id.encode()).digest()
    return -1 + 2 * int.from_bytes(digest[:8], "big") / 2**64


def p_correct(theta: float, item_id: str) -> float:
    return 1 / (1 + math.exp(-LOGISTIC_SLOPE * (theta - difficulty(item_id))))


def _preferences(keys: Sequence[int], slope: float) -> list[float]:
    """Return the probability of choosing each option: softmax of slope * (key - 3)."""
    weights = [math.exp(slope * (key - 3)) for key in keys]
    total = sum(weights)
    return [weight / total for weight in weights]


def _sjt_answers(content: dict) -> list[dict]:
    """Return every answer the model can give to an sjt item, in a fixed order."""
    ids = [option["id"] for option in content["options"]]
    if content.get("format") != "best_worst":
        return [{"best": best} for best in ids]
    return [{"best": best, "worst": worst} for best in ids for worst in ids if worst != best]


def _sjt_probabilities(content: dict, theta: float) -> list[float]:
    """Return the probability of each of _sjt_answers at level theta."""
    options = content["options"]
    slope = SJT_SLOPE * theta + SJT_BASE
    best = _preferences([option["key"] for option in options], slope)
    if content.get("format") != "best_worst":
        return best
    out = []
    for index, p in enumerate(best):
        rest = [6 - option["key"] for i, option in enumerate(options) if i != index]
        out += [p * q for q in _preferences(rest, slope)]
    return out


def answer_sjt(content: dict, params: dict | None, theta: float, rng: random.Random
               ) -> tuple[Any, list[dict]]:
    return rng.choices(_sjt_answers(content), _sjt_probabilities(content, theta))[0], []


def expected_sjt(content: dict, params: dict | None, scored: dict) -> Expectation:
    # The possible answers and their scores do not depend on the level: score them once.
    sjt = get_type(scored["type"])
    scores = [sjt.score(scored, params, answer) for answer in _sjt_answers(content)]
    return lambda theta: sum(p * score for p, score in zip(
        _sjt_probabilities(content, theta), scores, strict=True))


def answer_numeric(content: dict, params: dict | None, theta: float, rng: random.Random
                   ) -> tuple[Any, list[dict]]:
    correct = expected(content, params or {})
    if rng.random() < p_correct(theta, content["id"]):
        value = correct
    else:
        value = correct * rng.choice([0.9, 1.1, 1.25]) + 1
        if abs(value - correct) <= 2 * content.get("tolerance", 0.01) + 0.01:
            value = correct * 1.25 + 1  # 0.9x + 1 is x itself near x = 10
    if content.get("format") == "duration":
        return format_duration(value), []  # typed as minutes and seconds, 7:26
    return format_number(value, content.get("decimals", 2)), []


def expected_numeric(content: dict, params: dict | None, scored: dict) -> Expectation:
    # A slip is off by more than 10% plus one, far beyond any tolerance: it scores 0.
    return lambda theta: p_correct(theta, content["id"])


def answer_choice(content: dict, params: dict | None, theta: float, rng: random.Random
                  ) -> tuple[Any, list[dict]]:
    options = content["options"]
    p = p_correct(theta, content["id"])
    if content.get("multiple"):
        ticked = [o["id"] for o in options if (rng.random() < p) == o["correct"]]
        return {"choice": ticked}, []
    if rng.random() < p:
        return {"choice": [o["id"] for o in options if o["correct"]]}, []
    return {"choice": [rng.choice([o["id"] for o in options if not o["correct"]])]}, []


def expected_choice(content: dict, params: dict | None, scored: dict) -> Expectation:
    if not content.get("multiple"):
        return lambda theta: p_correct(theta, content["id"])
    # Each option is judged right or wrong; score every pattern of judgements once.
    choice, options = get_type(scored["type"]), content["options"]
    patterns = list(itertools.product((True, False), repeat=len(options)))
    scores = [choice.score(scored, params, {"choice": [
        o["id"] for o, right in zip(options, judged, strict=True) if right == o["correct"]]})
        for judged in patterns]

    def expectation(theta: float) -> float:
        p = p_correct(theta, content["id"])
        return sum(math.prod(p if right else 1 - p for right in judged) * score
                   for judged, score in zip(patterns, scores, strict=True))
    return expectation


def _typing_target(params: dict | None) -> float:
    return float((params or {}).get("target_wpm") or TYPING_MEAN_WPM)


def answer_typing(content: dict, params: dict | None, theta: float, rng: random.Random
                  ) -> tuple[Any, list[dict]]:
    passage = translate(content["passage"], (params or {}).get("language", "en"))
    net_wpm = max(1.0, rng.gauss(TYPING_MEAN_WPM + TYPING_WPM_PER_THETA * theta,
                                 TYPING_SD_WPM))
    # Errors do not change the score (net already deducts them) but exercise the measure.
    errors = max(0, round(rng.gauss(2 - 0.5 * theta, 1)))
    minutes = content.get("duration_seconds", 60) / 60
    chars = round((net_wpm * minutes + errors) * 5)
    if chars >= len(passage):  # finished early: the time taken gives the rate
        chars = len(passage)
        errors = min(errors, chars // 10)
        minutes = (chars / 5 - errors) / net_wpm
    typed = list(passage[:chars])
    for position in rng.sample(range(chars), errors):
        typed[position] = "#" if typed[position] != "#" else "~"
    return {"text": "".join(typed), "elapsed_ms": round(minutes * 60_000)}, []


def expected_typing(content: dict, params: dict | None, scored: dict) -> Expectation:
    """E[min(1, X / target)] for X ~ Normal(mu, sd): (E[X] - E[(X - target)+]) / target.
    (The model's floor of 1 wpm is ignored: it is 7 SD below the mean at theta = -2.)"""
    sd, target, normal = TYPING_SD_WPM, _typing_target(params), statistics.NormalDist()

    def expectation(theta: float) -> float:
        mu = TYPING_MEAN_WPM + TYPING_WPM_PER_THETA * theta
        z = (mu - target) / sd
        return (mu - (mu - target) * normal.cdf(z) - sd * normal.pdf(z)) / target
    return expectation


def answer_written(content: dict, params: dict | None, theta: float, rng: random.Random
                   ) -> tuple[Any, list[dict]]:
    quality = theta + rng.gauss(0, WRITTEN_SAMPLE_SD)
    count = max(3, min(len(WRITTEN_SENTENCES), round(4 + 1.5 * quality)))
    ratings = [{criterion["id"]: min(5, max(1, round(3 + quality + rng.gauss(0, RATER_SD))))
                for criterion in content["rubric"]} for _ in range(RATERS)]
    return " ".join(rng.sample(WRITTEN_SENTENCES, count)), ratings


def expected_written(content: dict, params: dict | None, scored: dict) -> Expectation:
    """The expected rating: 3 + theta plus the sample's and the rater's noise, rounded and
    kept within 1..5, rescaled to 0..1 as the written type scores it."""
    noise = math.hypot(WRITTEN_SAMPLE_SD, RATER_SD)
    edges = [-math.inf, 1.5, 2.5, 3.5, 4.5, math.inf]

    def expectation(theta: float) -> float:
        spread = statistics.NormalDist(3 + theta, noise)
        return sum((spread.cdf(edges[k]) - spread.cdf(edges[k - 1])) * (k - 1) / 4
                   for k in range(1, 6))
    return expectation


@dataclass(frozen=True)
class Responder:
    """How a simulated candidate answers one item type, and the score to expect."""

    # (content, params, theta, rng) -> (answer as the candidate sends it, ratings)
    answer: Callable[[dict, dict | None, float, random.Random], tuple[Any, list[dict]]]
    # (content answered, params, content as scored) -> expected score at a level
    expected: Callable[[dict, dict | None, dict], Expectation]


RESPONDERS: dict[str, Responder] = {
    "sjt": Responder(answer_sjt, expected_sjt),
    "numeric": Responder(answer_numeric, expected_numeric),
    "choice": Responder(answer_choice, expected_choice),
    "typing": Responder(answer_typing, expected_typing),
    "written": Responder(answer_written, expected_written),
}


def answer_item(content: dict, params: dict | None, profile: TrueProfile,
                rng: random.Random) -> tuple[Any, list[dict]]:
    """Answer an item as the candidate would: the answer and the raters' ratings."""
    return RESPONDERS[content["type"]].answer(content, params, profile.level_for(content), rng)


def expectation(content: dict, params: dict | None, scored: dict | None = None
                ) -> Expectation:
    """Return the item's expected score as a function of the level it is answered at,
    scored with `scored` (the same item, perhaps with other keys; default: as answered)."""
    return RESPONDERS[content["type"]].expected(content, params, scored or content)
