"""Check that scoring recovers known levels: simulated candidates take an assessment.

Candidates with known true levels (hiring.scoring.model) take a bank's assessment, item
by item as the attempt engine draws them; their reported dimension scores are then
compared with the levels they were simulated from.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from hiring.assessment.types import get_type
from hiring.banks.loader import BankFile
from hiring.scoring.model import TrueProfile, score_dimensions, simulate_attempt
from hiring.scoring.rules import DEFAULT_RULES, Rules, classify

TOP = 2  # a flagged strength is right when the dimension is among the true top two


@dataclass(frozen=True)
class DimensionCheck:
    """How well one dimension's reported score follows the true level."""

    dimension: str
    items: float  # mean number of items per attempt
    correlation: float  # Pearson r, true theta against the reported 0-100 score
    band_width: float  # mean width of the 95% band, in score points
    strength_precision: float | None  # flagged strengths that are in the true top two
    strength_recall: float | None  # true top dimensions that are flagged strengths
    development_precision: float | None
    development_recall: float | None


@dataclass(frozen=True)
class CheckReport:
    """The result of scoring_check, per dimension and over all of them."""

    recipe_id: str
    candidates: int
    seed: int
    items_per_dimension: int | None
    dimensions: list[DimensionCheck]
    overall: DimensionCheck  # flag agreement pooled over dimensions; no r or band
    chance_precision: float  # what precision random flags would reach

    def correlations(self) -> dict[str, float]:
        return {check.dimension: check.correlation for check in self.dimensions}

    def lines(self) -> list[str]:
        """Return the report as a readable table."""
        length = (f", {self.items_per_dimension} items per dimension"
                  if self.items_per_dimension else "")
        out = [f"Scoring check: assessment {self.recipe_id!r}{length}, "
               f"{self.candidates} simulated candidates, seed {self.seed}",
               f"{'dimension':<27}{'items':>6}{'r':>7}{'band':>7}"
               f"{'strength prec/rec':>20}{'development prec/rec':>23}"]
        for check in [*self.dimensions, self.overall]:
            r = "" if check is self.overall else f"{check.correlation:.2f}"
            band = "" if check is self.overall else f"{check.band_width:.1f}"
            items = "" if check is self.overall else f"{check.items:.1f}"
            out.append(
                f"{check.dimension:<27}{items:>6}{r:>7}{band:>7}"
                f"{_pair(check.strength_precision, check.strength_recall):>20}"
                f"{_pair(check.development_precision, check.development_recall):>23}")
        out += ["r: Pearson correlation of the true level with the reported score; band: "
                "mean width of the 95% band (0-100).",
                f"Precision: flagged strengths among the candidate's true top {TOP} "
                f"(development areas: bottom {TOP}); random flags reach "
                f"{self.chance_precision:.2f}.",
                "Recall: candidates whose true top (bottom) dimension is flagged."]
        return out


def _pair(precision: float | None, recall: float | None) -> str:
    def show(value: float | None) -> str:
        return "  - " if value is None else f"{value:.2f}"
    return f"{show(precision)} / {show(recall)}"


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _sections(bank: BankFile, recipe: dict, items_per_dimension: int | None
              ) -> list[tuple[list[dict], int]]:
    """Return (pool, count) per section: the recipe's, or k items per scored dimension."""
    items = sorted(bank.items, key=lambda item: item["id"])
    sections = [([item for item in items
                  if section.get("type") in (None, item["type"])
                  and section.get("dimension") in (None, item["dimension"])], section["count"])
                for section in recipe["sections"]]
    if items_per_dimension is None:
        return sections
    scored = sorted({item["dimension"] for pool, _ in sections for item in pool})
    override = []
    for dimension in scored:
        own = [item for item in items if item["dimension"] == dimension]
        # Behavioural dimensions are measured by situations; the others (numeracy) by
        # their automatically scored items: numeric, choice and typing.
        pool = ([item for item in own if item["type"] == "sjt"]
                or [item for item in own if not get_type(item["type"]).needs_rating])
        override.append((pool, items_per_dimension))
    return override


def _draw(sections: list[tuple[list[dict], int]], rng: random.Random) -> list[dict]:
    """Choose an attempt's items section by section, no item twice, as the engine does."""
    used: set[str] = set()
    chosen: list[dict] = []
    for pool, count in sections:
        available = [item for item in pool if item["id"] not in used]
        picked = rng.sample(available, min(count, len(available)))
        used.update(item["id"] for item in picked)
        chosen += picked
    return chosen


def scoring_check(bank: BankFile, *, recipe_id: str = "csr", candidates: int = 500,
                  seed: int = 0, items_per_dimension: int | None = None,
                  rules: Rules = DEFAULT_RULES) -> CheckReport:
    """Simulate candidates with known levels taking an assessment; compare their scores."""
    recipes = {recipe["id"]: recipe for recipe in bank.header.get("assessments", [])}
    if recipe_id not in recipes:
        raise KeyError(f"the bank has no assessment {recipe_id!r} "
                       f"(it has: {', '.join(recipes) or 'none'})")
    if candidates < 3:
        raise ValueError("simulate at least 3 candidates")
    recipe = recipes[recipe_id]
    sections = _sections(bank, recipe, items_per_dimension)
    dimensions = sorted({item["dimension"] for pool, _ in sections for item in pool})
    settings = {"typing_target_wpm": recipe.get("typing_target_wpm"),
                "language": bank.header["languages"][0]}
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not a secret
    thetas: dict[str, list[float]] = {d: [] for d in dimensions}
    reported: dict[str, list[float]] = {d: [] for d in dimensions}
    bands: dict[str, list[float]] = {d: [] for d in dimensions}
    items_seen: Counter[str] = Counter()
    flags: Counter[tuple[str, str]] = Counter()
    for _ in range(candidates):
        profile = TrueProfile.draw(dimensions, rng)
        items = _draw(sections, rng)
        scores = score_dimensions(items, simulate_attempt(items, profile, rng, settings))
        for dimension in dimensions:
            thetas[dimension].append(profile.levels[dimension])
            reported[dimension].append(scores[dimension].score)
            bands[dimension].append(scores[dimension].high - scores[dimension].low)
            items_seen[dimension] += scores[dimension].n_items
        _count_flags(flags, profile, *classify(scores, rules))
    checks = [DimensionCheck(
        dimension=d, items=items_seen[d] / candidates,
        correlation=statistics.correlation(thetas[d], reported[d]),
        band_width=statistics.fmean(bands[d]),
        **_agreement(flags, [d], candidates)) for d in dimensions]
    overall = DimensionCheck("all dimensions", 0.0, 0.0, 0.0,
                             **_agreement(flags, dimensions, candidates))
    return CheckReport(recipe_id, candidates, seed, items_per_dimension, checks, overall,
                       chance_precision=TOP / len(dimensions))


def _count_flags(flags: Counter, profile: TrueProfile, strengths: list[str],
                 development: list[str]) -> None:
    ranked = profile.ranked()
    for dimension in strengths:
        flags["strength", dimension] += 1
        flags["strength hit", dimension] += dimension in ranked[:TOP]
    for dimension in development:
        flags["development", dimension] += 1
        flags["development hit", dimension] += dimension in ranked[-TOP:]
    flags["top", ranked[0]] += 1
    flags["top found", ranked[0]] += ranked[0] in strengths
    flags["bottom", ranked[-1]] += 1
    flags["bottom found", ranked[-1]] += ranked[-1] in development


def _agreement(flags: Counter, dimensions: list[str], candidates: int
               ) -> dict[str, float | None]:
    def total(kind: str) -> int:
        return sum(flags[kind, dimension] for dimension in dimensions)
    return {"strength_precision": _ratio(total("strength hit"), total("strength")),
            "strength_recall": _ratio(total("top found"), total("top")),
            "development_precision": _ratio(total("development hit"), total("development")),
            "development_recall": _ratio(total("bottom found"), total("bottom"))}


@dataclass(frozen=True)
class LengthCurve:
    """Correlation per dimension for k items per dimension."""

    candidates: int
    seed: int
    correlations: dict[int, dict[str, float]]  # k -> dimension -> r

    def items_for(self, target: float = 0.8) -> dict[str, int | None]:
        """Return the fewest items per dimension that reach the target r (None: none did)."""
        dimensions = next(iter(self.correlations.values()), {})
        return {d: next((k for k, rs in sorted(self.correlations.items()) if rs[d] >= target),
                        None) for d in dimensions}

    def lines(self, target: float = 0.8) -> list[str]:
        """Return k against r as a table, and the k each dimension needs for the target."""
        dimensions = list(next(iter(self.correlations.values()), {}))
        out = [f"Correlation with k items per dimension ({self.candidates} simulated "
               f"candidates, seed {self.seed})",
               f"{'dimension':<27}" + "".join(f"{'k=' + str(k):>7}" for k in self.correlations)
               + f"{'r>=' + format(target, 'g'):>8}"]
        needed = self.items_for(target)
        for d in dimensions:
            out.append(f"{d:<27}" + "".join(f"{rs[d]:>7.2f}" for rs in self.correlations.values())
                       + f"{needed[d] if needed[d] is not None else '-':>8}")
        return out


def correlation_by_length(bank: BankFile, *, recipe_id: str = "csr", candidates: int = 500,
                          seed: int = 0, lengths: Iterable[int] = range(2, 11)) -> LengthCurve:
    """Run scoring_check with k items per dimension for each k in lengths."""
    return LengthCurve(candidates, seed, {
        k: scoring_check(bank, recipe_id=recipe_id, candidates=candidates, seed=seed,
                         items_per_dimension=k).correlations() for k in lengths})
