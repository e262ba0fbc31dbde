"""The assessment editor's domain: section supply, checks, versions, languages, preview."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import func, select

from hiring.assessment import editor, engine, planning, preview
from hiring.assessment.editor import Outcome, Recipe
from hiring.assessment.recipes import RecipeError, create_assessment, slug, supply
from hiring.banks.importer import import_bank
from hiring.banks.loader import load_bytes
from hiring.items.types import get_type
from hiring.models import Assessment, Attempt, Bank, ItemRevision, Response
from hiring.scoring.rules import Rules
from tests.factories import make_attempt

DATA = Path(__file__).parent.parent / "data"
# The mini bank's active items: four SJTs on four dimensions, one numeric, one written.
MINI = Counter({("sjt", "customer_focus"): 1, ("sjt", "composure"): 1, ("sjt", "ownership"): 1,
                ("sjt", "listening_problem_solving"): 1, ("numeric", "numeracy"): 1,
                ("written", "communication"): 1})


def sjt(count: int, dimension: str | None = None, title: str = "Situations") -> dict:
    section = {"title": title, "type": "sjt", "count": count}
    if dimension:
        section["dimension"] = dimension
    return section


def count_rows(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


# ---- supply: can the bank fill each section, however the sections above draw? ----------

def test_a_section_counts_the_items_the_sections_above_may_take():
    narrow_first = supply([sjt(1, "customer_focus"), sjt(3)], MINI)
    assert [(s.matching, s.taken, s.left) for s in narrow_first] == [(1, 0, 1), (4, 1, 3)]
    assert all(s.enough for s in narrow_first)
    # The wide section may draw the only customer-focus SJT before the narrow one.
    wide_first = supply([sjt(3), sjt(1, "customer_focus")], MINI)
    assert wide_first[0].enough and not wide_first[1].enough
    assert wide_first[1].left == 0
    assert "sections above may draw 1 of the 1 items" in wide_first[1].problem()


def test_a_section_asking_more_than_the_bank_has():
    [found] = supply([{"title": "Math", "type": "numeric", "count": 3}], MINI)
    assert found.problem() == ("The bank has only 1 active items that fit this section; "
                               "it asks for 3.")


def test_earlier_sections_that_share_no_items_take_nothing():
    found = supply([{"title": "Math", "type": "numeric", "count": 1}, sjt(4)], MINI)
    assert [s.taken for s in found] == [0, 0] and all(s.enough for s in found)


def test_the_most_taken_is_a_flow_not_a_sum():
    # Two earlier sections each want 2 of the same 2 items: together they take at most 2,
    # and the written item a third section wants is not theirs to take.
    classes = Counter({("sjt", "composure"): 2, ("written", "communication"): 1})
    found = supply([sjt(2), sjt(2, "composure"), {"title": "Any", "count": 1}], classes)
    assert found[2].taken == 2 and found[2].left == 1 and found[2].enough


# ---- check: languages, thresholds, sections ---------------------------------------------

def recipe(**overrides) -> Recipe:
    values = {"name": "Front desk", "titles": None, "language": "en", "languages": None,
              "time_limit_minutes": 30, "grace_seconds": 60, "shuffle": True,
              "settings": {}, "sections": [sjt(2)]}
    values.update(overrides)
    return Recipe(**values)


def test_a_good_recipe_has_no_problems(db, bank):
    with db() as session:
        assert not editor.check(recipe(), session.merge(bank), session=session)


def test_too_few_items_for_a_section_given_the_sections_above(db, bank):
    with db() as session:
        problems = editor.check(recipe(sections=[sjt(3), sjt(1, "composure")]),
                                session.merge(bank), session=session)
        assert list(problems.sections) == [1] and not problems.fields
        assert "only 0 are sure to be left" in problems.sections[1][0]
        reordered = editor.check(recipe(sections=[sjt(1, "composure"), sjt(3)]),
                                 session.merge(bank), session=session)
        assert not reordered


def test_thresholds_must_be_in_order(db, bank):
    # strength_low no longer decides anything: an old setting of it is ignored, not checked
    settings = {"strength_score": 60, "strength_low": 65, "development_score": 60}
    with db() as session:
        problems = editor.check(recipe(settings=settings), session.merge(bank), session=session)
    assert set(problems.fields) == {"development_score"}


@pytest.mark.parametrize(("languages", "language", "fields"), [
    ([], "en", {"languages", "language"}),
    (["hr"], "en", {"language"}),
    (["en", "de"], "en", {"languages"}),
    (["hr"], "hr", set()),
])
def test_languages_are_the_banks_and_include_the_default(db, bank, languages, language,
                                                         fields):
    with db() as session:
        problems = editor.check(recipe(languages=languages, language=language),
                                session.merge(bank), session=session)
    assert set(problems.fields) == fields


def test_at_least_one_item(db, bank):
    with db() as session:
        problems = editor.check(recipe(sections=[]), session.merge(bank), session=session)
    assert problems.fields == {"sections": ["Add at least one section with at least one item."]}


def test_create_assessment_refuses_what_the_bank_cannot_fill(db, bank):
    with db() as session, pytest.raises(RecipeError, match="Section 2: The sections above"):
        create_assessment(session=session, bank=session.merge(bank), name="X",
                          sections=[sjt(4), sjt(1, "composure")])


# ---- saving: in place, as a new version, or not at all --------------------------------

def test_a_new_assessment_gets_a_key_unique_in_its_bank(db, bank):
    assert slug("Front desk: Zagreb, Đakovo") == "front-desk-zagreb-dakovo"
    assert slug("!!!") == "assessment"
    with db() as session:
        bank = session.merge(bank)
        first = editor.create(bank, recipe(), session=session, author="hr@example.com").assessment
        second = editor.create(bank, recipe(), session=session, author="hr@example.com")
        assert (first.key, second.assessment.key) == ("front-desk", "front-desk-2")
        assert second.outcome == Outcome.CREATED and first.created_by == "hr@example.com"


def test_an_edit_without_attempts_changes_the_assessment_in_place(db, assessment):
    with db() as session:
        before = count_rows(session, Assessment)
        current = session.get(Assessment, assessment.id)
        edited = dataclasses.replace(Recipe.of(current), time_limit_minutes=45,
                                     sections=[sjt(3)])
        saved = editor.save(current, edited, session=session, author="hr@example.com")
        assert saved.outcome == Outcome.UPDATED and saved.assessment.id == assessment.id
        assert count_rows(session, Assessment) == before
    with db() as session:
        stored = session.get(Assessment, assessment.id)
        assert (stored.time_limit_minutes, stored.sections, stored.version) == (45, [sjt(3)], 1)
        assert stored.key == "test-assessment"  # made before keys: it gets one now


def test_an_edit_after_attempts_makes_a_new_version(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        current = session.get(Assessment, assessment.id)
        edited = dataclasses.replace(Recipe.of(current), name="Renamed", sections=[sjt(2)])
        saved = editor.save(current, edited, session=session, author="hr@example.com")
        assert saved.outcome == Outcome.VERSIONED and saved.previous.id == assessment.id
        new_id = saved.assessment.id
    with db() as session:
        old, new = session.get(Assessment, assessment.id), session.get(Assessment, new_id)
        assert old.replaced_by_id == new.id and new.replaced_by_id is None
        assert (old.name, len(old.sections), old.version) == ("Test assessment", 3, 1)
        assert (new.name, new.sections, new.version) == ("Renamed", [sjt(2)], 2)
        assert (new.key, new.bank_id, new.created_by) == (old.key, old.bank_id,
                                                          "hr@example.com")
        assert session.get(Attempt, attempt.id).assessment_id == old.id
        assert editor.current(old, session=session).id == new.id
        assert [a.id for a in editor.versions(new, session=session)] == [old.id, new.id]
        with pytest.raises(editor.NotCurrent, match="replaced by version 2"):
            editor.save(old, Recipe.of(old), session=session, author="hr@example.com")


def test_an_unchanged_recipe_creates_nothing(db, assessment, clock):
    with db() as session:
        make_attempt(session, assessment, now=clock())
        current = session.get(Assessment, assessment.id)
        before = count_rows(session, Assessment)
        # The same meaning written differently: explicit defaults, every language ticked.
        same = dataclasses.replace(
            Recipe.of(current), languages=["hr", "en"],
            settings=editor.with_settings(current.settings, typing_target_wpm=35,
                                          rules=Rules()))
        saved = editor.save(current, same, session=session, author="hr@example.com")
        assert saved.outcome == Outcome.UNCHANGED and saved.assessment.id == assessment.id
        assert count_rows(session, Assessment) == before


RECIPE = """assessments:
  - id: screen
    name: {en: Screening, hr: Probir}
    time_limit_minutes: 15
    sections:
      - {title: {en: Situations, hr: Situacije}, type: sjt, count: COUNT}
"""


def import_mini(session, count: int) -> Bank:
    text = (DATA / "mini_bank.yaml").read_text(encoding="utf-8")
    return import_bank(load_bytes((text + RECIPE.replace("COUNT", str(count))).encode(),
                                  "m.yaml"), session=session).bank


def test_versions_made_by_bank_imports_are_versions_too(db, clock):
    with db() as session:
        bank = import_mini(session, 3)
        first = session.exec(select(Assessment)).one()
        assert not editor.changed(first, Recipe.of(first), bank)
        make_attempt(session, first, now=clock())
    with db() as session:
        import_mini(session, 2)  # store_recipe keeps the taken row and adds one
    with db() as session:
        rows = list(session.exec(select(Assessment).order_by(Assessment.id)))
        assert len(rows) == 2
        assert [(r.version, r.replaced_by_id) for r in rows] == [(1, rows[1].id), (2, None)]
        assert [a.id for a in editor.versions(rows[0], session=session)] == [r.id for r in rows]
        listed = editor.current_versions(session=session)
        assert [(row.assessment.id, row.versions) for row in listed] == [(rows[1].id, 2)]
        make_attempt(session, rows[1], now=clock())
        edited = dataclasses.replace(Recipe.of(rows[1]), time_limit_minutes=20)
        saved = editor.save(rows[1], edited, session=session, author="hr@example.com")
        assert saved.assessment.version == 3 and saved.assessment.key == "screen"
        assert editor.attempt_counts(rows, session=session) == {rows[0].id: 1, rows[1].id: 1}


# ---- languages offered to candidates -------------------------------------------------

@pytest.mark.parametrize(("languages", "offered"), [
    (None, ["en", "hr"]), (["hr"], ["hr"]), (["hr", "en"], ["en", "hr"]),
    (["de", "hr"], ["hr"]), (["de"], ["en", "hr"]),
])
def test_engine_languages_honour_the_assessment(db, bank, languages, offered):
    with db() as session:
        assessment = editor.create(session.merge(bank), recipe(languages=languages),
                                   session=session, author="hr@example.com").assessment
        assert planning.languages(assessment, session=session) == offered


def test_starting_in_a_language_the_assessment_does_not_offer_is_refused(db, bank, clock):
    with db() as session:
        assessment = editor.create(session.merge(bank), recipe(languages=["en"]),
                                   session=session, author="hr@example.com").assessment
        attempt, _ = make_attempt(session, assessment, now=clock())
        with pytest.raises(engine.AssessmentUnavailable):
            engine.start(attempt, session=session, now=clock(), language="hr")


# ---- preview: the engine's own draw, nothing written ---------------------------------

def test_preview_draws_what_an_attempt_gets_and_writes_nothing(db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  language="hr")
        seed = attempt.seed
        responses = engine.responses(attempt, session=session)
        contents = [session.get(ItemRevision, r.revision_id).content for r in responses]
        expected = [content["id"] for content in contents]
        shown = [get_type(c["type"]).view(c, r.params, "hr")
                 for c, r in zip(contents, responses, strict=True)]
        tables = (Attempt, Response, Assessment, ItemRevision)
        before = [count_rows(session, table) for table in tables]
        sample = preview.sample(session.get(Assessment, assessment.id), seed, "hr",
                                session=session)
        assert [item.key for item in sample.items] == expected
        assert [count_rows(session, table) for table in tables] == before
        assert not session.new and not session.dirty
    assert sample.asked == 6 and len(sample.items) == 6
    assert sample.items[0].text == "Situacija 1 na hrvatskom." and sample.items[0].type == "sjt"
    assert sample.by_section == [("Situations", 4), ("Math", 1), ("Writing", 1)]
    assert dict(sample.by_dimension)["numeracy"] == 1
    # The numeric item's parameters are the attempt's, filled in as the candidate saw them.
    position = next(item.position for item in sample.items if item.type == "numeric")
    assert sample.items[position - 1].text == shown[position - 1]["stem"]
    assert "{" not in shown[position - 1]["stem"]


def test_excerpt_takes_the_first_line_and_shortens_it():
    assert preview.excerpt({"prompt": "\n  Dear team,\nsecond line"}) == "Dear team,"
    long = preview.excerpt({"stem": "x" * 500})
    assert len(long) == preview.EXCERPT_CHARS and long.endswith("…")
