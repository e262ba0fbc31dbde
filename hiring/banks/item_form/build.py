"""Content to form: the nodes a template renders, and problems put on their fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from hiring.banks.item_form.shapes import (
    CHECKBOX,
    ENTRIES,
    ENTRY,
    LEVEL_RANGE,
    LEVELS,
    LINE,
    LIST,
    NAMED,
    SELECT,
    TEXT,
    TEXTS,
    Shape,
    form_fields,
    shape_of,
)
from hiring.items.messages import N_, Message
from hiring.items.types import ITEM_TYPES

MISSING = "Missing translation: "  # the start of the validation's message

# Every field's label, and the hints of some; the web layer shows them in the reader's
# language (hiring.items.messages.shown).
LABELS = {
    "id": N_("Id"), "type": N_("Type"), "seed": N_("Seed article"), "stem": N_("Question"),
    "key": N_("Effectiveness key"), "params": N_("Parameters"),
    "multiple": N_("Several answers are correct"), "customer_name": N_("Customer's name"),
    "min_words": N_("Minimum words"), "max_words": N_("Maximum words"),
    "duration_seconds": N_("Duration (seconds)"), "min": N_("Minimum"), "max": N_("Maximum"),
    "step": N_("Step"), "anchors": N_("Anchors"), "choices": N_("Choices"),
    "correct": N_("Correct"), "decimals": N_("Decimals"), "dimension": N_("Dimension"),
    "explanation": N_("Explanation"), "facets": N_("Facets"), "fixed_order": N_("Fixed order"),
    "format": N_("Format"), "formula": N_("Formula"), "name": N_("Name"),
    "options": N_("Options"), "passage": N_("Passage"), "prompt": N_("Prompt"),
    "rationale": N_("Rationale"), "rubric": N_("Rubric"), "text": N_("Text"),
    "tolerance": N_("Tolerance"), "unit": N_("Unit"), "weight": N_("Weight"),
}
HINTS = {
    "id": N_("Letters, digits, - and _; unique in the bank; cannot be changed later."),
    "facets": N_("Comma-separated tags, e.g. empathy, apology."),
    "seed": N_("The number of the seed article the item is grounded in, e.g. 002."),
    "weight": N_("How much the item counts in its dimension (default 1)."),
    "format": N_("best: choose the best option; best_worst: choose the best and the worst."),
    "key": N_("1 (least effective) to 5 (most effective)."),
    "formula": N_("Arithmetic over the parameters, e.g. price * months."),
    "tolerance": N_("How far an answer may be from the correct one."),
    "choices": N_("Comma-separated values; or give minimum, maximum and step instead."),
    "customer_name": N_("The name a good reply uses (for the writing indicators)."),
}
ENTRY_HINTS = {"id": N_("Letters, digits, - and _; unique within the item.")}
# An entry's label (%(name)s: its name or number) and the empty entry's, per field.
ENTRY_LABELS = {
    "options": (N_("Option %(name)s"), N_("Add another option")),
    "rubric": (N_("Criterion %(name)s"), N_("Add another criterion")),
    "params": (N_("Parameter %(name)s"), N_("Add another parameter")),
}
OTHER_ENTRY = (N_("Entry %(name)s"), N_("Add another entry"))


@dataclass
class Node:
    """One field or group of the form."""

    name: str
    label: str
    kind: str
    value: Any = None
    children: list[Node] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    readonly: bool = False
    required: bool = False
    hint: str = ""
    blank: bool = False  # the empty entry offered to add another
    errors: list[str] = field(default_factory=list)
    missing: bool = False  # a translation the validation asks for

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(child.has_errors for child in self.children)


def _label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class _Context:
    languages: list[str]
    dimensions: list[tuple[str, str]]
    new: bool


def build_form(item_type: str, content: dict, *, languages: list[str],
               dimensions: Mapping[str, str], new: bool = False) -> list[Node]:
    """Return the form of an item's content; dimensions map keys to their names."""
    context = _Context(list(languages), list(dimensions.items()), new)
    return _model_nodes(ITEM_TYPES[item_type].content_model, content, "", context, True)


def _model_nodes(model: type[BaseModel], values: Any, prefix: str, context: _Context,
                 defaults: bool) -> list[Node]:
    values = values if isinstance(values, dict) else {}
    nodes = []
    for name, info in form_fields(model):
        value = values.get(name)
        if value is None and defaults and info.default not in (PydanticUndefined, None):
            value = info.default
        node = _node(prefix + name, name, shape_of(info.annotation), value, context, defaults)
        node.required = info.is_required()
        if prefix:
            node.hint = ENTRY_HINTS.get(name, node.hint)
        else:
            _top_level(node, name, context)
        nodes.append(node)
    return nodes


def _top_level(node: Node, name: str, context: _Context) -> None:
    if name == "type" or (name == "id" and not context.new):
        node.readonly, node.hint = True, ""
    if name == "dimension":
        node.kind = SELECT
        node.choices = list(context.dimensions)
        if node.value and node.value not in dict(context.dimensions):
            node.choices.append((node.value, Message(N_("%(value)s (not in this bank)"),
                                                     value=node.value)))
        if not node.value:
            node.choices.insert(0, ("", Message(N_("Choose a dimension"))))


def _node(name: str, field_name: str, shape: Shape, value: Any, context: _Context,
          defaults: bool) -> Node:
    node = Node(name, _label(field_name), shape.kind, hint=HINTS.get(field_name, ""))
    if shape.kind == SELECT:
        node.choices = [(choice, choice) for choice in shape.choices]
        if shape.optional:  # left unset, as an entry left empty must read
            node.choices.insert(0, ("", "—"))
        node.value = "" if value is None else str(value)
    elif shape.kind == CHECKBOX:
        node.value = bool(value)
    elif shape.kind == LIST:
        node.value = ", ".join(str(v) for v in value) if isinstance(value, list) else (
            value or "")
    elif shape.kind == TEXTS:
        node.children = _texts(name, value, context)
    elif shape.kind == LEVELS:
        value = value if isinstance(value, dict) else {}
        node.children = [_level(name, level, value.get(level, value.get(str(level))), context)
                         for level in LEVEL_RANGE]
    elif shape.kind in (ENTRIES, NAMED):
        node.children = _entries(name, field_name, shape, value, context)
    else:
        node.value = "" if value is None or isinstance(value, dict | list) else value
    return node


def _texts(name: str, value: Any, context: _Context) -> list[Node]:
    value = value if isinstance(value, dict) else {}
    # A translation in a language the bank no longer lists is kept, not dropped.
    languages = list(dict.fromkeys([*context.languages, *value]))
    return [Node(f"{name}.{language}", language, TEXT, value=str(value.get(language) or ""))
            for language in languages]


def _level(name: str, level: int, value: Any, context: _Context) -> Node:
    return Node(f"{name}.{level}", Message(N_("Level %(level)s"), level=level), TEXTS,
                children=_texts(f"{name}.{level}", value, context))


def _entries(name: str, field_name: str, shape: Shape, value: Any, context: _Context
             ) -> list[Node]:
    named_label, blank_label = ENTRY_LABELS.get(field_name, OTHER_ENTRY)
    if shape.kind == NAMED:
        pairs = list(value.items()) if isinstance(value, dict) else []
    else:
        pairs = [(None, entry) for entry in value] if isinstance(value, list) else []
    entries = []
    for index, (entry_name, entry) in enumerate([*pairs, (None, None)]):
        prefix = f"{name}.{index}"
        blank = index == len(pairs)
        label = (Message(blank_label) if blank else
                 Message(named_label, name=entry_name or index + 1))
        children = _model_nodes(shape.model, entry, prefix + ".", context, not blank)
        if shape.kind == NAMED:
            children.insert(0, Node(f"{prefix}._name", N_("Name"), LINE,
                                    value=entry_name or "", required=True,
                                    hint=N_("Used as {name} in the texts and the formula.")))
        entries.append(Node(prefix, label, ENTRY, children=children, blank=blank))
    return entries


def field_name(item_type: str, raw: dict, path: tuple) -> str:
    """Return the form field a validation problem's path points at, in a form of `raw`."""
    parts: list[str] = []
    shape: Shape | None = Shape(ENTRY, model=ITEM_TYPES[item_type].content_model)
    value: Any = raw
    for element in path:
        if shape is None:
            parts.append(str(element))
            continue
        if shape.kind == ENTRY:
            info = shape.model.model_fields.get(element) if isinstance(element, str) else None
            shape = shape_of(info.annotation) if info else None
            value = value.get(element) if isinstance(value, dict) else None
            parts.append(str(element))
        elif shape.kind == NAMED:
            keys = list(value) if isinstance(value, dict) else []
            parts.append(str(keys.index(element)) if element in keys else str(element))
            value = value.get(element) if isinstance(value, dict) else None
            shape = Shape(ENTRY, model=shape.model)
        elif shape.kind == ENTRIES:
            parts.append(str(element))
            value = value[element] if isinstance(value, list) and isinstance(
                element, int) and 0 <= element < len(value) else None
            shape = Shape(ENTRY, model=shape.model)
        elif shape.kind == LEVELS:
            parts.append(str(element))
            shape = shape.inner
        else:
            parts.append(str(element))
            shape = None
    return ".".join(parts)


def attach(nodes: list[Node], problems: list[tuple[str, str]]
           ) -> list[tuple[str, str, str | None]]:
    """Put each problem on the deepest field it names; return (where, message, dom id)."""
    summary = []
    for name, message in problems:
        trail: list[Node] = []
        _find(nodes, name, trail)
        if trail:
            trail[-1].errors.append(message)
            if trail[-1].kind == TEXTS and message.startswith(MISSING):
                languages = message.removeprefix(MISSING).split(", ")
                for child in trail[-1].children:
                    child.missing = child.missing or child.label in languages
            summary.append((" › ".join(node.label for node in trail), message,
                            trail[-1].dom_id))
        else:
            summary.append(("Item" if not name else name, message, None))
    return summary


def runs(nodes: list[Node]) -> list[tuple[bool, list[Node]]]:
    """Split nodes into runs of short fields (shown side by side) and single groups."""
    out: list[tuple[bool, list[Node]]] = []
    for node in nodes:
        short = node.kind not in (TEXTS, ENTRIES, NAMED, LEVELS, ENTRY)
        if short and out and out[-1][0]:
            out[-1][1].append(node)
        else:
            out.append((short, [node]))
    return out


def _find(nodes: list[Node], name: str, trail: list[Node]) -> None:
    for node in nodes:
        if name == node.name or name.startswith(node.name + "."):
            trail.append(node)
            _find(node.children, name, trail)
            return
