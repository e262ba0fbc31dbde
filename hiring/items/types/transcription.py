"""Typing: transcribe a passage for a fixed time; net words per minute and accuracy."""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from rapidfuzz.distance import Levenshtein

from hiring.items.accommodations import has_multiplier, stretched_seconds
from hiring.items.messages import N_, catalogue, in_language
from hiring.items.types import simulated
from hiring.items.types.base import (
    AnswerError,
    ItemContent,
    ItemType,
    Speed,
    Text,
    register,
    translate,
)
from hiring.items.types.simulated import Expectation

DEFAULT_TARGET_WPM = 35
CHARS_PER_WORD = 5


class TypingContent(ItemContent):
    duration_seconds: int = Field(default=60, ge=15, le=600)
    passage: Text


@dataclass(frozen=True)
class TypingResult:
    typed_chars: int
    errors: int
    minutes: float
    gross_wpm: float
    net_wpm: float
    accuracy: float  # 0..1


def measure(passage: str, typed: str, elapsed_ms: int | None, duration_seconds: int
            ) -> TypingResult:
    """Compare what was typed with the passage."""
    typed = typed.replace("\r\n", "\n")
    errors = Levenshtein.distance(typed, passage[: len(typed)])
    # Typing is cut off at the duration; only a candidate who typed the whole passage
    # can have taken less, and then the time they took counts.
    if len(typed) >= len(passage) and elapsed_ms:
        minutes = min(max(elapsed_ms / 60_000, 1 / 60), duration_seconds / 60)
    else:
        minutes = duration_seconds / 60
    words = len(typed) / CHARS_PER_WORD
    return TypingResult(
        typed_chars=len(typed), errors=errors, minutes=minutes,
        gross_wpm=words / minutes,
        net_wpm=max(0.0, (words - errors) / minutes),
        accuracy=1 - errors / len(typed) if typed else 0.0,
    )


def duration_seconds(content: dict, params: dict | None) -> int:
    """The time this candidate was given: the item's, or longer by an accommodation."""
    return (params or {}).get("duration_seconds") or content.get("duration_seconds", 60)


@register
class Typing(ItemType):
    name = "typing"
    label = N_("typing")
    note = N_("Copy a passage for a fixed time; net words per minute and accuracy.")
    minutes = 1.5
    scale = "typing"
    content_model = TypingContent
    template = "candidate/items/typing.html"
    answer_fields = ("text", "elapsed_ms")

    def draw_params(self, content: dict, rng: random.Random, settings: dict | None = None
                    ) -> dict | None:
        settings = settings or {}
        params = {"target_wpm": settings.get("typing_target_wpm") or DEFAULT_TARGET_WPM,
                  "language": settings.get("language", "en")}
        multiplier = settings.get("time_multiplier") or 1.0
        if has_multiplier(multiplier):  # an accommodation: longer, and scored on that time
            params["duration_seconds"] = stretched_seconds(
                content.get("duration_seconds", 60), multiplier)
        return params

    def question(self, view: dict[str, Any]) -> str:
        return view["passage"]

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        return {"passage": translate(content["passage"], language),
                "duration": duration_seconds(content, params)}

    def parse_answer(self, content: dict, raw: Any) -> Any:
        if not isinstance(raw, dict):
            raise AnswerError(N_("The answer must be text."))
        text, elapsed = raw.get("text"), raw.get("elapsed_ms")
        if text in (None, ""):
            return None
        if not isinstance(text, str) or "\x00" in text or len(text) > 5_000:
            raise AnswerError(N_("The answer must be text of at most 5000 characters."))
        try:
            elapsed = int(elapsed) if elapsed not in (None, "") else None
        except (TypeError, ValueError):
            raise AnswerError(N_("The typing time is not valid.")) from None
        if elapsed is not None and not 0 <= elapsed <= 3_600_000:
            raise AnswerError(N_("The typing time is not valid."))
        return {"text": text, "elapsed_ms": elapsed}

    def result(self, content: dict, answer: Any, language: str,
               params: dict | None = None) -> TypingResult | None:
        if not answer:
            return None
        return measure(translate(content["passage"], language), answer["text"],
                       answer.get("elapsed_ms"), duration_seconds(content, params))

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = (), language: str = "en") -> float | None:
        result = self.result(content, answer, (params or {}).get("language", language), params)
        if result is None:
            return 0.0
        target = (params or {}).get("target_wpm") or DEFAULT_TARGET_WPM
        return min(1.0, result.net_wpm / target)

    def keyed_answer(self, content: dict, params: dict | None, language: str) -> str:
        target = (params or {}).get("target_wpm") or DEFAULT_TARGET_WPM
        return catalogue(language).ngettext(
            "target %(num)s net word a minute", "target %(num)s net words a minute",
            round(target)) % {"num": f"{target:g}"}

    def describe_answer(self, content: dict, params: dict | None, answer: Any,
                        language: str) -> str:
        result = self.result(content, answer, (params or {}).get("language", language), params)
        if result is None:
            return in_language(language, N_("(no answer)"))
        words = catalogue(language).ngettext(
            "%(num)d net word a minute (%(gross)d gross), accuracy %(accuracy)d%%",
            "%(num)d net words a minute (%(gross)d gross), accuracy %(accuracy)d%%",
            round(result.net_wpm))
        errors = catalogue(language).ngettext(
            "%(num)d error in %(chars)d characters", "%(num)d errors in %(chars)d characters",
            result.errors)
        return ", ".join((
            words % {"num": round(result.net_wpm), "gross": round(result.gross_wpm),
                     "accuracy": round(100 * result.accuracy)},
            errors % {"num": result.errors, "chars": result.typed_chars}))

    def practice_feedback(self, content: dict, params: dict | None, answer: Any,
                          language: str) -> list[str]:
        return [in_language(language, N_("Your result: %(result)s."),
                            result=self.describe_answer(content, params, answer, language)),
                in_language(language, N_("Net words a minute count five characters as a "
                                         "word and take one word off for each error: "
                                         "accuracy counts as much as speed."))]

    def speed(self, content: dict, params: dict | None, answer: Any, language: str
              ) -> Speed | None:
        result = self.result(content, answer, (params or {}).get("language", language), params)
        if result is None:
            return None
        target = (params or {}).get("target_wpm") or DEFAULT_TARGET_WPM
        return Speed(result.net_wpm, result.gross_wpm, result.accuracy, result.errors, target)

    def evidence_line(self, content: dict, params: dict | None, answer: Any,
                      language: str) -> str | None:
        speed = self.speed(content, params, answer, language)
        if speed is None:
            return None
        return catalogue(language).ngettext(
            "%(net)s net word a minute, accuracy %(accuracy)s%%, against a target of "
            "%(target)s",
            "%(net)s net words a minute, accuracy %(accuracy)s%%, against a target of "
            "%(target)s", round(speed.net_wpm)) % {
                "net": _whole(speed.net_wpm), "accuracy": _whole(100 * speed.accuracy),
                "target": _whole(speed.target_wpm)}

    def simulate_answer(self, content: dict, params: dict | None, level: float,
                        rng: random.Random) -> tuple[Any, list[dict]]:
        passage = translate(content["passage"], (params or {}).get("language", "en"))
        net_wpm = max(1.0, rng.gauss(
            simulated.TYPING_MEAN_WPM + simulated.TYPING_WPM_PER_THETA * level,
            simulated.TYPING_SD_WPM))
        # Errors do not change the score (net already deducts them) but exercise the measure.
        errors = max(0, round(rng.gauss(2 - 0.5 * level, 1)))
        minutes = duration_seconds(content, params) / 60
        chars = round((net_wpm * minutes + errors) * CHARS_PER_WORD)
        if chars >= len(passage):  # finished early: the time taken gives the rate
            chars = len(passage)
            errors = min(errors, chars // 10)
            minutes = (chars / CHARS_PER_WORD - errors) / net_wpm
        typed = list(passage[:chars])
        for position in rng.sample(range(chars), errors):
            typed[position] = "#" if typed[position] != "#" else "~"
        return {"text": "".join(typed), "elapsed_ms": round(minutes * 60_000)}, []

    def expected_score(self, content: dict, params: dict | None, scored: dict
                       ) -> Expectation:
        """E[min(1, X / target)] for X ~ Normal(mu, sd): (E[X] - E[(X - target)+]) / target.
        (The model's floor of 1 wpm is ignored: it is 7 SD below the mean at theta = -2.)"""
        sd, normal = simulated.TYPING_SD_WPM, statistics.NormalDist()
        target = float((params or {}).get("target_wpm") or simulated.TYPING_MEAN_WPM)

        def expectation(theta: float) -> float:
            mu = simulated.TYPING_MEAN_WPM + simulated.TYPING_WPM_PER_THETA * theta
            z = (mu - target) / sd
            return (mu - (mu - target) * normal.cdf(z) - sd * normal.pdf(z)) / target
        return expectation


def _whole(value: float) -> str:
    """Format a number as a whole one, halves rounded up, as the profile shows scores."""
    return str(math.floor(value + 0.5))
