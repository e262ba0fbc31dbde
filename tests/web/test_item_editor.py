"""HR's question editor: item page, form and YAML editing, preview, diff, retire, restore."""

from __future__ import annotations

import io
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from sqlmodel import func, select

from hiring.assessment import engine
from hiring.models import Attempt, Bank, Item, ItemRevision
from tests.factories import PASSWORD, make_assessment, make_attempt, make_user

ITEM = "/admin/banks/{bank}/items/{key}"
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hiring-hypothesis")  # not in the repo


class EditorForm(HTMLParser):
    """Read the fields of a page's form as a browser would post them."""

    def __init__(self, page: str, form_class: str) -> None:
        super().__init__()
        self.form_class, self.inside = form_class, False
        self.textarea = self.select = None
        self.fields: dict[str, str] = {}
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_class in (attrs.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        if tag == "option" and self.select and (
                "selected" in attrs or self.select not in self.fields):
            self.fields[self.select] = attrs.get("value", "")
        if "name" not in attrs:
            return
        if tag == "input" and (attrs.get("type") != "checkbox" or "checked" in attrs):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = attrs["name"]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # the browser drops the newline right after <textarea>
            self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def editor_fields(page: str, form_class: str = "item-editor") -> dict[str, str]:
    fields = EditorForm(page, form_class).fields
    fields.pop("csrf_token", None)
    return fields


@pytest.fixture
def hr(auth):
    auth.login("hr")


def url(bank, key: str, tail: str = "") -> str:
    return ITEM.format(bank=bank.id, key=key) + tail


def revision_count(db, key: str) -> int:
    with db() as session:
        item = session.exec(select(Item).where(Item.key == key)).one()
        return session.exec(select(func.count()).select_from(ItemRevision).where(
            ItemRevision.item_id == item.id)).one()


def post_edit(client, bank, key: str, changes: dict[str, str], action: str = "save"):
    fields = editor_fields(client.get(url(bank, key, "/edit")).get_data(as_text=True))
    fields.update(changes)
    return client.post(url(bank, key, "/edit"), data={**fields, "action": action})


# ---- access --------------------------------------------------------------------------


def test_only_hr_may_use_the_editor(app, client, auth, bank):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("items.")]
    assert len(rules) >= 8
    routes = [(rule.build({"bank_id": bank.id, "key": "sjt-1"})[1], method)
              for rule in rules for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    for path, method in routes:
        response = client.open(path, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login("interviewer")
    for path, method in routes:
        assert client.open(path, method=method).status_code == 403, (path, method)
    auth.logout()
    auth.login("hr")
    for path, method in routes:
        assert client.open(path, method=method).status_code in (200, 302, 400, 409), (
            path, method)


# ---- the item page and the bank page -------------------------------------------------


def test_item_page_shows_content_state_and_history(client, hr, bank):
    page = client.get(url(bank, "sjt-1")).get_data(as_text=True)
    for text in ("Situation 1 in English.", "Situacija 1 na hrvatskom.", "Opcija d od 1",
                 "Why a", "Zašto a", "state-active", "Revision history", "First version",
                 "import", ">Edit<", ">Preview<", ">Retire<"):
        assert text in page, text
    assert client.get(url(bank, "nope")).status_code == 404
    assert "has no item &#39;nope&#39;" in client.get(url(bank, "nope")).get_data(as_text=True)


def test_bank_page_links_items_and_filters_retired_ones(client, hr, bank, db):
    with db() as session:
        session.exec(select(Item).where(Item.key == "sjt-3")).one().retired = True
    page = client.get(f"/admin/banks/{bank.id}").get_data(as_text=True)
    assert "6 items (5 active, 1 retired)" in page
    assert f'href="{url(bank, "sjt-1")}"' in page
    assert f'href="/admin/banks/{bank.id}/new-item"' in page
    assert re.search(r"sjt-3</code></a> <span class=\"state state-retired\">retired", page)
    retired = client.get(f"/admin/banks/{bank.id}?show=retired").get_data(as_text=True)
    assert "sjt-3" in retired and "sjt-1" not in retired
    active = client.get(f"/admin/banks/{bank.id}?show=active").get_data(as_text=True)
    assert "sjt-1" in active and "sjt-3" not in active


# ---- editing with the form -----------------------------------------------------------


def test_the_editor_is_a_form_with_a_field_per_text(client, hr, bank):
    page = client.get(url(bank, "sjt-1", "/edit")).get_data(as_text=True)
    fields = editor_fields(page)
    assert fields["options.0.text.en"] == "Option a of 1"
    assert fields["options.3.rationale.hr"] == "Zašto d"
    assert fields["options.0.key"] == "5" and fields["format"] == "best"
    assert fields["dimension"] == "customer_focus"
    assert "id" not in fields and "type" not in fields  # shown read-only
    assert 'value="sjt-1" readonly' in page
    assert "Add another option" in page and "options.4.text.en" in fields
    assert 'name="options.0._remove"' in page


def test_saving_a_change_makes_a_revision_by_the_hr_user(client, hr, bank, db):
    response = post_edit(client, bank, "sjt-1", {"options.0.text.en": "Greet Ana by name",
                                                 "dimension": "composure"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(bank, "sjt-1"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved as revision 2." in page and "Greet Ana by name" in page
    assert "hr@example.com" in page and "Changed dimension, options.0.text.en" in page
    with db() as session:
        item = session.exec(select(Item).where(Item.key == "sjt-1")).one()
        assert (item.current_revision, item.dimension) == (2, "composure")
        revision = session.exec(select(ItemRevision).where(
            ItemRevision.item_id == item.id, ItemRevision.number == 2)).one()
        assert revision.created_by == "hr@example.com"
        assert revision.content["options"][0]["text"]["en"] == "Greet Ana by name"


def test_saving_unchanged_content_creates_nothing(client, hr, bank, db):
    response = post_edit(client, bank, "num-1", {})
    assert response.status_code == 302
    assert "No changes: nothing was saved." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert revision_count(db, "num-1") == 1


def test_problems_are_shown_at_their_fields_and_nothing_is_saved(client, hr, bank, db):
    response = post_edit(client, bank, "sjt-1", {
        "options.1.text.hr": "", "options.2.key": "9", "stem.en": "Changed too"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "2 problems: nothing was saved." in page
    assert ('<a href="#f-options-1-text">Options › Option 2 › Text</a>: Missing translation: '
            'hr') in page
    assert 'name="options.1.text.hr" lang="hr" rows="2" class="missing"' in page
    field = page.split('id="f-options-2-key"')[1].split("</div>")[0]
    assert "Input should be less than or equal to 5" in field
    assert editor_fields(page)["stem.en"] == "Changed too"  # the input is kept
    assert revision_count(db, "sjt-1") == 1


def test_id_and_type_cannot_be_changed(client, hr, bank, db):
    response = post_edit(client, bank, "sjt-2", {"id": "renamed", "type": "choice",
                                                 "stem.en": "New stem"})
    assert response.status_code == 302
    with db() as session:
        item = session.exec(select(Item).where(Item.key == "sjt-2")).one()
        content = session.exec(select(ItemRevision.content).where(
            ItemRevision.item_id == item.id, ItemRevision.number == 2)).one()
    assert (item.type, content["id"], content["type"]) == ("sjt", "sjt-2", "sjt")


def test_options_can_be_added_and_removed(client, hr, bank, db):
    added = post_edit(client, bank, "sjt-1", {
        "options.4.id": "e", "options.4.text.en": "Escalate", "options.4.text.hr": "Eskaliraj",
        "options.4.key": "2", "options.4.rationale.en": "Too early",
        "options.4.rationale.hr": "Prerano"})
    assert added.status_code == 302
    fields = editor_fields(client.get(url(bank, "sjt-1", "/edit")).get_data(as_text=True))
    assert fields["options.4.text.en"] == "Escalate" and fields["options.5.id"] == ""

    removed = post_edit(client, bank, "sjt-1", {"options.1._remove": "1"})
    assert removed.status_code == 302
    with db() as session:
        item = session.exec(select(Item).where(Item.key == "sjt-1")).one()
        content = session.exec(select(ItemRevision.content).where(
            ItemRevision.item_id == item.id, ItemRevision.number == 3)).one()
    assert [o["id"] for o in content["options"]] == ["a", "c", "d", "e"]

    too_few = post_edit(client, bank, "sjt-1", {"options.1._remove": "1"})
    assert too_few.status_code == 400
    assert "Give at least 4 (there are 3)." in too_few.get_data(as_text=True)


def test_numbers_that_are_not_finite_are_refused(client, hr, bank, db):
    response = post_edit(client, bank, "num-1", {"params.0.min": "inf", "params.0.max": "inf",
                                                 "tolerance": "nan"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and page.count("Give a finite number.") == 3 * 2
    assert revision_count(db, "num-1") == 1


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(
    st.sampled_from(["stem.en", "options.0.key", "options.1.id", "options.7.text.en",
                     "options.x.key", "options.2._remove", "format", "dimension", "weight",
                     "facets", "seed", "options.0.text", "options.0.text.de", "base",
                     "options.².key", "options.٣.id"]),
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
    | st.sampled_from(["", "5", "-1", "1e999", "nan", "best_worst", "0"]), max_size=6))
def test_whatever_is_posted_the_editor_answers_and_saves_only_valid_content(
        app, db, bank, changes):
    client = app.test_client()
    with db() as session:
        make_user(session, role="hr")
    client.post("/login", data={"email": "hr@example.com", "password": PASSWORD})
    before = revision_count(db, "sjt-3")
    response = post_edit(client, bank, "sjt-3", changes)
    assert response.status_code in (302, 400, 409), response.status_code
    assert revision_count(db, "sjt-3") == before + (
        1 if response.status_code == 302 and "Saved as" in client.get(
            response.headers["Location"]).get_data(as_text=True) else 0)


def test_preview_of_an_unsaved_edit_saves_nothing(client, hr, bank, db):
    response = post_edit(client, bank, "sjt-1", {"options.0.text.hr": "Nova opcija"},
                         action="preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview (not saved)" in page and "Nova opcija" in page
    assert revision_count(db, "sjt-1") == 1


def test_an_edit_based_on_an_old_revision_is_not_saved_over_a_newer_one(client, hr, bank, db):
    fields = editor_fields(client.get(url(bank, "sjt-1", "/edit")).get_data(as_text=True))
    assert post_edit(client, bank, "sjt-1", {"stem.en": "First editor"}).status_code == 302
    late = client.post(url(bank, "sjt-1", "/edit"), data={**fields, "stem.en": "Second"})
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and "Someone saved revision 2" in page
    assert revision_count(db, "sjt-1") == 2
    again = client.post(url(bank, "sjt-1", "/edit"), data=editor_fields(page))
    assert again.status_code == 302 and revision_count(db, "sjt-1") == 3


# ---- YAML ----------------------------------------------------------------------------


def test_yaml_editing(client, hr, bank, db):
    page = client.get(url(bank, "wr-1", "/yaml")).get_data(as_text=True)
    text = editor_fields(page, "yaml-editor")["yaml"]
    assert text.startswith("id: wr-1\ntype: written\n")
    bad = client.post(url(bank, "wr-1", "/yaml"), data={
        "yaml": text.replace("min_words: 5", "min_words: -1"), "base": "1"})
    assert bad.status_code == 400
    line = text.splitlines().index("min_words: 5") + 1
    assert f"line {line}: <code>min_words</code>: Input should be greater than or equal to 0" \
        in bad.get_data(as_text=True)
    renamed = client.post(url(bank, "wr-1", "/yaml"), data={
        "yaml": text.replace("id: wr-1", "id: wr-2")})
    assert renamed.status_code == 400 and "cannot change" in renamed.get_data(as_text=True)
    assert revision_count(db, "wr-1") == 1
    good = client.post(url(bank, "wr-1", "/yaml"), data={
        "yaml": text.replace("max_words: 200", "max_words: 250"), "base": "1"})
    assert good.status_code == 302 and revision_count(db, "wr-1") == 2


def test_yaml_editing_refuses_aliases_and_deep_nesting(client, hr, bank, db):
    text = editor_fields(client.get(url(bank, "wr-1", "/yaml")).get_data(as_text=True),
                         "yaml-editor")["yaml"]
    aliased = text.replace("min_words: 5", "min_words: &five 5\nx: *five")
    response = client.post(url(bank, "wr-1", "/yaml"), data={"yaml": aliased, "base": "1"})
    assert response.status_code == 400
    assert "anchors (&amp;five) are not allowed" in response.get_data(as_text=True)
    deep = client.post(url(bank, "wr-1", "/yaml"),
                       data={"yaml": "x: " + "[" * 3000 + "]" * 3000, "base": "1"})
    assert deep.status_code == 400 and "levels deep" in deep.get_data(as_text=True)
    assert revision_count(db, "wr-1") == 1


# ---- new items -----------------------------------------------------------------------


def test_new_item_starts_from_a_skeleton_and_needs_a_unique_id(client, hr, bank, db):
    new = f"/admin/banks/{bank.id}/new-item"
    chooser = client.get(new).get_data(as_text=True)
    assert all(f'value="{name}"' in chooser for name in ("sjt", "numeric", "choice",
                                                         "written", "typing"))
    assert client.get(f"{new}?type=essay").status_code == 400
    page = client.get(f"{new}?type=typing").get_data(as_text=True)
    fields = editor_fields(page)
    assert fields["passage.en"] == "" and fields["passage.hr"] == ""
    assert fields["duration_seconds"] == "60" and fields["id"] == ""
    fields.update({"id": "sjt-1", "dimension": "numeracy", "seed": "003",
                   "passage.en": "Type this.", "passage.hr": ""})
    taken = client.post(f"{new}?type=typing", data=fields)
    text = taken.get_data(as_text=True)
    assert taken.status_code == 400
    assert "The bank already has an item with the id &#39;sjt-1&#39;; choose another." in text
    assert "Missing translation: hr" in text
    fields.update({"id": "typ-1", "passage.hr": "Prepišite ovo."})
    previewed = client.post(f"{new}?type=typing", data={**fields, "action": "preview"})
    assert previewed.status_code == 200 and "Prepišite ovo." in previewed.get_data(as_text=True)
    with db() as session:
        assert session.exec(select(Item).where(Item.key == "typ-1")).first() is None
    created = client.post(f"{new}?type=typing", data=fields)
    assert created.status_code == 302 and created.headers["Location"].endswith(
        url(bank, "typ-1"))
    with db() as session:
        item = session.exec(select(Item).where(Item.key == "typ-1")).one()
        revision = session.exec(select(ItemRevision).where(
            ItemRevision.item_id == item.id)).one()
    assert (item.type, item.dimension, revision.number) == ("typing", "numeracy", 1)
    assert revision.created_by == "hr@example.com"
    assert revision.content["passage"] == {"en": "Type this.", "hr": "Prepišite ovo."}


# ---- preview -------------------------------------------------------------------------


def test_preview_shows_the_candidate_view_read_only_in_each_language(client, hr, bank):
    page = client.get(url(bank, "sjt-4", "/preview?lang=hr")).get_data(as_text=True)
    frame = page.split('<div class="preview-frame" lang="hr">')[1]
    assert "Situacija 4 na hrvatskom." in frame and "Opcija a od 4" in frame
    assert "Najučinkovitija" in frame and "Dalje" in frame  # the candidate's words, in Croatian
    assert '<fieldset class="preview-inputs" disabled>' in frame
    assert "<form" not in frame
    english = client.get(url(bank, "sjt-4", "/preview")).get_data(as_text=True)
    assert "Situation 4 in English." in english and "Most effective" in english
    numeric = client.get(url(bank, "num-1", "/preview?lang=en")).get_data(as_text=True)
    assert numeric == client.get(url(bank, "num-1", "/preview?lang=en")).get_data(as_text=True)


def test_preview_in_a_language_the_interface_has_no_words_for(client, hr, bank, db):
    with db() as session:
        session.get(Bank, bank.id).languages = ["en", "hr", "sr-Latn", "zz"]
    for language in ("sr-Latn", "zz"):
        response = client.get(url(bank, "sjt-1", f"/preview?lang={language}"))
        page = response.get_data(as_text=True)
        assert response.status_code == 200, language
        assert f'lang="{language}"' in page and "Situation 1 in English." in page


def test_preview_of_an_old_revision_and_bad_arguments(client, hr, bank):
    post_edit(client, bank, "sjt-1", {"options.0.text.en": "Revised option"})
    old = client.get(url(bank, "sjt-1", "/preview?revision=1")).get_data(as_text=True)
    new = client.get(url(bank, "sjt-1", "/preview?revision=2")).get_data(as_text=True)
    assert "Option a of 1" in old and "Revised option" not in old
    assert "Revised option" in new
    for query in ("revision=3", "revision=0", "revision=x", "revision=99999999999999999999",
                  "lang=de"):
        response = client.get(url(bank, "sjt-1", f"/preview?{query}"))
        assert response.status_code == 404, query
    assert "its revisions are 1 to 2" in client.get(
        url(bank, "sjt-1", "/preview?revision=3")).get_data(as_text=True)


# ---- diff ----------------------------------------------------------------------------


def test_diff_between_revisions(client, hr, bank):
    first = client.get(url(bank, "sjt-1", "/diff")).get_data(as_text=True)
    assert "only one revision so far" in first
    post_edit(client, bank, "sjt-1", {"stem.en": "Situation 1 in English, told again by "
                                                 "the customer."})
    page = client.get(url(bank, "sjt-1", "/diff")).get_data(as_text=True)
    assert "<code>stem.en</code>" in page
    assert "<ins>English, told again by the customer.</ins>" in page
    assert "<del>English.</del>" in page
    same = client.get(url(bank, "sjt-1", "/diff?a=2&b=2")).get_data(as_text=True)
    assert "Choose two different revisions" in same
    for query in ("a=0&b=2", "a=1&b=7", "a=one", "a=²"):
        response = client.get(url(bank, "sjt-1", f"/diff?{query}"))
        assert response.status_code == 404, query
        assert "has no revision" in response.get_data(as_text=True)


# ---- retire and restore --------------------------------------------------------------


def test_retire_needs_confirmation_and_restore_undoes_it(client, hr, bank, db):
    page = client.get(url(bank, "sjt-2", "/retire")).get_data(as_text=True)
    assert "no longer drawn for new attempts; attempts that already have it keep it" in page
    unconfirmed = client.post(url(bank, "sjt-2", "/retire"))
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm." in unconfirmed.get_data(as_text=True)
    confirmed = client.post(url(bank, "sjt-2", "/retire"), data={"confirm": "yes"})
    assert confirmed.status_code == 302
    with db() as session:
        assert session.exec(select(Item).where(Item.key == "sjt-2")).one().retired
    item_page = client.get(url(bank, "sjt-2")).get_data(as_text=True)
    assert "Item sjt-2 retired." in item_page and ">Restore<" in item_page
    assert client.post(url(bank, "sjt-2", "/restore")).status_code == 400
    assert client.post(url(bank, "sjt-2", "/restore"),
                       data={"confirm": "yes"}).status_code == 302
    with db() as session:
        assert not session.exec(select(Item).where(Item.key == "sjt-2")).one().retired


def test_retire_is_refused_when_an_assessment_needs_the_item(client, hr, bank, assessment, db):
    page = client.get(url(bank, "num-1", "/retire")).get_data(as_text=True)
    assert "cannot be retired now" in page and 'name="confirm"' not in page
    refused = client.post(url(bank, "num-1", "/retire"), data={"confirm": "yes"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert f"Assessment “Test assessment” (#{assessment.id}), section “Math”: asks for 1 " \
           "items and only 0 matching active items would be left." in text
    with db() as session:
        assert not session.exec(select(Item).where(Item.key == "num-1")).one().retired


# ---- what an edit reaches ------------------------------------------------------------


def test_started_attempts_keep_their_text_and_new_ones_get_the_edit(client, hr, bank, db,
                                                                   clock):
    with db() as session:
        situations = make_assessment(session, bank, sections=[
            {"title": "Situations", "type": "sjt", "count": 4}])
        _, before = make_attempt(session, situations, now=clock(), started=True)
    assert post_edit(client, bank, "sjt-1", {
        "options.0.text.en": "Call Ana back today"}).status_code == 302
    with db() as session:
        _, after = make_attempt(session, situations, now=clock(), started=True,
                                email="b@example.com")
    candidate = client.application.test_client()
    # shuffle is off: sjt-1 is the first item
    old = candidate.get(f"/a/{before}/q/1").get_data(as_text=True)
    new = candidate.get(f"/a/{after}/q/1").get_data(as_text=True)
    assert "Option a of 1" in old and "Call Ana back today" not in old
    assert "Call Ana back today" in new
    with db() as session:
        attempt = session.exec(select(Attempt).where(Attempt.candidate_email == "ana@example.com")
                               ).one()
        revision = session.get(ItemRevision, engine.responses(attempt, session=session)[0]
                               .revision_id)
        assert revision.number == 1


def test_an_edit_reaches_the_yaml_export_which_imports_back_unchanged(client, hr, bank):
    post_edit(client, bank, "sjt-2", {"options.1.text.en": "Offer a callback at 5 pm"})
    exported = client.get(f"/admin/banks/{bank.id}.yaml")
    assert exported.status_code == 200
    items = {item["id"]: item for item in yaml.safe_load(exported.data)["items"]}
    assert items["sjt-2"]["options"][1]["text"]["en"] == "Offer a callback at 5 pm"
    reimported = client.post("/admin/banks", data={
        "file": (io.BytesIO(exported.data), "mini.yaml")}, content_type="multipart/form-data")
    assert reimported.status_code == 302
    page = client.get(reimported.headers["Location"]).get_data(as_text=True)
    assert "0 added, 0 revised, 6 unchanged, 0 retired" in page
