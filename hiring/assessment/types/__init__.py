"""Item types: each renders its input, checks an answer and scores it with a pure function.

A new type is a subclass of ItemType registered with @register; the engine, the loader
and the scorer look types up here and never branch on a type's name.
"""

from hiring.assessment.types import choice, numeric, sjt, transcription, written  # noqa: E402,F401,I001 - registers
from hiring.assessment.types.base import (
    ITEM_TYPES,
    AnswerError,
    ItemType,
    get_type,
    register,
)

__all__ = ["ITEM_TYPES", "AnswerError", "ItemType", "get_type", "register"]
