"""Adopt a panel's keys: a new revision of each chosen item with only its keys changed.

The new revision goes through the item editor's own machinery, so the history shows who
adopted it and when; attempts already started keep the revision (and the score) they
had, new attempts get the panel's keys. The content's `keying` records where the keys
came from, for the item page, item health and the profile.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from hiring import audit
from hiring.banks import editing
from hiring.items.types.sjt import KeySource
from hiring.keying import stats
from hiring.keying.results import ItemResult, results
from hiring.keying.rounds import Actor, KeyingError
from hiring.models import Bank, ItemRevision, KeyingRound, User

DEFAULT_MIN_PANEL = 5


class AdoptRefused(KeyingError):
    """Some chosen items cannot take the panel's key; nothing was adopted."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Change:
    """The keys an item has now and those the panel gives it."""

    result: ItemResult
    old: dict[str, int]
    new: dict[str, int]

    @property
    def key(self) -> str:
        return self.result.key

    @property
    def changed_options(self) -> list[str]:
        return [option for option, key in self.new.items() if self.old.get(option) != key]


def _problem(result: ItemResult, min_panel: int) -> str | None:
    panel = result.stats.experts
    if result.options_changed:
        return (f"{result.key}: its options were edited after the round opened (the experts "
                f"rated revision {result.item.revision.number}, it is now at revision "
                f"{result.current.number}), so the ratings no longer fit them.")
    if panel < min_panel:
        return (f"{result.key}: {panel} expert{'s' if panel != 1 else ''} rated every option; "
                f"adopting a panel's key takes at least {min_panel} (KEYING_MIN_PANEL).")
    return None


def plan(round_: KeyingRound, keys: list[str], *, session: Session,
         min_panel: int = DEFAULT_MIN_PANEL) -> list[Change]:
    """Return what adopting would change for the chosen items, or raise AdoptRefused with
    every reason an item cannot take the panel's key."""
    if not keys:
        raise AdoptRefused(["Choose at least one item."])
    by_key = {result.key: result for result in results(round_, session=session)}
    problems = [f"{key}: not an item of this round." for key in keys if key not in by_key]
    chosen = [by_key[key] for key in dict.fromkeys(keys) if key in by_key]
    problems += [p for result in chosen if (p := _problem(result, min_panel))]
    if problems:
        raise AdoptRefused(problems)
    return [Change(result, {o["id"]: o["key"] for o in result.current.content["options"]},
                   result.stats.panel_keys()) for result in chosen]


def _content(change: Change, round_: KeyingRound, now: datetime) -> dict:
    content = copy.deepcopy(change.result.current.content)
    for option in content["options"]:
        option["key"] = change.new[option["id"]]
    rwg = change.result.stats.rwg
    content["keying"] = KeySource(
        round=round_.id, round_name=round_.name, experts=change.result.stats.experts,
        statistic=stats.STATISTIC, agreement=None if rwg is None else round(rwg, 3),
        adopted_at=now.date().isoformat()).model_dump(exclude_none=True)
    return content


def adopt(round_: KeyingRound, keys: list[str], *, session: Session, actor: Actor,
          now: datetime, min_panel: int = DEFAULT_MIN_PANEL) -> list[ItemRevision]:
    """Give each chosen item a new revision with the panel's keys; all or none."""
    changes = plan(round_, keys, session=session, min_panel=min_panel)
    bank = session.get(Bank, round_.bank_id)
    author = actor.email if isinstance(actor, User) else (actor or "system")
    revisions = []
    for change in changes:
        content, problems = editing.validate(_content(change, round_, now), bank=bank)
        if content is None:
            raise AdoptRefused([f"{change.key}: {message}" for _path, message in problems])
        revision = editing.save_revision(change.result.item.item, content, session=session,
                                         author=author, base=change.result.current.number,
                                         now=now)
        if revision is None:
            continue  # adopted already, with the same figures: nothing new to record
        revisions.append(revision)
        audit.record(session, actor=actor, action=audit.Action.KEYING_ADOPTED,
                     object_type="keying_round", object_id=round_.id,
                     detail={"item": change.key, "revision": revision.number,
                             "experts": change.result.stats.experts,
                             "agreement": content["keying"].get("agreement")}, at=now)
    return revisions
