"""Factories: make_x(session, **overrides) returns a stored x."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from sqlmodel import Session, select

from hiring import rights
from hiring.accounts import create_user
from hiring.assessment import calibration, engine
from hiring.assessment.recipes import create_assessment
from hiring.banks.importer import import_bank
from hiring.banks.loader import load_path
from hiring.models import Assessment, Attempt, Bank, CalibrationAnswer, Item, User

DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse battery"  # noqa: S105 - test accounts only
MINI_SECTIONS = [
    {"title": "Situations", "type": "sjt", "count": 4},
    {"title": "Math", "type": "numeric", "count": 1},
    {"title": "Writing", "type": "written", "count": 1},
]


THIRTY_SECTIONS = [
    {"title": "Situations", "type": "sjt", "count": 20},
    {"title": "Math", "type": "numeric", "count": 8},
    {"title": "Writing", "type": "written", "count": 2},
]


def thirty_item_bank(source: Path, folder: Path) -> Path:
    """Write the mini bank grown to 30 items (copies of its items with new ids)."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    by_type: dict[str, list[dict]] = {}
    for item in data["items"]:
        by_type.setdefault(item["type"], []).append(item)
    items = []
    for kind, wanted in (("sjt", 20), ("numeric", 8), ("written", 2)):
        for n in range(wanted):
            original = by_type[kind][n % len(by_type[kind])]
            items.append({**copy.deepcopy(original), "id": f"{original['id']}-{n}"})
    # Copies share their options' wording, which a cue audit would rightly flag.
    data.update(id="thirty", items=items, cue_audit={"max_excess": 1, "max_longest_best": 1})
    path = folder / "thirty_bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def make_user(session: Session, *, role: str = "interviewer", email: str | None = None,
              name: str | None = None) -> User:
    email = email or f"{role}@example.com"
    existing = session.exec(select(User).where(User.email == email)).first()
    if existing:
        return existing
    return create_user(session=session, email=email, name=name or role.title(), role=role,
                       password=PASSWORD)


def assign_everything(session: Session, user: User) -> None:
    """Assign an interviewer to every assessment there is (hiring.rights)."""
    rights.assign(user, set(session.exec(select(Assessment.id)).all())
                  | rights.assignments_of(user.id, session=session), session=session)


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


SITUATION_DIMENSIONS = ("customer_focus", "listening_problem_solving", "composure", "ownership")


def situations_bank_text(per_dimension: int = 5, count: int = 3) -> str:
    """Return the mini bank with `per_dimension` situations for each of four behavioural
    dimensions instead of its four, and an assessment "check" that draws `count` of them
    per dimension, its math item and its written reply. The keys 5/3/2/1 sit on other
    options from item to item, and every other item asks for the best and the worst."""
    data = yaml.safe_load((DATA / "mini_bank.yaml").read_text(encoding="utf-8"))
    others = [item for item in data["items"] if item["type"] != "sjt"]
    situations = []
    for dimension in SITUATION_DIMENSIONS:
        for index in range(per_dimension):
            item_id = f"sjt-{dimension}-{index}"
            keys = [5, 3, 2, 1][index % 4:] + [5, 3, 2, 1][: index % 4]
            situations.append({
                "id": item_id, "type": "sjt", "dimension": dimension, "seed": "002",
                "format": "best_worst" if index % 2 else "best",
                "stem": {"en": f"Situation {item_id}.", "hr": f"Situacija {item_id}."},
                "options": [{"id": option, "key": key,
                             "text": {"en": f"Option {option} of {item_id}",
                                      "hr": f"Opcija {option} od {item_id}"},
                             "rationale": {"en": "Why", "hr": "Zašto"}}
                            for option, key in zip("abcd", keys, strict=True)]})
    data["items"] = situations + others
    data["assessments"] = [{
        "id": "check", "name": {"en": "Check", "hr": "Provjera"}, "time_limit_minutes": 30,
        "sections": [{"title": {"en": "Situations", "hr": "Situacije"}, "type": "sjt",
                      "dimension": dimension, "count": count}
                     for dimension in SITUATION_DIMENSIONS]
        + [{"title": {"en": "Math", "hr": "Matematika"}, "type": "numeric", "count": 1},
           {"title": {"en": "Writing", "hr": "Pisanje"}, "type": "written", "count": 1}]}]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


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
