"""Exports: a CSV of an assessment's attempts."""

from __future__ import annotations

import csv
import io

from sqlmodel import Session, col, select

from hiring.models import Assessment, Attempt, Bank
from hiring.scoring.norms import norm_groups, percentiles

FIXED_COLUMNS = ["attempt_id", "candidate_name", "candidate_email", "state", "language",
                 "invited_at", "started_at", "submitted_at", "overall"]
DIMENSION_FIELDS = ["score", "low", "high", "percentile"]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Format a value; text that a spreadsheet would run as a formula is quoted, also where
    it follows a ";" (a reader that splits on semicolons sees a new cell there)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds")
    text = str(value)
    if isinstance(value, int | float):
        return text  # a number is a number, "-3" included
    if text[:1] in FORMULA_STARTS or any(part[:1] in FORMULA_STARTS
                                          for part in text.split(";")[1:]):
        return "'" + text.replace(";", ",")
    return text


def csv_columns(dimensions: list[str]) -> list[str]:
    return FIXED_COLUMNS + [f"{d}_{f}" for d in dimensions for f in DIMENSION_FIELDS]


def attempts_csv(assessment: Assessment, *, session: Session, min_group: int) -> str:
    """Return one row per attempt with its state, dimension scores and percentiles."""
    bank = session.get(Bank, assessment.bank_id)
    attempts = list(session.exec(select(Attempt).where(
        Attempt.assessment_id == assessment.id).order_by(col(Attempt.id))))
    used = {key for a in attempts for key in (a.results or {})}
    dimensions = [key for key in bank.dimensions if key in used]
    groups = norm_groups(assessment.id, session=session)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_columns(dimensions))
    for attempt in attempts:
        results = attempt.results or {}
        norms = percentiles(results, groups, min_group)
        row = [attempt.id, attempt.candidate_name, attempt.candidate_email, attempt.state,
               attempt.language, attempt.created_at, attempt.started_at, attempt.submitted_at,
               attempt.overall_score]
        for key in dimensions:
            value = results.get(key, {})
            row += [value.get("score"), value.get("low"), value.get("high"),
                    norms.get(key, (None, 0))[0]]
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
