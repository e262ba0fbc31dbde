"""Simulate candidates with known true levels, to check that scoring recovers them.

A candidate has a true level (theta, standard normal) on every dimension. The levels
share one general factor, so any two dimensions correlate by CORRELATION, as
competencies of real people do. Each item is answered from the theta of its own
dimension, by the response model of its type:

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
  says less than the person's level); each of RATERS raters rates every rubric
  criterion round(3 + quality + Normal(0, RATER_SD)), clipped to 1..5.

Answers are scored by the real item types and dimension scores come from the real
dimension_scores, so the check exercises the scoring a candidate gets.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hiring.assessment.types import get_type
from hiring.assessment.types.base import translate
from hiring.assessment.types.numeric import expected, format_number
from hiring.scoring.dimensions import DimensionScore, ItemScore, dimension_scores

CORRELATION = 0.3
SJT_SLOPE = 0.6  # a: how much more a stronger candidate prefers the better options
SJT_BASE = 0.5  # b: the preference for better options that everybody has
LOGISTIC_SLOPE = 1.7  # a unit-discrimination item on the normal-ogive scale
TYPING_MEAN_WPM, TYPING_WPM_PER_THETA, TYPING_SD_WPM = 35.0, 10.0, 5.0
WRITTEN_SAMPLE_SD = 0.5
RATER_SD = 0.7
RATERS = 2

# Answer one item: (content, params, theta, rng) -> (answer, ratings).
Responder = Callable[[dict, dict | None, float, random.Random], tuple[Any, list[dict]]]


@dataclass(frozen=True)
class TrueProfile:
    """A simulated candidate's true level (theta) per dimension."""

    levels: dict[str, float]

    @classmethod
    def draw(cls, dimensions: Iterable[str], rng: random.Random,
             correlation: float = CORRELATION) -> TrueProfile:
        """Draw standard normal levels that correlate pairwise by `correlation`."""
        general = rng.gauss(0, 1)
        shared, own = math.sqrt(correlation), math.sqrt(1 - correlation)
        return cls({dimension: shared * general + own * rng.gauss(0, 1)
                    for dimension in dimensions})

    def ranked(self) -> list[str]:
        """Return the dimensions from the strongest to the weakest."""
        return sorted(self.levels, key=lambda dimension: -self.levels[dimension])


def difficulty(item_id: str) -> float:
    """Return a stable difficulty in -1..1 for an item."""
    digest = hashlib.sha256(item_id.encode()).digest()
    return -1 + 2 * int.from_bytes(digest[:8], "big") / 2**64


def p_correct(theta: float, item_id: str) -> float:
    return 1 / (1 + math.exp(-LOGISTIC_SLOPE * (theta - difficulty(item_id))))


def _softmax_choice(options: Sequence[dict], keys: Sequence[int], slope: float,
                    rng: random.Random) -> dict:
    weights = [math.exp(slope * (key - 3)) for key in keys]
    return rng.choices(options, weights)[0]


def answer_sjt(content: dict, params: dict | None, theta: float, rng: random.Random
               ) -> tuple[Any, list[dict]]:
    options = content["options"]
    slope = SJT_SLOPE * theta + SJT_BASE
    best = _softmax_choice(options, [o["key"] for o in options], slope, rng)
    answer = {"best": best["id"]}
    if content.get("format") == "best_worst":
        rest = [o for o in options if o["id"] != best["id"]]
        answer["worst"] = _softmax_choice(rest, [6 - o["key"] for o in rest], slope, rng)["id"]
    return answer, []


def answer_numeric(content: dict, params: dict | None, theta: float, rng: random.Random
                   ) -> tuple[Any, list[dict]]:
    correct = expected(content, params or {})
    if rng.random() < p_correct(theta, content["id"]):
        value = correct
    else:
        value = correct * rng.choice([0.9, 1.1, 1.25]) + 1
    return format_number(value, content.get("decimals", 2)), []


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


def answer_written(content: dict, params: dict | None, theta: float, rng: random.Random
                   ) -> tuple[Any, list[dict]]:
    quality = theta + rng.gauss(0, WRITTEN_SAMPLE_SD)
    ratings = [{criterion["id"]: min(5, max(1, round(3 + quality + rng.gauss(0, RATER_SD))))
                for criterion in content["rubric"]} for _ in range(RATERS)]
    return "(simulated reply)", ratings


RESPONDERS: dict[str, Responder] = {
    "sjt": answer_sjt,
    "numeric": answer_numeric,
    "choice": answer_choice,
    "typing": answer_typing,
    "written": answer_written,
}


def simulate_attempt(items: Sequence[dict], true_profile: TrueProfile, rng: random.Random,
                     settings: dict | None = None) -> dict[str, float]:
    """Answer the items as the candidate would and score them with the real item types.

    Parameters (numeric values, the typing target) are drawn with the type's
    draw_params and `settings`, as an attempt does when it starts.
    """
    scores: dict[str, float] = {}
    for content in items:
        item_type = get_type(content["type"])
        params = item_type.draw_params(content, rng, settings)
        answer, ratings = RESPONDERS[content["type"]](
            content, params, true_profile.levels[content["dimension"]], rng)
        scores[content["id"]] = item_type.score(content, params, answer, ratings)
    return scores


def score_dimensions(items: Sequence[dict], item_scores: dict[str, float]
                     ) -> dict[str, DimensionScore]:
    """Return the dimension scores of an attempt, as the real scorer computes them."""
    return dimension_scores([ItemScore(content["dimension"], content.get("weight", 1.0),
                                       item_scores[content["id"]]) for content in items])
