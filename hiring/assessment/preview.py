"""A sample draw of an assessment: what a candidate with a given seed would get.

Nothing is written: no attempt, no responses. The draw is the engine's own
(`plan_items`, then each type's `draw_params` from the same seed as `start` uses), so a
seed shows exactly what an attempt with that seed gets while the bank is unchanged.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session

from hiring.assessment import planning
from hiring.items.types import get_type
from hiring.items.types.base import translate
from hiring.models import Assessment

# The field of a type's view that holds what the candidate reads first.
_TEXT_FIELDS = ("stem", "prompt", "passage")
EXCERPT_CHARS = 120


@dataclass(frozen=True)
class SampleItem:
    position: int
    section: str
    type: str
    dimension: str
    key: str  # the item's id in the bank
    revision: int
    text: str  # the first line the candidate reads, shortened
    # The ids of the options in the order this draw shows them (situations shuffle them).
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sample:
    seed: int
    language: str
    items: list[SampleItem]
    asked: int  # the items the sections ask for; more than drawn when the bank is short
    by_section: list[tuple[str, int]]  # in order of first appearance
    by_dimension: list[tuple[str, int]]  # most items first


def excerpt(view: dict) -> str:
    """Return the first line of what a type's view shows, at most EXCERPT_CHARS long."""
    text = next((view[name] for name in _TEXT_FIELDS if view.get(name)), "")
    line = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    return line if len(line) <= EXCERPT_CHARS else line[: EXCERPT_CHARS - 1].rstrip() + "…"


def sample(assessment: Assessment, seed: int, language: str, *, session: Session) -> Sample:
    """Draw the items an attempt with this seed would get, in the language; write nothing."""
    plan = planning.plan_items(assessment, seed, session=session)
    rng = random.Random(seed ^ 0x5EED)  # noqa: S311 - the same parameters as engine.start
    settings = {**(assessment.settings or {}), "language": language}
    items = []
    for position, (section, revision) in enumerate(plan, start=1):
        content = revision.content
        item_type = get_type(content["type"])
        params = item_type.draw_params(content, rng, settings)
        view = item_type.view(content, params, language)
        items.append(SampleItem(
            position=position, section=translate(section, language), type=content["type"],
            dimension=content["dimension"], key=content["id"], revision=revision.number,
            text=excerpt(view), options=tuple(o["id"] for o in view.get("options", []))))
    sections = Counter(item.section for item in items)
    return Sample(seed=seed, language=language, items=items,
                  asked=sum(int(s.get("count", 0)) for s in assessment.sections),
                  by_section=list(sections.items()),
                  by_dimension=Counter(item.dimension for item in items).most_common())
