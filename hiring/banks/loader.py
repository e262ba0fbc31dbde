"""Read a bank file and report every problem with its file, line and field."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hiring.banks.cues import audit_bank
from hiring.banks.safe_yaml import UnsafeYaml, compose_and_load
from hiring.banks.schema import BankHeader
from hiring.items.messages import N_, Message
from hiring.items.types import ITEM_TYPES

MAX_BANK_BYTES = 5 * 1024 * 1024
# A bank's check (formulas are tried on hundreds of drawn parameter sets) must end in
# bounded time whatever the file holds; the shipped bank takes well under a second.
VALIDATION_SECONDS = 20


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field or '(file)'}: {self.message}"


@dataclass
class BankFile:
    """A validated bank: its header and its items' content, in file order."""

    source: str
    header: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.header["id"]


class BankInvalid(Exception):
    """The bank has problems; nothing was imported."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _lines(node: yaml.Node, path: tuple, out: dict[tuple, int], dupes: list) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _lines(value_node, path + (key,), out, dupes)
            # integer keys (rubric anchors) are looked up as ints by pydantic
            if isinstance(key, str) and key.isdigit():
                out[path + (int(key),)] = value_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _lines(child, path + (index,), out, dupes)


def _line_for(lines: dict[tuple, int], path: tuple) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _field(path: tuple) -> str:
    return ".".join(str(part) for part in path)


def parse_text(text: str, source: str, *, cue_audit: bool = True) -> BankFile:
    """Validate bank text; raise BankInvalid with every problem found.

    cue_audit=False skips the cue audit (for `bank stats`, which prints it instead)."""
    problems: list[Problem] = []

    def problem(path: tuple, message: str) -> None:
        problems.append(Problem(source, _line_for(lines, path), _field(path), message))

    lines: dict[tuple, int] = {}
    try:
        node, data = compose_and_load(text)
    except UnsafeYaml as exc:
        raise BankInvalid([Problem(source, exc.line, "", str(exc))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        detail = getattr(exc, "problem", None) or str(exc)
        raise BankInvalid([Problem(source, line, "", Message(N_("not valid YAML: %(detail)s"),
                                                              detail=detail))]) from None
    if node is None or not isinstance(data, dict):
        raise BankInvalid([Problem(source, 1, "",
                                   Message(N_("the file must be a YAML mapping")))])
    dupes: list = []
    _lines(node, (), lines, dupes)
    for path, line in dupes:
        problems.append(Problem(source, line, _field(path), Message(N_("key given twice"))))

    context = {"languages": data.get("languages") if isinstance(data.get("languages"), list)
               else []}
    header: dict[str, Any] = {}
    try:
        header = BankHeader.model_validate(data, context=context).model_dump(
            exclude={"items", "practice"})
    except ValidationError as exc:
        for error in exc.errors():
            problem(tuple(error["loc"]), error["msg"])
    items = data.get("items") if isinstance(data.get("items"), list) else []
    dimension_keys = set(data.get("dimensions") or {}) if isinstance(
        data.get("dimensions"), dict) else set()
    seen_ids: dict[str, int] = {}
    parsed: list[dict[str, Any]] = []
    deadline = time.monotonic() + VALIDATION_SECONDS
    for index, raw in enumerate(items):
        if time.monotonic() > deadline:
            problem(("items", index), f"validation stopped after {VALIDATION_SECONDS} s at "
                                      "this item: the file is too costly to check")
            break
        item = _parse_item(raw, ("items", index), context, dimension_keys, problem)
        if item is None:
            continue
        if item["id"] in seen_ids:
            problem(("items", index, "id"),
                    f"duplicate item id {item['id']!r} (first at item {seen_ids[item['id']]})")
        seen_ids.setdefault(item["id"], index)
        parsed.append(item)
    if header:
        header["practice"] = _parse_practice(data.get("practice"), context, dimension_keys,
                                             problem)
        _check_recipes(header, parsed, problem)
        if cue_audit:
            _check_cues(header, parsed, [seen_ids[item["id"]] for item in parsed], problem)
    if problems:
        problems.sort(key=lambda p: (p.line, p.field))
        raise BankInvalid(problems)
    return BankFile(source=source, header=header, items=parsed)


def _check_recipes(header: dict, items: list[dict], problem) -> None:
    """Check every shipped assessment can be drawn from the bank's items."""
    for a_index, recipe in enumerate(header.get("assessments", [])):
        for language in recipe.get("languages") or []:
            if language not in header["languages"]:
                problem(("assessments", a_index, "languages"),
                        f"{language!r} is not one of the bank's languages")
        used: dict[tuple, int] = {}
        for s_index, section in enumerate(recipe["sections"]):
            path = ("assessments", a_index, "sections", s_index)
            if section.get("type") and section["type"] not in ITEM_TYPES:
                problem(path + ("type",), f"unknown item type {section['type']!r}")
                continue
            if section.get("dimension") and section["dimension"] not in header["dimensions"]:
                problem(path + ("dimension",), f"unknown dimension {section['dimension']!r}")
                continue
            key = (section.get("type"), section.get("dimension"))
            used[key] = used.get(key, 0) + section["count"]
            have = sum(1 for item in items
                       if section.get("type") in (None, item["type"])
                       and section.get("dimension") in (None, item["dimension"]))
            if used[key] > have:
                problem(path + ("count",), f"asks for {used[key]} items but the bank has "
                                           f"{have} that match")


def _check_cues(header: dict, items: list[dict], indexes: list[int], problem) -> None:
    """Refuse situational items whose surface gives their key away (hiring.banks.cues)."""
    for audit in audit_bank(header, items):
        for position, message in audit.problems:
            path = ("items", indexes[position]) if position >= 0 else ("items",)
            if position >= 0:
                message = f"{items[position]['id']}: {message}"
            problem(path, message)


def _parse_practice(raw: Any, context: dict, dimension_keys: set, problem
                    ) -> list[dict[str, Any]]:
    """Validate the practice items like any item; they are kept apart and never scored."""
    practice: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw if isinstance(raw, list) else []):
        item = _parse_item(entry, ("practice", index), context, dimension_keys, problem)
        if item is None:
            continue
        if item["id"] in seen:
            problem(("practice", index, "id"), f"duplicate practice item id {item['id']!r}")
        seen.add(item["id"])
        practice.append(item)
    return practice


def _parse_item(raw: Any, path: tuple, context: dict, dimension_keys: set, problem
                ) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problem(path, "an item must be a mapping")
        return None
    item_type = ITEM_TYPES.get(raw.get("type"))
    if item_type is None:
        known = ", ".join(sorted(ITEM_TYPES))
        problem(path + ("type",), f"unknown item type {raw.get('type')!r} (known: {known})")
        return None
    try:
        content = item_type.content_model.model_validate(raw, context=context)
    except ValidationError as exc:
        for error in exc.errors():
            problem(path + tuple(error["loc"]), error["msg"])
        return None
    item = content.model_dump(mode="json", exclude_none=True)
    if dimension_keys and item["dimension"] not in dimension_keys:
        problem(path + ("dimension",), f"unknown dimension {item['dimension']!r}")
    for sub_path, message in item_type.check(item):
        problem(path + tuple(sub_path), message)
    return item


def load_path(path: str | Path, *, cue_audit: bool = True) -> BankFile:
    """Read and validate a bank file; raise BankInvalid with every problem found."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BankInvalid([Problem(str(path), 1, "", f"cannot read: {exc.strerror}")]) from None
    if size > MAX_BANK_BYTES:
        raise BankInvalid([Problem(str(path), 1, "",
                                   f"file too large ({size} bytes; at most {MAX_BANK_BYTES})")])
    return load_bytes(path.read_bytes(), str(path), cue_audit=cue_audit)


def load_bytes(content: bytes, source: str, *, cue_audit: bool = True) -> BankFile:
    """Validate uploaded bank bytes."""
    if len(content) > MAX_BANK_BYTES:
        raise BankInvalid([Problem(source, 1, "", Message(
            N_("file too large (at most %(max)s bytes)"), max=MAX_BANK_BYTES))])
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise BankInvalid([Problem(source, line, "", Message(
            N_("the file is not UTF-8 text")))]) from None
    if "\x00" in text:
        raise BankInvalid([Problem(source, 1, "", Message(N_("the file contains NUL bytes")))])
    return parse_text(text, source, cue_audit=cue_audit)


def bank_paths(path: str | Path) -> list[Path]:
    """Return the bank files at a path: the file itself, or the YAML files in a folder."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    return [path]
