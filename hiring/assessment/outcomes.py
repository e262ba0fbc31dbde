"""Job outcomes from a CSV file, for criterion validity: every row checked, then all or none.

Columns: `email` or `invitation` (the attempt's number, as the pipeline shows it), `outcome`
(its name), `value` (a number: 1 and 0 for yes and no) and an optional `date`. A file
separated by `;` is read as Croatian Excel writes it, with a decimal comma. Each row must
name a completed attempt of the assessment; a name and attempt already imported is
replaced. Problems are (message, values) pairs the web layer translates.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from hiring.email_address import normalize_email
from hiring.items.messages import N_
from hiring.models import Attempt, AttemptState, Outcome
from hiring.numbers.parsing import NumberError, parse_number

MAX_BYTES = 2_000_000
MAX_ROWS = 20_000
MAX_VALUE = 1e9
COLUMNS = ("email", "invitation", "outcome", "value", "date")
COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)
_CROATIAN_DATE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\.?$")

Problem = tuple[str, dict]


class OutcomesInvalid(ValueError):
    """The file as a whole cannot be read: `message` % `values` says why."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.message, self.values = message, values


@dataclass
class OutcomeRow:
    line: int
    who: str  # the email or the invitation number as written
    name: str
    value_text: str
    value: float | None = None
    recorded_on: date | None = None
    attempt_id: int | None = None
    replaces: bool = False  # the attempt already has a value for this outcome
    problems: list[Problem] = field(default_factory=list)

    def problem(self, message: str, **values: object) -> None:
        self.problems.append((message, values))


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise OutcomesInvalid(N_("The file is larger than %(limit)s MB; split it."), limit=2)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OutcomesInvalid(N_("The file is not UTF-8 text; save it as CSV UTF-8.")) from None
    if "\x00" in text:
        raise OutcomesInvalid(N_("The file contains NUL bytes; it is not a CSV file."))
    return text


def _read_date(text: str) -> date:
    found = _CROATIAN_DATE.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def _read_value(row: OutcomeRow, language: str) -> None:
    if not row.value_text:
        row.problem(N_("the value is missing"))
        return
    try:
        reading = parse_number(row.value_text, language)
    except NumberError:
        row.problem(N_("%(value)s is not a number"), value=row.value_text)
        return
    if reading.ambiguous:
        row.problem(N_("%(value)s could be %(first)s or %(second)s: write it without a "
                       "thousands separator"), value=row.value_text,
                    first=str(reading.readings[0]), second=str(reading.readings[1]))
        return
    value = float(reading.value)
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        row.problem(N_("%(value)s is too large"), value=row.value_text)
        return
    row.value = value


def read_rows(data: bytes, *, assessment_id: int, session: Session) -> list[OutcomeRow]:
    """Parse and check every row against the assessment's completed attempts; change nothing."""
    text = _decode(data)
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    language = "hr" if delimiter == ";" else "en"  # Croatian Excel: ; and a decimal comma
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    if ("email" not in header and "invitation" not in header) or not {
            "outcome", "value"} <= set(header):
        raise OutcomesInvalid(N_("The first line must name the columns: email or invitation, "
                                 "outcome, value, and optionally date."))
    attempts = list(session.exec(select(Attempt).where(
        Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED))))
    by_id = {a.id: a for a in attempts}
    by_email: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_email.setdefault(attempt.candidate_email, []).append(attempt)
    existing = {(o.attempt_id, o.name) for o in _stored(assessment_id, session=session)}
    rows: list[OutcomeRow] = []
    seen: dict[tuple[int, str], int] = {}
    try:
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise OutcomesInvalid(N_("At most %(limit)s rows at a time; split the file."),
                                      limit=MAX_ROWS)
            values = {k: (v or "").strip() for k, v in record.items() if isinstance(k, str)}
            if not any(values.values()):
                continue
            row = OutcomeRow(line=reader.line_num,
                             who=values.get("email") or values.get("invitation", ""),
                             name=values.get("outcome", ""), value_text=values.get("value", ""))
            _match(row, values, by_id=by_id, by_email=by_email)
            _check(row, values, language)
            if row.attempt_id is not None and row.name:
                key = (row.attempt_id, row.name)
                if key in seen:
                    row.problem(N_("the same candidate and outcome as line %(line)s"),
                                line=seen[key])
                seen.setdefault(key, row.line)
                row.replaces = key in existing
            rows.append(row)
    except csv.Error as exc:
        raise OutcomesInvalid(N_("The file is not valid CSV: %(error)s"), error=str(exc)) from None
    if not rows:
        raise OutcomesInvalid(N_("The file has no outcomes after its header line."))
    return rows


def _match(row: OutcomeRow, values: dict, *, by_id: dict[int, Attempt],
           by_email: dict[str, list[Attempt]]) -> None:
    reference = values.get("invitation", "").lstrip("#")
    if reference:
        attempt = by_id.get(int(reference)) if reference.isdigit() else None
        if attempt is None:
            row.problem(N_("no completed attempt of this assessment has number %(number)s"),
                        number=values["invitation"])
        else:
            row.attempt_id = attempt.id
        return
    email = values.get("email", "")
    if not email:
        row.problem(N_("neither an email nor an invitation number"))
        return
    found = by_email.get(normalize_email(email), [])
    if not found:
        row.problem(N_("no completed attempt of this assessment by %(email)s"), email=email)
    elif len(found) > 1:
        row.problem(N_("%(email)s completed this assessment more than once: give the "
                       "invitation number instead"), email=email)
    else:
        row.attempt_id = found[0].id


def _check(row: OutcomeRow, values: dict, language: str) -> None:
    if not row.name:
        row.problem(N_("the outcome's name is missing"))
    elif len(row.name) > 100:
        row.problem(N_("the outcome's name is longer than 100 characters"))
    _read_value(row, language)
    if values.get("date"):
        try:
            row.recorded_on = _read_date(values["date"])
        except ValueError:
            row.problem(N_("the date must be like 2026-12-31 or 31.12.2026."))


def _stored(assessment_id: int, *, session: Session) -> list[Outcome]:
    return list(session.exec(select(Outcome).join(
        Attempt, col(Attempt.id) == Outcome.attempt_id).where(
        Attempt.assessment_id == assessment_id)))


def save_all(rows: list[OutcomeRow], *, assessment_id: int, session: Session, now: datetime,
             imported_by: str) -> int:
    """Store every outcome, or none when any row has a problem; flush only."""
    if any(row.problems for row in rows):
        raise OutcomesInvalid(N_("Fix the rows with problems first; nothing was imported."))
    stored = {(o.attempt_id, o.name): o for o in _stored(assessment_id, session=session)}
    for row in rows:
        outcome = stored.get((row.attempt_id, row.name))
        if outcome is None:
            outcome = Outcome(attempt_id=row.attempt_id, name=row.name, value=0,
                              imported_by=imported_by)
            session.add(outcome)
        outcome.value, outcome.recorded_on = row.value, row.recorded_on
        outcome.imported_at, outcome.imported_by = now, imported_by
    session.flush()
    return len(rows)
