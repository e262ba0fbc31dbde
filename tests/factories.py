"""Factories: make_x(session, **overrides) returns a stored x."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from hiring.accounts import create_user
from hiring.assessment import calibration, engine
from hiring.assessment.recipes import create_assessment
from hiring.banks.importer import import_bank
from hiring.banks.loader import load_path
from hiring.models import Assessment, Attempt, Bank, CalibrationAnswer, Item, User

PASSWORD = "correct horse battery"  # noqa: S105 - test accounts only
MINI_SECTIONS = [
    {"title": "Situations", "type": "sjt", "count": 4},
    {"title": "Math", "type": "numeric", "count": 1},
    {"title": "Writing", "type": "written", "count": 1},
]


def make_user(session: Session, *, role: str = "interviewer", email: str | None = None,
              name: str | None = None) -> User:
    email = email or f"{role}@example.com"
    existing = session.exec(select(User).where(User.email == email)).first()
    if existing:
        return existing
    return create_user(session=session, email=email, name=name or role.title(), role=role,
                       password=PASSWORD)


def make_bank(session: Session, path: Path) -> Bank:
    return import_bank(load_path(path), session=session).bank


def make_assessment(session: Session, bank: Bank, **overrides) -> Assessment:
    values = {"name": "Test assessment", "sections": MINI_SECTIONS, "time_limit_minutes": 30,
              "grace_seconds": 60, "shuffle": False}
    values.update(overrides)
    return create_assessment(session=session, bank=session.merge(bank), **values)


def make_attempt(session: Session, assessment: Assessment, *, now: datetime | None = None,
                 started: bool = False, **overrides) -> tuple[Attempt, str]:
    now = now or datetime.now(UTC)
    values = {"name": "Ana Horvat", "email": "ana@example.com",
              "expires_at": now + timedelta(days=7)}
    values.update(overrides)
    attempt, token = engine.invite(session.merge(assessment), session=session, **values)
    if started:
        engine.start(attempt, session=session, now=now)
    return attempt, token


def make_calibration_answer(session: Session, *, key: str = "wr-1", **overrides
                            ) -> CalibrationAnswer:
    """A calibration answer for the written item `key` of the imported test bank."""
    item = session.exec(select(Item).where(Item.key == key)).one()
    values = {"text": "Dear Ana, I am sorry the refund took so long. It is paid today.",
              "language": "en", "agreed": {"tone": 4, "empathy": 3},
              "explanation": "Warm and clear; the apology is generic.",
              "created_by": "hr@example.com"}
    values.update(overrides)
    return calibration.add_answer(session=session, item=item, **values)
