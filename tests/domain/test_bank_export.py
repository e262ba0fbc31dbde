"""Bank export: the stored bank written back as a bank file the loader accepts."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from hiring.banks.exporter import export_bank
from hiring.banks.importer import import_bank
from hiring.banks.loader import load_bytes, load_path, parse_text

DATA = Path(__file__).parent.parent / "data"
SHIPPED = Path(__file__).parent.parent.parent / "question_banks" / "csr_core.yaml"


def mini_text() -> str:
    return (DATA / "mini_bank.yaml").read_text(encoding="utf-8")


def reimport(db, text: str) -> str:
    """Import a changed copy of the mini bank and return the export."""
    with db() as session:
        bank = import_bank(load_bytes(text.encode(), "changed.yaml"), session=session).bank
        return export_bank(bank, session=session)


def test_shipped_bank_round_trips(db):
    original = load_path(SHIPPED)
    with db() as session:
        bank = import_bank(original, session=session).bank
        exported = export_bank(bank, session=session)

    again = parse_text(exported, "export.yaml")
    assert again.header == original.header
    assert again.items == original.items
    assert [recipe["id"] for recipe in again.header["assessments"]] == ["csr", "csr-screening"]

    with db() as session:
        summary = import_bank(again, session=session)
    assert (summary.added, summary.revised, summary.retired) == (0, 0, 0)
    assert summary.unchanged == len(original.items)


def test_export_is_plain_readable_yaml(db):
    with db() as session:
        bank = import_bank(load_path(SHIPPED), session=session).bank
        exported = export_bank(bank, session=session)

    assert not re.search(r"(^|[:\-] )[!&*][\w!]", exported, re.MULTILINE)  # tags, anchors
    assert exported.startswith("format: 1\nid: csr_core\nversion: 3\n")
    first_item = exported.split("\nitems:\n", 1)[1].splitlines()[:6]
    assert [line.split(":")[0] for line in first_item] == [
        "  - id", "    type", "    dimension", "    facets", "    seed", "    weight"]
    assert "    facets: [empathy, apology, resolution]" in first_item
    assert "      en: >-" in exported  # long text folded, not quoted


def test_export_carries_the_current_revision_and_leaves_out_retired_items(db, bank):
    text = mini_text().replace("version: 1", "version: 2").replace(
        "text: {en: 'Option b of 2'", "text: {en: 'Option b of 2, revised'")
    start = text.index("  - id: sjt-4")
    text = text[:start] + text[text.index("  - id: num-1"):]

    exported = reimport(db, text)

    items = {item["id"]: item for item in parse_text(exported, "export.yaml").items}
    assert items["sjt-2"]["options"][1]["text"]["en"] == "Option b of 2, revised"
    assert "sjt-4" not in items
    assert list(items) == ["sjt-1", "sjt-2", "sjt-3", "num-1", "wr-1"]
    assert yaml.safe_load(exported)["version"] == 2


def test_unicode_survives_as_characters(db, bank):
    text = mini_text().replace("hr: Mala banka", "hr: Mala banka čćđšž ČĆĐŠŽ")

    exported = reimport(db, text)

    assert "čćđšž ČĆĐŠŽ" in exported
    assert "\\u" not in exported and "\\x" not in exported
    assert parse_text(exported, "export.yaml").header["title"]["hr"] == "Mala banka čćđšž ČĆĐŠŽ"


def test_multi_line_text_is_a_literal_block(db, bank):
    text = mini_text().replace(
        "stem: {en: 'Situation 1 in English.'",
        "stem: {en: \"First line.\\nSecond line.\"")

    exported = reimport(db, text)

    assert "en: |-\n" in exported
    items = parse_text(exported, "export.yaml").items
    assert items[0]["stem"]["en"] == "First line.\nSecond line."
