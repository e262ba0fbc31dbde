"""A Croatian staff member reads the pages of assessments, question banks, items, keying
rounds and candidate feedback in Croatian: the pages' own words, their messages and the
domain's texts shown on them (tests/domain/test_staff_templates.py checks the templates
hold no words outside the catalogue; these pages are rendered here)."""

from __future__ import annotations

import io
import random
import re
from html import unescape

import pytest
from flask_babel import force_locale, gettext

from hiring.assessment.simulate import invite_and_complete
from hiring.banks import item_diff
from hiring.items.messages import N_, Message, shown
from hiring.keying import experts, rounds
from hiring.models import KeyingRound
from hiring.scoring.item_stats import MIN_ATTEMPTS
from tests.factories import make_attempt
from tests.web.test_assessment_editor import recipe
from tests.web.test_item_editor import editor_fields
from tests.web.test_profile import complete_attempt

CROATIAN = {"Accept-Language": "hr"}


def words(response) -> str:
    """The visible text of the page's main part, one space between words."""
    html = response.get_data(as_text=True)
    html = html.split("<main", 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]  # not the menu
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def croatian(client, url: str, *, present: list[str], absent: list[str], status: int = 200,
             method: str = "get", **kwargs) -> str:
    response = getattr(client, method)(url, headers=CROATIAN, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    text = words(response)
    for phrase in present:
        assert phrase in text, (url, phrase)
    for phrase in absent:
        assert phrase not in text, (url, phrase)
    return text


@pytest.fixture
def hr(auth):
    auth.login("hr")


def test_the_pipeline_and_the_assessment_pages_are_in_croatian(client, hr, db, assessment,
                                                               clock):
    with db() as session:
        make_attempt(session, assessment, now=clock(), name="Iva Kos", email="iva@example.com")
    pipeline = f"/admin/assessments/{assessment.id}"
    croatian(client, pipeline,
             present=["Pozovite kandidata", "Izradi pozivnicu", "Tijek kandidata",
                      "Ime kandidata", "Najprije najnovija aktivnost", "Pozvan / istječe (UTC)",
                      "Iva Kos", "Pošalji ponovno", "Produlji…", "Otkaži…",
                      "Postavi dodatno vrijeme"],
             absent=["Invite a candidate", "Create invitation", "Latest activity first",
                     "Candidate name", "Set extra time", "Awaiting rating:"])
    croatian(client, "/admin/", present=["Nadzorna ploča", "Procjene", "u tijeku"],
             absent=["Dashboard", "in progress"])
    croatian(client, "/admin/assessments", present=["Nova procjena", "Naziv", "Minute"],
             absent=["New assessment", "Minutes"])
    croatian(client, f"/admin/assessments/{assessment.id}/edit",
             present=["Naziv i jezici", "Naslov za kandidate", "Vremensko ograničenje (minute)",
                      "Dijelovi", "Provjeri bez spremanja", "Spremi promjene",
                      "Snage i područja za razvoj", "bilo koja vrsta", "engleski (en)",
                      "situacija (sjt)"],
             absent=["Name and languages", "Time limit (minutes)", "Check without saving",
                     "Save changes", "any type", "Strength: lower end"])
    croatian(client, "/admin/assessments/new",
             present=["Nova procjena", "Izradi procjenu", "Banka pitanja"],
             absent=["Create assessment", "Back to the assessments"])
    croatian(client, f"/admin/assessments/{assessment.id}/preview?seed=7",
             present=["Ogledni izbor", "Izvuci ponovno", "Po dijelu", "Po dimenziji",
                      "Što kandidat prvo čita"],
             absent=["Sample draw", "Draw another", "Per section"])
    croatian(client, f"/admin/assessments/{assessment.id}/versions",
             present=["Verzije procjene", "Uredi trenutačnu verziju", "trenutačna"],
             absent=["Versions of", "Edit the current version"])
    croatian(client, f"/admin/assessments/{assessment.id}/invitations/bulk",
             present=["Skupno pozivanje", "Učitajte ili zalijepite CSV datoteku",
                      "Provjerite retke", "Prvi redak imenuje stupce"],
             absent=["Invite in bulk", "Check the rows", "The first line names"])


def test_an_invitation_and_its_mistakes_are_told_in_croatian(client, hr, db, assessment):
    pipeline = f"/admin/assessments/{assessment.id}"
    created = client.post(pipeline, headers=CROATIAN, follow_redirects=True, data={
        "name": "Marko Marić", "email": "marko@example.com", "language": "en", "days": 7,
        "time_multiplier": "1"})
    assert "Pozivnica za kandidata Marko Marić je izrađena." in words(created)
    refused = croatian(client, pipeline, method="post", status=400, data={
        "name": "Maja", "email": "maja@example.com", "language": "en", "days": 7,
        "time_multiplier": "9"}, present=["Množitelj vremena mora biti broj od 1 do 3"],
        absent=["The time multiplier must be"])
    assert "Maja" not in refused.split("Tijek kandidata")[1]  # nothing was created
    bulk = f"/admin/assessments/{assessment.id}/invitations/bulk"
    croatian(client, bulk, method="post", status=400, data={"csv_text": ""},
             present=["Odaberite CSV datoteku ili zalijepite njezine retke."],
             absent=["Choose a CSV file"])


def test_the_editor_says_what_is_wrong_in_croatian(client, hr, db, bank):
    croatian(client, "/admin/assessments/new", method="post", status=400,
             data=recipe(languages=None, development_score=75),
             present=["Ponudite barem jedan jezik.", "Prag razvoja mora biti ispod praga snage."],
             absent=["Offer at least one", "The development threshold"])
    croatian(client, "/admin/assessments/new", method="post", status=400,
             data=recipe(**{"sections-0-count": 40}),
             present=["Aktivnih stavki banke pitanja koje odgovaraju ovom dijelu ima samo 1; "
                      "dio ih traži 40."],
             absent=["The bank has only"])


def test_bank_and_item_pages_are_in_croatian(client, hr, bank):
    croatian(client, "/admin/banks",
             present=["Banke pitanja", "Učitajte banku pitanja", "Provjeri i uvezi",
                      "Datoteka banke pitanja (YAML)"],
             absent=["Question banks", "Validate and import", "Bank file (YAML)"])
    croatian(client, f"/admin/banks/{bank.id}",
             present=["Nova stavka", "Preuzmi kao YAML", "Krugovi određivanja ključeva",
                      "Prikaži:", "povučene", "Pitanje", "HR customer_focus"],
             absent=["New item", "Download as YAML", "Keying rounds", "Show:"])
    item = f"/admin/banks/{bank.id}/items/sjt-1"
    croatian(client, item, present=["Uredi", "Povuci", "Revizija 1", "(trenutačna)",
                                    "Povijest revizija", "Ključevi:", "Prva verzija"],
             absent=["Revision history", "Retire", "(current)", "First version"])
    croatian(client, item + "/edit",
             present=["Spremanjem promjene nastaje revizija 2.", "Pregledaj bez spremanja",
                      "Uredi kao YAML", "Ključ učinkovitosti", "Odgovor 1",
                      "Dodaj još jedan odgovor", "1 (najmanje učinkovito) do 5"],
             absent=["Saving a change makes", "Preview without saving", "Edit as YAML",
                     "Effectiveness key", "Option 1", "Add another option"])
    croatian(client, item + "/yaml", present=["Uredi putem obrasca", "Spremi"],
             absent=["Edit with the form", "The item as it is written"])
    croatian(client, item + "/preview", present=["Pregled stavke", "Natrag na stavku"],
             absent=["Preview of", "Back to the item"])
    croatian(client, item + "/diff",
             present=["Razlike u", "Odaberite dvije različite revizije za usporedbu."],
             absent=["Differences in", "Choose two different revisions"])
    croatian(client, item + "/retire",
             present=["Povući", "Razumijem:", "Povučene stavke više se ne izvlače",
                      "Povuci stavku"],
             absent=["I understand", "Retire the item"])
    croatian(client, f"/admin/banks/{bank.id}/new-item",
             present=["Koja vrsta stavke?", "Situacijska prosudba: scenarij", "Situacija (sjt)",
                      "Pisani odgovor koji intervjueri ocjenjuju prema rubrici."],
             absent=["What kind of item?", "A written reply, rated"])


def test_a_bank_files_problems_are_told_in_croatian(client, hr):
    upload = {"file": (io.BytesIO(b"- just a list\n"), "bank.yaml")}
    croatian(client, "/admin/banks", method="post", status=400, data=upload,
             content_type="multipart/form-data",
             present=["Pronađen je 1 problem; ništa nije uvezeno.",
                      "datoteka mora biti YAML mapa", "redak 1"],
             absent=["nothing was imported", "the file must be a YAML mapping"])


def test_keying_round_pages_are_in_croatian(client, hr, db, bank, clock):
    with db() as session:
        round_id = rounds.open_round(session.merge(bank), name="Voditelji", item_keys=None,
                                     session=session, actor="hr", now=clock()).id
        expert, _token = experts.invite(session.get(KeyingRound, round_id), name="Iva Lead",
                                        email="iva@example.com", language="en",
                                        session=session, actor="hr", now=clock())
        expert_id = expert.id
    croatian(client, f"/admin/banks/{bank.id}/keying",
             present=["Krugovi određivanja ključeva", "Novi krug", "otvoren"],
             absent=["New round", "In a keying round"])
    croatian(client, f"/admin/banks/{bank.id}/keying/new",
             present=["Novi krug određivanja ključeva", "Naziv kruga", "Otvori krug"],
             absent=["New keying round", "Open the round", "Name of the round"])
    page = f"/admin/keying/{round_id}"
    croatian(client, page,
             present=["Stručnjaci", "Iva Lead", "pozvan", "Pozovite stručnjaka",
                      "Ime stručnjaka", "Paneli na papiru", "Kako čitati rezultate",
                      "Još nema ocjena.", "Zatvori krug"],
             absent=["Invite an expert", "Panels on paper", "How to read the results",
                     "No ratings yet", "Expert's name"])
    croatian(client, page, method="post", status=400, data={
        "name": "Iva Lead", "email": "other@example.com", "language": "en"},
        present=["Krug već ima stručnjaka s imenom Iva Lead."],
        absent=["already has an expert"])
    croatian(client, f"{page}/close", present=["Zatvoriti krug", "Da, zatvori ovaj krug"],
             absent=["Close the round", "Keep it open"])
    croatian(client, f"{page}/experts/{expert_id}/remove",
             present=["Ukloniti stručnjaka Iva Lead", "0 ocjena tog stručnjaka"],
             absent=["Remove Iva Lead", "ratings of theirs"])
    croatian(client, f"{page}/import",
             present=["Uvoz ocjena prikupljenih na papiru", "praznog predloška"],
             absent=["Import ratings collected on paper", "blank template"])


def test_item_health_and_feedback_pages_are_in_croatian(client, hr, db, assessment, clock):
    attempt_id, _ = complete_attempt(db, assessment, clock)
    croatian(client, f"/admin/assessments/{assessment.id}/items",
             present=["Zdravlje stavki", "1 dovršeni pokušaj", "Pouzdanost",
                      "Slaganje ocjenjivača (pisane stavke)"],
             absent=["completed attempt", "Rater agreement (written items)"])
    croatian(client, f"/admin/feedback/assessments/{assessment.id}",
             present=["Povratna informacija kandidatima", "Predani pokušaji", "nije objavljeno",
                      "Ponudi kandidatima ove procjene izvješće s povratnom informacijom"],
             absent=["Submitted attempts", "not released", "Offer candidates"])
    croatian(client, f"/admin/feedback/attempts/{attempt_id}",
             present=["Nije objavljeno.",
                      "Povratna informacija kandidatima isključena je za ovu procjenu"],
             absent=["Not released.", "Candidate feedback is off"])


def test_a_message_keeps_its_english_text_and_translates_with_its_values(app):
    message = Message(N_("The name is longer than %(max)s characters."), max=200)
    assert message == "The name is longer than 200 characters."
    with app.test_request_context("/"), force_locale("hr"):
        assert shown(message, gettext) == "Ime je dulje od 200 znakova."
        assert shown(N_("Choose at least one item."), gettext) == "Odaberite barem jednu stavku."
        assert shown("Not in the catalogue.", gettext) == "Not in the catalogue."
        parts = item_diff.summary_parts({"stem": {"en": "A"}, "facets": ["x"]},
                                        {"stem": {"en": "B"}})
        assert item_diff.sentence([shown(part, gettext) for part in parts]) == (
            "Promijenjeno: stem.en; uklonjeno: facets")
        assert item_diff.sentence(parts) == "Changed stem.en; removed facets"


def test_item_statistics_name_where_the_keys_came_from_in_croatian(client, hr, db, assessment,
                                                                    clock):
    rng = random.Random(3)
    with db() as session:
        for _ in range(MIN_ATTEMPTS):
            invite_and_complete(session.merge(assessment), session=session, now=clock(),
                                rng=rng, language="en")
    page = f"/admin/assessments/{assessment.id}/items"
    croatian(client, page, present=["ključ su odredili autori banke pitanja", "Lakoća",
                                    "HR composure", "Ukupni rezultati"],
             absent=["keyed by the bank's authors", "Total scores"])
    english = words(client.get(page, headers={"Accept-Language": "en"}))
    assert "keyed by the bank's authors" in english and "Composure" in english


def test_the_item_editors_problems_are_told_in_croatian(client, hr, bank):
    edit = f"/admin/banks/{bank.id}/items/sjt-1/edit"
    fields = editor_fields(client.get(edit, headers=CROATIAN).get_data(as_text=True))
    fields.update({"options.1.text.hr": "", "seed": "", "action": "save"})
    text = croatian(client, edit, method="post", status=400, data=fields,
                    present=["2 problema: ništa nije spremljeno.",
                             "Odgovori › Odgovor 2 › Tekst", "Nedostaje prijevod: hr",
                             "Izvorni članak", "Obvezno."],
                    absent=["Missing translation", "nothing was saved", "Required."])
    assert text.count("Nedostaje prijevod: hr") == 2  # in the summary and at the field
    page = client.post(edit, headers=CROATIAN, data=fields).get_data(as_text=True)
    assert 'name="options.1.text.hr" lang="hr" rows="2" class="missing"' in page
