"""Panels run on paper: a round's ratings as CSV, a blank template, and importing a CSV.

An import checks every row first (the expert, the item and option of this round, a
rating 1-5, no row twice) and stores nothing until all rows are fine. Experts named in
the file who are not yet in the round become "paper" experts, who have no link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from hiring import audit
from hiring.csv_cells import FORMULA_STARTS, safe_cell
from hiring.items.types.base import translate
from hiring.keying import experts as expert_domain
from hiring.keying.results import round_ratings
from hiring.keying.rounds import Actor, KeyingError, RoundItem, require_open, round_items
from hiring.models import Bank, ExpertKind, KeyingExpert, KeyingRound

COLUMNS = ("expert", "item", "option", "rating")
TEMPLATE_COLUMNS = (*COLUMNS, "option_text")  # the text helps on paper; import ignores it
MAX_ROWS = 20_000


class PaperInvalid(KeyingError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class PaperRow:
    line: int
    expert: str
    item: str
    option: str
    rating: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class PaperImport:
    rows: list[PaperRow]  # the rows with a rating
    new_experts: list[str]  # names not yet in the round: created as paper experts
    skipped: int  # rows without a rating (a template's blank rows)

    @property
    def bad(self) -> list[PaperRow]:
        return [row for row in self.rows if row.problems]


def _write(rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def export_csv(round_: KeyingRound, *, session: Session) -> str:
    """Return every rating of the round: expert, item, option, rating."""
    items = round_items(round_, session=session)
    ratings = round_ratings(round_, session=session)
    names = {str(e.id): e.name for e in expert_domain.experts_of(round_, session=session)}
    rows = [COLUMNS]
    for expert_id, name in names.items():
        for item in items:
            given = ratings.get(item.item.id, {}).get(expert_id, {})
            rows += [(name, item.key, option, given[option])
                     for option in item.option_ids if option in given]
    return _write(rows)


def template_csv(round_: KeyingRound, *, session: Session) -> str:
    """Return a blank form: one row per item and option, the expert and rating to fill in."""
    language = session.get(Bank, round_.bank_id).languages[0]
    rows: list[Iterable] = [TEMPLATE_COLUMNS]
    for item in round_items(round_, session=session):
        rows += [("", item.key, option["id"], "", translate(option["text"], language))
                 for option in item.content["options"]]
    return _write(rows)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PaperInvalid("The file is not UTF-8 text; save it as CSV UTF-8.") from None
    if "\x00" in text:
        raise PaperInvalid("The file contains NUL bytes; it is not a CSV file.")
    return text


def _unguard(text: str) -> str:
    """Undo the quote our exports put before text a spreadsheet would run as a formula."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text


def _reader(text: str) -> csv.DictReader:
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise PaperInvalid("The first line must name the columns "
                           f"{', '.join(COLUMNS)}; missing: {', '.join(missing)}.")
    reader.fieldnames = header
    return reader


def _check(row: PaperRow, raw_rating: str, items: dict[str, RoundItem],
           known: dict[str, KeyingExpert]) -> None:
    if not row.expert:
        row.problems.append("the expert is missing")
    elif len(row.expert) > expert_domain.MAX_NAME:
        row.problems.append(f"the expert's name is longer than {expert_domain.MAX_NAME} "
                            "characters")
    elif (found := known.get(row.expert.casefold())) and found.kind != ExpertKind.PAPER:
        how = "rates through their link" if found.kind == ExpertKind.LINK else "is simulated"
        row.problems.append(f"{found.name} {how}; paper ratings need another name")
    item = items.get(row.item)
    if item is None:
        row.problems.append(f"unknown item {row.item!r}: not in this round" if row.item
                            else "the item is missing")
    elif row.option not in item.option_ids:
        row.problems.append(f"item {row.item} has no option {row.option!r} (it has "
                            f"{', '.join(item.option_ids)})")
    if raw_rating.isdecimal() and int(raw_rating) in expert_domain.RATINGS:
        row.rating = int(raw_rating)
    else:
        row.problems.append(f"the rating {raw_rating!r} is not a whole number from 1 to 5")


def read_csv(data: bytes, round_: KeyingRound, *, session: Session) -> PaperImport:
    """Parse and check every row; nothing is stored."""
    require_open(round_)
    reader = _reader(_decode(data))
    items = {item.key: item for item in round_items(round_, session=session)}
    known = {e.name.casefold(): e for e in expert_domain.experts_of(round_, session=session)}
    rows: list[PaperRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    skipped = 0
    for record in reader:
        if len(rows) + skipped >= MAX_ROWS:
            raise PaperInvalid(f"At most {MAX_ROWS} rows at a time.")
        values = {k: _unguard((v or "").strip()) for k, v in record.items()
                  if isinstance(k, str) and isinstance(v, str | None)}
        if not values.get("rating"):
            skipped += 1  # a blank row, or an option this expert did not rate
            continue
        row = PaperRow(reader.line_num, " ".join(values.get("expert", "").split()),
                       values.get("item", ""), values.get("option", ""))
        _check(row, values["rating"], items, known)
        identity = (row.expert.casefold(), row.item, row.option)
        if identity in seen:
            row.problems.append(f"the same expert, item and option as line {seen[identity]}")
        seen.setdefault(identity, row.line)
        rows.append(row)
    if not rows:
        raise PaperInvalid("The file has no ratings: fill in the rating column (1 to 5).")
    new: dict[str, str] = {}  # the first spelling of each name not yet in the round
    for row in rows:
        if row.expert and row.expert.casefold() not in known:
            new.setdefault(row.expert.casefold(), row.expert)
    return PaperImport(rows, list(new.values()), skipped)


def store(imported: PaperImport, round_: KeyingRound, *, session: Session, actor: Actor,
          now: datetime) -> tuple[int, int]:
    """Store every row, or none while any has a problem; return (experts added, ratings)."""
    if imported.bad:
        raise PaperInvalid("Fix the rows with problems first; nothing was stored.")
    require_open(round_)
    items = {item.key: item for item in round_items(round_, session=session)}
    grouped: dict[tuple[str, str], dict[str, int]] = {}
    for row in imported.rows:
        grouped.setdefault((row.expert, row.item), {})[row.option] = row.rating
    by_name: dict[str, KeyingExpert] = {}
    added = 0
    for (name, key), ratings in grouped.items():
        expert = by_name.get(name.casefold()) or expert_domain.find_by_name(
            round_, name, session=session)
        if expert is None:
            expert = expert_domain.add_expert(round_, name=name, kind=ExpertKind.PAPER,
                                              session=session)
            added += 1
        by_name[name.casefold()] = expert
        expert_domain.save_ratings(expert, items[key], ratings, session=session, now=now)
    audit.record(session, actor=actor, action=audit.Action.KEYING_IMPORTED,
                 object_type="keying_round", object_id=round_.id,
                 detail={"ratings": len(imported.rows), "experts_added": added}, at=now)
    return added, len(imported.rows)
