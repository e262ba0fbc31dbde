"""docs/bank-format.md describes every item type the code registers, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from hiring.items.types import ITEM_TYPES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "bank-format.md"


def test_the_item_type_table_and_sections_list_every_registered_type():
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("| type | what the candidate does |"):]
    table = table[:table.index("\n\n")]
    listed = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE)
    assert listed == list(ITEM_TYPES)  # every type, in the order HR's pages list them
    sections = re.findall(r"^### `([a-z_]+)`: ", text, flags=re.MULTILINE)
    assert sorted(sections) == sorted(ITEM_TYPES)


def test_the_document_points_only_to_files_in_the_repository():
    for name in re.findall(r"\b([A-Za-z_./-]+\.md)\b", DOC.read_text(encoding="utf-8")):
        assert (DOC.parent / name).exists() or (ROOT / name).exists(), \
            f"bank-format.md points to {name}, which is not in the repository"
