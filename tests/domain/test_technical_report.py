"""The technical report: every section holds the figures of the module that computes them,
its n and a plain statement; an assessment without data gets the empty states."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import select

from hiring.assessment import decisions, self_id
from hiring.assessment.adverse_impact import Selection, build_report
from hiring.assessment.simulate import invite_and_complete
from hiring.models import Assessment, Attempt, Item, Outcome, SelfIdentification
from hiring.reports import technical
from hiring.scoring.evidence import precision_for
from hiring.scoring.item_health import item_health
from hiring.scoring.norms import norm_groups
from hiring.scoring.reliability import reliability_rows
from hiring.scoring.validity import validity_report


def build(session, assessment, clock, min_group=30):
    return technical.build(session.get(Assessment, assessment.id), session=session,
                           now=clock(), min_group=min_group)


def complete(db, assessment, clock, count, *, seed=1):
    """Complete `count` attempts as real (not simulated) candidates would."""
    rng = random.Random(seed)
    ids = []
    with db() as session:
        for _ in range(count):
            attempt = invite_and_complete(session.get(Assessment, assessment.id),
                                          session=session, now=clock() - timedelta(hours=1),
                                          rng=rng)
            attempt.simulated = False
            ids.append(attempt.id)
    return ids


def test_an_assessment_without_data_has_every_empty_state(db, assessment, clock):
    with db() as session:
        report = build(session, assessment, clock)
        pool = session.exec(select(Item).where(Item.bank_id == assessment.bank_id,
                                               Item.retired == False)).all()  # noqa: E712
    assert (report.n_completed, report.n_simulated) == (0, 0)
    assert report.generated_at == clock()
    assert report.product_version == technical.product_version() != "unknown"
    # Content: the mini bank's items, every one grounded in seed 002.
    assert report.content.n_items == len(pool)
    assert report.content.seeds == [("002", len(pool))] and report.content.no_seed == 0
    assert "Every one of the %(items)s items" in report.content.statement.text
    assert report.content.source_name == "mini_bank.yaml"  # a file name, not a server path
    assert report.keys.by_authors == report.keys.keyed_items == 4 and not report.keys.panels
    assert "bank's authors" in report.keys.statement.text
    assert report.reliability.n == 0 and report.reliability.rows == []
    assert report.reliability.statement.text.startswith("Too few to conclude")
    assert report.norms.groups == [] and report.norms.statement.text.startswith("Too few")
    assert report.items.items == [] and report.items.statement.values == {"min": 20, "n": 0}
    assert report.dif.statement.text.startswith("Only one language version")
    assert report.adverse.stages == [] and report.adverse.n is None
    assert "No hiring decision" in report.adverse.statement.text
    assert report.validity.report.outcomes == []
    assert "No job outcomes" in report.validity.statement.text
    assert {name for name in technical.SECTIONS} == {
        name for name in vars(report) if hasattr(getattr(report, name), "statement")}


def test_sections_carry_the_figures_of_their_modules(db, assessment, clock):
    ids = complete(db, assessment, clock, 24)
    with db() as session:
        for number, attempt_id in enumerate(ids):
            session.add(Outcome(attempt_id=attempt_id, name="quality_90d",
                                value=float(number % 5), imported_at=clock(),
                                imported_by="hr@example.com"))
    with db() as session:
        report = build(session, assessment, clock, min_group=20)
        a = session.get(Assessment, assessment.id)
        rows = reliability_rows(precision_for(a, session=session))
        groups = norm_groups(assessment.id, session=session)
        health = item_health(assessment.id, session=session)
        validity = validity_report(assessment.id, session=session)
    assert report.n_completed == 24 and report.n_real == 24
    assert report.reliability.rows == rows and report.reliability.n == 24
    assert {(g.language, g.kind, g.name): g.n for g in report.norms.groups} == {
        key: len(group.scores) for key, group in groups.items()}
    assert all(g.usable for g in report.norms.groups if g.n >= 20)
    assert report.norms.statement.values["min"] == 20
    assert [i.key for i in report.items.items] == sorted(
        (i.key for i in health.report.items),
        key=lambda k: ({i.key: i.dimension for i in health.report.items}[k], k))
    assert report.items.n == 24 and report.items.statement.values["items"] == len(
        health.report.items)
    assert report.items.flagged == sum(1 for i in health.report.items if i.flags)
    assert report.validity.report == validity and report.validity.n == 24
    assert report.validity.statement.text.startswith("Too few to conclude")  # 24 < 30
    assert report.validity.statement.values == {"min": 30}
    assert report.dif.n == 24 and report.dif.report.attempts == {"en": 24}


def test_keys_from_a_panel_are_counted_with_their_agreement(db, assessment, clock):
    with db() as session:
        a = session.get(Assessment, assessment.id)
        pool = technical._pool(a, session=session)
        panel = {"round": 7, "round_name": "Spring panel", "adopted_at": "2026-03-02T10:00:00",
                 "experts": 6, "statistic": "r_wg(J)"}
        agreements = {"sjt-1": 0.8, "sjt-2": 0.6}
        pool = [(item, {**content, "keying": {**panel, "agreement": agreements[item.key]}})
                if item.key in agreements else (item, content) for item, content in pool]
        section = technical.keys_section(a, pool, session=session)
    (found,) = section.panels
    assert (found.round, found.adopted, found.experts, found.items) == (
        "Spring panel", "2026-03-02", 6, 2)
    assert (found.agreement_min, round(found.agreement_mean, 2)) == (0.6, 0.7)
    assert (section.by_authors, section.keyed_items) == (2, 4)
    assert section.statement.values == {"panel": 2, "items": 4}


def test_adverse_impact_by_stage_with_small_groups_suppressed(db, assessment, clock):
    with db() as session:
        a = session.get(Assessment, assessment.id)
        self_id.set_questions(a, ["gender"], session=session, actor="hr", now=clock())
    ids = complete(db, assessment, clock, 23)
    plan = ["woman"] * 10 + ["man"] * 10 + ["another"] * 3
    with db() as session:
        for number, (attempt_id, group) in enumerate(zip(ids, plan, strict=True)):
            session.add(SelfIdentification(attempt_id=attempt_id, question="gender",
                                           answer=group, recorded_at=clock()))
            hired = number < 8 or 10 <= number < 14 or number == 20
            decisions.record(session.get(Attempt, attempt_id), "hired" if hired else "rejected",
                             session=session, actor="hr", now=clock())
    with db() as session:
        report = build(session, assessment, clock)
        direct = build_report(assessment.id, session=session,
                              selection=Selection.reached("hired"), now=clock())
    (stage,) = report.adverse.stages  # rejected selects nobody: not a selection
    assert stage.key == "hired" and stage.report == direct
    (question,) = stage.report.questions
    groups = {g.group: g for g in question.groups}
    assert groups["another"].suppressed
    assert groups["man"].flagged and round(groups["man"].impact_ratio, 2) == 0.5
    assert report.adverse.n == 23
    assert report.adverse.statement.values == {"flagged": 1}
