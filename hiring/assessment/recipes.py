"""Assessments: recipes of sections over a bank."""

from __future__ import annotations

import re

from sqlmodel import Session, col, func, select

from hiring.assessment.types import ITEM_TYPES
from hiring.models import Assessment, Bank, Item

_SECTION = re.compile(r"^(?P<title>[^:]{1,100}):\s*(?P<type>[a-z_]+)\s*[x×*]\s*(?P<count>\d{1,3})$")


class RecipeError(ValueError):
    """The recipe is not valid; the message says why."""


def parse_sections(text: str) -> list[dict]:
    """Parse lines like 'Math: numeric x 6' into section dicts."""
    sections = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _SECTION.match(line)
        if not match:
            raise RecipeError(f"Line {number}: write it as 'Title: type x count'.")
        item_type, count = match["type"], int(match["count"])
        if item_type != "any" and item_type not in ITEM_TYPES:
            raise RecipeError(f"Line {number}: unknown item type {item_type!r}.")
        if count < 1:
            raise RecipeError(f"Line {number}: the count must be at least 1.")
        section = {"title": match["title"].strip(), "count": count}
        if item_type != "any":
            section["type"] = item_type
        sections.append(section)
    if not sections:
        raise RecipeError("Add at least one section.")
    return sections


def format_sections(sections: list[dict]) -> str:
    return "\n".join(f"{s['title']}: {s.get('type', 'any')} x {s['count']}" for s in sections)


def available(bank: Bank, *, session: Session) -> dict[str, int]:
    """Count the bank's active items per type."""
    rows = session.exec(select(Item.type, func.count()).where(
        Item.bank_id == bank.id, col(Item.retired).is_(False)).group_by(Item.type))
    return dict(rows.all())


def create_assessment(*, session: Session, bank: Bank, name: str, sections: list[dict],
                      language: str = "en", time_limit_minutes: int = 40,
                      grace_seconds: int = 60, shuffle: bool = True) -> Assessment:
    """Create an assessment after checking the bank has enough items; flush only."""
    counts = available(bank, session=session)
    needed: dict[str, int] = {}
    for section in sections:
        key = section.get("type", "any")
        needed[key] = needed.get(key, 0) + section["count"]
    for item_type, count in needed.items():
        have = sum(counts.values()) if item_type == "any" else counts.get(item_type, 0)
        if count > have:
            raise RecipeError(f"The bank has {have} active {item_type} items; "
                              f"the sections ask for {count}.")
    if language not in bank.languages:
        raise RecipeError(f"The bank is not available in {language!r}.")
    assessment = Assessment(bank_id=bank.id, name=name.strip(), language=language,
                            time_limit_minutes=time_limit_minutes, grace_seconds=grace_seconds,
                            shuffle=shuffle, sections=sections)
    session.add(assessment)
    session.flush()
    return assessment
