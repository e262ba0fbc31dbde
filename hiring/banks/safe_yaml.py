"""Read YAML from people we do not trust: no anchors or aliases, bounded depth and size.

A bank file or an item's YAML comes from an upload or the item editor. YAML aliases let a
few hundred bytes stand for billions of nodes (each level of `&a [*b, *b, ...]` multiplies
the one below), and deep nesting exhausts the recursion of the composer. The event stream
is read first, without building anything, and refused at the first alias, anchor, level
too deep or node too many; only then is the text composed and loaded."""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 40  # mappings and lists inside each other; a bank file needs about 10
MAX_NODES = 300_000  # scalars, mappings and lists; the shipped bank has about 30,000


class UnsafeYaml(ValueError):
    """The text is not YAML we read; `line` is where, 1-based."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 1


def check_events(text: str) -> None:
    """Walk the YAML events once; raise UnsafeYaml at the first thing we refuse."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise UnsafeYaml(f"aliases (*{event.anchor}) are not allowed; write the value "
                             "out in full", _line(event))
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise UnsafeYaml(f"anchors (&{event.anchor}) are not allowed; write the value "
                             "out in full", _line(event))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise UnsafeYaml(f"nested more than {MAX_DEPTH} levels deep", _line(event))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise UnsafeYaml(f"more than {MAX_NODES} values", _line(event))


def compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """Return the node tree (for line numbers) and the data of trusted-shape YAML.

    Raises UnsafeYaml for what check_events refuses and yaml.YAMLError for text that is
    not YAML at all."""
    check_events(text)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader
    except RecursionError:  # not reachable within MAX_DEPTH; never a traceback all the same
        raise UnsafeYaml("nested too deeply", 1) from None
    return node, data
