"""HR's assessment editor: the form, its errors, versions, the sample draw, languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlmodel import func, select

from hiring.models import Assessment, Attempt, Response
from tests.factories import make_assessment, make_attempt

NEW = "/admin/assessments/new"
VERSIONED = ("Candidates already took version 1; your changes are saved as version 2. "
             "Existing attempts and their reports are unchanged.")


class FormReader(HTMLParser):
    """Collect what a browser would post for the page's POST form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_post_form = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_post_form = a.get("method") == "post" and "assessment-editor" in (
                a.get("class") or "")
        if not self._in_post_form or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("checkbox", "submit"):
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields.append((a["name"], a.get("value") or "y"))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_post_form = False


def form_of(page: str) -> dict[str, list[str]]:
    reader = FormReader()
    reader.feed(page)
    fields: dict[str, list[str]] = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    return fields


def recipe(**overrides) -> dict:
    """A valid form for the mini bank; section rows as sections-N-... keys."""
    data = {"bank_id": 1, "name": "Front desk", "titles-en": "Front desk assessment",
            "titles-hr": "Procjena za recepciju", "languages": ["en", "hr"], "language": "en",
            "time_limit_minutes": 25, "grace_seconds": 30, "shuffle": "y",
            "typing_target_wpm": 35, "strength_score": 70,
            "development_score": 50, "min_items": 2, "max_each": 3,
            "sections-0-titles-en": "Situations", "sections-0-titles-hr": "Situacije",
            "sections-0-type": "sjt", "sections-0-dimension": "composure",
            "sections-0-count": 1,
            "sections-1-titles-en": "Situations", "sections-1-titles-hr": "Situacije",
            "sections-1-type": "sjt", "sections-1-count": 3,
            "sections-2-titles-en": "Math", "sections-2-type": "numeric",
            "sections-2-count": 1}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count(db, table) -> int:
    with db() as session:
        return session.exec(select(func.count()).select_from(table)).one()


def page(response) -> str:
    return response.get_data(as_text=True)


def flashes(client) -> str:
    """The flashed messages, as the next page shows them."""
    return " ".join(re.findall(r'<p class="flash"[^>]*>(.*?)</p>',
                               page(client.get("/admin/assessments"))))


def error_row_after(html: str, row: int) -> str:
    """The error line under a section row, or '' when it has none."""
    found = re.search(rf'id="section-{row}".*?</tr>\s*(<tr class="row-errors">.*?</tr>)?',
                      html, re.S)
    return found[1] or ""


@pytest.fixture
def hr(auth, bank):
    auth.login("hr")


# ---- creating ----------------------------------------------------------------------

def test_the_new_form_offers_the_banks_languages_dimensions_and_default_thresholds(client, hr):
    html = page(client.get(NEW))
    assert 'name="titles-hr"' in html and 'name="sections-0-titles-hr"' in html
    assert '<option value="listening_problem_solving">' in html
    assert re.search(r'name="strength_score"[^>]*value="70"', html)
    assert re.search(r'name="development_score"[^>]*value="50"', html)
    assert "whole band lies at or above" in html  # each threshold is explained
    assert "whole band lies below" in html
    assert 'name="strength_low"' not in html  # the band decides, not a second threshold
    assert len(re.findall(r'name="sections-\d+-count"', html)) == 3  # blank rows to fill


def test_creating_an_assessment(client, db, hr):
    response = client.post(NEW, data=recipe(**{"languages": ["hr"], "language": "hr"}))
    assert response.status_code == 302
    with db() as session:
        created = session.exec(select(Assessment)).one()
    assert (created.key, created.version, created.created_by) == ("front-desk", 1,
                                                                  "hr@example.com")
    assert created.languages == ["hr"] and created.language == "hr"
    assert created.titles == {"en": "Front desk assessment", "hr": "Procjena za recepciju"}
    assert created.sections == [
        {"title": {"en": "Situations", "hr": "Situacije"}, "type": "sjt",
         "dimension": "composure", "count": 1},
        {"title": {"en": "Situations", "hr": "Situacije"}, "type": "sjt", "count": 3},
        {"title": {"en": "Math"}, "type": "numeric", "count": 1}]
    assert created.settings == {"typing_target_wpm": 35, "strength_score": 70,
                                "development_score": 50, "min_items": 2, "max_each": 3}
    assert "Assessment “Front desk” created." in flashes(client)


def test_blank_and_removed_rows_are_ignored(client, db, hr):
    response = client.post(NEW, data=recipe(**{
        "sections-3-titles-en": "", "sections-3-count": "",  # blank
        "sections-4-titles-en": "Writing", "sections-4-count": "x", "sections-4-remove": "y",
        "sections-5-titles-en": "Twice", "sections-5-type": "sjt", "sections-5-count": 40,
        "sections-5-remove": "y"}))
    assert response.status_code == 302
    with db() as session:
        assert len(session.exec(select(Assessment)).one().sections) == 3


def test_every_language_ticked_means_every_language_of_the_bank(client, db, hr):
    assert client.post(NEW, data=recipe()).status_code == 302
    with db() as session:
        assert session.exec(select(Assessment)).one().languages is None


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"development_score": 75}, "development_score",
     "The development threshold must be below the strength threshold."),
    ({"languages": None}, "languages", "Offer at least one language."),
    ({"languages": ["hr"], "language": "en"}, "language",
     "The default language must be one of the languages offered."),
    ({"time_limit_minutes": 0}, "time_limit_minutes", "Number must be between 1 and 300."),
    ({"grace_seconds": 601}, "grace_seconds", "Number must be between 0 and 600."),
    ({"typing_target_wpm": 4}, "typing_target_wpm", "Number must be between 5 and 150."),
    ({"max_each": 7}, "max_each", "Number must be between 1 and 6."),
    ({"min_items": 0}, "min_items", "Number must be between 1 and 10."),
    ({"strength_score": 101}, "strength_score", "Number must be between 0 and 100."),
    ({"name": "  "}, "name", "This field is required."),
])
def test_field_errors_are_shown_next_to_the_field_and_nothing_is_saved(
        client, db, hr, overrides, field, message):
    response = client.post(NEW, data=recipe(**overrides))
    assert response.status_code == 400
    html = page(response)
    # The message sits in the field's own block, after its input.
    block = re.search(rf'(?:for="{field}"|id="{field}").*?</(?:div|fieldset)>', html, re.S)
    assert block and message in block[0], (field, message)
    assert count(db, Assessment) == 0


def test_a_section_the_bank_cannot_fill_is_marked_on_its_row(client, db, hr):
    # Three SJTs of any dimension first may take the only composure SJT.
    response = client.post(NEW, data=recipe(**{"sections-0-dimension": "", "sections-0-count": 3,
                                              "sections-1-dimension": "composure",
                                              "sections-1-count": 1}))
    assert response.status_code == 400
    html = page(response)
    assert error_row_after(html, 0) == ""
    assert "only 0 are sure to be left for the 1 it asks for" in error_row_after(html, 1)
    assert count(db, Assessment) == 0
    too_many = page(client.post(NEW, data=recipe(**{"sections-2-count": 2})))
    assert "The bank has only 1 active items that fit this section; it asks for 2." in (
        error_row_after(too_many, 2))


def test_rows_show_how_many_items_fit(client, hr):
    html = page(client.post(NEW, data=recipe(**{"action": "add_rows"})))
    assert re.search(r'id="section-0".*?1 fit', html, re.S)
    assert re.search(r'id="section-1".*?4 fit.*?3 sure to be left', html, re.S)
    assert "<strong>5</strong> items" in html and "about 6 min of work" in html


def test_incomplete_rows_and_no_sections_are_errors(client, db, hr):
    html = page(client.post(NEW, data=recipe(**{"sections-0-titles-en": "",
                                              "sections-0-titles-hr": "",
                                              "sections-1-count": ""})))
    assert "Give the section a title." in error_row_after(html, 0)
    assert "Say how many items to draw." in error_row_after(html, 1)
    empty = {k: v for k, v in recipe().items() if not k.startswith("sections-")}
    response = client.post(NEW, data=empty)
    assert response.status_code == 400
    assert "Add at least one section with at least one item." in page(response)
    assert count(db, Assessment) == 0


def test_adding_rows_keeps_what_was_typed_and_saves_nothing(client, db, hr):
    response = client.post(NEW, data=recipe(action="add_rows"))
    html = page(response)
    assert response.status_code == 200 and count(db, Assessment) == 0
    assert len(re.findall(r'name="sections-\d+-count"', html)) == 6
    assert 'value="Procjena za recepciju"' in html


def test_checking_without_saving(client, db, hr):
    fine = client.post(NEW, data=recipe(action="check"))
    assert fine.status_code == 200 and "Everything checks out" in page(fine)
    wrong = page(client.post(NEW, data=recipe(action="check", **{"sections-2-count": 2})))
    assert "Everything checks out" not in wrong
    assert "it asks for 2." in error_row_after(wrong, 2)
    assert count(db, Assessment) == 0


def test_an_unknown_bank_is_refused(client, db, hr):
    assert client.post(NEW, data=recipe(bank_id=99)).status_code == 400
    assert count(db, Assessment) == 0


# ---- editing and versions ---------------------------------------------------------------

def edit_url(assessment_id: int) -> str:
    return f"/admin/assessments/{assessment_id}/edit"


def test_the_edit_form_round_trips_to_no_changes(client, db, hr, assessment, clock):
    with db() as session:
        make_attempt(session, assessment, now=clock())
    form = form_of(page(client.get(edit_url(assessment.id))))
    assert form["sections-0-titles-en"] == ["Situations"] and form["sections-0-count"] == ["4"]
    response = client.post(edit_url(assessment.id), data=form)
    assert response.status_code == 302
    assert "No changes." in flashes(client)
    assert count(db, Assessment) == 1


def test_an_edit_without_attempts_is_saved_in_place(client, db, hr, assessment):
    form = form_of(page(client.get(edit_url(assessment.id))))
    form["time_limit_minutes"] = ["35"]
    form["sections-0-count"] = ["3"]
    response = client.post(edit_url(assessment.id), data=form)
    assert response.status_code == 302 and "Changes saved." in flashes(client)
    with db() as session:
        stored = session.exec(select(Assessment)).one()
    assert (stored.id, stored.time_limit_minutes, stored.sections[0]["count"]) == (
        assessment.id, 35, 3)


def test_an_edit_after_attempts_is_saved_as_version_2(client, db, hr, assessment, clock):
    with db() as session:
        make_attempt(session, assessment, now=clock(), started=True)
    edit_page = page(client.get(edit_url(assessment.id)))
    assert "Saving changes makes <strong>version 2</strong>" in edit_page
    form = form_of(edit_page)
    form["name"] = ["Test assessment, shorter"]
    form["sections-0-count"] = ["2"]
    response = client.post(edit_url(assessment.id), data=form)
    assert response.status_code == 302
    assert VERSIONED in flashes(client)
    with db() as session:
        old, new = session.exec(select(Assessment).order_by(Assessment.id)).all()
        attempt = session.exec(select(Attempt)).one()
    assert old.replaced_by_id == new.id and old.sections[0]["count"] == 4
    assert (new.version, new.sections[0]["count"], new.created_by) == (2, 2, "hr@example.com")
    assert attempt.assessment_id == old.id

    listing = page(client.get("/admin/assessments"))
    assert "Test assessment, shorter" in listing and ">Test assessment<" not in listing
    assert "v2" in listing and "1 earlier version" in listing
    versions = page(client.get(f"/admin/assessments/{new.id}/versions"))
    rows = re.findall(r'<td>v(\d).*?<td class="num attempts">(?:<a [^>]*>)?(\d+).*?'
                      r'<td class="created-by">([^<]*)</td>', versions, re.S)
    assert rows == [("2", "0", "hr@example.com"), ("1", "1", "import")]

    # The old version's editor sends HR to the current one.
    stale = client.get(edit_url(old.id))
    assert stale.status_code == 302 and stale.headers["Location"].endswith(edit_url(new.id))
    assert "Version 1 was replaced by version 2" in page(client.get(stale.headers["Location"]))
    posted = client.post(edit_url(old.id), data=form)
    assert posted.status_code == 302 and count(db, Assessment) == 2


def test_bad_edits_change_nothing(client, db, hr, assessment):
    form = form_of(page(client.get(edit_url(assessment.id))))
    form["development_score"] = ["90"]
    form["time_limit_minutes"] = ["5"]
    response = client.post(edit_url(assessment.id), data=form)
    assert response.status_code == 400
    with db() as session:
        assert session.get(Assessment, assessment.id).time_limit_minutes == 30


# ---- the sample draw ---------------------------------------------------------------

def test_preview_draws_a_sample_and_writes_nothing(client, db, hr, assessment, clock):
    with db() as session:
        make_attempt(session, assessment, now=clock(), started=True)
    before = (count(db, Attempt), count(db, Response), count(db, Assessment))
    url = f"/admin/assessments/{assessment.id}/preview"
    first = client.get(url)
    assert first.status_code == 302 and "seed=" in first.headers["Location"]
    html = page(client.get(f"{url}?seed=7&lang=hr"))
    assert "Situacija" in html and "Tarifa stoji" in html
    assert f'href="/admin/banks/{assessment.bank_id}/items/sjt-1"' in html
    assert re.search(r"<td>Situations</td><td class=\"num\">4</td>", html)
    assert "Draw another" in html
    items = re.compile(r'<table class="list preview-items">.*?</table>', re.S)
    again = page(client.get(f"{url}?seed=7&lang=hr"))
    assert items.search(again)[0] == items.search(html)[0]  # the seed fixes the draw
    assert "Situation 1 in English." in page(client.get(f"{url}?seed=7&lang=en"))
    assert client.get(f"{url}?seed=abc").status_code == 400
    assert client.get(f"{url}?seed=-1").status_code == 400
    assert (count(db, Attempt), count(db, Response), count(db, Assessment)) == before


def test_the_same_seed_draws_the_same_order(client, hr, bank, db):
    with db() as session:
        shuffled = make_assessment(session, bank, shuffle=True)
    url = f"/admin/assessments/{shuffled.id}/preview?lang=en&seed="

    def order(seed: str) -> list[str]:
        return re.findall(r'/items/([\w-]+)"', page(client.get(url + seed)))

    assert order("11") == order("11") and len(order("11")) == 6
    assert any(order(str(seed)) != order("11") for seed in range(12, 30))


# ---- access and languages --------------------------------------------------------------

def test_interviewers_may_not_edit(client, auth, assessment):
    auth.login("interviewer")
    for url in (edit_url(assessment.id), NEW, "/admin/assessments",
                f"/admin/assessments/{assessment.id}/preview?seed=1",
                f"/admin/assessments/{assessment.id}/versions"):
        assert client.get(url).status_code == 403, url
    assert client.post(edit_url(assessment.id), data={}).status_code == 403


def test_the_welcome_page_offers_only_the_assessments_languages(client, db, hr, clock):
    assert client.post(NEW, data=recipe(languages=["en"])).status_code == 302
    with db() as session:
        created = session.exec(select(Assessment)).one()
        _, token = make_attempt(session, created, now=clock())
    welcome = page(client.get(f"/a/{token}"))
    assert "What to expect" in welcome and "Hrvatski" not in welcome
    assert "What to expect" in page(client.get(f"/a/{token}?lang=hr"))
    assert client.post(f"/a/{token}/start", data={"language": "hr"}).status_code == 409
