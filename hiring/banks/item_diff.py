"""Differences between two revisions of an item: changed fields, and changed words."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from hiring.items.messages import N_, Message

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
WORDS_FROM = 40  # characters: longer texts get a word-by-word comparison
WORDS_SIMILAR = 0.4  # ...when this much of them is alike; else they are simply replaced
SUMMARY_PATHS = 4  # paths named per kind in a one-line summary


@dataclass(frozen=True)
class Change:
    """One field that differs: its path, the old and the new value as text."""

    path: str
    kind: str
    old: str | None
    new: str | None
    # For long texts: (op, text) pieces; op is "equal", "delete" (old) or "insert" (new).
    old_words: tuple[tuple[str, str], ...] = ()
    new_words: tuple[tuple[str, str], ...] = ()


def leaves(content: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten content to {path: value}; lists of plain values stay one value."""
    if isinstance(content, dict) and content:
        pairs = content.items()
    elif isinstance(content, list) and content and any(
            isinstance(value, dict | list) for value in content):
        pairs = enumerate(content)
    else:
        return {prefix: content} if prefix else {}
    out: dict[str, Any] = {}
    for key, value in pairs:
        out.update(leaves(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def shown(value: Any) -> str:
    """Return a leaf value as a person reads it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if value is None or value == {}:
        return "(none)"
    return str(value)


def diff(old: dict, new: dict) -> list[Change]:
    """Return the fields that differ between two contents, in the content's order."""
    before, after = leaves(old), leaves(new)
    changes = []
    for path in _merged_order(before, after):
        if path not in before:
            changes.append(Change(path, ADDED, None, shown(after[path])))
        elif path not in after:
            changes.append(Change(path, REMOVED, shown(before[path]), None))
        elif before[path] != after[path]:
            old_text, new_text = shown(before[path]), shown(after[path])
            changes.append(Change(path, CHANGED, old_text, new_text,
                                  *_word_diff(old_text, new_text)))
    return changes


def _merged_order(before: dict, after: dict) -> list[str]:
    """Old paths in order, each new path right after the path that precedes it in new."""
    order = list(before)
    previous = None
    for path in after:
        if path not in before:
            order.insert(order.index(previous) + 1 if previous is not None else 0, path)
        previous = path
    return order


def _word_diff(old: str, new: str) -> tuple[tuple, tuple]:
    if max(len(old), len(new)) < WORDS_FROM:
        return (), ()
    if difflib.SequenceMatcher(None, old.split(), new.split()).ratio() < WORDS_SIMILAR:
        return (), ()
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    old_words, new_words = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            old_words.append(("equal", "".join(a[a1:a2])))
            new_words.append(("equal", "".join(b[b1:b2])))
            continue
        if a2 > a1:
            old_words.append(("delete", "".join(a[a1:a2])))
        if b2 > b1:
            new_words.append(("insert", "".join(b[b1:b2])))
    return tuple(old_words), tuple(new_words)


# What a revision changed, per kind of change: with the paths named, and with more not named.
PHRASES = {
    CHANGED: (N_("changed %(paths)s"), N_("changed %(paths)s and %(more)s more")),
    ADDED: (N_("added %(paths)s"), N_("added %(paths)s and %(more)s more")),
    REMOVED: (N_("removed %(paths)s"), N_("removed %(paths)s and %(more)s more")),
}


def summary_parts(old: dict | None, new: dict) -> list[Message]:
    """Say what changed from `old` to `new` (None: the first revision), a phrase per kind
    of change, each a Message the page shows in its language."""
    if old is None:
        return [Message(N_("First version"))]
    changes = diff(old, new)
    if not changes:
        return [Message(N_("No change in content"))]
    old_groups, new_groups = _groups(old), _groups(new)
    named: dict[str, list[str]] = {CHANGED: [], ADDED: [], REMOVED: []}
    for change in changes:
        # An entry added or removed as a whole is named once, not field by field.
        side = new_groups if change.kind == ADDED else old_groups
        other = old_groups if change.kind == ADDED else new_groups
        path = change.path
        if change.kind != CHANGED:
            parts = path.split(".")
            for end in range(1, len(parts)):
                prefix = ".".join(parts[:end])
                if prefix in side and prefix not in other:
                    path = prefix
                    break
        if path not in named[change.kind]:
            named[change.kind].append(path)
    phrases = []
    for kind, paths in named.items():
        if paths:
            more = len(paths) - SUMMARY_PATHS
            some, with_more = PHRASES[kind]
            shown = ", ".join(paths[:SUMMARY_PATHS])
            phrases.append(Message(with_more, paths=shown, more=more) if more > 0
                           else Message(some, paths=shown))
    return phrases


def summary(old: dict | None, new: dict) -> str:
    """Say in one line, in English, what changed from `old` to `new` (see summary_parts)."""
    return sentence(summary_parts(old, new))


def sentence(phrases: list[str]) -> str:
    """Join a summary's phrases into one line that starts with a capital."""
    line = "; ".join(phrases)
    return line[:1].upper() + line[1:]


def _groups(content: Any, prefix: str = "") -> set[str]:
    """Return the paths of every dict and list in the content."""
    found = {prefix} if prefix else set()
    if isinstance(content, dict):
        items = content.items()
    elif isinstance(content, list):
        items = enumerate(content)
    else:
        return set()
    for key, value in items:
        found |= _groups(value, f"{prefix}.{key}" if prefix else str(key))
    return found
