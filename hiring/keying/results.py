"""A round's results: every item's ratings summarised by `stats`, against its current key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from hiring.keying import stats
from hiring.keying.rounds import RoundItem, current_revisions, round_items
from hiring.models import ItemRevision, KeyingExpert, KeyingRating, KeyingRound


@dataclass(frozen=True)
class ItemResult:
    item: RoundItem
    current: ItemRevision  # the item's revision now
    stats: stats.ItemStats
    # The options now differ (ids or texts) from those the experts rated: an edit since the
    # round opened. The panel's key cannot be adopted then.
    options_changed: bool

    @property
    def key(self) -> str:
        return self.item.key


def options_of(content: dict) -> list[tuple[str, dict]]:
    """The options as the experts read them: ids and texts, in order (no keys)."""
    return [(option["id"], option["text"]) for option in content["options"]]


def round_ratings(round_: KeyingRound, *, session: Session
                  ) -> dict[int, dict[str, dict[str, int]]]:
    """Return item id -> expert -> option id -> rating, for every expert of the round."""
    rows = session.exec(
        select(KeyingRating.item_id, KeyingRating.expert_id, KeyingRating.option_id,
               KeyingRating.rating)
        .join(KeyingExpert, col(KeyingExpert.id) == KeyingRating.expert_id)
        .where(KeyingExpert.round_id == round_.id))
    found: dict[int, dict[str, dict[str, int]]] = {}
    for item_id, expert_id, option_id, rating in rows:
        found.setdefault(item_id, {}).setdefault(str(expert_id), {})[option_id] = rating
    return found


def results(round_: KeyingRound, *, session: Session) -> list[ItemResult]:
    """Summarise every item of the round; keys compared are those the item has now."""
    items = round_items(round_, session=session)
    ratings = round_ratings(round_, session=session)
    current = current_revisions([i.item for i in items], session=session)
    found = []
    for item in items:
        now = current[item.item.id]
        changed = options_of(now.content) != options_of(item.content)
        keyed = item.content if changed else now.content  # a key per rated option
        keys = {option["id"]: option["key"] for option in keyed["options"]}
        found.append(ItemResult(item, now, stats.item_stats(keys, ratings.get(item.item.id, {})),
                                changed))
    return found


def agreeing(found: list[ItemResult]) -> list[str]:
    """Return the keys of the items whose panel agrees and whose best stands apart."""
    return [result.key for result in found if result.stats.agreeing
            and not result.options_changed]
