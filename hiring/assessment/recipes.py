"""Assessments: recipes of sections over a bank, and whether the bank can fill them."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Hashable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from hiring.items.messages import N_, Message
from hiring.items.types import ITEM_TYPES
from hiring.models import Assessment, Bank, Item

DEFAULT_MINUTES_PER_ITEM = 1.0  # for items of a type no longer registered

ItemClass = tuple[str, str]  # (type, dimension)


class RecipeError(ValueError):
    """The recipe is not valid; the message says why."""


@dataclass(frozen=True)
class Supply:
    """How many active items of the bank a section can draw from."""

    matching: int  # items that fit the section's type and dimension
    taken: int  # the most of those the sections above it may draw first
    count: int  # how many the section asks for

    @property
    def left(self) -> int:
        """The matching items sure to be left when this section draws."""
        return self.matching - self.taken

    @property
    def enough(self) -> bool:
        return self.left >= self.count

    def problem(self) -> str | None:
        """Say why the section may get fewer items than it asks for, if it may."""
        if self.enough:
            return None
        if self.matching < self.count:
            return Message(N_("The bank has only %(matching)s active items that fit this "
                              "section; it asks for %(count)s."),
                           matching=self.matching, count=self.count)
        return Message(N_("The sections above may draw %(taken)s of the %(matching)s items "
                          "that fit this section, so only %(left)s are sure to be left for "
                          "the %(count)s it asks for. Lower a count, or put narrower "
                          "sections (with a type and a dimension) first."),
                       taken=self.taken, matching=self.matching, left=self.left,
                       count=self.count)


def item_classes(bank_id: int, *, session: Session) -> Counter[ItemClass]:
    """Count the bank's active items per (type, dimension)."""
    rows = session.exec(select(Item.type, Item.dimension, func.count()).where(
        Item.bank_id == bank_id, col(Item.retired).is_(False))
        .group_by(Item.type, Item.dimension))
    return Counter({(item_type, dimension): n for item_type, dimension, n in rows})


def fits(section: dict, item_class: ItemClass) -> bool:
    """Tell whether items of a class may be drawn for the section (as plan_items does)."""
    return (section.get("type") in (None, item_class[0])
            and section.get("dimension") in (None, item_class[1]))


def matching(section: dict, classes: Counter[ItemClass]) -> int:
    """Count the active items that fit a section, ignoring the other sections."""
    return sum(n for item_class, n in classes.items() if fits(section, item_class))


def supply(sections: list[dict], classes: Counter[ItemClass]) -> list[Supply]:
    """Say, per section, how many items it can surely draw.

    plan_items draws section by section, and an item drawn once is not drawn again. Which
    items the earlier sections take is random, so a section is safe only if enough of its
    items are left however they draw: the most they can take of them is a maximum flow
    from the earlier sections (each up to its count) to the classes of items they share.
    """
    result = []
    for index, section in enumerate(sections):
        own = {c: n for c, n in classes.items() if fits(section, c)}
        graph: dict[Hashable, dict[Hashable, int]] = defaultdict(dict)
        for earlier, other in enumerate(sections[:index]):
            shared = [c for c in own if fits(other, c)]
            if shared:
                graph["source"][("section", earlier)] = int(other["count"])
                for item_class in shared:
                    graph[("section", earlier)][item_class] = int(other["count"])
        for item_class, n in own.items():
            graph[item_class]["sink"] = n
        result.append(Supply(matching=sum(own.values()),
                             taken=_max_flow(graph, "source", "sink"),
                             count=int(section["count"])))
    return result


def _max_flow(capacity: dict[Hashable, dict[Hashable, int]], source: Hashable,
              sink: Hashable) -> int:
    """Return the maximum flow through a small graph (Edmonds-Karp)."""
    residual: dict[Hashable, dict[Hashable, int]] = defaultdict(dict)
    for node, edges in capacity.items():
        for target, amount in edges.items():
            residual[node][target] = residual[node].get(target, 0) + amount
            residual[target].setdefault(node, 0)
    flow = 0
    while True:
        parent: dict[Hashable, Hashable | None] = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            node = queue.popleft()
            for target, amount in residual[node].items():
                if amount > 0 and target not in parent:
                    parent[target] = node
                    queue.append(target)
        if sink not in parent:
            return flow
        path, node = [], sink
        while parent[node] is not None:
            path.append((parent[node], node))
            node = parent[node]
        push = min(residual[a][b] for a, b in path)
        for a, b in path:
            residual[a][b] -= push
            residual[b][a] += push
        flow += push


def estimate_minutes(sections: list[dict], classes: Counter[ItemClass]) -> float:
    """Estimate the minutes a candidate needs for the sections, from typical item times."""
    total = 0.0
    for section in sections:
        fitting = {c: n for c, n in classes.items() if fits(section, c)}
        if not fitting:
            continue
        per_item = sum(_minutes(c[0]) * n
                       for c, n in fitting.items()) / sum(fitting.values())
        total += per_item * min(int(section["count"]), sum(fitting.values()))
    return total


def _minutes(type_name: str) -> float:
    """Return the rough minutes a candidate spends on one item of the type."""
    item_type = ITEM_TYPES.get(type_name)
    return item_type.minutes if item_type else DEFAULT_MINUTES_PER_ITEM


def slug(name: str) -> str:
    """Make a bank-file id from a name: 'Front desk, Zagreb' -> 'front-desk-zagreb'."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_only = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")[:90] or "assessment"


def unique_key(bank_id: int, name: str, *, session: Session) -> str:
    """Return a key for a new assessment: its name's slug, unique within the bank."""
    taken = set(session.exec(select(Assessment.key).where(Assessment.bank_id == bank_id)))
    base = slug(name)
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


def create_assessment(*, session: Session, bank: Bank, name: str, sections: list[dict],
                      language: str = "en", time_limit_minutes: int = 40,
                      grace_seconds: int = 60, shuffle: bool = True, **extra: object
                      ) -> Assessment:
    """Create an assessment after checking the bank can fill its sections; flush only.

    `extra` sets further Assessment fields (key, titles, languages, settings, created_by).
    """
    if language not in bank.languages:
        raise RecipeError(f"The bank is not available in {language!r}.")
    for number, found in enumerate(supply(sections, item_classes(bank.id, session=session)),
                                   start=1):
        if not found.enough:
            raise RecipeError(f"Section {number}: {found.problem()}")
    assessment = Assessment(bank_id=bank.id, name=name.strip(), language=language,
                            time_limit_minutes=time_limit_minutes, grace_seconds=grace_seconds,
                            shuffle=shuffle, sections=sections, **extra)
    session.add(assessment)
    session.flush()
    return assessment
