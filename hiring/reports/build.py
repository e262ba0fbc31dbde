"""Build the profile of an attempt from the database."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from hiring.assessment import planning
from hiring.assessment.ratings import (
    candidate_code,
    identity_hidden,
    scores_seen_by,
    withheld,
)
from hiring.catalogues import translations
from hiring.items.messages import in_language
from hiring.items.types import get_type
from hiring.items.types.base import translate
from hiring.items.types.written import word_count
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
from hiring.reports import findings
from hiring.reports.profile import (
    Evidence,
    Profile,
    RatingSummary,
    ScoreResult,
    TypingSummary,
    WrittenResult,
)
from hiring.reports.scores import ScoreBuilder
from hiring.scoring import writing_store
from hiring.scoring.agreement import load_rating_rows, rater_agreement
from hiring.scoring.attempts import ratings_by_response, rescore_outdated
from hiring.scoring.evidence import precision_for
from hiring.scoring.integrity import integrity_facts
from hiring.scoring.norms import DEFAULT_MIN_GROUP, kept_norm_groups, norms_for
from hiring.scoring.rules import Rules
from hiring.scoring.scales import COMPOSITE, INCOMPLETE_SHARE, AttemptScores


def _written(response: Response, revision: ItemRevision, ratings: list, raters: dict,
             language: str, withheld_from_viewer: bool) -> WrittenResult:
    hidden = 0
    if withheld_from_viewer:
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
    answered = item_type.is_answered(response.answer)
    # Computed by a background job when the attempt closed: a page never loads a dictionary.
    indicators, indicators_state = writing_store.read(response.indicators, answer)
    return WrittenResult(
        prompt=item_type.question(item_type.view(revision.content, response.params, language)),
        answer=answer, word_count=word_count(answer), criteria=criteria, ratings=summaries,
        criterion_means=means, criterion_spread=spread,
        indicators=indicators if answered else None, indicators_state=indicators_state,
        pasted_chars=response.pasted_chars, hidden_ratings=hidden, answered=answered)


def _with_agreement(written: list[WrittenResult], assessment_id: int, *, session: Session,
                    blind_for: int | None = None) -> list[WrittenResult]:
    """Add each criterion's rater agreement over the assessment, where it is known.

    A blind viewer's agreement rests only on the answers they rated themselves, and an
    answer whose ratings are withheld from them shows none."""
    if not written:
        return written
    rows = load_rating_rows(assessment_id, session=session)
    if blind_for is not None:
        rated = {row.response_id for row in rows if row.rater_id == blind_for}
        rows = [row for row in rows if row.response_id in rated]
    pooled = rater_agreement(rows).pooled
    return [w if w.hidden_ratings else
            replace(w, criterion_icc={cid: pooled[cid] for cid, _ in w.criteria
                                      if cid in pooled and pooled[cid].single is not None})
            for w in written]


def min_answered(n_items: int) -> int:
    """The answered items an attempt of n items needs not to be incomplete."""
    return n_items - int(INCOMPLETE_SHARE * n_items)


def _scores(attempt: Attempt, assessment: Assessment, bank: Bank, language: str,
            norm_min_group: int, *, session: Session, blind_for: int | None
            ) -> tuple[AttemptScores, ScoreBuilder]:
    """Score the attempt (again, if it predates scales) as the viewer may see it, and read
    precision and norms."""
    scores = (scores_seen_by(attempt, blind_for, session=session)
              or AttemptScores({}, {}, 0, 0))
    rescore_outdated(session=session, assessment_id=assessment.id)  # its norm group too
    norms = norms_for(scores, attempt.language,
                      kept_norm_groups(assessment.id, session=session), norm_min_group)
    builder = ScoreBuilder(scores, precision=precision_for(assessment, session=session),
                           norms=norms, rules=Rules.for_assessment(assessment.settings),
                           dimensions=bank.dimensions, language=language)
    return scores, builder


@dataclass(frozen=True)
class Summary:
    """An attempt's scores without the rest of its profile (lists, comparisons)."""

    attempt: Attempt
    scores: AttemptScores
    scales: list[ScoreResult]  # the composite first
    subscores: list[ScoreResult]


def summarize(attempt: Attempt, *, session: Session, blind_for: int | None,
              language: str = "en", norm_min_group: int = DEFAULT_MIN_GROUP) -> Summary:
    """Return an attempt's scores as the profile words them, without its evidence, as
    the viewer may see them (blind_for: hiring.assessment.ratings.blind_for)."""
    assessment = session.get(Assessment, attempt.assessment_id)
    bank = session.get(Bank, assessment.bank_id)
    scores, builder = _scores(attempt, assessment, bank, language, norm_min_group,
                              session=session, blind_for=blind_for)
    return Summary(attempt, scores, builder.scales(), builder.subscores())


def _with_evidence(results: list[ScoreResult], evidence: dict[tuple[str, str], list]
                   ) -> list[ScoreResult]:
    return [replace(r, evidence=evidence.get((r.kind, r.key), [])) for r in results]


def build_profile(attempt: Attempt, *, session: Session, blind_for: int | None,
                  language: str | None = None, norm_min_group: int = DEFAULT_MIN_GROUP,
                  panel: bool = False) -> Profile:
    """Collect everything the profile shows about an attempt, as the viewer may see it.

    blind_for comes from hiring.assessment.ratings.blind_for (None: every rating). Ratings
    of written responses that this rater has not rated yet are withheld, with their
    comments, their score and the raters' agreement on them, so that raters stay
    independent. There is no default: every caller says for whom it builds.

    Under blind review a rater who has not rated every answer sees a candidate code
    instead of the name and e-mail (ratings.identities_hidden). `panel` builds the profile
    for a panel, without personal data, for anyone (_for_panel)."""
    profile = _build_profile(attempt, session=session, blind_for=blind_for,
                             language=language, norm_min_group=norm_min_group)
    if panel:
        return _for_panel(profile, attempt)
    if identity_hidden(attempt, blind_for, session=session):
        code = candidate_code(attempt)
        return replace(profile, candidate_name=code, candidate_email="", candidate_code=code)
    return profile


def _for_panel(profile: Profile, attempt: Attempt) -> Profile:
    """The profile without the candidate's name, e-mail, attempt number, dates and
    accommodations; their name and e-mail are blanked in answers and comments too (a reply
    signed with the candidate's name). Other things a candidate writes about themselves
    cannot be found by a program: the panel reads answers, as they would anyway."""
    hide = _redactor(attempt)
    code = candidate_code(attempt)

    def score(result):
        return replace(result, evidence=[replace(e, answer=hide(e.answer))
                                         for e in result.evidence])

    written = [replace(w, answer=hide(w.answer), ratings=[
        replace(r, comment=hide(r.comment)) for r in w.ratings]) for w in profile.written]
    return replace(
        profile, candidate_name=code, candidate_email="", candidate_code=code, panel=True,
        submitted_at=None, time_multiplier=1.0, extra_minutes=0,
        judgement=score(profile.judgement) if profile.judgement else None,
        scales=[score(s) for s in profile.scales],
        subscores=[score(s) for s in profile.subscores], written=written)


def _redactor(attempt: Attempt):
    """Return a function that blanks the candidate's e-mail and each part of their name
    (of two letters or more) in a text, whole words only, ignoring case."""
    words = sorted({attempt.candidate_email, attempt.candidate_email.split("@")[0],
                    *(part for part in re.split(r"[\s,.'’-]+", attempt.candidate_name)
                      if len(part) >= 2)} - {""}, key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)",
                         re.IGNORECASE)
    return lambda text: pattern.sub("[…]", text) if text else text


def _build_profile(attempt: Attempt, *, session: Session, blind_for: int | None,
                   language: str | None, norm_min_group: int) -> Profile:
    assessment = session.get(Assessment, attempt.assessment_id)
    bank = session.get(Bank, assessment.bank_id)
    language = language or attempt.language
    rules = Rules.for_assessment(assessment.settings)
    scores, builder = _scores(attempt, assessment, bank, language, norm_min_group,
                              session=session, blind_for=blind_for)

    rows = list(session.exec(
        select(Response, ItemRevision)
        .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
        .where(Response.attempt_id == attempt.id).order_by(Response.position)))
    ratings = ratings_by_response([r.id for r, _ in rows], session=session)
    hidden = withheld(ratings, blind_for)
    raters = {u.id: u.name for u in session.exec(select(User))}
    evidence: dict[tuple[str, str], list[Evidence]] = {}
    written, typing, seen = [], [], []
    for response, revision in rows:
        content = revision.content
        item_type = get_type(content["type"])
        view = item_type.view(content, response.params, language)
        answered = item_type.is_answered(response.answer)
        seen.append((response, view, answered))
        # Situational items are shown under their behavioural dimension, the others
        # under their scale: each item once.
        owner = (("subscore", content["dimension"]) if item_type.scale == COMPOSITE
                 else ("scale", item_type.scale))
        evidence.setdefault(owner, []).append(Evidence(
            position=response.position, item_key=content["id"], item_type=content["type"],
            type_label=in_language(language, item_type.label),
            question=item_type.question(view),
            answer=item_type.describe_answer(content, response.params, response.answer,
                                             language),
            keyed=item_type.keyed_answer(content, response.params, language),
            score=None if response.id in hidden else response.score, answered=answered,
            key_source=item_type.key_source(content, language),
            line=item_type.evidence_line(content, response.params, response.answer, language)
            if answered else None))
        if item_type.needs_rating:
            written.append(_written(response, revision, ratings.get(response.id, []), raters,
                                    language, response.id in hidden))
        speed = item_type.speed(content, response.params, response.answer, language)
        if speed is not None and answered:
            typing.append(TypingSummary(speed.net_wpm, speed.gross_wpm, speed.accuracy,
                                        speed.errors, speed.target_wpm))

    written = _with_agreement(written, assessment.id, session=session, blind_for=blind_for)
    scales = _with_evidence(builder.scales(), evidence)
    subscores = _with_evidence(builder.subscores(), evidence)
    judgement = next((s for s in scales if s.key == COMPOSITE), None)
    others = [s for s in scales if s.key != COMPOSITE]
    claims = not (scores.incomplete or scores.no_answers)
    strong, weak = findings.flags([*scales, *(s for s in subscores if s.reportable)],
                                  rules) if claims else ([], [])
    if weak:
        guide = findings.guide(bank, findings.probed_dimensions(weak, subscores), language,
                               "development area")
    elif claims:
        guide = findings.guide(bank, findings.lowest_indications(subscores, rules), language,
                               "lowest score")
    else:
        guide = []  # the lowest of a few answered items would point at chance
    gettext, ngettext = translations(language).gettext, translations(language).ngettext
    return Profile(
        attempt_id=attempt.id, candidate_name=attempt.candidate_name,
        candidate_email=attempt.candidate_email,
        assessment_name=planning.title(assessment, language, session=session),
        bank_title=translate(bank.title, language),
        bank_version=bank.version, language=language, state=attempt.state,
        submitted_at=attempt.submitted_at, generated_at=utcnow(),
        time_multiplier=attempt.time_multiplier or 1.0, extra_minutes=attempt.extra_minutes or 0,
        judgement=judgement, scales=others, subscores=subscores,
        n_items=scores.n_items, n_unanswered=scores.n_unanswered,
        incomplete=scores.incomplete, no_answers=scores.no_answers,
        min_answered=min_answered(scores.n_items),
        strengths=[findings.sentence(s, True, rules, language) for s in strong],
        development_areas=[findings.sentence(s, False, rules, language) for s in weak],
        written=written, ratings_complete=attempt.state != AttemptState.SUBMITTED,
        assessment_id=assessment.id, norm_min_group=norm_min_group, interview_guide=guide,
        guide_note="" if guide else _guide_note(scores, gettext),
        typing=typing, integrity=integrity_facts(attempt, seen),
        rules=rules.describe(gettext, ngettext), simulated=attempt.simulated,
        thresholds=(rules.development_score, rules.strength_score),
    )


def _guide_note(scores: AttemptScores, gettext) -> str:
    """Say why there are no interview questions."""
    if scores.no_answers:
        return gettext("No interview questions are suggested: nothing was measured. Ask "
                       "the candidate what kept them from answering.")
    if scores.incomplete:
        return gettext("No interview questions are suggested: too few items were answered "
                       "to choose what to probe. Ask why the assessment was left unfinished.")
    return gettext("The question bank has no interview questions for these dimensions.")
