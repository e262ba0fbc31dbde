"""Strengths and development areas, from symmetric rules printed in every profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Banded:
    """A score with its 95% band, as the rules see it."""

    score: float | None
    low: float | None
    high: float | None
    n_items: int
    flaggable: bool = True  # False: an indication (a subscore the data do not carry)


@dataclass(frozen=True)
class Rules:
    """A score is a strength when the lower end of its band is at or above strength_score,
    a development area when the upper end of its band is below development_score: the
    same evidence is asked of both. A score over fewer than `min_items` answered items,
    or one shown only as an indication, is neither. At most `max_each` of each, strongest
    and weakest first. An assessment may set any of these in its settings."""

    strength_score: float = 70.0
    development_score: float = 50.0
    min_items: int = 2
    max_each: int = 3

    @classmethod
    def for_assessment(cls, settings: dict | None) -> Rules:
        """Return the defaults overridden by an assessment's settings.

        Settings this class does not know are ignored: older assessments hold a
        `strength_low`, which the band now decides instead."""
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (settings or {}).items() if k in names})

    def decide(self, value: Banded) -> str:
        """Return "strength", "development", or why it is neither: "insufficient",
        "indication" or "band" (the band reaches across a threshold)."""
        if value.score is None or value.n_items < self.min_items:
            return "insufficient"
        if not getattr(value, "flaggable", True):
            return "indication"
        if value.low is not None and value.low >= self.strength_score:
            return "strength"
        if value.high is not None and value.high < self.development_score:
            return "development"
        return "band"

    def describe(self, gettext: Callable[[str], str] = lambda text: text,
                 ngettext: Callable[[str, str, int], str] = lambda one, many, n:
                 one if n == 1 else many) -> list[str]:
        """Word the rules for the profile's "how to read" box, in the given language."""
        values = {"strength": f"{self.strength_score:g}",
                  "development": f"{self.development_score:g}", "num": self.min_items,
                  "most": self.max_each}
        return [text % values for text in (
            gettext("Strength: the lower end of the score's 95%% band is at or above "
                    "%(strength)s."),
            gettext("Development area: the upper end of the score's 95%% band is below "
                    "%(development)s."),
            ngettext("Neither: the band reaches across a threshold, so the data cannot "
                     "tell; or fewer than %(num)d answered item; or the score is an "
                     "indication only.",
                     "Neither: the band reaches across a threshold, so the data cannot "
                     "tell; or fewer than %(num)d answered items; or the score is an "
                     "indication only.", self.min_items),
            gettext("At most %(most)s of each are listed."),
        )]


DEFAULT_RULES = Rules()


def classify(scores: dict[str, Banded], rules: Rules = DEFAULT_RULES
             ) -> tuple[list[str], list[str]]:
    """Return the keys that are strengths (strongest first) and development areas
    (weakest first)."""
    decided = {key: rules.decide(value) for key, value in scores.items()}
    strengths = sorted((k for k, d in decided.items() if d == "strength"),
                       key=lambda k: -scores[k].score)
    development = sorted((k for k, d in decided.items() if d == "development"),
                         key=lambda k: scores[k].score)
    return strengths[: rules.max_each], development[: rules.max_each]
