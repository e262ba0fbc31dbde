"""Store a validated bank: new items, new revisions of changed ones, retire removed ones."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlmodel import Session, select

from hiring.banks.loader import BankFile
from hiring.models import Bank, Item, ItemRevision, utcnow


@dataclass(frozen=True)
class ImportSummary:
    bank: Bank
    added: int
    revised: int
    unchanged: int
    retired: int

    def __str__(self) -> str:
        return (f"{self.bank.slug} v{self.bank.version}: {self.added} added, "
                f"{self.revised} revised, {self.unchanged} unchanged, {self.retired} retired")


def content_hash(content: dict) -> str:
    """Return a stable hash of an item's content."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_bank(bank_file: BankFile, *, session: Session, author: str = "import"
                ) -> ImportSummary:
    """Store a validated bank; flush, never commit."""
    header = bank_file.header
    bank = session.exec(select(Bank).where(Bank.slug == header["id"])).first()
    if bank is None:
        bank = Bank(slug=header["id"], version=header["version"], title=header["title"],
                    languages=header["languages"], dimensions=header["dimensions"],
                    source_name=bank_file.source)
        session.add(bank)
        session.flush()
    else:
        bank.version = header["version"]
        bank.title = header["title"]
        bank.languages = header["languages"]
        bank.dimensions = header["dimensions"]
        bank.source_name = bank_file.source
        bank.imported_at = utcnow()

    existing = {item.key: item for item in session.exec(
        select(Item).where(Item.bank_id == bank.id))}
    added = revised = unchanged = 0
    for content in bank_file.items:
        digest = content_hash(content)
        item = existing.pop(content["id"], None)
        if item is None:
            item = Item(bank_id=bank.id, key=content["id"], type=content["type"],
                        dimension=content["dimension"], current_revision=1)
            session.add(item)
            session.flush()
            session.add(ItemRevision(item_id=item.id, number=1, content=content,
                                     content_hash=digest, created_by=author))
            added += 1
            continue
        current = session.exec(select(ItemRevision).where(
            ItemRevision.item_id == item.id,
            ItemRevision.number == item.current_revision)).one()
        if current.content_hash == digest and not item.retired:
            unchanged += 1
            continue
        if current.content_hash != digest:
            item.current_revision += 1
            session.add(ItemRevision(item_id=item.id, number=item.current_revision,
                                     content=content, content_hash=digest, created_by=author))
        item.type, item.dimension, item.retired = content["type"], content["dimension"], False
        revised += 1
    newly_retired = [item for item in existing.values() if not item.retired]
    for item in newly_retired:
        item.retired = True
    session.flush()
    return ImportSummary(bank, added, revised, unchanged, len(newly_retired))
