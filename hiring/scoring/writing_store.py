"""Writing indicators as stored with a response (its `indicators` JSON column).

A background job computes them once (hiring.assessment.writing); the profile reads them
here and never computes them, so no page waits for a dictionary. A record names the
version of the indicators and the answer it measured, so that changed code or a changed
answer makes it stale rather than wrong.
"""

from __future__ import annotations

import dataclasses
import hashlib
from enum import StrEnum
from typing import Any

from hiring.scoring.phrases import PhraseMatches
from hiring.scoring.writing import Flagged, Spelling, WritingIndicators

# 2: missing diacritics, clipped infinitives, another language, phrases in all persons.
VERSION = 2
MAX_ERROR_CHARS = 500


class IndicatorState(StrEnum):
    READY = "ready"
    COMPUTING = "computing"  # not stored yet: the job has not run, or is running
    FAILED = "failed"
    NONE = "none"  # an empty answer has nothing to measure


def record(indicators: WritingIndicators, answer: str) -> dict[str, Any]:
    """Return what to store for an answer's indicators."""
    return {"version": VERSION, "answer_sha256": digest(answer),
            "indicators": dataclasses.asdict(indicators)}


def failure(error: str, answer: str) -> dict[str, Any]:
    """Return what to store when the indicators of an answer could not be computed."""
    return {"version": VERSION, "answer_sha256": digest(answer),
            "error": error[:MAX_ERROR_CHARS]}


def digest(answer: str) -> str:
    return hashlib.sha256(answer.encode("utf-8")).hexdigest()


def is_current(stored: dict | None, answer: str) -> bool:
    """Tell whether a stored record is this version's indicators of this answer (a failure
    is not: the next run tries again)."""
    return (isinstance(stored, dict) and stored.get("version") == VERSION
            and stored.get("answer_sha256") == digest(answer) and "indicators" in stored)


def read(stored: dict | None, answer: str | None
         ) -> tuple[WritingIndicators | None, IndicatorState]:
    """Return an answer's stored indicators and their state.

    A record of an older version is still shown (it is what there is) until the job
    replaces it; one that measured another answer is not."""
    if not (answer or "").strip():
        return None, IndicatorState.NONE
    if not isinstance(stored, dict) or stored.get("answer_sha256") != digest(answer):
        return None, IndicatorState.COMPUTING
    if "error" in stored:
        return None, IndicatorState.FAILED
    try:
        return from_json(stored["indicators"]), IndicatorState.READY
    except (KeyError, TypeError, ValueError):  # a record this code cannot read
        return None, IndicatorState.COMPUTING


def from_json(data: dict[str, Any]) -> WritingIndicators:
    """Rebuild indicators from their JSON form (dataclasses.asdict of them)."""
    spelling = data.get("spelling")
    return WritingIndicators(
        word_count=data["word_count"], sentence_count=data["sentence_count"],
        words_per_sentence=data["words_per_sentence"], long_words=data["long_words"],
        lix=data["lix"], spelling_note=data.get("spelling_note"),
        spelling=Spelling(spelling["dictionary"], spelling["misspelled_count"],
                          tuple(spelling["misspelled_words"]), spelling["error_rate"])
        if spelling else None,
        phrases={category: PhraseMatches(found["count"], tuple(found["phrases"]))
                 for category, found in (data.get("phrases") or {}).items()},
        uses_customer_name=data["uses_customer_name"],
        missing_diacritics=_flagged(data.get("missing_diacritics")),
        colloquial=_flagged(data.get("colloquial")),
        language=data.get("language"), written_in=data.get("written_in"))


def _flagged(data: dict | None) -> Flagged | None:
    if data is None:
        return None
    return Flagged(data["count"], tuple((typed, meant) for typed, meant in data["words"]))
