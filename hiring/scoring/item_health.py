"""The item-health figures of an assessment, kept so that the page reads one row.

Item statistics go over every response of every completed attempt: at a million
responses that takes longer than a page may. They are computed by a background task and
kept with the fingerprint of the attempts (hiring.scoring.aggregates); the page shows the
kept figures, and when attempts were completed or scored since, it says when the figures
were computed and from how many attempts while the task brings them up to date. Small
assessments (INLINE_LIMIT completed attempts) are computed for the page itself.

The differences between language versions (hiring.scoring.dif) are kept with them: they
read the same attempts, counted by the database in one grouped query."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from hiring.catalogues import languages
from hiring.models import utcnow
from hiring.scoring import aggregates
from hiring.scoring.aggregates import Fingerprint
from hiring.scoring.dif import DifReport, ItemDif
from hiring.scoring.dif_counts import language_dif
from hiring.scoring.item_stats import (
    ItemHealthReport,
    ItemStats,
    item_statistics,
    key_sources_in,
    option_texts,
    stream_rows,
)

ITEM_HEALTH = "item_health"  # the kind of kept aggregate
INLINE_LIMIT = 2000  # completed attempts the page computes itself when nothing is kept


@dataclass(frozen=True)
class ItemHealth:
    """An assessment's item statistics, the option texts and key sources they are read
    with, and how current they are."""

    report: ItemHealthReport
    option_texts: dict[str, dict[str, str]]
    key_sources: dict[str, list[str]]  # in English
    computed_at: datetime
    n_attempts: int  # completed attempts behind the figures
    n_attempts_now: int  # completed attempts now
    current: bool  # False: attempts were completed or scored after computed_at
    dif: DifReport | None = None  # None: figures kept before it was computed with them
    # language -> key_sources in it; empty for figures kept before they were
    key_sources_by_language: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def key_sources_in(self, language: str) -> dict[str, list[str]]:
        """Where the items' keys came from, in the language when it was kept in it."""
        return self.key_sources_by_language.get(language, self.key_sources)


def health_data(assessment_id: int, *, session: Session) -> tuple[Fingerprint, dict[str, Any]]:
    """Compute the figures from the attempts, as JSON data, with the fingerprint first
    taken (an attempt completed while reading makes them look older, never newer)."""
    stamp = aggregates.fingerprint(assessment_id, session=session, real_only=False)
    report = item_statistics(stream_rows(assessment_id, session=session))
    sources = key_sources_in(assessment_id, session=session, languages=languages())
    return stamp, {"report": asdict(report),
                   "option_texts": option_texts(assessment_id, session=session),
                   "key_sources": sources["en"], "key_sources_by_language": sources,
                   "dif": asdict(language_dif(assessment_id, session=session))}


def report_from(data: dict[str, Any]) -> ItemHealthReport:
    """Return the report of kept data (health_data)."""
    report = data["report"]
    return ItemHealthReport(report["n_attempts"], report["enough"],
                            [ItemStats(**item) for item in report["items"]],
                            report["histogram"])


def dif_from(data: dict[str, Any]) -> DifReport | None:
    """Return the differences between languages of kept data, None when it has none."""
    dif = data.get("dif")
    if dif is None:
        return None
    return DifReport(dif["reference"], dif["attempts"], [ItemDif(**item) for item in dif["items"]],
                     dif["min_group"])


def _health(data: dict[str, Any], stamp: Fingerprint, computed_at: datetime,
            now: Fingerprint) -> ItemHealth:
    return ItemHealth(report_from(data), data["option_texts"], data["key_sources"],
                      computed_at, stamp.n_attempts, now.n_attempts, stamp == now,
                      dif_from(data), data.get("key_sources_by_language", {}))


def item_health(assessment_id: int, *, session: Session, inline_limit: int | None = None
                ) -> ItemHealth | None:
    """Return the item-health figures: current when kept or small enough to compute, else
    the kept ones marked as older (None when none were kept yet); either way a task is
    asked to keep them current (aggregates.note_stale)."""
    stamp = aggregates.fingerprint(assessment_id, session=session, real_only=False)
    found = aggregates.MEMO.get(ITEM_HEALTH, assessment_id, stamp, session=session)
    if found is not None:
        return _health(found[0], stamp, found[1], stamp)
    kept = aggregates.read(assessment_id, ITEM_HEALTH, session=session)
    # Figures kept before the differences between languages were kept with them are
    # computed again, as if older.
    if kept is not None and kept.is_current(stamp) and "dif" in kept.data:
        aggregates.MEMO.put(ITEM_HEALTH, assessment_id, stamp, (kept.data, kept.computed_at),
                            session=session)
        return _health(kept.data, stamp, kept.computed_at, stamp)
    aggregates.note_stale(ITEM_HEALTH, assessment_id, session=session)
    if stamp.n_attempts <= (INLINE_LIMIT if inline_limit is None else inline_limit):
        computed_at = utcnow()
        stamp, data = health_data(assessment_id, session=session)
        aggregates.MEMO.put(ITEM_HEALTH, assessment_id, stamp, (data, computed_at),
                            session=session)
        return _health(data, stamp, computed_at, stamp)
    if kept is None:
        return None
    return _health(kept.data, kept.fingerprint, kept.computed_at, stamp)
