"""Exports: a CSV of an assessment's attempts, one row each, every score with its evidence.

Per scale: the score, its 95% band, the items it rests on, the unanswered and pending
items, and the percentile with the size of its norm group (same assessment and language,
real attempts). Per behavioural subscore the same, marked "score" or "indication": an
indication gets no band and no percentile, as in the profile.

The bands rest on the assessment's precision, an estimate over every completed attempt.
A large assessment's export never waits for it: it takes the kept estimate (the latest,
as the item-health page does), or, when none was made yet, leaves the bands empty and
marks every subscore "pending" (its score withheld: whether it may be reported rests on
that estimate too) while a background task makes it (kept_precision)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from hiring.assessment.ratings import (
    blind_review,
    candidate_code,
    identity_hidden,
    scores_seen_by,
)
from hiring.csv_cells import safe_cell
from hiring.models import Assessment, Attempt, Bank
from hiring.scoring.attempts import CLOSED, rescore_outdated
from hiring.scoring.evidence import Precision, precision_for
from hiring.scoring.norms import SCALE, SUBSCORE, NormGroup, NormKey, kept_norm_groups, norm_of
from hiring.scoring.precision import ScaleModel
from hiring.scoring.scales import SCALES, AttemptScores, ScaleScore

FIXED_COLUMNS = ["attempt_id", "candidate_name", "candidate_email", "state", "language",
                 "simulated", "invited_at", "started_at", "submitted_at", "n_items",
                 "n_unanswered", "incomplete"]
SCALE_FIELDS = ["score", "low", "high", "n_items", "n_unanswered", "n_pending",
                "percentile", "norm_n"]
SUBSCORE_FIELDS = ["reported", "score", "low", "high", "n_items", "n_unanswered",
                   "percentile", "norm_n"]


def csv_columns(scales: list[str], subscores: list[str]) -> list[str]:
    return (FIXED_COLUMNS + [f"{s}_{f}" for s in scales for f in SCALE_FIELDS]
            + [f"sub_{d}_{f}" for d in subscores for f in SUBSCORE_FIELDS])


class _Row:
    """One attempt's cells, given the assessment's precision and norm groups."""

    def __init__(self, precision: Precision | None, groups: dict[NormKey, NormGroup] | None,
                 min_group: int) -> None:
        self.precision, self.groups, self.min_group = precision, groups, min_group

    def _norm(self, kind: str, name: str, score: float | None, language: str) -> list:
        """The percentile and the group's size; both PENDING while the norm groups are
        being prepared (groups None)."""
        if self.groups is None:
            return [PENDING, PENDING] if score is not None else [None, None]
        norm = norm_of(score, self.groups.get((language, kind, name)), language,
                       self.min_group)
        return [norm.percentile, norm.n]

    def scale(self, name: str, value: ScaleScore | None, language: str) -> list:
        if value is None:
            return [None] * len(SCALE_FIELDS)
        low, high = _band(self.precision.scale(name) if self.precision else None, value)
        return [value.score, low, high, value.n_items, value.n_unanswered, value.n_pending,
                *self._norm(SCALE, name, value.score, language)]

    def subscore(self, dimension: str, value: ScaleScore | None, language: str) -> list:
        if value is None:
            return [None] * len(SUBSCORE_FIELDS)
        if self.precision is None:  # not estimated yet: whether it may be reported either
            return [PENDING, None, None, None, value.n_items, value.n_unanswered, None, None]
        if not self.precision.reportable.get(dimension):
            return ["indication", value.score, None, None, value.n_items, value.n_unanswered,
                    None, None]
        low, high = _band(self.precision.subscore(dimension), value)
        return ["score", value.score, low, high, value.n_items, value.n_unanswered,
                *self._norm(SUBSCORE, dimension, value.score, language)]


def _band(model: ScaleModel | None, value: ScaleScore) -> tuple[float | None, float | None]:
    if model is None or value.score is None:
        return None, None
    return model.band(value.score, value.n_items)


# a subscore's kind while the assessment's precision is not estimated; a percentile and
# its group's size while the norm groups are being prepared
PENDING = "pending"
ESTIMATE_NOW = object()  # attempts_csv_lines' precision or norms: compute them here if need be


BATCH = 500  # attempts read and written at a time


def _columns(assessment: Assessment, bank: Bank, *, session: Session
             ) -> tuple[list[str], list[str]]:
    """Return the scales and subscores any attempt has, reading only the results of the
    closed ones (only scoring a closed attempt stores results)."""
    used_scales = _used_keys(assessment.id, "scales", session=session)
    used_subscores = _used_keys(assessment.id, "subscores", session=session)
    scales = [s for s in SCALES if s in used_scales] + sorted(used_scales - set(SCALES))
    subscores = ([d for d in bank.dimensions if d in used_subscores]
                 + sorted(used_subscores - set(bank.dimensions)))
    return scales, subscores


def _used_keys(assessment_id: int, kind: str, *, session: Session) -> set[str]:
    """The names under results[kind] (scales or subscores) of the assessment's closed
    attempts, collected by the database (json_each in SQLite, json_object_keys in
    PostgreSQL) rather than decoded here row by row: the export's header waits for it.
    Results scored before scales existed have neither key and give none."""
    if kind not in ("scales", "subscores"):
        raise ValueError(kind)
    closed = bindparam("closed", [state.value for state in CLOSED], expanding=True)
    if session.get_bind().dialect.name == "postgresql":
        query = text("SELECT DISTINCT json_object_keys(attempt.results -> :kind) "
                     "FROM attempt WHERE attempt.assessment_id = :assessment_id "
                     "AND attempt.state IN :closed "
                     "AND json_typeof(attempt.results -> :kind) = 'object'")
    else:
        query = text("SELECT DISTINCT entry.key FROM attempt, "
                     "json_each(attempt.results, '$.' || :kind) AS entry "
                     "WHERE attempt.assessment_id = :assessment_id "
                     "AND attempt.state IN :closed")
    rows = session.connection().execute(query.bindparams(closed), {
        "kind": kind, "assessment_id": assessment_id})
    return {key for (key,) in rows}


ATTEMPT_COLUMNS = (Attempt.id, Attempt.candidate_name, Attempt.candidate_email, Attempt.state,
                   Attempt.language, Attempt.simulated, Attempt.created_at,
                   Attempt.started_at, Attempt.submitted_at, Attempt.results)


def _attempts(assessment: Assessment, *, session: Session, blind_for: int | None
              ) -> Iterator[tuple]:
    """Yield (attempt or its columns, scores as the viewer may see them) in batches."""
    if blind_for is not None:  # scores_seen_by needs the attempt itself
        for attempt in session.exec(
                select(Attempt).where(Attempt.assessment_id == assessment.id)
                .order_by(col(Attempt.id)).execution_options(yield_per=BATCH)):
            yield attempt, scores_seen_by(attempt, blind_for, session=session)
        return
    for row in session.exec(
            select(*ATTEMPT_COLUMNS).where(Attempt.assessment_id == assessment.id)
            .order_by(col(Attempt.id)).execution_options(yield_per=BATCH)):
        yield row, AttemptScores.from_dict(row.results)


def attempts_csv_lines(assessment: Assessment, *, session: Session, min_group: int,
                       blind_for: int | None, precision: Precision | None | object = ESTIMATE_NOW,
                       groups: dict[NormKey, NormGroup] | None | object = ESTIMATE_NOW
                       ) -> Iterator[str]:
    """Yield the export a few hundred rows at a time, the header first: one row per
    attempt with its state, scores, bands, counts and percentiles, as the viewer may see
    them (blind_for: hiring.assessment.ratings.blind_for).

    Attempts are read in batches, so memory stays flat however many there are. Reads
    only: re-score outdated attempts first (rescore_outdated), as attempts_csv does.
    `precision`: the assessment's, as kept (hiring.scoring.evidence.kept_precision), or
    None while none is (the bands pending); by default estimated now if need be.
    `groups`: the norm groups as of now (hiring.scoring.norms.norm_groups_if_ready), or
    None while they are being prepared (the percentiles pending); by default computed
    now if need be."""
    bank = session.get(Bank, assessment.bank_id)
    coded = blind_for is not None and blind_review(assessment)
    scales, subscores = _columns(assessment, bank, session=session)
    if precision is ESTIMATE_NOW:
        precision = precision_for(assessment, session=session)
    if groups is ESTIMATE_NOW:
        groups = kept_norm_groups(assessment.id, session=session)
    cells = _Row(precision, groups, min_group)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_columns(scales, subscores))
    yield out.getvalue()
    out.seek(0)
    out.truncate()
    for number, (attempt, scores) in enumerate(
            _attempts(assessment, session=session, blind_for=blind_for), start=1):
        name, email = attempt.candidate_name, attempt.candidate_email
        if coded and identity_hidden(attempt, blind_for, session=session):
            name, email = candidate_code(attempt), ""  # blind review: not rated yet
        row = [attempt.id, name, email, attempt.state,
               attempt.language, "yes" if attempt.simulated else "no", attempt.created_at,
               attempt.started_at, attempt.submitted_at,
               scores.n_items if scores else None, scores.n_unanswered if scores else None,
               ("yes" if scores.incomplete else "no") if scores else None]
        for name in scales:
            row += cells.scale(name, scores.scales.get(name) if scores else None,
                               attempt.language)
        for dimension in subscores:
            row += cells.subscore(dimension, scores.subscores.get(dimension) if scores
                                  else None, attempt.language)
        writer.writerow([safe_cell(v) for v in row])
        if number % BATCH == 0:  # the session forgets rows no one holds: memory stays flat
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue()


def attempts_csv(assessment: Assessment, *, session: Session, min_group: int,
                 blind_for: int | None) -> str:
    """Return the whole export as one text (attempts_csv_lines), re-scoring outdated
    attempts first."""
    rescore_outdated(session=session, assessment_id=assessment.id)
    return "".join(attempts_csv_lines(assessment, session=session, min_group=min_group,
                                      blind_for=blind_for))
