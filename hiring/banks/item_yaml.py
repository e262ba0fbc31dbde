"""One item as YAML, for people who prefer to edit the text of the bank file."""

from __future__ import annotations

from typing import Any

import yaml

from hiring.banks.editing import validate
from hiring.banks.exporter import BankDumper
from hiring.banks.loader import Problem, _field, _line_for, _lines
from hiring.banks.safe_yaml import UnsafeYaml, compose_and_load
from hiring.items.types import ITEM_TYPES
from hiring.models import Bank

MAX_CHARS = 100_000
SOURCE = "item"


def to_yaml(content: dict) -> str:
    """Return an item's content as the bank file writes it, keys in the schema's order."""
    item_type = ITEM_TYPES.get(content.get("type"))
    order = list(item_type.content_model.model_fields) if item_type else []
    ranked = sorted(content, key=lambda k: order.index(k) if k in order else len(order))
    return yaml.dump(_numbers_as_keys({key: content[key] for key in ranked}), Dumper=BankDumper,
                     sort_keys=False, allow_unicode=True, default_flow_style=False, width=88)


def _numbers_as_keys(value: Any) -> Any:
    """Write rubric levels stored as "1".."5" as the numbers the bank file uses."""
    if isinstance(value, dict):
        return {int(k) if isinstance(k, str) and k.isdecimal() else k: _numbers_as_keys(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_keys(v) for v in value]
    return value


def from_yaml(text: str, *, bank: Bank, item_type: str, key: str
              ) -> tuple[dict | None, list[Problem]]:
    """Validate an item's YAML as the loader would; the id and type must stay as they are.

    Return the content (None when there are problems) and the problems with their line."""
    if len(text) > MAX_CHARS:
        return None, [Problem(SOURCE, 1, "", f"too long (at most {MAX_CHARS} characters)")]
    text = text.replace("\r\n", "\n")
    try:
        node, raw = compose_and_load(text)
    except UnsafeYaml as exc:
        return None, [Problem(SOURCE, exc.line, "", str(exc))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(SOURCE, mark.line + 1 if mark else 1, "",
                              f"not valid YAML: {detail}")]
    if node is None or not isinstance(raw, dict):
        return None, [Problem(SOURCE, 1, "", "the item must be a YAML mapping")]
    lines: dict[tuple, int] = {}
    dupes: list = []
    _lines(node, (), lines, dupes)
    problems = [Problem(SOURCE, line, _field(path), "key given twice") for path, line in dupes]
    for name, expected in (("id", key), ("type", item_type)):
        if raw.get(name) != expected:
            problems.append(Problem(SOURCE, _line_for(lines, (name,)), name,
                                    f"must stay {expected!r}: an item's {name} cannot change"))
    if problems:
        return None, problems
    content, found = validate(raw, bank=bank)
    problems = [Problem(SOURCE, _line_for(lines, path), _field(path), message)
                for path, message in found]
    problems.sort(key=lambda p: (p.line, p.field))
    return content, problems
