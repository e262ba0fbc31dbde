"""Counts of a bank's items by type, dimension and language."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hiring.banks.cues import LanguageAudit, audit_bank
from hiring.banks.loader import BankFile


@dataclass(frozen=True)
class BankStats:
    by_type: Counter
    by_dimension_and_type: Counter  # (dimension, type) -> count
    by_language: Counter  # items complete in each language
    probes: Counter  # dimension -> interview probes
    assessments: list[tuple[str, int, int]]  # (name, minutes, items)
    cue_audits: list[LanguageAudit]  # per language

    def lines(self) -> list[str]:
        types = sorted(self.by_type)
        dimensions = sorted({d for d, _ in self.by_dimension_and_type})
        width = max(len(d) for d in dimensions) if dimensions else 9
        out = ["items by type: " + ", ".join(f"{t} {self.by_type[t]}" for t in types),
               "", f"{'dimension':<{width}}  " + "  ".join(f"{t:>7}" for t in types)
               + "  probes"]
        for dimension in dimensions:
            counts = "  ".join(f"{self.by_dimension_and_type[(dimension, t)]:>7}"
                               for t in types)
            out.append(f"{dimension:<{width}}  {counts}  {self.probes[dimension]:>6}")
        out += ["", "items by language: " + ", ".join(
            f"{lang} {n}" for lang, n in sorted(self.by_language.items()))]
        for name, minutes, items in self.assessments:
            out.append(f"assessment: {name}: {items} items, {minutes} minutes")
        for audit in self.cue_audits:
            out += ["", *audit.lines()]
        return out


def _languages_complete(value, languages: list[str]) -> set[str]:
    """Return the languages in which every text inside value is present."""
    complete = set(languages)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node and set(node) <= set(languages) | {"en"} and all(
                    isinstance(v, str) for v in node.values()):
                complete &= {lang for lang in languages if (node.get(lang) or "").strip()}
            else:
                stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return complete


def bank_stats(bank: BankFile) -> BankStats:
    """Count what a validated bank holds."""
    languages = bank.header["languages"]
    by_language: Counter = Counter()
    for item in bank.items:
        by_language.update(_languages_complete(item, languages))
    return BankStats(
        by_type=Counter(item["type"] for item in bank.items),
        by_dimension_and_type=Counter((item["dimension"], item["type"]) for item in bank.items),
        by_language=by_language,
        probes=Counter({key: len(dim.get("probes", []))
                        for key, dim in bank.header["dimensions"].items()}),
        assessments=[(recipe["name"].get("en", recipe["id"]), recipe["time_limit_minutes"],
                      sum(s["count"] for s in recipe["sections"]))
                     for recipe in bank.header.get("assessments", [])],
        cue_audits=audit_bank(bank.header, bank.items),
    )
