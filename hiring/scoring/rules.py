"""Strengths and development areas, from explicit thresholds printed in every profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hiring.scoring.dimensions import DimensionScore


@dataclass(frozen=True)
class Rules:
    """A dimension is a strength when its score and the low end of its band reach the
    strength thresholds; a development area when its score is below the development
    threshold. A dimension with fewer scored items than `min_items` is neither: the
    evidence is insufficient. At most `max_each` of each, strongest and weakest first.
    An assessment may set any of these in its settings."""

    strength_score: float = 70.0
    strength_low: float = 55.0
    development_score: float = 50.0
    min_items: int = 2
    max_each: int = 3

    @classmethod
    def for_assessment(cls, settings: dict | None) -> Rules:
        """Return the defaults overridden by an assessment's settings."""
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (settings or {}).items() if k in names})

    def describe(self, gettext: Callable[[str], str] = lambda text: text) -> list[str]:
        """Word the rules for the profile's "how to read" box, in the given language."""
        values = {"strength": f"{self.strength_score:g}", "low": f"{self.strength_low:g}",
                  "development": f"{self.development_score:g}", "items": self.min_items,
                  "most": self.max_each}
        return [text % values for text in (
            gettext("Strength: score at least %(strength)s and the lower end of its 95%% "
                    "band at least %(low)s."),
            gettext("Development area: score below %(development)s."),
            gettext("Insufficient evidence: fewer than %(items)s scored items; no claim is "
                    "made."),
            gettext("At most %(most)s of each are listed."),
        )]


DEFAULT_RULES = Rules()


def classify(scores: dict[str, DimensionScore], rules: Rules = DEFAULT_RULES
             ) -> tuple[list[str], list[str]]:
    """Return the dimension keys that are strengths and development areas."""
    scored = [(key, s) for key, s in scores.items()
              if s.score is not None and s.n_items >= rules.min_items]
    strengths = sorted(
        (item for item in scored
         if item[1].score >= rules.strength_score and item[1].low >= rules.strength_low),
        key=lambda item: -item[1].score)
    development = sorted(
        (item for item in scored if item[1].score < rules.development_score),
        key=lambda item: item[1].score)
    return ([key for key, _ in strengths[: rules.max_each]],
            [key for key, _ in development[: rules.max_each]])
