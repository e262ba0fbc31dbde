"""Check that reported scores recover simulated candidates' true levels, and that the
check fails when the situational keys are wrong.

Candidates with known levels (hiring.scoring.simulation) take a bank's assessment, item by
item as the attempt engine draws them. Their answers are scored by the real item types
and scales (hiring.scoring.scales), and each score's band comes from a precision model
estimated from the simulated attempts themselves (hiring.scoring.evidence.precision_from,
the estimate the product makes once an assessment has enough completed attempts).

Per scale, and per behavioural subscore of the judgement composite, the check compares:

- the reported score with the true level (Pearson r); the composite's true level is the
  mean of the behavioural levels;
- the band with the true score, the expected score at the true level over the items the
  assessment draws from (hiring.scoring.simulation.expectation, the item type's
  expected_score): coverage is the share of candidates whose true score is inside their
  band;
- the strengths and development areas of the symmetric rules on the band
  (hiring.scoring.rules) with the truth: a strength is right when the true level is in
  the top 25% of the simulated candidates on that scale, a development area when it is
  in the bottom 25%, so flags at random are right a quarter of the time. Subscores are
  flagged as if each were reported; the product flags one only when Haberman's
  criterion holds, and the check says whether it does.

Key perturbation. The same answers are scored a second time with the situational keys
permuted within each item: the candidates answered by the real keys, the scorer is given
wrong ones. A check that reports the same for both cannot fail for the reasons that
matter. The perturbation is detected when the judgement reliability and the mean
corrected item-rest correlation of the situational items both fall to at most half of
what the real keys give.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
from dataclasses import dataclass

from hiring.banks.loader import BankFile
from hiring.items.types import get_type
from hiring.scoring.evidence import group_evidence, precision_from
from hiring.scoring.item_stats import pearson
from hiring.scoring.precision import MIN_ATTEMPTS, ScaleModel, SubscoreValue
from hiring.scoring.rules import Banded, Rules
from hiring.scoring.scales import COMPOSITE, SCALES, AttemptScores, ItemResult, attempt_scores
from hiring.scoring.simulation import CORRELATION, expectation
from hiring.scoring.sitting import Candidate, Sections, permuted_keys, recipe_sections, simulate

QUARTER = 0.25  # strengths: the true top quarter; development areas: the bottom quarter
DETECTED_BELOW = 0.5  # a perturbation must halve reliability and item-rest correlation
MIN_ITEM_ATTEMPTS = 10  # attempts an item needs before its item-rest correlation counts


@dataclass(frozen=True)
class Flags:
    precision: float | None  # flags that are right
    recall: float | None  # true top (bottom) quarter that is flagged


@dataclass(frozen=True)
class ScaleCheck:
    """How well one scale's or subscore's reported score follows the truth."""

    name: str
    subscore: bool
    items: float  # mean number of scored items per attempt
    correlation: float | None  # true level against reported score
    band_width: float  # mean width of the 95% band, 0-100 points
    coverage: float  # share of true scores inside the band
    model: ScaleModel  # the precision estimated from the simulated attempts
    item_rest: float | None  # mean corrected item-rest correlation of its items
    strength: Flags
    development: Flags
    value: SubscoreValue | None = None  # Haberman, for subscores


@dataclass(frozen=True)
class CheckRun:
    """The figures of one scoring of the simulated answers."""

    keys: str  # "real" or "permuted"
    scales: list[ScaleCheck]
    subscores: list[ScaleCheck]

    def scale(self, name: str) -> ScaleCheck | None:
        return next((check for check in self.scales if check.name == name), None)

    def row(self, check: ScaleCheck) -> ScaleCheck | None:
        """Return this run's figures for the same scale or subscore as `check`."""
        group = self.subscores if check.subscore else self.scales
        return next((other for other in group if other.name == check.name), None)


@dataclass(frozen=True)
class CheckReport:
    """A scoring check: the real keys' run and, unless skipped, the permuted keys' run."""

    bank: str  # which bank revision: slug, version and a digest of its items
    recipe_id: str
    candidates: int
    seed: int
    correlation: float
    items_per_dimension: int | None
    rules: Rules  # the assessment's thresholds
    real: CheckRun
    permuted: CheckRun | None

    def perturbation(self) -> tuple[float | None, float | None, float, float] | None:
        """Return judgement's (item-rest real, permuted, reliability real, permuted)."""
        real = self.real.scale(COMPOSITE)
        permuted = self.permuted.scale(COMPOSITE) if self.permuted else None
        if real is None or permuted is None:
            return None
        return (real.item_rest, permuted.item_rest, real.model.reliability(),
                permuted.model.reliability())

    @property
    def detected(self) -> bool | None:
        """Whether the permuted keys were told apart; None when they were not tried."""
        figures = self.perturbation()
        if figures is None:
            return None
        rest_real, rest_permuted, reliability_real, reliability_permuted = figures
        estimated = all(run.scale(COMPOSITE).model.source == "data"
                        for run in (self.real, self.permuted))
        return (estimated and rest_real is not None and rest_permuted is not None
                and rest_real > 0 and rest_permuted <= DETECTED_BELOW * rest_real
                and reliability_real > 0
                and reliability_permuted <= DETECTED_BELOW * reliability_real)


def bank_label(bank: BankFile) -> str:
    """Name the bank revision a report came from; the digest covers only the items, so
    a change of the bank's settings (its cue-audit limits, say) leaves it alone."""
    digest = hashlib.sha256(json.dumps(bank.items, sort_keys=True, ensure_ascii=False)
                            .encode()).hexdigest()[:12]
    return f"{bank.slug} version {bank.header.get('version')}, items {digest}"


def scoring_check(bank: BankFile, *, recipe_id: str = "csr", candidates: int = 500,
                  seed: int = 0, correlation: float = CORRELATION,
                  items_per_dimension: int | None = None, permute: bool = True
                  ) -> CheckReport:
    """Simulate candidates taking an assessment; compare their scores with the truth,
    with the real keys and (permute) with the situational keys permuted. Flags follow the
    assessment's own thresholds."""
    recipes = {recipe["id"]: recipe for recipe in bank.header.get("assessments", [])}
    if recipe_id not in recipes:
        raise KeyError(f"the bank has no assessment {recipe_id!r} "
                       f"(it has: {', '.join(recipes) or 'none'})")
    if candidates < MIN_ATTEMPTS:
        raise ValueError(f"simulate at least {MIN_ATTEMPTS} candidates: precision is "
                         "estimated from their attempts")
    recipe = recipes[recipe_id]
    rules = Rules.for_assessment(recipe.get("thresholds"))
    sections = recipe_sections(bank, recipe, items_per_dimension)
    dimensions = sorted({item["dimension"] for pool, _ in sections for item in pool
                         if get_type(item["type"]).scale == COMPOSITE})
    settings = {"typing_target_wpm": recipe.get("typing_target_wpm"),
                "language": bank.header["languages"][0]}
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not a secret
    people = [simulate(sections, dimensions, settings, rng, correlation)
              for _ in range(candidates)]
    real = {item["id"]: item for item in bank.items}
    runs = [_run("real", people, sections, real, settings, seed, rules)]
    if permute:
        wrong = permuted_keys(bank.items, random.Random(seed + 1))  # noqa: S311
        runs.append(_run("permuted", people, sections, wrong, settings, seed, rules))
    return CheckReport(bank_label(bank), recipe_id, candidates, seed, correlation,
                       items_per_dimension, rules, runs[0], runs[1] if permute else None)


def _run(keys: str, people: list[Candidate], sections: Sections,
         contents: dict[str, dict], settings: dict, seed: int, rules: Rules) -> CheckRun:
    """Score every candidate's answers with `contents` and compare with the truth."""
    rows: list[tuple[int, str, float | None]] = []
    results: list[AttemptScores] = []
    for index, person in enumerate(people):
        items = []
        for answer in person.answers:
            scored = contents[answer.content["id"]]
            item_type = get_type(scored["type"])
            answered = item_type.is_answered(answer.answer)
            score = (item_type.score(scored, answer.params, answer.answer, answer.ratings)
                     if answered else None)
            rows.append((index, scored["id"], score))
            items.append(ItemResult(item_type.scale, scored["dimension"],
                                    scored.get("weight", 1.0), answered, score))
        results.append(attempt_scores(items))
    precision = precision_from(group_evidence(rows, contents), seed=seed)
    pools = _pools(sections, settings)
    rests = _item_rest(rows, contents)
    scales = [_compare(name, False, [p.profile.judgement if name == COMPOSITE
                                     else p.profile.skills[name] for p in people],
                       [r.scales.get(name) for r in results],
                       _true_scores(people, pools[False, name], contents),
                       precision.scale(name), rests.get((False, name)), None, rules)
              for name in sorted({name for s, name in pools if not s}, key=SCALES.index)]
    subscores = [_compare(name, True, [p.profile.behavioural[name] for p in people],
                          [r.subscores.get(name) for r in results],
                          _true_scores(people, pools[True, name], contents),
                          precision.subscore(name), rests.get((True, name)),
                          precision.values.get(name), rules)
                 for name in sorted(name for s, name in pools if s)]
    return CheckRun(keys, scales, subscores)


Pool = list[tuple[float, str, str, dict, dict | None]]  # share, scale, dimension, item, params


def _pools(sections: Sections, settings: dict
           ) -> dict[tuple[bool, str], Pool]:
    """Return, per scale (False, name) and subscore (True, dimension), the items an attempt
    may draw, each with its expected share: a section of c items from a pool of n gives
    each item c / n, times its weight. Parameters are drawn once per item; the model's
    expected scores do not depend on them."""
    rng = random.Random(0)  # noqa: S311 - parameters of no consequence
    pools: dict[tuple[bool, str], Pool] = {}
    for pool, count in sections:
        for content in pool:
            item_type = get_type(content["type"])
            entry = (count / len(pool) * content.get("weight", 1.0), item_type.scale,
                     content["dimension"], content, item_type.draw_params(content, rng, settings))
            pools.setdefault((False, item_type.scale), []).append(entry)
            if item_type.scale == COMPOSITE:
                pools.setdefault((True, content["dimension"]), []).append(entry)
    return pools


def _true_scores(people: list[Candidate], pool: Pool, contents: dict[str, dict]
                 ) -> list[float]:
    """Return each candidate's true score on a pool's items, 0-100: the expected score
    over the items, at the candidate's levels, scored with `contents`."""
    total = sum(entry[0] for entry in pool)
    expected = [(share, scale, dimension, expectation(content, params, contents[content["id"]]))
                for share, scale, dimension, content, params in pool]
    return [100 * sum(share * function(person.profile.level(scale, dimension))
                      for share, scale, dimension, function in expected) / total
            for person in people]


def _item_rest(rows: list[tuple[int, str, float | None]], contents: dict[str, dict]
               ) -> dict[tuple[bool, str], float]:
    """Return the mean corrected item-rest correlation per scale and subscore: each item
    against the sum of the other items of its scale (subscore) in the same attempt."""
    attempts: dict[tuple[int, bool, str], list[tuple[str, float]]] = {}
    for index, item_id, score in rows:
        if score is None:
            continue
        content = contents[item_id]
        scale = get_type(content["type"]).scale
        attempts.setdefault((index, False, scale), []).append((item_id, score))
        if scale == COMPOSITE:
            attempts.setdefault((index, True, content["dimension"]), []).append((item_id, score))
    pairs: dict[tuple[bool, str], dict[str, tuple[list[float], list[float]]]] = {}
    for (_, subscore, name), scores in attempts.items():
        if len(scores) < 2:
            continue
        total = sum(score for _, score in scores)
        for item_id, score in scores:
            xs, rest = pairs.setdefault((subscore, name), {}).setdefault(item_id, ([], []))
            xs.append(score)
            rest.append(total - score)
    out = {}
    for group, items in pairs.items():
        values = [r for xs, rest in items.values() if len(xs) >= MIN_ITEM_ATTEMPTS
                  and (r := pearson(xs, rest)) is not None]
        if values:
            out[group] = statistics.fmean(values)
    return out


def _compare(name: str, subscore: bool, levels: list[float], scores: list, truths: list[float],
             model: ScaleModel, item_rest: float | None, value: SubscoreValue | None,
             rules: Rules) -> ScaleCheck:
    """Compare one scale's reported scores and bands with the candidates' truth."""
    low_quarter, _, high_quarter = statistics.quantiles(levels, n=4)
    shown = [(level, score, truth) for level, score, truth in zip(levels, scores, truths,
                                                                   strict=True)
             if score is not None and score.score is not None]
    bands = [model.band(score.score, score.n_items) for _, score, _ in shown]
    decisions = [rules.decide(Banded(score.score, low, high, score.n_items))
                 for (_, score, _), (low, high) in zip(shown, bands, strict=True)]
    tops = [level >= high_quarter for level, _, _ in shown]
    bottoms = [level <= low_quarter for level, _, _ in shown]
    return ScaleCheck(
        name=name, subscore=subscore,
        items=statistics.fmean(score.n_items for _, score, _ in shown),
        correlation=pearson([level for level, _, _ in shown],
                            [score.score for _, score, _ in shown]),
        band_width=statistics.fmean(high - low for low, high in bands),
        coverage=statistics.fmean(low <= truth <= high for (_, _, truth), (low, high)
                                  in zip(shown, bands, strict=True)),
        model=model, item_rest=item_rest,
        strength=_agreement([d == "strength" for d in decisions], tops),
        development=_agreement([d == "development" for d in decisions], bottoms),
        value=value)


def _agreement(flagged: list[bool], true: list[bool]) -> Flags:
    hits = sum(f and t for f, t in zip(flagged, true, strict=True))
    return Flags(hits / sum(flagged) if any(flagged) else None,
                 hits / sum(true) if any(true) else None)
