"""Write a stored bank back out as a bank file the loader accepts."""

from __future__ import annotations

from typing import Any

import yaml
from sqlmodel import Session, col, select

from hiring.banks.schema import Thresholds
from hiring.items.types import ITEM_TYPES
from hiring.models import Assessment, Bank, Item, ItemRevision

DEFAULT_TYPING_TARGET_WPM = 35


FOLD_AFTER = 80  # characters; longer single-line text is written as a folded block


class BankDumper(yaml.SafeDumper):
    """Plain YAML: no anchors or aliases, indented lists, long text as block scalars."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # the emitter falls back to quotes by itself when a block cannot hold the text
    style = ("|" if "\n" in text.strip("\n")
             else ">" if len(text) > FOLD_AFTER else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_list(dumper: yaml.SafeDumper, values: list) -> yaml.SequenceNode:
    short = all(isinstance(v, int | float | str) and len(str(v)) < 30 for v in values)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", values, flow_style=short)


BankDumper.add_representer(str, _represent_str)
BankDumper.add_representer(list, _represent_list)


def _plain(value: Any) -> Any:
    """Turn JSON-stored "1".."5" keys (rubric anchors, rating guides) back into numbers."""
    if isinstance(value, dict):
        return {int(k) if isinstance(k, str) and k.isdigit() else k: _plain(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _dimension(dimension: dict) -> dict:
    out = {"name": dimension["name"], "definition": dimension["definition"]}
    for key in ("strong", "weak", "probes"):
        if dimension.get(key):
            out[key] = dimension[key]
    return out


def _item(content: dict) -> dict:
    """Order an item's keys as the type's schema (and docs/bank-format.md) lists them."""
    item_type = ITEM_TYPES.get(content.get("type"))
    order = list(item_type.content_model.model_fields) if item_type else []
    ranked = sorted(content, key=lambda k: order.index(k) if k in order else len(order))
    return {key: content[key] for key in ranked}


# The strength and development thresholds, with their defaults (hiring.scoring.rules).
THRESHOLDS = tuple((name, field.default) for name, field in Thresholds.model_fields.items())


def _recipe(assessment: Assessment, languages: list[str]) -> dict:
    settings = assessment.settings or {}
    return {
        "id": assessment.key,
        "name": assessment.titles or {language: assessment.name for language in languages},
        "time_limit_minutes": assessment.time_limit_minutes,
        "grace_seconds": assessment.grace_seconds,
        "shuffle": assessment.shuffle,
        "typing_target_wpm": settings.get("typing_target_wpm", DEFAULT_TYPING_TARGET_WPM),
        **({"languages": assessment.languages} if assessment.languages else {}),
        "thresholds": {name: settings.get(name, default) for name, default in THRESHOLDS},
        "sections": [{k: section[k] for k in ("title", "type", "dimension", "count")
                      if section.get(k) is not None} for section in assessment.sections],
    }


def _recipes(bank: Bank, *, session: Session) -> list[dict]:
    """The newest assessment per key, in the order the keys were first imported."""
    newest: dict[str, Assessment] = {}
    for assessment in session.exec(select(Assessment).where(
            Assessment.bank_id == bank.id, col(Assessment.key).is_not(None))
            .order_by(col(Assessment.id))):
        # dicts keep first-insertion order, so re-assigning a key keeps its place
        newest[assessment.key] = assessment
    return [_recipe(assessment, bank.languages) for assessment in newest.values()]


def export_bank(bank: Bank, *, session: Session) -> str:
    """Return the bank as it is stored now, as bank-file YAML.

    Retired items are left out; comments and the original layout are not kept."""
    rows = session.exec(
        select(ItemRevision.content)
        .join(Item, col(Item.id) == ItemRevision.item_id)
        .where(Item.bank_id == bank.id, col(Item.retired).is_(False),
               ItemRevision.number == Item.current_revision)
        .order_by(col(Item.id)))
    document: dict[str, Any] = {
        "format": 1,
        "id": bank.slug,
        "version": bank.version,
        "title": bank.title,
        "languages": bank.languages,
        "dimensions": {key: _dimension(dimension)
                       for key, dimension in bank.dimensions.items()},
        "items": [_item(content) for content in rows],
    }
    for key, value in (bank.settings or {}).items():
        document[key] = value
    recipes = _recipes(bank, session=session)
    if recipes:
        document["assessments"] = recipes
    return yaml.dump(_plain(document), Dumper=BankDumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False, width=88)
