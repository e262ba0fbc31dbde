"""An attempt's scores as the profile shows them: band, counts, norm, reliability and
what the rules make of each (or why they make nothing of it)."""

from __future__ import annotations

from dataclasses import replace

from babel import Locale, UnknownLocaleError

from hiring.catalogues import translations
from hiring.items.messages import N_
from hiring.items.types.base import translate
from hiring.reports.formatting import format_rounded, format_two_decimals
from hiring.reports.profile import NormResult, Reliability, ScoreResult
from hiring.scoring.evidence import Precision
from hiring.scoring.norms import SCALE, SUBSCORE, Norm
from hiring.scoring.precision import MIN_ATTEMPTS, MIN_SUBSCORE_RELIABILITY, ScaleModel
from hiring.scoring.rules import Banded, Rules
from hiring.scoring.scales import AttemptScores, ScaleScore

# The scales' names and what they measure, in the order the profile shows them.
SCALE_TEXTS = {
    "judgement": (N_("Customer-service judgement"),
                  N_("How effective the candidate's choices were across all the situational "
                     "questions. The behavioural dimensions below are parts of this score.")),
    "numeracy": (N_("Numeracy"), N_("Practical math: bills, percentages, proration and "
                                    "refunds.")),
    "reading": (N_("Reading accuracy"), N_("Finding the right fact on an account screen or "
                                           "in a customer's message.")),
    "typing": (N_("Typing"), N_("Net words per minute in the typing exercise, against the "
                                "assessment's target.")),
    "writing": (N_("Writing"), N_("The written reply to a customer, rated by interviewers "
                                  "against the rubric.")),
}


def language_name(code: str, language: str) -> str:
    """Name a language in the profile's language: "Croatian" in English, "hrvatski"."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(
            language.replace("-", "_")) or code
    except (ValueError, UnknownLocaleError):
        return code


def banded(result: ScoreResult) -> Banded:
    """The score as the rules see it; an indication is never flagged."""
    return Banded(result.score, result.low, result.high, result.n_items,
                  flaggable=result.reportable)


class ScoreBuilder:
    """Turn an attempt's scale scores into the scores a profile shows, in one language."""

    def __init__(self, scores: AttemptScores, *, precision: Precision,
                 norms: dict[tuple[str, str], Norm], rules: Rules, dimensions: dict,
                 language: str) -> None:
        self.scores, self.precision, self.norms = scores, precision, norms
        self.rules, self.dimensions, self.language = rules, dimensions, language
        self.gettext = translations(language).gettext
        self.ngettext = translations(language).ngettext

    def scales(self) -> list[ScoreResult]:
        """The scales the attempt has, the composite first."""
        ordered = [*SCALE_TEXTS, *(k for k in self.scores.scales if k not in SCALE_TEXTS)]
        return [self._scale(key) for key in ordered if key in self.scores.scales]

    def subscores(self) -> list[ScoreResult]:
        """The behavioural subscores of the composite, in the bank's order of dimensions."""
        ordered = [*(k for k in self.dimensions if k in self.scores.subscores),
                   *(k for k in self.scores.subscores if k not in self.dimensions)]
        return [self._subscore(key) for key in ordered]

    def _scale(self, key: str) -> ScoreResult:
        name, definition = SCALE_TEXTS.get(key, (key, ""))
        return self._result(key, SCALE, self.gettext(name),
                            self.gettext(definition) if definition else "",
                            self.scores.scales[key], self.precision.scale(key), True)

    def _subscore(self, key: str) -> ScoreResult:
        meta = self.dimensions.get(key, {})
        return self._result(key, SUBSCORE, translate(meta.get("name"), self.language) or key,
                            translate(meta.get("definition"), self.language),
                            self.scores.subscores[key], self.precision.subscore(key),
                            bool(self.precision.reportable.get(key)))

    def _result(self, key: str, kind: str, name: str, definition: str, value: ScaleScore,
                model: ScaleModel, reportable: bool) -> ScoreResult:
        low = high = None
        if value.score is not None:
            low, high = model.band(value.score, value.n_items)
        norm = self.norms.get((kind, key)) if reportable else None
        result = ScoreResult(
            key=key, kind=kind, name=name, definition=definition, score=value.score,
            low=low, high=high, n_items=value.n_items, n_unanswered=value.n_unanswered,
            n_pending=value.n_pending, reportable=reportable,
            norm=NormResult(norm.percentile, norm.n, language_name(norm.language,
                                                                    self.language),
                            norm.first, norm.last) if norm else None,
            reliability=reliability(model, value.n_items, value.n_items + value.n_unanswered
                                    + value.n_pending) if value.n_items else None)
        decision, note = self._decide(result, model)
        return replace(result, decision=decision, note=note)

    def _decide(self, result: ScoreResult, model: ScaleModel) -> tuple[str, str]:
        """Return the rules' decision on a score and the sentence that explains it."""
        _ = self.gettext
        if result.score is None:
            if result.n_pending:
                return "pending", _("awaiting ratings: no score yet")
            return "none", _("no answered items: nothing was measured")
        if self.scores.incomplete:
            return "incomplete", _("the attempt is incomplete: no claim")
        if not result.reportable:
            return "indication", self._indication_note(result, model)
        decision = self.rules.decide(banded(result))
        values = {"low": format_rounded(result.low), "high": format_rounded(result.high),
                  "strength": f"{self.rules.strength_score:g}",
                  "development": f"{self.rules.development_score:g}",
                  "minimum": self.rules.min_items, "num": result.n_items}
        if decision == "strength":
            note = _("strength: the band %(low)s–%(high)s lies at or above %(strength)s")
        elif decision == "development":
            note = _("development area: the band %(low)s–%(high)s lies below %(development)s")
        elif decision == "insufficient":
            note = self.ngettext("%(num)d answered item, fewer than %(minimum)s: no claim",
                                 "%(num)d answered items, fewer than %(minimum)s: no claim",
                                 result.n_items)
        else:
            note = self._band_note(result)
        return decision, note % values

    def _band_note(self, result: ScoreResult) -> str:
        """Say why a band that is neither a strength nor a development area claims nothing."""
        _ = self.gettext
        strength, development = self.rules.strength_score, self.rules.development_score
        across_strength = result.low < strength <= result.high
        across_development = result.low < development <= result.high
        if across_strength and across_development:
            return _("band %(low)s–%(high)s reaches across %(development)s and %(strength)s: "
                     "no claim")
        if across_strength:
            return _("band %(low)s–%(high)s reaches across %(strength)s: no claim")
        if across_development:
            return _("band %(low)s–%(high)s reaches across %(development)s: no claim")
        return _("band %(low)s–%(high)s lies between %(development)s and %(strength)s: "
                 "neither a strength nor a development area")

    def _indication_note(self, result: ScoreResult, model: ScaleModel) -> str:
        """Say why a subscore is only an indication: too unreliable, or not distinct."""
        value = model.reliability(result.n_items)
        values = {"num": result.n_items,
                  "reliability": format_two_decimals(value, self.language)}
        if value < MIN_SUBSCORE_RELIABILITY:
            return self.ngettext(
                "indication only: %(num)d item, reliability %(reliability)s (not enough to "
                "report as a score on its own)",
                "indication only: %(num)d items, reliability %(reliability)s (not enough to "
                "report as a score on its own)", result.n_items) % values
        return self.ngettext(
            "indication only: %(num)d item, reliability %(reliability)s, but not shown to "
            "add to the judgement score on completed attempts (Haberman's criterion)",
            "indication only: %(num)d items, reliability %(reliability)s, but not shown to "
            "add to the judgement score on completed attempts (Haberman's criterion)",
            result.n_items) % values


def reliability(model: ScaleModel, n: int, n_total: int) -> Reliability:
    """The reliability and SEM of a score over n answered items, with their source.

    The bootstrap interval is estimated at the scale's usual number of items; Spearman-
    Brown is monotone, so its ends are carried over to n items exactly."""
    interval = None
    if model.interval is not None:
        interval = tuple(round(_stepped(end, model.items or 1, n), 4) for end in model.interval)
    return Reliability(
        source=model.source, reliability=round(model.reliability(n), 4),
        sem=round(model.sem(n), 1), n_items=n, interval=interval,
        n_attempts=model.n_attempts, min_attempts=MIN_ATTEMPTS,
        single_item=model.source == "prior" and max(model.items, n_total) <= 1)


def _stepped(value: float, items: int, n: int) -> float:
    """The reliability over n items of a scale whose reliability over `items` is value."""
    if items == n or value <= 0:
        return value
    if value >= 1:
        return 1.0
    icc = value / (items - (items - 1) * value)
    return n * icc / (1 + (n - 1) * icc)
