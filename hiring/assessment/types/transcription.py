"""Typing: transcribe a passage for a fixed time; net words per minute and accuracy."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from rapidfuzz.distance import Levenshtein

from hiring.assessment.messages import N_, catalogue, in_language
from hiring.assessment.types.base import (
    AnswerError,
    ItemContent,
    ItemType,
    Text,
    register,
    translate,
)

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


@register
class Typing(ItemType):
    name = "typing"
    scale = "typing"
    content_model = TypingContent
    template = "candidate/items/typing.html"
    answer_fields = ("text", "elapsed_ms")

    def draw_params(self, content: dict, rng: random.Random, settings: dict | None = None
                    ) -> dict | None:
        settings = settings or {}
        return {"target_wpm": settings.get("typing_target_wpm") or DEFAULT_TARGET_WPM,
                "language": settings.get("language", "en")}

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        return {"passage": translate(content["passage"], language),
                "duration": content.get("duration_seconds", 60)}

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

    def result(self, content: dict, answer: Any, language: str) -> TypingResult | None:
        if not answer:
            return None
        return measure(translate(content["passage"], language), answer["text"],
                       answer.get("elapsed_ms"), content.get("duration_seconds", 60))

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = (), language: str = "en") -> float | None:
        result = self.result(content, answer, (params or {}).get("language", language))
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
        result = self.result(content, answer, (params or {}).get("language", language))
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
