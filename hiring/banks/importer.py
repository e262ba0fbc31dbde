"""Store a validated bank: new items, new revisions of changed ones, retire removed ones."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from hiring import rights
from hiring.banks.loader import BankFile
from hiring.banks.schema import Thresholds
from hiring.models import Assessment, Attempt, Bank, Item, ItemRevision, utcnow


@dataclass(frozen=True)
class ImportSummary:
    bank: Bank
    added: int
    revised: int
    unchanged: int
    retired: int
    assessments: list[Assessment] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.bank.slug} v{self.bank.version}: {self.added} added, "
                f"{self.revised} revised, {self.unchanged} unchanged, {self.retired} retired"
                + (f"; assessments: {', '.join(a.name for a in self.assessments)}"
                   if self.assessments else ""))


LEGACY_STRENGTH_LOW = 55.0  # the default of a threshold that no longer decides anything


def content_hash(content: dict) -> str:
    """Return a stable hash of an item's content."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _settings(header: dict) -> dict | None:
    """The bank file's settings kept with the bank (exported back as they were)."""
    settings = {key: header[key] for key in ("cue_audit", "practice") if header.get(key)}
    return settings or None


def import_bank(bank_file: BankFile, *, session: Session, author: str = "import"
                ) -> ImportSummary:
    """Store a validated bank; flush, never commit."""
    header = bank_file.header
    bank = session.exec(select(Bank).where(Bank.slug == header["id"])).first()
    if bank is None:
        bank = Bank(slug=header["id"], version=header["version"], title=header["title"],
                    languages=header["languages"], dimensions=header["dimensions"],
                    source_name=bank_file.source, settings=_settings(header))
        session.add(bank)
        session.flush()
    else:
        bank.version = header["version"]
        bank.title = header["title"]
        bank.languages = header["languages"]
        bank.dimensions = header["dimensions"]
        bank.source_name = bank_file.source
        bank.settings = _settings(header)
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
    recipes = [store_recipe(bank, recipe, session=session)
               for recipe in header.get("assessments", [])]
    return ImportSummary(bank, added, revised, unchanged, len(newly_retired), recipes)


def store_recipe(bank: Bank, recipe: dict, *, session: Session) -> Assessment:
    """Create or update a bank's ready-made assessment.

    An assessment that candidates have already taken is never changed under them: a
    changed recipe then becomes a new version (a new row with the same key; the old row
    points at it). The recipe's hash is kept in the settings, so importing an unchanged
    file again leaves alone whatever HR has since changed in the browser."""
    sections = [{k: v for k, v in s.items() if v is not None} for s in recipe["sections"]]
    values = {
        "name": recipe["name"].get("en") or next(iter(recipe["name"].values())),
        "titles": recipe["name"], "language": (recipe.get("languages") or bank.languages)[0],
        "languages": recipe.get("languages"),
        "time_limit_minutes": recipe["time_limit_minutes"],
        "grace_seconds": recipe["grace_seconds"], "shuffle": recipe["shuffle"],
        "settings": {"typing_target_wpm": recipe["typing_target_wpm"],
                     **recipe.get("thresholds", {})},
        "sections": sections,
    }
    digest = content_hash(values)
    # Recipes imported while thresholds held strength_low hashed it too: 55 unless the
    # file set another value (the schema now drops it; such a recipe counts as changed).
    legacy = content_hash({**values, "settings": {**values["settings"],
                                                  "strength_low": LEGACY_STRENGTH_LOW}})
    values["settings"]["recipe_hash"] = digest
    current = session.exec(select(Assessment).where(
        Assessment.bank_id == bank.id, Assessment.key == recipe["id"])
        .order_by(col(Assessment.id).desc())).first()
    if current is not None:
        stored_hash = (current.settings or {}).get("recipe_hash")
        if stored_hash in (digest, legacy):
            return current  # the file has not changed since it was imported
        if stored_hash is None and _same(current, values):
            return current
    taken = current is not None and session.exec(select(Attempt.id).where(
        Attempt.assessment_id == current.id)).first() is not None
    if current is None or taken:
        previous = current
        current = Assessment(bank_id=bank.id, key=recipe["id"],
                             version=previous.version + 1 if previous else 1, **values)
        session.add(current)
        session.flush()
        if previous is not None:
            previous.replaced_by_id = current.id
            rights.carry_over(previous.id, current.id, session=session)
    else:
        for key, value in values.items():
            setattr(current, key, value)
    session.flush()
    return current


def _same(assessment: Assessment, values: dict) -> bool:
    """Tell whether a row made before recipe hashes were kept holds these values."""
    settings = {k: v for k, v in values["settings"].items() if k != "recipe_hash"}
    stored = {**Thresholds().model_dump(),  # rows made then held the default thresholds
              **{k: v for k, v in (assessment.settings or {}).items()
                 if k not in ("recipe_hash", "strength_low")}}
    return stored == settings and all(getattr(assessment, k) == v for k, v in values.items()
                                      if k != "settings")
