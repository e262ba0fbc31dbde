"""Editing items: the form round trip, validation, revisions, retiring, diffs, YAML."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlmodel import select

from hiring.assessment import engine
from hiring.banks import editing, item_diff, item_form, item_yaml
from hiring.banks.importer import content_hash
from hiring.banks.loader import load_path
from hiring.models import Assessment, Bank, Item, ItemRevision
from tests.factories import make_assessment, make_attempt

DATA = Path(__file__).parent.parent / "data"
SHIPPED = Path(__file__).parent.parent.parent / "question_banks" / "csr_core.yaml"


def submitted(nodes: list[item_form.Node], form: dict | None = None) -> dict:
    """Return the fields a browser posts for a form, unchanged."""
    form = {} if form is None else form
    for node in nodes:
        if node.kind == item_form.CHECKBOX:
            if node.value:
                form[node.name] = "on"
        elif node.kind not in (item_form.TEXTS, item_form.ENTRIES, item_form.NAMED,
                               item_form.LEVELS, item_form.ENTRY) and not node.readonly:
            form[node.name] = str(node.value)
        submitted(node.children, form)
    return form


def as_bank(path: Path) -> tuple[SimpleNamespace, list[dict]]:
    bank_file = load_path(path)
    header = bank_file.header
    return (SimpleNamespace(languages=header["languages"], dimensions=header["dimensions"]),
            bank_file.items)


def names(bank) -> dict[str, str]:
    return {key: value["name"]["en"] for key, value in bank.dimensions.items()}


def edit(content: dict, bank, changes: dict[str, str | None]) -> tuple[dict, list]:
    """Post the item's form with some fields changed (None: left out); validate it."""
    nodes = item_form.build_form(content["type"], content, languages=bank.languages,
                                 dimensions=names(bank))
    form = submitted(nodes)
    for name, value in changes.items():
        if value is None:
            form.pop(name, None)
        else:
            form[name] = value
    raw, problems = item_form.read_form(content["type"], form)
    raw.update(id=content["id"], type=content["type"])
    validated, found = editing.validate(raw, bank=bank)
    return (validated or raw), problems + found


@pytest.mark.parametrize("path", [DATA / "mini_bank.yaml", SHIPPED], ids=["mini", "shipped"])
def test_every_item_survives_the_form_unchanged(path):
    bank, items = as_bank(path)
    assert {item["type"] for item in items} >= {"sjt", "numeric", "written"}
    for item in items:
        content, problems = edit(item, bank, {})
        assert problems == [], item["id"]
        assert content_hash(content) == content_hash(item), item["id"]


def test_the_form_labels_fields_and_groups_them_by_entry():
    bank, items = as_bank(DATA / "mini_bank.yaml")
    nodes = {n.name: n for n in item_form.build_form(
        "sjt", items[0], languages=bank.languages, dimensions=names(bank))}
    assert nodes["id"].readonly and nodes["type"].readonly
    assert nodes["dimension"].kind == item_form.SELECT
    assert ("composure", "Composure") in nodes["dimension"].choices
    assert nodes["format"].choices == [("best", "best"), ("best_worst", "best_worst")]
    assert [c.name for c in nodes["stem"].children] == ["stem.en", "stem.hr"]
    options = nodes["options"].children
    assert [o.label for o in options] == ["Option 1", "Option 2", "Option 3", "Option 4",
                                          "Add another option"]
    assert options[-1].blank and not options[0].blank
    first = {c.name: c for c in options[0].children}
    assert first["options.0.key"].kind == item_form.INTEGER and first["options.0.key"].value == 5
    assert first["options.0.text"].children[1].value == "Opcija a od 1"


def test_a_new_item_may_set_its_id():
    nodes = item_form.build_form("typing", item_form.skeleton("typing", ["en", "hr"]),
                                 languages=["en", "hr"], dimensions={}, new=True)
    assert not nodes[0].readonly and nodes[0].name == "id"


def test_changed_text_added_and_removed_options():
    bank, items = as_bank(DATA / "mini_bank.yaml")
    sjt = items[0]
    content, problems = edit(sjt, bank, {
        "options.1.text.en": "Listen first,\r\nthen answer.",
        "options.4.id": "e", "options.4.text.en": "New", "options.4.text.hr": "Novo",
        "options.4.key": "2", "options.4.rationale.en": "Why", "options.4.rationale.hr": "Zašto"})
    assert problems == []
    assert content["options"][1]["text"] == {"en": "Listen first,\nthen answer.",
                                             "hr": "Opcija b od 1"}
    assert [o["id"] for o in content["options"]] == ["a", "b", "c", "d", "e"]
    assert content["options"][4]["key"] == 2

    content, problems = edit(sjt, bank, {"options.2._remove": "1", "options.3._remove": "1"})
    assert problems == [(("options",), "Give at least 4 (there are 2).")]


def test_problems_land_on_their_fields():
    bank, items = as_bank(DATA / "mini_bank.yaml")
    raw, problems = edit(items[0], bank, {
        "options.2.text.hr": "  ", "options.1.key": "9", "options.3.key": "five",
        "seed": "", "weight": ""})
    fields = {item_form.field_name("sjt", raw, path): message for path, message in problems}
    assert fields == {
        "options.1.key": "Input should be less than or equal to 5",
        "options.2.text": "Missing translation: hr",
        "options.3.key": "Input should be a valid integer, unable to parse string as an "
                         "integer",
        "seed": "Required.",
    }  # a blank weight takes its default
    nodes = item_form.build_form("sjt", raw, languages=bank.languages, dimensions=names(bank))
    summary = item_form.attach(nodes, list(fields.items()))
    assert ("Options › Option 3 › Text", "Missing translation: hr", "f-options-2-text") in summary
    option_3 = next(n for n in nodes if n.name == "options").children[2]
    assert option_3.has_errors and option_3.children[1].errors == ["Missing translation: hr"]


def test_parameters_are_entries_with_names():
    bank, items = as_bank(DATA / "mini_bank.yaml")
    numeric = items[4]
    content, problems = edit(numeric, bank, {
        "params.2._name": "fee", "params.2.choices": "1.5, 2", "formula": "price * months + fee"})
    assert problems == []
    assert content["params"]["fee"] == {"choices": [1.5, 2.0]}

    raw, problems = edit(numeric, bank, {"params.1._name": "price"})
    assert [(item_form.field_name("numeric", raw, p), m) for p, m in problems][0] == (
        "params.1._name", "The name 'price' is given twice.")

    raw, problems = edit(numeric, bank, {"params.0.min": "lots"})
    assert ("params.0.min", "Input should be a valid number, unable to parse string as a "
                            "number") in [(item_form.field_name("numeric", raw, p), m)
                                          for p, m in problems]


def test_rubric_levels_drop_when_empty_and_every_level_is_required():
    bank, items = as_bank(DATA / "mini_bank.yaml")
    raw, problems = edit(items[5], bank, {
        "rubric.0.anchors.2.en": "Weaker", "rubric.0.anchors.2.hr": "Slabije",
        "rubric.1.anchors.3.en": "", "rubric.1.anchors.3.hr": ""})
    assert raw["rubric"][0]["anchors"][2] == {"en": "Weaker", "hr": "Slabije"}
    assert sorted(raw["rubric"][1]["anchors"]) == [1, 2, 4, 5]
    assert problems == [(("rubric", 1, "anchors"), "Anchors need a description for every "
                                                   "level 1 to 5 (missing: 3)")]


def test_skeletons_have_empty_texts_in_every_language_and_enough_entries():
    for item_type, entries in (("sjt", 4), ("choice", 3), ("written", 1)):
        skeleton = item_form.skeleton(item_type, ["en", "hr"])
        listed = skeleton.get("options") or skeleton.get("rubric")
        assert len(listed) == entries
    skeleton = item_form.skeleton("numeric", ["en", "hr"])
    assert skeleton["stem"] == {"en": "", "hr": ""} and skeleton["params"] == {}
    assert skeleton["tolerance"] == 0.01
    _, problems = editing.validate(skeleton, bank=SimpleNamespace(
        languages=["en", "hr"], dimensions={"numeracy": {}}))
    assert (("stem",), "Missing translation: en, hr") in problems


# ---- revisions -----------------------------------------------------------------------


def stored_item(session, key: str) -> tuple[Bank, Item, dict]:
    item = session.exec(select(Item).where(Item.key == key)).one()
    revision = editing.get_revision(item, item.current_revision, session=session)
    return session.get(Bank, item.bank_id), item, dict(revision.content)


def changed_text(content: dict, text: str) -> dict:
    options = [dict(option) for option in content["options"]]
    options[0] = {**options[0], "text": {**options[0]["text"], "en": text}}
    return {**content, "options": options}


def test_a_change_makes_a_new_revision_and_no_change_makes_none(db, bank):
    with db() as session:
        _, item, content = stored_item(session, "sjt-1")
        assert editing.save_revision(item, content, session=session, author="hr@x.org") is None
        revision = editing.save_revision(
            item, {**changed_text(content, "Greet the customer"), "dimension": "composure"},
            session=session, author="hr@x.org", base=1)
        assert (revision.number, revision.created_by) == (2, "hr@x.org")
        assert revision.content_hash == content_hash(revision.content)
        assert (item.current_revision, item.dimension) == (2, "composure")
        assert len(editing.revisions(item, session=session)) == 2
        with pytest.raises(editing.EditConflict) as conflict:
            editing.save_revision(item, content, session=session, author="b@x.org", base=1)
        assert conflict.value.current == 2
        with pytest.raises(ValueError, match="cannot change"):
            editing.save_revision(item, {**content, "id": "other"}, session=session, author="x")


def test_started_attempts_keep_the_revision_they_saw(db, bank, clock):
    with db() as session:
        assessment = make_assessment(session, bank, sections=[
            {"title": "Situations", "type": "sjt", "count": 4}])
        before, _ = make_attempt(session, assessment, now=clock(), started=True)
        _, item, content = stored_item(session, "sjt-1")
        old = editing.get_revision(item, 1, session=session)
        new = editing.save_revision(item, changed_text(content, "Edited"), session=session,
                                    author="hr@x.org")
        after, _ = make_attempt(session, assessment, now=clock(), started=True,
                                email="b@example.com")
        seen = {session.get(ItemRevision, r.revision_id).item_id: r.revision_id
                for r in engine.responses(before, session=session)}
        assert seen[item.id] == old.id
        seen_after = {session.get(ItemRevision, r.revision_id).item_id: r.revision_id
                      for r in engine.responses(after, session=session)}
        assert seen_after[item.id] == new.id


def test_item_ids_are_unique_in_a_bank(db, bank):
    with db() as session:
        bank_row, item, content = stored_item(session, "sjt-1")
        with pytest.raises(editing.KeyTaken, match="already has an item with the id 'sjt-1'"):
            editing.create_item(bank_row, content, session=session, author="hr@x.org")
        created = editing.create_item(bank_row, {**content, "id": "sjt-9"}, session=session,
                                      author="hr@x.org")
        assert (created.current_revision, created.type) == (1, "sjt")
        assert editing.revisions(created, session=session)[0].created_by == "hr@x.org"


# ---- retiring ------------------------------------------------------------------------


def test_retiring_is_refused_when_an_assessment_would_run_short(db, bank):
    with db() as session:
        needy = make_assessment(session, bank, name="Front desk", sections=[
            {"title": "Situations", "type": "sjt", "count": 3},
            {"title": "More", "type": "sjt", "count": 1}])
        make_assessment(session, bank, name="Small", sections=[
            {"title": "Any", "count": 2}])
        _, item, _ = stored_item(session, "sjt-2")
        shortages = editing.shortages_if_retired(item, session=session)
        assert [str(s) for s in shortages] == [
            f"Assessment “Front desk” (#{needy.id}), section “More”: asks for 4 items and "
            "only 3 matching active items would be left."]
        with pytest.raises(editing.RetireRefused):
            editing.retire(item, session=session)
        assert not item.retired

        # A replaced assessment no longer counts.
        needy.replaced_by_id = session.exec(select(Assessment.id).where(
            Assessment.name == "Small")).one()
        editing.retire(item, session=session)
        assert item.retired
        editing.restore(item, session=session)
        assert not item.retired


def test_sections_by_dimension_count_only_matching_items(db, bank):
    with db() as session:
        make_assessment(session, bank, sections=[
            {"title": "Care", "type": "sjt", "dimension": "customer_focus", "count": 1}])
        _, other, _ = stored_item(session, "sjt-2")
        assert editing.shortages_if_retired(other, session=session) == []
        _, needed, _ = stored_item(session, "sjt-1")
        assert [s.section for s in editing.shortages_if_retired(needed, session=session)] == [
            "Care"]


# ---- diffs ---------------------------------------------------------------------------


def test_diff_lists_changed_added_and_removed_fields():
    bank, items = as_bank(DATA / "mini_bank.yaml")
    old = items[0]
    new, _ = edit(old, bank, {
        "stem.en": "Situation 1 in English, told again by the customer.",
        "options.4.id": "e", "options.4.text.en": "E", "options.4.text.hr": "E",
        "options.4.key": "1", "options.4.rationale.en": "R", "options.4.rationale.hr": "R"})
    new.pop("facets")
    changes = item_diff.diff(old, new)
    kinds = {change.path: change.kind for change in changes}
    assert kinds == {"facets": "removed", "stem.en": "changed", "options.4.id": "added",
                     "options.4.text.en": "added", "options.4.text.hr": "added",
                     "options.4.key": "added", "options.4.rationale.en": "added",
                     "options.4.rationale.hr": "added"}
    assert [c.path for c in changes][:3] == ["facets", "stem.en", "options.4.id"]
    stem = next(c for c in changes if c.path == "stem.en")
    assert stem.old_words == (("equal", "Situation 1 in "), ("delete", "English."))
    assert stem.new_words == (("equal", "Situation 1 in "),
                              ("insert", "English, told again by the customer."))
    assert item_diff.summary(old, new) == (
        "Changed stem.en; added options.4; removed facets")
    assert item_diff.summary(None, new) == "First version"
    replaced = item_diff.diff({"s": "Call the customer back within the hour."},
                              {"s": "Escalate to a supervisor straight away, today."})
    assert replaced[0].old_words == replaced[0].new_words == ()  # nothing alike to mark
    assert item_diff.summary(old, old) == "No change in content"


def test_diff_keeps_the_content_order():
    old = {"id": "x", "stem": {"en": "a"}, "options": [{"id": "a", "key": 1}]}
    new = {"id": "x", "stem": {"en": "a", "hr": "b"}, "options": [{"id": "a", "key": 2}]}
    assert [(c.path, c.kind, c.old, c.new) for c in item_diff.diff(old, new)] == [
        ("stem.hr", "added", None, "b"), ("options.0.key", "changed", "1", "2")]


# ---- YAML ----------------------------------------------------------------------------


def test_yaml_round_trip_and_problems_with_lines():
    bank, items = as_bank(DATA / "mini_bank.yaml")
    written = items[5]
    text = item_yaml.to_yaml(written)
    assert text.startswith("id: wr-1\ntype: written\n") and "\n      1:\n" in text
    content, problems = item_yaml.from_yaml(text, bank=bank, item_type="written", key="wr-1")
    assert problems == [] and content_hash(content) == content_hash(written)

    broken = text.replace("max_words: 200", "max_words: lots")
    _, problems = item_yaml.from_yaml(broken, bank=bank, item_type="written", key="wr-1")
    line = broken.splitlines().index("max_words: lots") + 1
    assert [(p.line, p.field) for p in problems] == [(line, "max_words")]

    _, problems = item_yaml.from_yaml(text.replace("id: wr-1", "id: wr-2"), bank=bank,
                                      item_type="written", key="wr-1")
    assert [(p.line, p.field) for p in problems] == [(1, "id")]
    assert "cannot change" in problems[0].message

    _, problems = item_yaml.from_yaml("id: [", bank=bank, item_type="written", key="wr-1")
    assert problems[0].message.startswith("not valid YAML")


# ---- preview -------------------------------------------------------------------------


def test_preview_is_stable_and_in_the_language():
    _, items = as_bank(DATA / "mini_bank.yaml")
    numeric = items[4]
    template, view = editing.preview(numeric, "hr")
    assert template == "candidate/items/numeric.html"
    assert view == editing.preview(numeric, "hr")[1]
    assert view["stem"].startswith("Tarifa stoji ") and "{price}" not in view["stem"]
