"""Form to content: posted fields back into raw content for validation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from hiring.banks.item_form.shapes import (
    CHECKBOX,
    ENTRIES,
    INTEGER,
    LEVELS,
    LIST,
    NAMED,
    NUMBER,
    TEXTS,
    Shape,
    form_fields,
    shape_of,
)
from hiring.items.types import ITEM_TYPES


def read_form(item_type: str, form: Mapping[str, str]) -> tuple[dict, list[tuple[tuple, str]]]:
    """Turn posted fields into raw content; return it with problems only the form can have
    (as content paths, like the validation's).

    Blank entries and entries ticked for removal are dropped; numbers that do not parse
    are kept as text so that validation reports them at their field."""
    problems: list[tuple[str, str]] = []
    raw = _read_model(ITEM_TYPES[item_type].content_model, form, "", problems)
    return raw, problems


def _read_model(model: type[BaseModel], form: Mapping[str, str], prefix: str,
                problems: list) -> dict:
    raw: dict[str, Any] = {}
    for name, info in form_fields(model):
        shape = shape_of(info.annotation)
        may_omit = shape.optional or not info.is_required()
        value = _read(prefix + name, shape, form, problems)
        if value is _ABSENT or (may_omit and _is_blank(value) and shape.kind != CHECKBOX):
            continue
        raw[name] = value
    return raw


_ABSENT = object()


def _read(name: str, shape: Shape, form: Mapping[str, str], problems: list) -> Any:
    if shape.kind == CHECKBOX:
        checked = form.get(name) not in (None, "")
        # an optional flag left unticked is left out, as it is in the bank file
        return checked if checked or not shape.optional else _ABSENT
    if shape.kind == TEXTS:
        languages = _children(name, form)
        if not languages:
            return _ABSENT
        return {language: form[f"{name}.{language}"].replace("\r\n", "\n")
                for language in languages if f"{name}.{language}" in form}
    if shape.kind == LEVELS:
        levels = {}
        for level in sorted({int(key) for key in _children(name, form) if key.isdecimal()}):
            texts = _read(f"{name}.{level}", shape.inner, form, problems)
            if texts is not _ABSENT and not _is_blank(texts):
                levels[level] = texts
        return levels
    if shape.kind in (ENTRIES, NAMED):
        return _read_entries(name, shape, form, problems)
    if name not in form:
        return _ABSENT
    text = form[name].strip()
    if shape.kind in (INTEGER, NUMBER):
        return _number(text, int if shape.kind == INTEGER else float) if text else _ABSENT
    if shape.kind == LIST:
        parts = [part.strip() for part in text.split(",") if part.strip()]
        return [_number(part, float) for part in parts] if shape.item is float else parts
    return text if text else _ABSENT


def _read_entries(name: str, shape: Shape, form: Mapping[str, str], problems: list) -> Any:
    indices = sorted({int(key) for key in _children(name, form) if key.isdecimal()})
    entries: list = []
    named: dict[str, Any] = {}
    for index in indices:
        prefix = f"{name}.{index}"
        if form.get(f"{prefix}._remove"):
            continue
        entry = _read_model(shape.model, form, prefix + ".", problems)
        entry_name = (form.get(f"{prefix}._name") or "").strip()
        if _is_blank(entry) and not entry_name:
            continue  # the "add another" entry, left empty
        if shape.kind == ENTRIES:
            entries.append(entry)
            continue
        # A nameless or repeated name is kept under a stand-in, so the entry stays in
        # the form shown again with the problem.
        if entry_name in named:
            problems.append((_path(name) + (f"{entry_name}_{index}", "_name"),
                             f"The name {entry_name!r} is given twice."))
            entry_name = f"{entry_name}_{index}"
        elif not entry_name:
            problems.append((_path(name) + ("", "_name"), "Give it a name."))
        named[entry_name] = entry
    if not indices:
        return _ABSENT
    return entries if shape.kind == ENTRIES else named


def _path(name: str) -> tuple:
    return tuple(int(part) if part.isdecimal() else part for part in name.split("."))


def _children(name: str, form: Mapping[str, str]) -> list[str]:
    """Return the distinct next path segments under `name` among the posted fields."""
    start = name + "."
    return list(dict.fromkeys(key[len(start):].split(".")[0] for key in form
                              if key.startswith(start)))


def _number(text: str, kind: type) -> Any:
    try:
        return kind(text)
    except ValueError:
        return text  # validation reports it at its field


def _is_blank(value: Any) -> bool:
    if value is None or value is _ABSENT:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, bool):
        return not value
    if isinstance(value, dict):
        return all(_is_blank(v) for v in value.values())
    if isinstance(value, list):
        return all(_is_blank(v) for v in value)
    return False
