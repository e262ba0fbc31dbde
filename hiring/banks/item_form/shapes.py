"""What form field each field of an item type's content model needs."""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from hiring.items.types import ITEM_TYPES

# Node kinds. Leaves: LINE, NUMBER, INTEGER, CHECKBOX, SELECT, LIST (comma-separated),
# TEXT (one language of a translated text). Groups: TEXTS (a translated text), ENTRIES
# (a list of sub-items), NAMED (sub-items by name), LEVELS (texts for levels 1-5), ENTRY.
LINE, NUMBER, INTEGER, CHECKBOX, SELECT, LIST, TEXT = (
    "line", "number", "integer", "checkbox", "select", "list", "text")
TEXTS, ENTRIES, NAMED, LEVELS, ENTRY = "texts", "entries", "named", "levels", "entry"
LEVEL_RANGE = range(1, 6)  # rubric anchors are keyed 1..5


@dataclass(frozen=True)
class Shape:
    """What kind of form field a content field needs."""

    kind: str
    optional: bool = False
    model: type[BaseModel] | None = None  # ENTRIES, NAMED, ENTRY
    item: type | None = None  # LIST: str or float
    choices: tuple[str, ...] = ()  # SELECT
    inner: Shape | None = None  # LEVELS


def shape_of(annotation: Any) -> Shape:
    """Return the form shape of a pydantic field annotation."""
    optional = False
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        optional, annotation = True, args[0]
        origin = get_origin(annotation)
    if origin is Annotated:
        annotation = get_args(annotation)[0]
        origin = get_origin(annotation)
    if origin is Literal:
        return Shape(SELECT, optional, choices=tuple(get_args(annotation)))
    simple = {bool: CHECKBOX, int: INTEGER, float: NUMBER, str: LINE}
    if annotation in simple:
        return Shape(simple[annotation], optional)
    args = get_args(annotation)
    if origin is list and _is_model(args[0]):
        return Shape(ENTRIES, optional, model=args[0])
    if origin is list:
        return Shape(LIST, optional, item=args[0])
    if origin is dict and args[1] is str:
        return Shape(TEXTS, optional)  # a translated text: language -> text
    if origin is dict and args[0] is int:
        return Shape(LEVELS, optional, inner=shape_of(args[1]))
    if origin is dict and _is_model(args[1]):
        return Shape(NAMED, optional, model=args[1])
    raise TypeError(f"no form field for {annotation!r}")


def form_fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    """The fields of a content model that the form edits: all but those marked
    `json_schema_extra={"form": False}` (set by the product, such as a panel's keying)."""
    return [(name, info) for name, info in model.model_fields.items()
            if (info.json_schema_extra or {}).get("form", True)]


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def skeleton(item_type: str, languages: list[str]) -> dict:
    """Return a new item's starting content: defaults, empty texts in every language, and
    as many empty entries (options, criteria) as the type needs at least."""
    return {"type": item_type,
            **_blank_model(ITEM_TYPES[item_type].content_model, languages)}


def _blank_model(model: type[BaseModel], languages: list[str]) -> dict:
    content: dict[str, Any] = {}
    for name, info in form_fields(model):
        shape = shape_of(info.annotation)
        if info.default not in (PydanticUndefined, None):
            content[name] = info.default
        elif shape.kind == TEXTS:
            content[name] = {language: "" for language in languages}
        elif shape.kind == ENTRIES:
            least = next((m.min_length for m in info.metadata
                          if getattr(m, "min_length", None)), 1)
            content[name] = [_blank_entry(shape.model, languages, index)
                             for index in range(least)]
        elif shape.kind in (NAMED, LEVELS):
            content[name] = {}
    return content


def _blank_entry(model: type[BaseModel], languages: list[str], index: int) -> dict:
    entry = _blank_model(model, languages)
    if "id" in model.model_fields:
        entry["id"] = "abcdefghij"[index]
    return entry
