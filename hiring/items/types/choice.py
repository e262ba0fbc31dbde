"""Multiple choice: one correct option, or several that all must be ticked."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hiring.items.messages import N_, in_language
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


class ChoiceOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=KEY_PATTERN)
    text: Text
    correct: bool


class ChoiceContent(ItemContent):
    multiple: bool = False
    stem: Text
    options: list[ChoiceOption] = Field(min_length=3, max_length=6)
    explanation: Text

    @model_validator(mode="after")
    def _correct_count(self) -> ChoiceContent:
        correct = sum(option.correct for option in self.options)
        if not self.multiple and correct != 1:
            raise ValueError(f"a single-answer item needs exactly one correct option, not "
                             f"{correct}")
        if self.multiple and correct < 1:
            raise ValueError("mark at least one option correct")
        return self


@register
class Choice(ItemType):
    name = "choice"
    label = N_("choice")
    note = N_("Multiple choice: one correct option, or several that all must be ticked.")
    scale = "reading"  # account screens and e-mails read for a fact
    content_model = ChoiceContent
    template = "candidate/items/choice.html"
    answer_fields = ("choice",)

    def check(self, content: dict) -> list[tuple[tuple, str]]:
        return duplicate_ids([option["id"] for option in content["options"]], "options",
                             "option")

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        return {"stem": translate(content["stem"], language),
                "multiple": content.get("multiple", False),
                "options": [{"id": o["id"], "text": translate(o["text"], language)}
                            for o in content["options"]]}

    def parse_answer(self, content: dict, raw: Any) -> Any:
        chosen = raw.get("choice") if isinstance(raw, dict) else None
        if chosen in (None, "", []):
            return None
        if isinstance(chosen, str):
            chosen = [chosen]
        ids = {option["id"] for option in content["options"]}
        if not isinstance(chosen, list) or not all(isinstance(c, str) and c in ids
                                                   for c in chosen):
            raise AnswerError(N_("That option is not part of this question."))
        if not content.get("multiple") and len(chosen) > 1:
            raise AnswerError(N_("Choose one option."))
        return {"choice": sorted(set(chosen))}

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = ()) -> float | None:
        chosen = set((answer or {}).get("choice", []))
        correct = {o["id"] for o in content["options"] if o["correct"]}
        if not content.get("multiple"):
            return 1.0 if chosen == correct else 0.0
        return max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))

    def keyed_answer(self, content: dict, params: dict | None, language: str) -> str:
        return "; ".join(translate(o["text"], language) for o in content["options"]
                         if o["correct"])

    def describe_answer(self, content: dict, params: dict | None, answer: Any,
                        language: str) -> str:
        texts = {o["id"]: translate(o["text"], language) for o in content["options"]}
        chosen = (answer or {}).get("choice", [])
        correct = [texts[o["id"]] for o in content["options"] if o["correct"]]
        given = "; ".join(texts[c] for c in chosen if c in texts) or in_language(
            language, N_("(no answer)"))
        return in_language(language, N_("%(given)s (correct: %(correct)s)"), given=given,
                           correct="; ".join(correct))

    def simulate_answer(self, content: dict, params: dict | None, level: float,
                        rng: random.Random) -> tuple[Any, list[dict]]:
        options = content["options"]
        p = simulated.p_correct(level, content["id"])
        if content.get("multiple"):
            ticked = [o["id"] for o in options if (rng.random() < p) == o["correct"]]
            return {"choice": ticked}, []
        if rng.random() < p:
            return {"choice": [o["id"] for o in options if o["correct"]]}, []
        return {"choice": [rng.choice([o["id"] for o in options if not o["correct"]])]}, []

    def expected_score(self, content: dict, params: dict | None, scored: dict
                       ) -> Expectation:
        if not content.get("multiple"):
            return lambda theta: simulated.p_correct(theta, content["id"])
        # Each option is judged right or wrong; score every pattern of judgements once.
        options = content["options"]
        patterns = list(itertools.product((True, False), repeat=len(options)))
        scores = [self.score(scored, params, {"choice": [
            o["id"] for o, right in zip(options, judged, strict=True) if right == o["correct"]]})
            for judged in patterns]

        def expectation(theta: float) -> float:
            p = simulated.p_correct(theta, content["id"])
            return sum(math.prod(p if right else 1 - p for right in judged) * score
                       for judged, score in zip(patterns, scores, strict=True))
        return expectation
