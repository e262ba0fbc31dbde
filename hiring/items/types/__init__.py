"""Item types: each renders its input, checks an answer and scores it with a pure function.

A new type is a subclass of ItemType registered with @register, in a module of its own;
everything else (the engine, the loader, the scorer, the simulated candidates, item
statistics, the profile, HR's pages) looks types up here and never branches on a name.
HR's pages list the types in the order they are registered.
"""

from hiring.items.types import sjt, numeric, choice, written, transcription  # noqa: E402,F401,I001 - registers, in this order
from hiring.items.types.base import (
    ITEM_TYPES,
    AnswerError,
    ItemType,
    get_type,
    register,
    type_names,
)

__all__ = ["ITEM_TYPES", "AnswerError", "ItemType", "get_type", "register", "type_names"]


def type_labels() -> dict[str, str]:
    """Each item type's name (as bank files write it) -> its label, untranslated."""
    return {name: item_type.label for name, item_type in ITEM_TYPES.items()}
