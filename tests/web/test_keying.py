"""Keying rounds on the web: HR's pages, the expert's link, adopting the panel's key."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from hiring.keying import experts, rounds
from hiring.models import (
    AuditEvent,
    EmailMessage,
    Item,
    ItemRevision,
    KeyingExpert,
    KeyingRound,
)
from tests.web.test_item_editor import editor_fields

PANEL = [{"a": 3, "b": 5, "c": 2, "d": 1}, {"a": 3, "b": 5, "c": 1, "d": 1},
         {"a": 4, "b": 5, "c": 2, "d": 1}, {"a": 3, "b": 4, "c": 2, "d": 2},
         {"a": 3, "b": 5, "c": 2, "d": 1}]


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def round_id(db, bank, clock):
    with db() as session:
        return rounds.open_round(session.merge(bank), name="Team leads", item_keys=None,
                                 session=session, actor="hr", now=clock()).id


def invite(db, round_id, clock, name="Iva Lead", language="en"):
    with db() as session:
        expert, token = experts.invite(session.get(KeyingRound, round_id), name=name,
                                       email=f"{name.split()[0].lower()}@example.com",
                                       language=language, session=session, actor="hr",
                                       now=clock())
        return expert.id, token


def rate_panel(client, db, round_id, clock, ratings=PANEL):
    for number, row in enumerate(ratings, start=1):
        _, token = invite(db, round_id, clock, name=f"Expert {number}")
        assert client.post(f"/k/{token}/save",
                           json={"position": 1, "ratings": row}).status_code == 200


def current(db, key="sjt-1") -> ItemRevision:
    with db() as session:
        item = session.exec(select(Item).where(Item.key == key)).one()
        return session.exec(select(ItemRevision).where(
            ItemRevision.item_id == item.id,
            ItemRevision.number == item.current_revision)).one()


# ---- HR ------------------------------------------------------------------------------


def test_hr_opens_a_round_from_the_bank_page(client, auth, bank):
    auth.login("hr")
    page = text(client.get(f"/admin/banks/{bank.id}"))
    assert f"/admin/banks/{bank.id}/keying" in page
    listing = text(client.get(f"/admin/banks/{bank.id}/keying"))
    assert "No keying rounds for this bank yet" in listing
    form = text(client.get(f"/admin/banks/{bank.id}/keying/new"))
    assert form.count('name="items"') == 4 and form.count("checked") == 4
    assert "Situation 1 in English." in form
    refused = client.post(f"/admin/banks/{bank.id}/keying/new", data={"name": "", "items": []})
    assert refused.status_code == 400 and "This field is required." in text(refused)
    created = client.post(f"/admin/banks/{bank.id}/keying/new",
                          data={"name": "Team leads", "items": ["sjt-1", "sjt-3"]})
    assert created.status_code == 302
    page = text(client.get(created.headers["Location"]))
    assert "Keying round “Team leads” opened with 2 items." in page
    assert "No experts yet." in page and "No ratings yet." in page
    assert "sjt-3" in page and "sjt-2" not in page
    assert "Team leads" in text(client.get(f"/admin/banks/{bank.id}/keying"))


def test_hr_invites_an_expert_and_sees_the_link_once(client, auth, round_id, app):
    auth.login("hr")
    response = client.post(f"/admin/keying/{round_id}", data={
        "name": "Iva Lead", "email": "iva@example.com", "language": "hr", "send_email": "y"})
    assert response.status_code == 200
    page = text(response)
    assert "Iva Lead is invited; 1 e-mail in the outbox." in page
    link = re.search(r'id="invite-link" type="text" readonly value="([^"]+)"', page)[1]
    assert "/k/" in link
    with app.app_context():
        from hiring.db import session_scope

        with session_scope(app) as session:
            message = session.exec(select(EmailMessage)).one()
            assert message.kind == "keying" and message.expert_id is not None
    again = text(client.get(f"/admin/keying/{round_id}"))
    assert link not in again and "Iva Lead" in again and "0 of 4" in again
    outbox = text(client.get("/admin/mail/outbox"))
    assert "Iva Lead" in outbox and "(expert)" in outbox
    duplicate = client.post(f"/admin/keying/{round_id}", data={
        "name": "iva lead", "email": "other@example.com", "language": "en"})
    assert duplicate.status_code == 400
    assert "The round already has an expert called iva lead." in text(duplicate)
    bad = client.post(f"/admin/keying/{round_id}", data={
        "name": "Ana", "email": "not-an-address", "language": "en"})
    assert bad.status_code == 400 and "Invalid email address." in text(bad)


def test_a_new_link_replaces_the_old_one(client, auth, db, round_id, clock):
    expert_id, token = invite(db, round_id, clock)
    auth.login("hr")
    response = client.post(f"/admin/keying/{round_id}/experts/{expert_id}/resend")
    assert response.status_code == 200
    link = re.search(r'readonly value="([^"]+)"', text(response))[1]
    assert client.get(f"/k/{token}").status_code == 404
    assert client.get(link).status_code == 200
    with db() as session:
        message = session.exec(select(EmailMessage)).one()
        assert message.expert_id == expert_id
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "keying_invited")).all()[-1]
        assert event.detail == {"expert": expert_id, "new_link": True}
    page = text(client.get(f"/admin/mail/outbox/message?id={message.id}"))
    assert "Iva Lead in the keying round" in page and link in page


def test_removing_an_expert_asks_first(client, auth, db, round_id, clock):
    expert_id, token = invite(db, round_id, clock)
    client.post(f"/k/{token}/save", json={"position": 1, "ratings": {"a": 5}})
    auth.login("hr")
    url = f"/admin/keying/{round_id}/experts/{expert_id}/remove"
    assert "1 rating of theirs is deleted" in text(client.get(url))
    refused = client.post(url, data={})
    assert refused.status_code == 400 and "Tick the box to confirm" in text(refused)
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    with db() as session:
        assert session.get(KeyingExpert, expert_id) is None
    assert client.get(f"/k/{token}").status_code == 404


def test_closing_a_round_asks_first_and_stops_the_ratings(client, auth, db, round_id, clock):
    _, token = invite(db, round_id, clock)
    auth.login("hr")
    url = f"/admin/keying/{round_id}/close"
    assert "Close the round “Team leads”?" in text(client.get(url))
    assert client.post(url, data={}).status_code == 400
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    with db() as session:
        assert session.get(KeyingRound, round_id).state == "closed"
    refused = client.post(f"/k/{token}/save", json={"position": 1, "ratings": {"a": 5}})
    assert refused.status_code == 409 and refused.json["closed"] is True
    assert "round is closed" in refused.json["error"]
    page = text(client.get(f"/k/{token}/i/1"))
    assert "This keying round is closed" in page and "disabled" in page
    assert client.post(f"/k/{token}/i/1", data={"option_1": "5"}).status_code == 409


# ---- the expert ----------------------------------------------------------------------


def test_the_expert_page_is_in_their_language_without_keys_or_others(client, db, round_id,
                                                                   clock):
    _, other = invite(db, round_id, clock, name="Other Expert")
    client.post(f"/k/{other}/save", json={"position": 1, "ratings": {"a": 5, "b": 1}})
    _, token = invite(db, round_id, clock, name="Iva Lead", language="hr")
    welcome = text(client.get(f"/k/{token}"))
    assert '<html lang="hr">' in welcome and "Team leads" in welcome
    assert "Ocijenjene situacije: 0 od 4" in welcome and "Započni" in welcome
    page = text(client.get(f"/k/{token}/i/1"))
    assert "Situacija 1 na hrvatskom." in page
    options = re.findall(r"Odgovor \d</span> (Opcija \w od 1)", page)
    assert options == ["Opcija a od 1", "Opcija b od 1", "Opcija c od 1", "Opcija d od 1"]
    assert "vrlo učinkovito" in page and page.count('type="radio"') == 20
    assert "checked" not in page  # nobody else's ratings
    assert "Zašto" not in page and "Why a" not in page  # no rationale, no key
    assert "key" not in re.sub(r"<script.*?</script>", "", page).lower().replace(
        "keying", "")


def test_ratings_autosave_and_the_link_resumes_where_the_expert_was(client, db, round_id,
                                                                    clock):
    _, token = invite(db, round_id, clock)
    saved = client.post(f"/k/{token}/save", json={"position": 2, "ratings": {
        "a": 4, "b": 2, "c": 1, "d": 5}})
    assert saved.json == {"ok": True, "rated": 1, "total": 4}
    assert client.post(f"/k/{token}/save", json={"position": 2, "ratings": {
        "a": 9}}).status_code == 422
    assert client.post(f"/k/{token}/save", json={"position": 7, "ratings": {}}
                       ).status_code == 404
    assert client.post(f"/k/{token}/save", json=["no"]).status_code == 400
    page = text(client.get(f"/k/{token}/i/2"))
    assert re.search(r'checked id="option_1-3" name="option_1" type="radio" value="4"', page)
    assert "1 of 4 situations rated" in page
    client.get(f"/k/{token}/i/3")
    assert f"/k/{token}/i/3" in text(client.get(f"/k/{token}"))  # Continue goes back there


def test_the_page_works_without_javascript(client, db, round_id, clock):
    _, token = invite(db, round_id, clock)
    response = client.post(f"/k/{token}/i/1", data={
        "option_1": "5", "option_2": "4", "option_3": "2", "option_4": "1", "go": "next"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/i/2")
    refused = client.post(f"/k/{token}/i/1", data={"option_1": "7"})
    assert refused.status_code == 400 and "from 1 to 5" in text(refused)
    last = client.post(f"/k/{token}/i/4", data={"option_1": "3", "go": "next"})
    assert last.headers["Location"].endswith("/finish")
    overview = text(client.get(f"/k/{token}/finish"))
    assert "1 of 4 situations rated" in overview and "Situation 2" in overview
    done = client.post(f"/k/{token}/finish")
    assert "Thank you, Iva Lead" in text(done)
    with db() as session:
        assert session.exec(select(KeyingExpert)).one().finished_at is not None


# ---- results and adopting ------------------------------------------------------------


def test_the_results_name_their_statistics_and_flags(client, auth, db, round_id, clock):
    rate_panel(client, db, round_id, clock)
    auth.login("hr")
    page = text(client.get(f"/admin/keying/{round_id}"))
    assert "James, Demaree &amp; Wolf, 1984" in page and "Shrout &amp; Fleiss, 1979" in page
    assert "Below 0.70, the usual cut-off" in page
    section = page.split('id="item-sjt-1"')[1].split("</article>")[0]
    assert '<span class="flag">panel\'s best differs from the key</span>' in section
    assert "5 of 5 experts rated every response" in section
    assert "best apart: b − a = 1.60 (95% interval 0.92 to 2.28, 5 experts)" in section
    assert "No ratings yet." in page.split('id="item-sjt-2"')[1]


def test_adopting_shows_the_changes_and_needs_a_confirmation(client, auth, db, round_id,
                                                              clock):
    rate_panel(client, db, round_id, clock)
    auth.login("hr")
    url = f"/admin/keying/{round_id}/adopt"
    preview = client.post(url, data={"items": ["sjt-1"]})
    assert preview.status_code == 200
    assert "Yes, make these the items' keys" in text(preview)
    assert '<span class="key-changed">a 3</span>, <span class="key-changed">b 5</span>' in (
        text(preview))
    assert current(db).number == 1
    unconfirmed = client.post(url, data={"items": ["sjt-1"], "confirming": "1"})
    assert unconfirmed.status_code == 400 and current(db).number == 1
    done = client.post(url, data={"items": ["sjt-1"], "confirm": "y", "confirming": "1"})
    assert done.status_code == 302
    revision = current(db)
    assert revision.number == 2 and revision.created_by == "hr@example.com"
    assert [o["key"] for o in revision.content["options"]] == [3, 5, 2, 1]
    assert revision.content["keying"]["experts"] == 5
    item_page = text(client.get("/admin/banks/1/items/sjt-1".replace(
        "/1/", f"/{revision_bank(db)}/")))
    assert "keyed by a panel of 5 experts (round Team leads, March 2, 2026), r_wg(J) =" in (
        item_page)


def revision_bank(db) -> int:
    with db() as session:
        return session.exec(select(Item)).first().bank_id


def test_adopting_is_refused_below_the_minimum_panel(client, auth, app, db, round_id, clock):
    rate_panel(client, db, round_id, clock, PANEL[:2])
    auth.login("hr")
    response = client.post(f"/admin/keying/{round_id}/adopt",
                           data={"items": ["sjt-1"], "confirm": "y"})
    assert response.status_code == 409
    assert ("sjt-1: 2 experts rated every option; adopting a panel&#39;s key takes at least 5 "
            "(KEYING_MIN_PANEL).") in text(response)
    assert current(db).number == 1
    app.config["KEYING_MIN_PANEL"] = 2
    assert client.post(f"/admin/keying/{round_id}/adopt",
                       data={"items": ["sjt-1"], "confirm": "y"}).status_code == 302
    assert current(db).number == 2
    nothing = client.post(f"/admin/keying/{round_id}/adopt", data={})
    assert nothing.status_code == 302
    assert "Choose at least one item" in text(client.get(nothing.headers["Location"]))


def test_editing_texts_keeps_the_keying_and_a_key_by_hand_drops_it(client, auth, db, app,
                                                                   round_id, clock):
    rate_panel(client, db, round_id, clock)
    auth.login("hr")
    client.post(f"/admin/keying/{round_id}/adopt", data={"items": ["sjt-1"], "confirm": "y"})
    bank_id = revision_bank(db)
    edit_url = f"/admin/banks/{bank_id}/items/sjt-1/edit"
    page = text(client.get(edit_url))
    assert "changing any key by hand removes it" in page
    form = editor_fields(page)
    form["stem.en"] = "Situation 1, reworded."
    assert client.post(edit_url, data={**form, "action": "save"}).status_code == 302
    assert current(db).content["keying"]["round"] == round_id
    form = editor_fields(text(client.get(edit_url)))
    form["options.0.key"] = "4"
    response = client.post(edit_url, data={**form, "action": "save"})
    assert response.status_code == 302
    assert "keying" not in current(db).content
    assert "no longer records the panel&#39;s keying" in text(
        client.get(response.headers["Location"]))
    assert "keyed by the bank&#39;s authors" in text(client.get(response.headers["Location"]))


# ---- paper ---------------------------------------------------------------------------


def test_csv_out_and_in_with_a_preview(client, auth, db, round_id, clock):
    auth.login("hr")
    template = client.get(f"/admin/keying/{round_id}/template.csv")
    assert template.mimetype == "text/csv"
    assert text(template).startswith("expert,item,option,rating,option_text\n,sjt-1,a,,")
    url = f"/admin/keying/{round_id}/import"
    assert "Upload or paste a CSV file" in text(client.get(url))
    bad = client.post(url, data={"csv_text": "expert,item,option,rating\n"
                                             "Petra,sjt-1,a,5\nPetra,sjt-1,z,0\n"})
    assert bad.status_code == 400
    assert "item sjt-1 has no option &#39;z&#39;" in text(bad)
    assert "Nothing has been stored" in text(bad)
    good = "expert,item,option,rating\nPetra,sjt-1,a,5\n=Marko,sjt-1,a,4\n"
    preview = client.post(url, data={"csv_text": good})
    assert preview.status_code == 200 and "New paper experts: Petra, =Marko." in text(preview)
    with db() as session:
        assert session.exec(select(KeyingExpert)).all() == []
    stored = client.post(url, data={"csv_text": good, "confirm": "y"})
    assert stored.status_code == 302
    assert "Stored 2 ratings; 2 paper experts added." in text(
        client.get(stored.headers["Location"]))
    exported = text(client.get(f"/admin/keying/{round_id}/ratings.csv"))
    assert exported.splitlines() == ["expert,item,option,rating", "Petra,sjt-1,a,5",
                                     "'=Marko,sjt-1,a,4"]


def test_the_expert_message_wording_is_editable_like_the_others(client, auth):
    auth.login("hr")
    page = text(client.get("/admin/mail/templates?kind=keying&language=hr"))
    assert "Invitation to rate for a keying panel (experts)" in page
    assert "{round}" in page and "Molimo Vašu stručnu procjenu" in page
    refused = client.post("/admin/mail/templates", data={
        "kind": "keying", "language": "en", "subject": "Rate {assessment}", "body": "Hi"})
    assert refused.status_code == 400 and "Unknown placeholder {assessment}" in text(refused)
