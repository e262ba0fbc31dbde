"""Invitations in bulk from a CSV file: every row checked before anything is created."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, col, select

from hiring.assessment import engine
from hiring.email_address import normalize_email
from hiring.items import accommodations
from hiring.models import Assessment, Attempt, AttemptState

MAX_ROWS = 2000
COLUMNS = ("name", "email", "language", "deadline", "extra_minutes", "time_multiplier")
REQUIRED = ("name", "email")


@dataclass
class InvitationRow:
    line: int
    name: str
    email: str
    language: str | None = None
    deadline: date | None = None
    extra_minutes: int = 0
    time_multiplier: float = 1.0
    problems: list[str] = field(default_factory=list)


class CsvInvalid(ValueError):
    """The file as a whole cannot be read; the message says why."""


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvInvalid("The file is not UTF-8 text; save it as CSV UTF-8.") from None


def read_rows(data: bytes, *, assessment: Assessment, languages: list[str], today: date,
              session: Session) -> list[InvitationRow]:
    """Parse and check every row; nothing is created."""
    text = _decode(data)
    if "\x00" in text:
        raise CsvInvalid("The file contains NUL bytes; it is not a CSV file.")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvInvalid(f"The first line must name the columns; missing: {', '.join(missing)}."
                         f" Known columns: {', '.join(COLUMNS)}.")
    reader.fieldnames = header
    open_emails = set(session.exec(select(Attempt.candidate_email).where(
        Attempt.assessment_id == assessment.id,
        col(Attempt.state).in_([AttemptState.INVITED, AttemptState.IN_PROGRESS]))))
    rows: list[InvitationRow] = []
    seen: dict[str, int] = {}
    for record in reader:
        if len(rows) >= MAX_ROWS:
            raise CsvInvalid(f"At most {MAX_ROWS} invitations at a time.")
        values = {k: (v or "").strip() for k, v in record.items() if isinstance(k, str)}
        if not any(values.values()):
            continue
        row = InvitationRow(line=reader.line_num, name=values.get("name", ""),
                            email=values.get("email", "").lower())
        _check(row, values, languages=languages, today=today)
        if row.email and row.email in seen:
            row.problems.append(f"the same email as line {seen[row.email]}")
        elif row.email in open_emails:
            row.problems.append("already has an open invitation to this assessment")
        seen.setdefault(row.email, row.line)
        rows.append(row)
    if not rows:
        raise CsvInvalid("The file has no invitations after its header line.")
    return rows


def _check(row: InvitationRow, values: dict, *, languages: list[str], today: date) -> None:
    if not row.name:
        row.problems.append("the name is missing")
    elif len(row.name) > 200:
        row.problems.append("the name is longer than 200 characters")
    try:
        row.email = normalize_email(validate_email(row.email,
                                                   check_deliverability=False).normalized)
    except EmailNotValidError:
        row.problems.append(f"{row.email or 'the email'} is not a valid email address")
    language = values.get("language") or None
    if language and language not in languages:
        row.problems.append(f"unknown language {language!r} (use {', '.join(languages)})")
    row.language = language
    if values.get("deadline"):
        try:
            row.deadline = date.fromisoformat(values["deadline"])
        except ValueError:
            row.problems.append("the deadline must be a date like 2026-12-31")
        else:
            if row.deadline < today:
                row.problems.append("the deadline is in the past")
    if values.get("extra_minutes"):
        try:
            row.extra_minutes = int(values["extra_minutes"])
        except ValueError:
            row.problems.append("extra time must be a whole number of minutes")
        else:
            if not 0 <= row.extra_minutes <= 600:
                row.problems.append("extra time must be between 0 and 600 minutes")
    if values.get("time_multiplier"):
        try:
            row.time_multiplier = accommodations.parse_multiplier(values["time_multiplier"])
        except ValueError:
            row.problems.append(f"time multiplier {values['time_multiplier']!r}: must be a "
                                "number from 1 to 3, such as 1.5 or 1,5")


def create_all(rows: list[InvitationRow], *, assessment: Assessment, session: Session,
               now: datetime, default_days: int, created_by: int | None
               ) -> list[tuple[Attempt, str]]:
    """Create every invitation, or none when any row has a problem; flush only."""
    if any(row.problems for row in rows):
        raise CsvInvalid("Fix the rows with problems first; nothing was created.")
    created = []
    for row in rows:
        expires = (datetime.combine(row.deadline, time(23, 59), tzinfo=UTC) if row.deadline
                   else now + timedelta(days=default_days))
        attempt, token = engine.invite(assessment, session=session, name=row.name,
                                       email=row.email, expires_at=expires,
                                       language=row.language, created_by=created_by,
                                       time_multiplier=row.time_multiplier, now=now)
        attempt.extra_minutes = row.extra_minutes
        created.append((attempt, token))
    session.flush()
    return created
