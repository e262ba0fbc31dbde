"""Build the profile of an attempt from the database."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, col, select

from hiring.assessment.types import get_type
from hiring.assessment.types.base import translate
from hiring.assessment.types.written import word_count
from hiring.banks.schema import DIMENSIONS
from hiring.models import (
    Assessment,
    Attempt,
    AttemptState,
    Bank,
    ItemRevision,
    Response,
    User,
    utcnow,
)
from hiring.reports.formatting import format_rounded
from hiring.reports.i18n import translations
from hiring.reports.profile import (
    DimensionResult,
    Evidence,
    GuideEntry,
    Probe,
    Profile,
    RatingSummary,
    TypingSummary,
    WrittenResult,
)
from hiring.scoring import writing_store
from hiring.scoring.agreement import load_rating_rows, rater_agreement
from hiring.scoring.attempts import ratings_by_response
from hiring.scoring.dimensions import DimensionScore
from hiring.scoring.integrity import integrity_facts
from hiring.scoring.norms import DEFAULT_MIN_GROUP, norm_groups, percentiles
from hiring.scoring.rules import Rules, classify

PROBES_PER_AREA = 3


def _sentence(name: str, score: DimensionScore, strong: bool, language: str) -> str:
    gettext = translations(language).gettext
    values = {"name": name, "score": format_rounded(score.score),
              "band": f"{format_rounded(score.low)}–{format_rounded(score.high)}"}
    if strong:
        return gettext("%(name)s: %(score)s (band %(band)s), consistently effective "
                       "answers.") % values
    return gettext("%(name)s: %(score)s (band %(band)s), worth probing in the "
                   "interview.") % values


def _guide(bank: Bank, keys: list[str], language: str, reason: str) -> list[GuideEntry]:
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


def _written(response: Response, revision: ItemRevision, ratings: list, raters: dict,
             language: str, blind_for: int | None) -> WrittenResult:
    hidden = 0
    if blind_for is not None and all(r.rater_id != blind_for for r in ratings):
        hidden, ratings = len(ratings), []  # raters see the others only once they rated
    item_type = get_type(revision.content["type"])
    criteria = item_type.criteria(revision.content, language)
    summaries = [RatingSummary(rater=raters.get(r.rater_id, "?"), scores=r.scores,
                               comment=r.comment) for r in ratings]
    means = {cid: sum(s.scores[cid] for s in summaries) / len(summaries)
             for cid, _ in criteria if summaries}
    spread = {cid: max(s.scores[cid] for s in summaries) - min(s.scores[cid] for s in summaries)
              for cid, _ in criteria if summaries}
    answer = response.answer or ""
    # Computed by a background job when the attempt closed: a page never loads a dictionary.
    indicators, indicators_state = writing_store.read(response.indicators, answer)
    return WrittenResult(
        prompt=item_type.view(revision.content, response.params, language)["prompt"],
        answer=answer, word_count=word_count(answer), criteria=criteria, ratings=summaries,
        criterion_means=means, criterion_spread=spread, indicators=indicators,
        indicators_state=indicators_state, pasted_chars=response.pasted_chars,
        hidden_ratings=hidden)


def _with_agreement(written: list[WrittenResult], assessment_id: int, *, session: Session
                     ) -> list[WrittenResult]:
    """Add each criterion's rater agreement over the assessment, where it is known."""
    if not written:
        return written
    pooled = rater_agreement(load_rating_rows(assessment_id, session=session)).pooled
    return [replace(w, criterion_icc={cid: pooled[cid] for cid, _ in w.criteria
                                      if cid in pooled and pooled[cid].single is not None})
            for w in written]


def build_profile(attempt: Attempt, *, session: Session, language: str | None = None,
                  norm_min_group: int = DEFAULT_MIN_GROUP, blind_for: int | None = None
                  ) -> Profile:
    """Collect everything the profile shows about an attempt.

    With blind_for, ratings of written responses that this rater has not rated yet are
    withheld, so that raters stay independent."""
    assessment = session.get(Assessment, attempt.assessment_id)
    bank = session.get(Bank, assessment.bank_id)
    language = language or attempt.language
    rules = Rules.for_assessment(assessment.settings)
    results = {key: DimensionScore(**value) for key, value in (attempt.results or {}).items()}
    norms = percentiles(attempt.results or {}, norm_groups(assessment.id, session=session),
                        norm_min_group)

    rows = list(session.exec(
        select(Response, ItemRevision)
        .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
        .where(Response.attempt_id == attempt.id).order_by(Response.position)))
    ratings = ratings_by_response([r.id for r, _ in rows], session=session)
    raters = {u.id: u.name for u in session.exec(select(User))}
    evidence: dict[str, list[Evidence]] = {}
    written, typing, seen = [], [], []
    for response, revision in rows:
        content = revision.content
        item_type = get_type(content["type"])
        view = item_type.view(content, response.params, language)
        seen.append((response, view, item_type.is_answered(response.answer)))
        evidence.setdefault(content["dimension"], []).append(Evidence(
            position=response.position, item_key=content["id"], item_type=content["type"],
            question=view.get("stem") or view.get("prompt") or view.get("passage") or "",
            answer=item_type.describe_answer(content, response.params, response.answer,
                                             language),
            keyed=item_type.keyed_answer(content, response.params, language),
            score=response.score, key_source=item_type.key_source(content, language)))
        if item_type.needs_rating:
            written.append(_written(response, revision, ratings.get(response.id, []), raters,
                                    language, blind_for))
        if content["type"] == "typing" and response.answer:
            result = item_type.result(content, response.answer,
                                      (response.params or {}).get("language", language))
            typing.append(TypingSummary(result.net_wpm, result.gross_wpm, result.accuracy,
                                        result.errors, response.params["target_wpm"]))
    written = _with_agreement(written, assessment.id, session=session)

    dimensions = []
    for key, meta in bank.dimensions.items():
        score = results.get(key)
        if score is None and key not in DIMENSIONS:
            continue  # an optional dimension this assessment does not use
        pct, norm_n = norms.get(key, (None, 0))
        dimensions.append(DimensionResult(
            key=key, name=translate(meta["name"], language),
            definition=translate(meta["definition"], language),
            score=score.score if score else None, low=score.low if score else None,
            high=score.high if score else None, n_items=score.n_items if score else 0,
            n_pending=score.n_pending if score else 0, percentile=pct, norm_n=norm_n,
            insufficient=score is None or score.n_items < rules.min_items,
            evidence=evidence.get(key, [])))

    names = {d.key: d.name for d in dimensions}
    strong, weak = classify(results, rules)
    scored = sorted((d for d in dimensions if d.score is not None and not d.insufficient),
                    key=lambda d: d.score)
    guide = (_guide(bank, weak, language, "development area") if weak else
             _guide(bank, [d.key for d in scored[:2]], language, "lowest score"))
    lows = [d.low for d in dimensions if d.low is not None]
    highs = [d.high for d in dimensions if d.high is not None]
    return Profile(
        attempt_id=attempt.id, candidate_name=attempt.candidate_name,
        candidate_email=attempt.candidate_email, assessment_name=assessment.name,
        bank_title=translate(bank.title, language), bank_version=bank.version,
        language=language, state=attempt.state, submitted_at=attempt.submitted_at,
        generated_at=utcnow(), overall=attempt.overall_score, dimensions=dimensions,
        strengths=[_sentence(names.get(k, k), results[k], True, language) for k in strong],
        development_areas=[_sentence(names.get(k, k), results[k], False, language)
                           for k in weak],
        written=written, ratings_complete=attempt.state != AttemptState.SUBMITTED,
        assessment_id=assessment.id,
        overall_low=round(sum(lows) / len(lows), 1) if lows else None,
        overall_high=round(sum(highs) / len(highs), 1) if highs else None,
        norm_min_group=norm_min_group, interview_guide=guide, typing=typing,
        integrity=integrity_facts(attempt, seen),
        rules=rules.describe(translations(language).gettext),
    )
