"""Written communication sample, rated by interviewers against a rubric."""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hiring.items.messages import N_, N_plural
from hiring.items.types import simulated
from hiring.items.types.base import (
    KEY_PATTERN,
    AnswerError,
    ItemContent,
    ItemType,
    Text,
    duplicate_ids,
    register,
    translate,
)
from hiring.items.types.simulated import Expectation

MAX_CHARS = 10_000
# What a simulated candidate writes: the better the reply, the more of these it has.
SIMULATED_SENTENCES = [
    "Thank you for getting in touch, and I am sorry about the trouble this has caused you.",
    "I understand how frustrating it is to wait without any news.",
    "I have checked your account and I can see what happened.",
    "I will make sure this is corrected today and I will call you back by 5 pm to confirm.",
    "If you prefer, I can also offer you a credit on your next bill.",
    "Please let me know if there is anything else I can do for you.",
    "We value you as a customer and want to put this right.",
]
LEVELS = (1, 2, 3, 4, 5)  # a rubric rating; every level has its anchor


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=KEY_PATTERN)
    name: Text
    anchors: dict[int, Text]

    @field_validator("anchors")
    @classmethod
    def _every_level(cls, anchors: dict[int, Text]) -> dict[int, Text]:
        # Raters anchored at 1, 3 and 5 only guessed what a 2 or a 4 meant, and guessed
        # differently; every level is described so that they rate against the same text.
        missing = [str(level) for level in LEVELS if level not in anchors]
        if missing:
            raise ValueError(f"anchors need a description for every level 1 to 5 "
                             f"(missing: {', '.join(missing)})")
        if not set(anchors) <= set(LEVELS):
            raise ValueError("anchors are given for levels 1 to 5 only")
        return anchors


class WrittenContent(ItemContent):
    prompt: Text
    customer_name: str | None = Field(default=None, max_length=100)  # for writing indicators
    min_words: int = Field(default=0, ge=0, le=2000)
    max_words: int = Field(default=300, ge=1, le=2000)
    rubric: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _limits(self) -> WrittenContent:
        if self.min_words > self.max_words:
            raise ValueError("min_words is larger than max_words")
        return self


def word_count(text: str) -> int:
    """Count the words in a text."""
    return len(text.split())


@register
class Written(ItemType):
    name = "written"
    label = N_("written reply")
    note = N_("A written reply, rated by interviewers against a rubric.")
    minutes = 7.0
    scale = "writing"
    content_model = WrittenContent
    template = "candidate/items/written.html"
    needs_rating = True
    answer_fields = ("text",)

    def check(self, content: dict) -> list[tuple[tuple, str]]:
        return duplicate_ids([criterion["id"] for criterion in content["rubric"]], "rubric",
                             "criterion")

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        return {
            "prompt": translate(content["prompt"], language),
            "min_words": content.get("min_words", 0),
            "max_words": content.get("max_words", 300),
            "max_chars": MAX_CHARS,
        }

    def parse_answer(self, content: dict, raw: Any) -> Any:
        text = raw.get("text") if isinstance(raw, dict) else raw
        if text is None:
            return None
        if not isinstance(text, str):
            raise AnswerError(N_("The answer must be text."))
        if "\x00" in text:
            raise AnswerError(N_("The answer contains characters that are not allowed."))
        if len(text) > MAX_CHARS:
            raise AnswerError(*N_plural("The answer is too long: at most %(num)d character.",
                                        "The answer is too long: at most %(num)d characters."),
                              num=MAX_CHARS)
        return text.replace("\r\n", "\n")

    def question(self, view: dict[str, Any]) -> str:
        return view["prompt"]

    def is_answered(self, answer: Any) -> bool:
        """Spaces alone are no reply: nothing to rate, and no evidence about writing."""
        return isinstance(answer, str) and bool(answer.strip())

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = ()) -> float | None:
        if not self.is_answered(answer):
            return 0.0  # scoring leaves unanswered items out (hiring.scoring.attempts)
        values = [value for rating in ratings for value in rating.values()]
        if not values:
            return None
        return sum((value - 1) / 4 for value in values) / len(values)

    def criteria(self, content: dict, language: str) -> list[tuple[str, str]]:
        return [(c["id"], translate(c["name"], language)) for c in content["rubric"]]

    def anchors(self, content: dict, language: str) -> dict[str, dict[int, str]]:
        return {c["id"]: {int(k): translate(v, language) for k, v in c["anchors"].items()}
                for c in content["rubric"]}

    def simulate_answer(self, content: dict, params: dict | None, level: float,
                        rng: random.Random) -> tuple[Any, list[dict]]:
        quality = level + rng.gauss(0, simulated.WRITTEN_SAMPLE_SD)
        count = max(3, min(len(SIMULATED_SENTENCES), round(4 + 1.5 * quality)))
        ratings = [{criterion["id"]: min(5, max(1, round(
            3 + quality + rng.gauss(0, simulated.RATER_SD)))) for criterion in content["rubric"]}
            for _ in range(simulated.RATERS)]
        return " ".join(rng.sample(SIMULATED_SENTENCES, count)), ratings

    def expected_score(self, content: dict, params: dict | None, scored: dict
                       ) -> Expectation:
        """The expected rating: 3 + theta plus the sample's and the rater's noise, rounded
        and kept within 1..5, rescaled to 0..1 as the type scores it."""
        noise = math.hypot(simulated.WRITTEN_SAMPLE_SD, simulated.RATER_SD)
        edges = [-math.inf, 1.5, 2.5, 3.5, 4.5, math.inf]

        def expectation(theta: float) -> float:
            spread = statistics.NormalDist(3 + theta, noise)
            return sum((spread.cdf(edges[k]) - spread.cdf(edges[k - 1])) * (k - 1) / 4
                       for k in range(1, 6))
        return expectation
