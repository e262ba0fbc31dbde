"""The simulated candidate's response model: how a true level becomes an answer.

`hiring simulate` (attempts in the database) and `hiring scoring-check` both answer
through it (hiring.scoring.simulation draws the levels; each item type answers with its
`simulate_answer` and says the score to expect with its `expected_score`), so the check
is about the candidates the demo data are made of. The parameters are here, once:

- situational items (sjt): option k is chosen with probability
  softmax_k((a * theta + b) * (key_k - 3)), a = SJT_SLOPE, b = SJT_BASE. With b > 0
  everybody leans to the better options; at theta = 0 the best option of a typical
  1/2/3/5 item is chosen 58% of the time (item score 0.72), at theta = +2 96%, at
  theta = -0.8 the choice is random and below that the worse options attract.
  best_worst: the worst is chosen among the remaining options by the same rule on
  reversed keys (6 - key).
- right-or-wrong items (numeric, choice): correct with probability
  logistic(a * (theta - difficulty)), a = LOGISTIC_SLOPE, difficulty stable per item in
  -1..1 (a hash of the item id). A wrong numeric answer is a plausible slip (10% or 25%
  off, plus one); a wrong single choice is a random wrong option. Multiple choice: each
  option is judged (ticked when correct, left when wrong) right with that probability.
- typing: net words per minute ~ Normal(35 + 10 * theta, 5); the passage is typed to
  the length that gives that net rate after a few substituted characters, so the
  type's own measure (edit distance, time) recovers it.
- written: the sample's quality is theta + Normal(0, WRITTEN_SAMPLE_SD) (one sample
  says less than the person's level); the reply has more of the stock sentences the
  better it is, and each of RATERS raters rates every rubric criterion
  round(3 + quality + Normal(0, RATER_SD)), clipped to 1..5.

Expected scores: an item's expected score as a function of the level, under the same
model, scored with the keys the scorer is given (they differ from the keys the answers
follow when the check permutes them): the true score a reported score estimates.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence

Expectation = Callable[[float], float]  # level -> expected item score 0..1
SJT_SLOPE = 0.6  # a: how much more a stronger candidate prefers the better options
SJT_BASE = 0.5  # b: the preference for better options that everybody has
LOGISTIC_SLOPE = 1.7  # a unit-discrimination item on the normal-ogive scale
TYPING_MEAN_WPM, TYPING_WPM_PER_THETA, TYPING_SD_WPM = 35.0, 10.0, 5.0
WRITTEN_SAMPLE_SD = 0.5
RATER_SD = 0.7
RATERS = 2


def difficulty(item_id: str) -> float:
    """Return a stable difficulty in -1..1 for an item."""
    digest = hashlib.sha256(item_id.encode()).digest()
    return -1 + 2 * int.from_bytes(digest[:8], "big") / 2**64


def p_correct(theta: float, item_id: str) -> float:
    """Return the chance that a candidate at level theta gets a right-or-wrong item right."""
    return 1 / (1 + math.exp(-LOGISTIC_SLOPE * (theta - difficulty(item_id))))


def preferences(keys: Sequence[int], theta: float, reversed_keys: bool = False
                ) -> list[float]:
    """Return the probability of choosing each option keyed 1..5 at level theta:
    softmax of (SJT_SLOPE * theta + SJT_BASE) * (key - 3); reversed_keys: by 6 - key."""
    slope = SJT_SLOPE * theta + SJT_BASE
    weights = [math.exp(slope * ((6 - key if reversed_keys else key) - 3)) for key in keys]
    total = sum(weights)
    return [weight / total for weight in weights]
