"""HR's mail, privacy, calibration, fairness, staff and integration pages in Croatian:
the words come from the catalogue, and none of the English ones are left."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from hiring.models import Assessment, EmailMessage, Item, User
from tests.factories import make_attempt, make_calibration_answer
from tests.web.test_calibration import submitted_attempt

CROATIAN = {"Accept-Language": "hr"}


def croatian(client, url: str, **kwargs) -> str:
    """GET (or POST with data=) a page as a Croatian browser; return its text."""
    method = client.post if "data" in kwargs else client.get
    response = method(url, headers=CROATIAN, **kwargs)
    assert response.status_code < 500, url
    return response.get_data(as_text=True)


def visible(page: str) -> str:
    """The text of the page's main part (the menu is the layout's), without tags, scripts
    and styles."""
    page = page.split("<main", 1)[1].split("</main>", 1)[0]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def assert_croatian(page: str, present: list[str], absent: list[str]) -> None:
    text = visible(page)
    for words in present:
        assert words in text, words
    for words in absent:
        assert words not in text, words


def invite(client, assessment_id: int, email: str = "ivo@example.com") -> None:
    client.post(f"/admin/assessments/{assessment_id}",
                data={"name": "Ivo Ivić", "email": email, "days": 7, "language": "en",
                      "send_email": "y"})


def test_the_outbox_a_message_and_the_wording_in_croatian(client, auth, db, assessment):
    auth.login("hr")
    invite(client, assessment.id)
    outbox = croatian(client, "/admin/mail/outbox")
    assert_croatian(outbox, ["Izlazna pošta", "Predmet", "Vrsta", "Stanje", "u izlaznoj pošti",
                             "pozivnica", "Promijenite tekst", "Poslužitelj e-pošte nije"],
                    ["Outbox", "Subject", "Kind", "in the outbox", "Change the wording",
                     "No mail server"])
    assert 'placeholder="Adresa ili predmet"' in outbox
    with db() as session:
        message_id = session.exec(select(EmailMessage.id)).one()
    message = croatian(client, f"/admin/mail/outbox/message?id={message_id}")
    assert_croatian(message, ["Izlazna pošta", "Ivo Ivić u tijeku kandidata", "engleski"],
                    ["in the pipeline", "Outbox"])
    nothing = croatian(client, "/admin/mail/outbox?q=nobody")
    assert_croatian(nothing, ["Nema poruke za „nobody” ni o tome."], ["No message to"])

    wording = croatian(client, "/admin/mail/templates?kind=keying&language=en")
    assert_croatian(wording, ["Tekst e-poruka", "Zamjenska polja", "ime stručnjaka",
                              "Podsjetnik", "Poziv na ocjenjivanje u panelu", "isporučeni tekst",
                              "Pregledaj bez spremanja"],
                    ["E-mail wording", "Placeholders", "the expert's name", "Reminder",
                     "as shipped", "Preview without saving"])
    refused = croatian(client, "/admin/mail/templates",
                       data={"kind": "invitation", "language": "en", "subject": "",
                             "body": "Hello {name} {nonsense}", "action": "save"})
    assert_croatian(refused, ["Predmet je obavezan.", "Nepoznato zamjensko polje {nonsense}",
                              "Poruka mora sadržavati {link}: bez toga kandidat ne može "
                              "otvoriti procjenu."],
                    ["The subject is required.", "Unknown placeholder"])
    croatian(client, "/admin/mail/templates",
             data={"kind": "reminder", "language": "en", "subject": "Podsjetnik",
                   "body": "{link}", "action": "save"})
    saved = croatian(client, "/admin/mail/templates?kind=reminder&language=en")
    assert_croatian(saved, ["Spremljeno: Podsjetnik, engleski.", "Vaš tekst, zadnji put",
                            "Odbaci moj tekst ove poruke"], ["Saved", "Your wording"])


def test_cancel_extend_and_a_new_link_in_croatian(client, auth, db, assessment, clock):
    auth.login("hr")
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), name="Ana Horvat")
    cancel = croatian(client, f"/admin/attempts/{attempt.id}/revoke")
    assert_croatian(cancel, ["Otkazati pozivnicu za Ana Horvat?", "pozvan",
                             "Da, otkaži ovu pozivnicu", "Otkaži pozivnicu"],
                    ["Cancel the invitation", "Keep it", "invited"])
    extend = croatian(client, f"/admin/attempts/{attempt.id}/extend")
    assert_croatian(extend, ["Produljenje pozivnice za Ana Horvat", "Novi datum isteka",
                             "Ili dodajte dane (računajući od sadašnjeg isteka)", "Produlji"],
                    ["Extend the invitation", "New expiry date", "Or add days"])
    refused = croatian(client, f"/admin/attempts/{attempt.id}/extend", data={"days": "x"})
    assert_croatian(refused, ["Upišite cijeli broj dana od 1 do 90."], ["Give a whole number"])
    past = croatian(client, f"/admin/attempts/{attempt.id}/extend",
                    data={"until": "2001-01-01"})
    assert_croatian(past, ["Novi istek mora biti u budućnosti."], ["must be in the future"])
    unticked = croatian(client, f"/admin/attempts/{attempt.id}/revoke", data={})
    assert_croatian(unticked, ["Označite kućicu za potvrdu; ništa nije promijenjeno."],
                    ["Tick the box"])
    resent = croatian(client, f"/admin/attempts/{attempt.id}/resend", data={})
    assert_croatian(resent, ["Nova poveznica za Ana Horvat", "Prethodna poveznica više ne "
                             "vrijedi", "1 e-poruka u izlaznoj pošti", "Kopiraj"],
                    ["New link for", "e-mail in the outbox", "Copy"])
    assert 'data-copied="Kopirano"' in resent  # the copy button's word once it copied


def test_candidates_data_erasure_and_the_audit_log_in_croatian(client, auth, db, assessment,
                                                               clock):
    auth.login("hr")
    with db() as session:
        first, _ = make_attempt(session, assessment, now=clock(), email="ana@example.com")
        make_attempt(session, assessment, now=clock(), email="ana@example.com")
    found = croatian(client, "/admin/candidates?q=ana")
    assert_croatian(found, ["Podaci kandidata", "Izvezi sve (JSON)", "Posljednja aktivnost",
                            "pozvan"], ["Candidates' data", "Export all", "Last activity"])
    empty = croatian(client, "/admin/candidates?q=nobody")
    assert_croatian(empty, ["Nijedna e-pošta ni ime kandidata ne sadrži „nobody”."],
                    ["No candidate"])
    erase = croatian(client, "/admin/candidates/erase?email=ana@example.com")
    assert_croatian(erase, ["Brisanje podataka kandidata", "2 pokušaja za ana@example.com",
                            "0 odgovora: odgovori", "0 ocjena intervjuera",
                            "Za potvrdu upišite e-poštu kandidata", "Izbriši zauvijek"],
                    ["Erase a candidate", "attempts of", "responses", "Erase for good"])
    wrong = croatian(client, f"/admin/candidates/attempts/{first.id}/erase",
                     data={"confirm_email": "bo@example.com", "attempt": str(first.id)})
    assert_croatian(wrong, ["To nije adresa e-pošte kandidata: ništa nije izbrisano."],
                    ["nothing was erased"])
    croatian(client, f"/admin/candidates/attempts/{first.id}/erase",
             data={"confirm_email": "ana@example.com", "attempt": str(first.id)})
    erased = croatian(client, "/admin/candidates")
    assert_croatian(erased, ["Izbrisano: 1 pokušaj, 0 odgovora, 0 ocjena, 0 datoteka"],
                    ["Erased"])
    audit = croatian(client, "/admin/audit")
    assert_croatian(audit, ["Revizijski zapisnik", "Radnja", "E-adresa kandidata", "Filtriraj",
                            "od najnovijeg. Vremena su u UTC-u."],
                    ["Audit log", "Candidate email", "newest first"])
    assert "<td>hr@example.com</td><td>prijava</td>" in audit  # logged_in
    assert "<td>korisnički račun djelatnika 1</td>" in audit and ">izbrisano</td>" in audit


def test_calibration_pages_in_croatian(client, auth, db, assessment, clock):
    submitted_attempt(db, assessment, clock)
    with db() as session:
        make_calibration_answer(session, text="Dear Ana, sorry. Paid.",
                                agreed={"tone": 2, "empathy": 2}, explanation="Curt.")
        item_id = session.exec(select(Item.id).where(Item.key == "wr-1")).one()
    auth.login("hr")
    manage = croatian(client, "/admin/calibration/")
    assert_croatian(manage, ["Kalibracijski odgovori", "Novi intervjuer ocjenjuje",
                             "Usuglašeno", "primjer", "Povuci", "Napišite primjer odgovora"],
                    ["Calibration answers", "A new interviewer", "Agreed", "Retire"])
    new = croatian(client, f"/admin/calibration/new?item={item_id}")
    assert_croatian(new, ["Novi kalibracijski odgovor", "Jezik odgovora", "Zašto ove ocjene",
                          "Usuglašene ocjene", "Spremi kalibracijski odgovor"],
                    ["New calibration answer", "Why these ratings", "Agreed ratings"])
    unexplained = croatian(client, f"/admin/calibration/new?item={item_id}",
                           data={"language": "en", "text": "Dear Ana, sorry.",
                                 "score_tone": "3", "score_empathy": "3", "explanation": "  "})
    assert_croatian(unexplained, ["Objasnite usuglašene ocjene (najviše 5000 znakova)."],
                    ["Explain the agreed ratings"])
    raters = croatian(client, "/admin/calibration/raters")
    assert_croatian(raters, ["Kalibracijski rezultati ocjenjivača",
                             "Još nema kalibracijskih ocjena."],
                    ["Raters' calibration records", "No calibration ratings"])


@pytest.mark.parametrize(("path", "present", "absent"), [
    ("/admin/users/", ["Osoblje", "Pozovite djelatnika"], ["Staff", "Invite a staff member"]),
    ("/admin/webhooks/", ["Webhookovi"], ["Add a webhook endpoint"]),
    ("/admin/webhooks/new", ["Dodaj krajnju točku za webhook"], ["Add a webhook endpoint"]),
    ("/admin/api-keys/", ["API ključevi"], ["API keys"]),
    ("/admin/two-factor", ["Prijava u dva koraka"], ["Two-factor login"]),
    ("/admin/assessments/{id}/adverse-impact", ["Nepovoljan učinak"], ["Adverse impact"]),
    ("/admin/assessments/{id}/validity", ["Kriterijska valjanost"], ["Criterion validity"]),
    ("/admin/assessments/{id}/validity/outcomes", ["Uvoz ishoda na poslu"],
     ["Import job outcomes"]),
    ("/admin/assessments/{id}/technical-report", ["Tehničko izvješće"], ["Technical report"]),
])
def test_staff_and_fairness_pages_in_croatian(client, auth, assessment, path, present, absent):
    auth.login("hr")
    page = croatian(client, path.format(id=assessment.id))
    assert_croatian(page, present, absent)


def test_the_reliability_sources_and_a_confirmation_box_in_croatian(client, auth, db,
                                                                    assessment, clock):
    submitted_attempt(db, assessment, clock)
    with db() as session:
        stored = session.get(Assessment, assessment.id)
        stored.sections = [dict(section, title={"en": section["title"], "hr": "Dio " + str(n)})
                           for n, section in enumerate(stored.sections, 1)]
    auth.login("hr")
    report = croatian(client, f"/admin/assessments/{assessment.id}/technical-report")
    assert "Dio 3" in visible(report) and "Writing" not in visible(report)  # its title
    assert_croatian(report, ["pretpostavka (1 od 50 pokušaja s dvije stavke ili više koliko "
                             "podaci trebaju)", "jedna stavka po pokušaju: nema parova stavki",
                             "samo naznaka"],
                    ["prior (", "the data need", "no pairs of items", "indication only"])
    assert "HR numeracy" in visible(report) and "Numeracy" not in visible(report)  # the bank's
    english = client.get(f"/admin/assessments/{assessment.id}/technical-report")
    assert "prior (1 of the 50 attempts with two or more items the data need)" in visible(
        english.get_data(as_text=True))
    client.post("/admin/webhooks/new", data={"url": "http://127.0.0.1:9/hook",
                                              "events": ["attempt.submitted"]})
    delete = croatian(client, "/admin/webhooks/1/delete")
    assert ">Da</label>" in delete and ">Yes</label>" not in delete
    refused = croatian(client, "/admin/webhooks/1/delete", data={})
    assert_croatian(refused, ["Označite kućicu za potvrdu; ništa nije promijenjeno."],
                    ["Tick the box"])


def test_refusals_about_staff_accounts_in_croatian(client, auth, db):
    auth.login("hr")
    with db() as session:
        hr_id = session.exec(select(User.id)).one()
    again = croatian(client, "/admin/users/",
                     data={"email": "hr@example.com", "name": "Again", "role": "hr"})
    assert_croatian(again, ["Korisnički račun za hr@example.com već postoji."],
                    ["already exists"])
    own = client.post(f"/admin/users/{hr_id}/deactivate", data={"confirm": "1"},
                      headers=CROATIAN)
    assert own.status_code == 400
    assert "Ne možete deaktivirati vlastiti korisnički račun." in own.get_data(as_text=True)
    english = client.post(f"/admin/users/{hr_id}/role", data={"role": "interviewer"})
    assert "You cannot change your own role." in english.get_data(as_text=True)


def test_the_same_pages_stay_english_for_an_english_browser(client, auth, assessment):
    auth.login("hr")
    outbox = client.get("/admin/mail/outbox").get_data(as_text=True)
    assert "Outbox" in outbox and "Izlazna pošta" not in outbox
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "Audit log" in audit and "Revizijski zapisnik" not in audit
