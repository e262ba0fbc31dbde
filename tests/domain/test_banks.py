"""Bank loading: every problem reported with its line; import creates revisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from hiring.banks.importer import import_bank
from hiring.banks.loader import BankInvalid, load_bytes, load_path
from hiring.models import Item, ItemRevision

DATA = Path(__file__).parent.parent / "data"
SHIPPED = Path(__file__).parent.parent.parent / "question_banks"


def problems_of(text: str) -> list:
    with pytest.raises(BankInvalid) as info:
        load_bytes(text.encode(), "bank.yaml")
    return info.value.problems


def mini_text() -> str:
    return (DATA / "mini_bank.yaml").read_text(encoding="utf-8")


def test_shipped_banks_are_valid_and_big_enough():
    for path in SHIPPED.glob("*.yaml"):
        bank = load_path(path)
        types = [item["type"] for item in bank.items]
        assert types.count("sjt") >= 12
        assert types.count("numeric") >= 6
        assert types.count("written") >= 2
        assert all(item["seed"] in {"000", "001", "002", "003", "004"} for item in bank.items)


def test_broken_bank_names_each_problem_with_its_line():
    with pytest.raises(BankInvalid) as info:
        load_path(DATA / "broken_bank.yaml")
    found = {(p.line, p.field) for p in info.value.problems}
    assert (24, "items.1.stem") in found  # missing field: reported at the item
    assert (41, "items.2.tolerance") in found  # bad type
    assert (43, "items.3.id") in found  # duplicate id
    assert all(str(p).startswith(str(DATA / "broken_bank.yaml") + ":") for p in
               info.value.problems)


def test_missing_translation_is_a_problem():
    text = mini_text().replace("hr: 'Situacija 2 na hrvatskom.'", "hr: ''")
    problems = problems_of(text)
    assert any(p.field == "items.1.stem" and "hr" in p.message for p in problems)


def test_a_rubric_without_every_level_from_1_to_5_is_a_problem_at_its_anchors_line():
    text = mini_text()
    missing_two = text.replace("          2: {en: Weak, hr: Slabo}\n", "", 1)
    lines = missing_two.splitlines()
    tone = lines.index("      - id: tone")
    line = lines.index("        anchors:", tone) + 2  # the anchors' mapping starts below
    problems = problems_of(missing_two)
    assert [(p.line, p.field, p.message) for p in problems] == [
        (line, "items.5.rubric.0.anchors",
         "Value error, anchors need a description for every level 1 to 5 (missing: 2)")]
    assert str(problems[0]).startswith(f"bank.yaml:{line}: items.5.rubric.0.anchors: ")
    extra = text.replace("          5: {en: Excellent, hr: Izvrsno}\n",
                         "          5: {en: Excellent, hr: Izvrsno}\n"
                         "          6: {en: Beyond, hr: Iznad}\n", 1)
    assert [p.message for p in problems_of(extra)] == [
        "Value error, anchors are given for levels 1 to 5 only"]


def test_sjt_option_without_key_is_a_problem():
    text = mini_text().replace("        key: 5\n", "", 1)
    assert any("key" in p.field for p in problems_of(text))


def test_formula_that_can_divide_by_zero_is_a_problem():
    text = mini_text().replace("formula: price * months", "formula: price / (months - 2)")
    assert any(p.field == "items.4.formula" and "division" in p.message
               for p in problems_of(text))


def test_formula_that_can_go_negative_is_a_problem():
    text = mini_text().replace("formula: price * months", "formula: price - months * 5")
    assert any("negative" in p.message for p in problems_of(text))


def test_formula_may_not_call_anything_but_arithmetic():
    text = mini_text().replace("formula: price * months",
                               "formula: \"__import__('os').system('true')\"")
    assert any(p.field == "items.4.formula" for p in problems_of(text))


def test_stem_with_unknown_parameter_is_a_problem():
    text = mini_text().replace("How much for {months} months", "How much for {weeks} weeks")
    assert any("weeks" in p.message for p in problems_of(text))


def test_not_yaml_and_not_utf8_and_duplicate_keys():
    assert "YAML" in problems_of("items: [unclosed\n")[0].message
    with pytest.raises(BankInvalid) as info:
        load_bytes(b"id: \xff\xfe\n", "x.yaml")
    assert "UTF-8" in info.value.problems[0].message
    text = mini_text().replace("version: 1\n", "version: 1\nversion: 2\n")
    assert any(p.message == "key given twice" and p.line == 4 for p in problems_of(text))


def test_infinite_numbers_are_problems_not_crashes():
    text = mini_text()
    assert "min: 2" in text
    problems = problems_of(text.replace("min: 2", "min: .inf", 1))
    assert any("finite" in p.message for p in problems)


def test_unknown_item_type_lists_known_types():
    text = mini_text().replace("    type: written", "    type: essay")
    problem = next(p for p in problems_of(text) if p.field.endswith("type"))
    assert "essay" in problem.message and "sjt" in problem.message


def test_import_then_reimport_creates_revisions_only_for_changes(db):
    with db() as session:
        first = import_bank(load_path(DATA / "mini_bank.yaml"), session=session)
    assert (first.added, first.revised, first.unchanged) == (6, 0, 0)
    with db() as session:
        again = import_bank(load_path(DATA / "mini_bank.yaml"), session=session)
    assert (again.added, again.revised, again.unchanged) == (0, 0, 6)

    changed = mini_text().replace("Option a of 1", "Option A of one").replace(
        "version: 1", "version: 2")
    lines = changed.splitlines()
    start = lines.index("  - id: sjt-3")
    end = lines.index("  - id: sjt-4")
    changed = "\n".join(lines[:start] + lines[end:]) + "\n"
    with db() as session:
        third = import_bank(load_bytes(changed.encode(), "mini.yaml"), session=session)
    assert (third.added, third.revised, third.unchanged, third.retired) == (0, 1, 4, 1)
    with db() as session:
        item = session.exec(select(Item).where(Item.key == "sjt-1")).one()
        revisions = session.exec(select(ItemRevision).where(
            ItemRevision.item_id == item.id).order_by(ItemRevision.number)).all()
        assert [r.number for r in revisions] == [1, 2]
        assert revisions[0].content["options"][0]["text"]["en"] == "Option a of 1"
        assert revisions[1].content["options"][0]["text"]["en"] == "Option A of one"
        assert session.exec(select(Item).where(Item.key == "sjt-3")).one().retired


def test_shipped_assessment_recipes_are_checked_against_the_items():
    text = mini_text() + """assessments:
  - id: too-big
    name: {en: Too big, hr: Preveliko}
    time_limit_minutes: 20
    sections:
      - {title: {en: Situations, hr: Situacije}, type: sjt, count: 3}
      - {title: {en: More, hr: Još}, type: sjt, count: 2}
      - {title: {en: Essays, hr: Eseji}, type: essay, count: 1}
"""
    problems = problems_of(text)
    fields = {p.field for p in problems}
    assert "assessments.0.sections.1.count" in fields  # 5 sjt asked, 4 in the bank
    assert "assessments.0.sections.2.type" in fields


def test_probes_need_a_rating_guide():
    text = mini_text().replace(
        "    definition: {en: Definition of composure., hr: Definicija composure.}",
        "    definition: {en: Definition of composure., hr: Definicija composure.}\n"
        "    probes:\n"
        "      - id: p1\n"
        "        question: {en: Tell me about a time..., hr: Opišite situaciju...}\n"
        "        good_answer: {en: Calm., hr: Smireno.}\n"
        "        rating_guide: {1: {en: Poor, hr: Loše}, 5: {en: Good, hr: Dobro}}\n")
    assert any(p.field == "dimensions.composure.probes.0" and "rating_guide" in p.message
               and p.line == 17 for p in problems_of(text))


def test_every_dimension_of_the_shipped_bank_opens_with_a_situational_probe():
    from types import SimpleNamespace

    from hiring.reports.findings import guide as _guide

    header = load_path(SHIPPED / "csr_core.yaml").header
    for key, dimension in header["dimensions"].items():
        situational = [p for p in dimension["probes"] if p.get("kind") == "situational"]
        assert situational, key
        assert dimension["probes"][0]["kind"] == "situational", key
        for probe in situational:
            for language in ("en", "hr"):
                assert probe["question"][language].strip(), (key, language)
                assert probe["good_answer"][language].strip(), (key, language)
                assert all(probe["rating_guide"][n][language].strip() for n in range(1, 6))
        # The interview guide asks the first three, the situational one first.
        probes = _guide(SimpleNamespace(dimensions=header["dimensions"]), [key], "hr",
                        "development area")[0].probes
        assert [p.kind for p in probes] == ["situational", "behavioural", "behavioural"]
        assert probes[0].question.startswith("Što biste učinili kad bi")


def test_import_creates_and_versions_shipped_assessments(db, clock):
    from hiring.assessment import engine
    from hiring.models import Assessment
    from tests.factories import make_attempt

    recipe = """assessments:
  - id: screen
    name: {en: Screening, hr: Probir}
    time_limit_minutes: 15
    typing_target_wpm: 30
    sections:
      - {title: {en: Situations, hr: Situacije}, type: sjt, count: 3}
"""
    with db() as session:
        summary = import_bank(load_bytes((mini_text() + recipe).encode(), "m.yaml"),
                              session=session)
        first = summary.assessments[0]
        assert (first.name, first.titles["hr"], first.settings["typing_target_wpm"]) == (
            "Screening", "Probir", 30)
        attempt, _ = make_attempt(session, first, now=clock(), started=True, language="hr")
        assert engine.responses(attempt, session=session)[0].section == "Situacije"
    changed = recipe.replace("count: 3", "count: 2")
    with db() as session:
        again = import_bank(load_bytes((mini_text() + changed).encode(), "m.yaml"),
                            session=session).assessments[0]
        assert again.id != first.id  # the taken one is kept as it was
        assert session.get(Assessment, first.id).sections[0]["count"] == 3
        assert (again.version, session.get(Assessment, first.id).replaced_by_id) == (
            2, again.id)


RECIPE = """assessments:
  - id: screen
    name: {en: Screening, hr: Probir}
    time_limit_minutes: 15
    languages: [hr]
    thresholds: {strength_score: 80, development_score: 40}
    sections:
      - {title: {en: Situations, hr: Situacije}, type: sjt, count: 3}
"""


def test_recipe_languages_and_thresholds_reach_the_assessment_and_the_export(db):
    from hiring.banks.exporter import export_bank
    from hiring.scoring.rules import Rules

    with db() as session:
        summary = import_bank(load_bytes((mini_text() + RECIPE).encode(), "m.yaml"),
                              session=session)
        screen = summary.assessments[0]
        assert (screen.languages, screen.language) == (["hr"], "hr")
        rules = Rules.for_assessment(screen.settings)
        assert (rules.strength_score, rules.development_score) == (80, 40)
        assert "strength_low" not in screen.settings
        exported = export_bank(summary.bank, session=session)
    reloaded = load_bytes(exported.encode(), "export.yaml").header["assessments"][0]
    assert reloaded["languages"] == ["hr"]
    assert reloaded["thresholds"]["strength_score"] == 80
    assert reloaded["thresholds"]["development_score"] == 40
    with db() as session:  # the export imports back without a new version
        again = import_bank(load_bytes(exported.encode(), "export.yaml"),
                            session=session).assessments[0]
        assert (again.id, again.version) == (screen.id, 1)


def test_a_deprecated_strength_low_is_accepted_and_ignored(db):
    from hiring.banks.importer import content_hash
    from tests.factories import make_attempt

    old_style = RECIPE.replace("development_score: 40}", "development_score: 40, "
                                                          "strength_low: 90}")
    with db() as session:
        screen = import_bank(load_bytes((mini_text() + old_style).encode(), "m.yaml"),
                             session=session).assessments[0]
        assert "strength_low" not in screen.settings  # no error, and no effect
        # As a recipe imported while strength_low was hashed with its default looks:
        values = {k: getattr(screen, k) for k in (
            "name", "titles", "language", "languages", "time_limit_minutes",
            "grace_seconds", "shuffle", "sections")}
        settings = {k: v for k, v in screen.settings.items() if k != "recipe_hash"}
        assert content_hash({**values, "settings": settings}) == screen.settings["recipe_hash"]
        legacy = content_hash({**values, "settings": {**settings, "strength_low": 55.0}})
        screen.settings = {**settings, "strength_low": 55.0, "recipe_hash": legacy}
        make_attempt(session, screen)  # taken: a changed recipe would make a new version
        ids = screen.id
    with db() as session:
        again = import_bank(load_bytes((mini_text() + RECIPE).encode(), "m.yaml"),
                            session=session).assessments[0]
        assert (again.id, again.version) == (ids, 1)


def test_recipe_thresholds_and_languages_are_checked():
    upside_down = RECIPE.replace("development_score: 40", "development_score: 90")
    messages = {p.field: p.message for p in problems_of(mini_text() + upside_down)}
    assert "below strength_score" in messages["assessments.0.thresholds"]
    german = RECIPE.replace("languages: [hr]", "languages: [hr, de]")
    messages = {p.field: p.message for p in problems_of(mini_text() + german)}
    assert "'de' is not one of the bank's languages" in messages["assessments.0.languages"]


def test_reimporting_an_unchanged_bank_keeps_changes_made_in_the_browser(db):
    from hiring.models import Assessment

    bank_bytes = (mini_text() + RECIPE).encode()
    with db() as session:
        screen = import_bank(load_bytes(bank_bytes, "m.yaml"), session=session).assessments[0]
        screen.time_limit_minutes = 25  # HR's edit in the assessment editor (not yet taken)
        screen_id = screen.id
    with db() as session:
        again = import_bank(load_bytes(bank_bytes, "m.yaml"), session=session).assessments[0]
        assert (again.id, again.time_limit_minutes) == (screen_id, 25)
        assert len(session.exec(select(Assessment)).all()) == 1
    changed = RECIPE.replace("time_limit_minutes: 15", "time_limit_minutes: 18")
    with db() as session:  # a changed file wins; nobody took it, so it changes in place
        latest = import_bank(load_bytes((mini_text() + changed).encode(), "m.yaml"),
                             session=session).assessments[0]
        assert (latest.id, latest.time_limit_minutes) == (screen_id, 18)


def test_duplicate_option_and_criterion_ids_are_problems():
    text = mini_text().replace("      - id: b\n        text: {en: 'Option b of 1'",
                               "      - id: a\n        text: {en: 'Option b of 1'", 1)
    text = text.replace("      - id: empathy", "      - id: tone", 1)
    messages = {(p.field, p.message) for p in problems_of(text)}
    assert ("items.0.options.1.id", "duplicate option id 'a'") in messages
    assert ("items.5.rubric.1.id", "duplicate criterion id 'tone'") in messages
