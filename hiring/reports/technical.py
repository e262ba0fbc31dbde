"""The technical report of an assessment: what a works council, a regulator or a client asks
for, assembled from the figures the product already computes.

Each section takes its figures from the module that computes them for their own page
(nothing is computed differently here), says how many attempts they rest on, and says in
one plain statement what the data support, "too few to conclude" where that is so:

- content: the bank, the assessment's sections and the items they draw from, and the
  seed articles (shared/seeds, by number) the items are grounded in;
- keys: where each situational item's keys came from (the bank's authors, or a panel of
  experts with its agreement, hiring.keying), and the raters' agreement on written answers
  (hiring.scoring.agreement);
- reliability and SEM per score (hiring.scoring.reliability, from hiring.scoring.evidence);
- norms and their groups (hiring.scoring.norms);
- item statistics (hiring.scoring.item_health);
- differences between language versions (hiring.scoring.dif, kept with item health);
- adverse impact: selection rates by self-identified group, "selected" being each
  decision stage reached (hiring.assessment.adverse_impact, small groups suppressed);
- criterion validity (hiring.scoring.validity).

It holds aggregates only: no candidate's name, answers or scores, and self-identification
only as the adverse-impact report shows it (groups under its minimum size without a
figure). The statements are message ids (N_), translated where shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import PurePath
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from hiring.assessment import decisions
from hiring.assessment.adverse_impact import (
    NO_ANSWERS,
    AdverseImpactReport,
    Selection,
    build_report,
)
from hiring.assessment.planning import languages as offered_languages
from hiring.items.messages import N_
from hiring.items.types import get_type
from hiring.models import Assessment, Attempt, AttemptState, Bank, Item, ItemRevision
from hiring.scoring.agreement import AgreementReport, load_rating_rows, rater_agreement
from hiring.scoring.dif import DifReport, ItemDif
from hiring.scoring.evidence import kept_precision
from hiring.scoring.fairness import MIN_CELL
from hiring.scoring.item_health import INLINE_LIMIT, ItemHealth, item_health
from hiring.scoring.item_stats import MIN_ATTEMPTS as MIN_ITEM_ATTEMPTS
from hiring.scoring.item_stats import ItemStats
from hiring.scoring.norms import SCALE, kept_norm_groups
from hiring.scoring.precision import MIN_ATTEMPTS as MIN_PRECISION_ATTEMPTS
from hiring.scoring.reliability import ReliabilityRow, reliability_rows
from hiring.scoring.scales import SCALES
from hiring.scoring.validity import MIN_N as MIN_VALIDITY_N
from hiring.scoring.validity import ValidityReport, validity_report

COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)
SECTIONS = ("content", "keys", "reliability", "norms", "items", "dif", "adverse", "validity")


def product_version() -> str:
    """The installed package's version, as its metadata says."""
    try:
        return metadata.version("hiring")
    except metadata.PackageNotFoundError:  # running from a tree that was never installed
        return "unknown"


@dataclass(frozen=True)
class Statement:
    """What the data of a section support, as a message id and its values."""

    text: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PoolDimension:
    key: str
    name: str  # in English, as the bank names it
    items: int
    by_type: dict[str, int]
    names: dict[str, str] = field(default_factory=dict)  # by language, as the bank names it


@dataclass(frozen=True)
class ContentSection:
    bank_slug: str
    bank_title: str
    bank_version: int
    source_name: str  # the bank file's name (not its path on the server)
    languages: list[str]
    sections: list[dict[str, Any]]  # {title, titles (by language), type, dimension, count}
    dimensions: list[PoolDimension]
    n_items: int  # items the sections draw from
    seeds: list[tuple[str, int]]  # seed article number -> items grounded in it
    no_seed: int  # items naming no seed
    statement: Statement
    n: int | None = None  # content rests on no attempts


@dataclass(frozen=True)
class Panel:
    """The keys one keying round of experts set, as adopted into items."""

    round: str
    adopted: str  # the day, YYYY-MM-DD
    experts: int  # the largest panel behind an item of the round
    items: int
    statistic: str
    agreement_min: float | None
    agreement_mean: float | None


@dataclass(frozen=True)
class KeysSection:
    keyed_items: int  # items of a type with keys
    by_authors: int
    panels: list[Panel]
    raters: AgreementReport  # written answers: agreement of raters per criterion
    statement: Statement
    n: int | None = None


@dataclass(frozen=True)
class ReliabilitySection:
    rows: list[ReliabilityRow] | None  # None: being estimated
    computed_at: datetime | None  # set when the figures are older than the attempts
    min_attempts: int
    statement: Statement
    n: int


@dataclass(frozen=True)
class NormRow:
    language: str
    kind: str  # "scale" or "subscore"
    name: str
    n: int
    first: datetime | None
    last: datetime | None
    usable: bool  # n reaches the minimum: percentiles are given


@dataclass(frozen=True)
class NormsSection:
    groups: list[NormRow]
    min_group: int
    statement: Statement
    n: int


@dataclass(frozen=True)
class ItemsSection:
    items: list[ItemStats]  # empty until there are enough attempts
    flagged: int
    computed_at: datetime | None  # set when the figures are older than the attempts
    min_attempts: int
    statement: Statement
    n: int


@dataclass(frozen=True)
class DifSection:
    report: DifReport | None
    categories: dict[str, int]  # class -> items
    flagged: list[ItemDif]
    statement: Statement
    n: int


@dataclass(frozen=True)
class StageImpact:
    """Adverse impact with "selected" meaning: reached this decision stage."""

    key: str
    label: str | None  # HR's name; None: the built-in name of the key
    report: AdverseImpactReport


@dataclass(frozen=True)
class AdverseSection:
    stages: list[StageImpact]
    min_cell: int
    statement: Statement
    n: int | None = None


@dataclass(frozen=True)
class ValiditySection:
    report: ValidityReport
    min_n: int
    statement: Statement
    n: int


@dataclass(frozen=True)
class TechnicalReport:
    assessment_id: int
    assessment_name: str
    assessment_version: int
    language: str
    generated_at: datetime
    product_version: str
    n_completed: int  # completed attempts, simulated ones included
    n_simulated: int
    first_completed: datetime | None
    last_completed: datetime | None
    content: ContentSection
    keys: KeysSection
    reliability: ReliabilitySection
    norms: NormsSection
    items: ItemsSection
    dif: DifSection
    adverse: AdverseSection
    validity: ValiditySection

    @property
    def n_real(self) -> int:
        return self.n_completed - self.n_simulated


def _text(value: Any, language: str = "en") -> str:
    if isinstance(value, dict):
        return str(value.get(language) or next(iter(value.values()), ""))
    return str(value or "")


def _texts(value: Any) -> dict[str, str]:
    """A text given per language, by language (none for a plain text)."""
    if isinstance(value, dict):
        return {str(lang): str(text) for lang, text in value.items() if text}
    return {}


def _pool(assessment: Assessment, *, session: Session) -> list[tuple[Item, dict]]:
    """The items the assessment's sections draw from, with their current content."""
    rows = session.exec(
        select(Item, ItemRevision.content)
        .join(ItemRevision, (col(ItemRevision.item_id) == Item.id)
              & (col(ItemRevision.number) == Item.current_revision))
        .where(Item.bank_id == assessment.bank_id, col(Item.retired).is_(False))
        .order_by(Item.key)).all()
    return [(item, content) for item, content in rows
            if any(section.get("type") in (None, item.type)
                   and section.get("dimension") in (None, item.dimension)
                   for section in assessment.sections)]


def content_section(assessment: Assessment, pool: list[tuple[Item, dict]], *,
                    session: Session) -> ContentSection:
    bank = session.exec(select(Bank).where(Bank.id == assessment.bank_id)).one()
    dimensions = []
    for key in sorted({item.dimension for item, _ in pool}):
        types = Counter(item.type for item, _ in pool if item.dimension == key)
        named = (bank.dimensions.get(key) or {}).get("name")
        dimensions.append(PoolDimension(key, _text(named) or key, sum(types.values()),
                                        dict(sorted(types.items())), _texts(named)))
    seeds = Counter(str(content["seed"]) for _, content in pool if content.get("seed"))
    no_seed = sum(1 for _, content in pool if not content.get("seed"))
    sections = [{"title": _text(section.get("title")), "titles": _texts(section.get("title")),
                 "type": section.get("type"), "dimension": section.get("dimension"),
                 "count": section.get("count")}
                for section in assessment.sections]
    if not pool:
        statement = Statement(N_("The sections of this assessment draw on no item of the "
                                 "bank."))
    elif no_seed:
        statement = Statement(N_("%(seeded)s of the %(items)s items name the seed article "
                                 "they are grounded in; %(missing)s name none."),
                              {"seeded": len(pool) - no_seed, "items": len(pool),
                               "missing": no_seed})
    else:
        statement = Statement(N_("Every one of the %(items)s items names the seed article it "
                                 "is grounded in."), {"items": len(pool)})
    return ContentSection(bank.slug, _text(bank.title), bank.version,
                          PurePath(bank.source_name.replace("\\", "/")).name,
                          offered_languages(assessment, session=session), sections,
                          dimensions, len(pool), sorted(seeds.items()), no_seed, statement)


def keys_section(assessment: Assessment, pool: list[tuple[Item, dict]], *,
                 session: Session) -> KeysSection:
    keyed = [content for _, content in pool
             if get_type(content["type"]).key_source(content, "en") is not None]
    rounds: dict[Any, list[dict]] = {}
    for content in keyed:
        if content.get("keying"):
            rounds.setdefault(content["keying"].get("round"), []).append(content["keying"])
    panels = []
    for entries in rounds.values():
        first = entries[0]
        values = [e["agreement"] for e in entries if e.get("agreement") is not None]
        panels.append(Panel(str(first.get("round_name") or f"#{first.get('round')}"),
                            str(first.get("adopted_at", ""))[:10],
                            max(int(e.get("experts") or 0) for e in entries), len(entries),
                            str(first.get("statistic") or "r_wg(J)"),
                            min(values) if values else None,
                            sum(values) / len(values) if values else None))
    panels.sort(key=lambda panel: (panel.adopted, panel.round))
    by_panel = sum(panel.items for panel in panels)
    raters = rater_agreement(load_rating_rows(assessment.id, session=session))
    if not keyed:
        statement = Statement(N_("No item of this assessment has keys to account for."))
    elif not by_panel:
        statement = Statement(N_("The keys of all %(items)s keyed items were set by the "
                                 "bank's authors; no panel of experts has keyed them."),
                              {"items": len(keyed)})
    else:
        statement = Statement(N_("%(panel)s of the %(items)s keyed items have the keys a "
                                 "panel of experts set; the others, the bank's authors'."),
                              {"panel": by_panel, "items": len(keyed)})
    return KeysSection(len(keyed), len(keyed) - by_panel, panels, raters, statement)


def reliability_section(assessment: Assessment, *, session: Session) -> ReliabilitySection:
    precision, computed_at = kept_precision(assessment, session=session,
                                            inline_limit=INLINE_LIMIT)
    rows = reliability_rows(precision) if precision is not None else None
    n = precision.n_attempts if precision is not None else 0
    if rows is None:
        statement = Statement(N_("The reliability of these attempts is being estimated: "
                                 "rebuild the report in a minute."))
    elif not rows or n == 0:
        statement = Statement(N_("Too few to conclude: no completed attempt that is not "
                                 "simulated yet. Every score's band uses the stated prior."))
    else:
        data = sum(1 for row in rows if row.source == "data")
        if data == 0:
            statement = Statement(N_("Too few to conclude: no score has the %(min)s attempts "
                                     "with two or more items that an estimate needs, so every "
                                     "band uses the stated prior."),
                                  {"min": MIN_PRECISION_ATTEMPTS})
        else:
            statement = Statement(N_("%(data)s of the %(rows)s scores and subscores have a "
                                     "reliability estimated from these attempts; the others "
                                     "use the stated prior, for the reason given."),
                                  {"data": data, "rows": len(rows)})
    return ReliabilitySection(rows, computed_at, MIN_PRECISION_ATTEMPTS, statement, n)


def _scale_order(row: NormRow) -> tuple:
    return (row.language, row.kind != SCALE,
            SCALES.index(row.name) if row.name in SCALES else len(SCALES), row.name)


def norms_section(assessment: Assessment, *, session: Session, min_group: int) -> NormsSection:
    groups = kept_norm_groups(assessment.id, session=session)
    rows = sorted((NormRow(language, kind, name, len(group.scores), group.first, group.last,
                           len(group.scores) >= min_group)
                   for (language, kind, name), group in groups.items()), key=_scale_order)
    n = max((row.n for row in rows), default=0)
    usable = sum(1 for row in rows if row.usable)
    if not rows:
        statement = Statement(N_("Too few to conclude: no completed attempt that is not "
                                 "simulated yet, so no norm group."))
    elif not usable:
        statement = Statement(N_("Too few to conclude: no norm group has the %(min)s attempts "
                                 "a percentile needs; profiles give none yet."),
                              {"min": min_group})
    else:
        statement = Statement(N_("%(usable)s of the %(groups)s norm groups have at least "
                                 "%(min)s attempts; profiles give percentiles in those only."),
                              {"usable": usable, "groups": len(rows), "min": min_group})
    return NormsSection(rows, min_group, statement, n)


def items_section(health: ItemHealth | None, n_completed: int) -> ItemsSection:
    if health is None:
        return ItemsSection([], 0, None, MIN_ITEM_ATTEMPTS,
                            Statement(N_("The item statistics are being computed: rebuild the "
                                         "report in a minute.")), n_completed)
    report = health.report
    computed_at = None if health.current else health.computed_at
    if not report.enough:
        return ItemsSection([], 0, computed_at, MIN_ITEM_ATTEMPTS, Statement(
            N_("Too few to conclude: item statistics need %(min)s completed attempts "
               "(now %(n)s)."), {"min": MIN_ITEM_ATTEMPTS, "n": report.n_attempts}),
            report.n_attempts)
    flagged = sum(1 for item in report.items if item.flags)
    statement = Statement(N_("%(flagged)s of the %(items)s items are flagged (too easy, too "
                             "hard, or discriminating poorly) and worth a review."),
                          {"flagged": flagged, "items": len(report.items)})
    return ItemsSection(sorted(report.items, key=lambda i: (i.dimension, i.key)), flagged,
                        computed_at, MIN_ITEM_ATTEMPTS, statement, report.n_attempts)


def dif_section(health: ItemHealth | None) -> DifSection:
    report = health.dif if health is not None else None
    if report is None:
        return DifSection(None, {}, [], Statement(N_(
            "The differences between language versions are being computed: rebuild the "
            "report in a minute.")), 0)
    n = sum(report.attempts.values())
    categories = dict(sorted(Counter(item.category for item in report.judged).items()))
    if len([code for code, count in report.attempts.items() if count]) < 2:
        statement = Statement(N_("Only one language version has been taken: there is "
                                 "nothing to compare."))
    elif not report.judged:
        statement = Statement(N_("Too few to conclude: each language needs %(min)s matched "
                                 "responses to an item before it is compared."),
                              {"min": report.min_group})
    elif report.flagged:
        statement = Statement(N_("%(flagged)s of the %(judged)s items compared function "
                                 "differently between languages (class B or C): have their "
                                 "translations reviewed."),
                              {"flagged": len(report.flagged), "judged": len(report.judged)})
    else:
        statement = Statement(N_("None of the %(judged)s items compared functions noticeably "
                                 "differently between languages (all class A)."),
                              {"judged": len(report.judged)})
    return DifSection(report, categories, report.flagged, statement, n)


NOT_SELECTIONS = {"rejected", "withdrew"}  # stages that select nobody


def adverse_section(assessment: Assessment, *, session: Session, now: datetime
                    ) -> AdverseSection:
    """Adverse impact with "selected" as reaching each decision stage candidates have been
    in (those that select nobody, rejected and withdrew, aside): hiring.assessment.
    adverse_impact, small groups suppressed there."""
    used = decisions.in_use(assessment, session=session)
    stages = [StageImpact(stage.key, stage.label, build_report(
                  assessment.id, session=session, selection=Selection.reached(stage.key),
                  now=now))
              for stage in decisions.stages(assessment, session=session)
              if stage.key in used and stage.key not in NOT_SELECTIONS]
    n = stages[0].report.n if stages else None
    answered = any(not (set(question.warnings) & {NO_ANSWERS})
                   for stage in stages for question in stage.report.questions)
    compared = any(len(question.compared) >= 2
                   for stage in stages for question in stage.report.questions)
    flagged = sum(len(stage.report.flagged) for stage in stages)
    if not stages:
        statement = Statement(N_("No hiring decision has been recorded for this assessment's "
                                 "candidates: adverse impact cannot be assessed yet."))
    elif not answered:
        statement = Statement(N_("No candidate has answered a self-identification question: "
                                 "adverse impact cannot be assessed."))
    elif not compared:
        statement = Statement(N_("Too few to conclude: no question has two groups of at "
                                 "least %(min)s candidates to compare."), {"min": MIN_CELL})
    elif flagged:
        statement = Statement(N_("%(flagged)s comparisons find a group's selection rate "
                                 "under four fifths of the highest group's: look at their "
                                 "tests and at the sizes of the groups before concluding."),
                              {"flagged": flagged})
    else:
        statement = Statement(N_("No group's selection rate is under four fifths of the "
                                 "highest group's."))
    return AdverseSection(stages, MIN_CELL, statement, n)


def validity_section(assessment: Assessment, *, session: Session) -> ValiditySection:
    report = validity_report(assessment.id, session=session)
    if not report.outcomes:
        statement = Statement(N_("No job outcomes have been imported: criterion validity "
                                 "cannot be assessed yet."))
    else:
        enough = [cell for cell in report.cells if cell.n >= MIN_VALIDITY_N]
        if not enough:
            statement = Statement(N_("Too few to conclude: no score has %(min)s candidates "
                                     "with an outcome."), {"min": MIN_VALIDITY_N})
        else:
            supported = sum(1 for cell in enough if cell.correlation is not None
                            and not cell.correlation.spans_zero)
            statement = Statement(N_("%(supported)s of the %(cells)s correlations of a score "
                                     "with an outcome rest on at least %(min)s candidates and "
                                     "have a 95%% interval that excludes 0."),
                                  {"supported": supported, "cells": len(report.cells),
                                   "min": MIN_VALIDITY_N})
    return ValiditySection(report, MIN_VALIDITY_N, statement, report.n_with_outcomes)


def build(assessment: Assessment, *, session: Session, now: datetime, min_group: int
          ) -> TechnicalReport:
    """Assemble the technical report of an assessment from its current figures.

    min_group: the attempts a norm group needs before percentiles are given (the app's
    NORM_MIN_GROUP). Large assessments use the kept figures, which say when they were
    computed; a background task brings them up to date."""
    n_completed, n_simulated, first, last = session.exec(
        select(func.count(), func.sum(case((col(Attempt.simulated), 1), else_=0)),
               func.min(Attempt.submitted_at), func.max(Attempt.submitted_at))
        .where(Attempt.assessment_id == assessment.id,
               col(Attempt.state).in_(COMPLETED))).one()
    pool = _pool(assessment, session=session)
    health = item_health(assessment.id, session=session)
    return TechnicalReport(
        assessment.id, assessment.name, assessment.version, assessment.language, now,
        product_version(), n_completed or 0, int(n_simulated or 0), first, last,
        content_section(assessment, pool, session=session),
        keys_section(assessment, pool, session=session),
        reliability_section(assessment, session=session),
        norms_section(assessment, session=session, min_group=min_group),
        items_section(health, n_completed or 0),
        dif_section(health),
        adverse_section(assessment, session=session, now=now),
        validity_section(assessment, session=session))
