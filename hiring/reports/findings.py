"""Strengths, development areas and the interview guide, from the scores the rules flag."""

from __future__ import annotations

from hiring.catalogues import translations
from hiring.items.types.base import translate
from hiring.models import Bank
from hiring.reports.formatting import format_rounded
from hiring.reports.profile import GuideEntry, Probe, ScoreResult
from hiring.reports.scores import banded
from hiring.scoring.rules import Rules, classify
from hiring.scoring.scales import COMPOSITE

PROBES_PER_AREA = 3
LOWEST = 2  # behavioural dimensions probed when nothing is a development area
# The dimension of the framework whose probes a development area on a scale calls for.
PROBED_FOR = {"numeracy": "numeracy", "reading": "numeracy", "typing": "numeracy",
              "writing": "communication"}


def flags(results: list[ScoreResult], rules: Rules) -> tuple[list[ScoreResult],
                                                             list[ScoreResult]]:
    """Return the strengths (strongest first) and development areas (weakest first)."""
    by_id = {(r.kind, r.key): r for r in results}
    strong, weak = classify({key: banded(r) for key, r in by_id.items()}, rules)
    return [by_id[k] for k in strong], [by_id[k] for k in weak]


def sentence(result: ScoreResult, strong: bool, rules: Rules, language: str) -> str:
    """Word one flag: the score, its band and the threshold the whole band is past."""
    gettext = translations(language).gettext
    values = {"name": result.name, "score": format_rounded(result.score),
              "band": f"{format_rounded(result.low)}–{format_rounded(result.high)}",
              "strength": f"{rules.strength_score:g}",
              "development": f"{rules.development_score:g}"}
    if strong:
        return gettext("%(name)s: %(score)s (95%% band %(band)s), the whole band at or above "
                       "%(strength)s.") % values
    return gettext("%(name)s: %(score)s (95%% band %(band)s), the whole band below "
                   "%(development)s: worth probing in the interview.") % values


def probed_dimensions(weak: list[ScoreResult], subscores: list[ScoreResult]) -> list[str]:
    """Map development areas to the dimensions whose interview questions probe them.

    The judgement composite is probed through its two lowest behavioural subscores; a
    reportable subscore through its own dimension; the other scales through the
    framework dimension that covers them (numeracy, or communication for writing)."""
    lowest = [s.key for s in sorted((s for s in subscores if s.score is not None),
                                    key=lambda s: s.score)[:LOWEST]]
    keys: list[str] = []
    for area in weak:
        if area.kind == "subscore":
            found = [area.key]
        elif area.key == COMPOSITE:
            found = lowest
        else:
            found = [PROBED_FOR.get(area.key, area.key)]
        keys += [key for key in found if key not in keys]
    return keys


def lowest_indications(subscores: list[ScoreResult], rules: Rules) -> list[str]:
    """The behavioural dimensions with the lowest scores over enough answered items."""
    usable = [s for s in subscores if s.score is not None and s.n_items >= rules.min_items]
    return [s.key for s in sorted(usable, key=lambda s: s.score)[:LOWEST]]


def guide(bank: Bank, keys: list[str], language: str, reason: str) -> list[GuideEntry]:
    """Return the bank's interview questions for each dimension to probe."""
    entries = []
    for key in keys:
        meta = bank.dimensions.get(key, {})
        probes = [Probe(question=translate(p["question"], language),
                        good_answer=translate(p["good_answer"], language),
                        guide={int(n): translate(text, language)
                               for n, text in p["rating_guide"].items()},
                        kind=p.get("kind", "behavioural"))
                  for p in meta.get("probes", [])[:PROBES_PER_AREA]]
        if probes:
            entries.append(GuideEntry(key, translate(meta["name"], language), probes, reason))
    return entries
