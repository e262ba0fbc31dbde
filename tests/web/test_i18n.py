"""The candidate interface speaks the attempt's language; catalogues are complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from hiring.i18n import TRANSLATIONS, available
from tests.factories import make_attempt

ROOT = Path(__file__).parent.parent.parent


def test_every_interface_message_is_translated_and_compiled(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()",
                    "extract", "-F", "babel.cfg", "-k", "N_", "-o", str(pot), "--no-location",
                    "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert len(wanted) > 50
    for language in available()[1:]:
        folder = TRANSLATIONS / language / "LC_MESSAGES"
        with (folder / "messages.po").open("rb") as f:
            po = read_po(f)
        with (folder / "messages.mo").open("rb") as f:
            mo = read_mo(f)
        translated = {m.id if isinstance(m.id, str) else m.id[0]:
                      m.string if isinstance(m.string, str) else tuple(m.string)
                      for m in po if m.id}
        missing = sorted(m for m in wanted if not translated.get(m))
        assert missing == [], f"{language}: untranslated {missing}"
        compiled = {m.id if isinstance(m.id, str) else m.id[0]:
                    m.string if isinstance(m.string, str) else tuple(m.string)
                    for m in mo if m.id}
        assert compiled == translated, f"{language}: run pybabel compile -d hiring/translations"


def test_candidate_chooses_croatian_and_sees_it_everywhere(client, db, assessment, clock):
    with db() as session:
        _, token = make_attempt(session, assessment, now=clock())
    page = client.get(f"/a/{token}").get_data(as_text=True)
    assert "Hrvatski" in page and "What to expect" in page
    page = client.get(f"/a/{token}?lang=hr").get_data(as_text=True)
    assert "Što vas očekuje" in page and '<html lang="hr">' in page
    assert "<strong>6 pitanja</strong>" in page and "<strong>30 minuta</strong>" in page
    assert "Što se bilježi" in page and "na više od 2 sekunde" in page
    assert "nikad kao presudu, i one ne mijenjaju nijedan rezultat" in page
    client.post(f"/a/{token}/start", data={"language": "hr"})
    page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    assert "Pitanje 1 od 6" in page and "Situacija 1 na hrvatskom." in page
    assert "Opcija a od 1" in page and "Dalje" in page
    error = client.post(f"/a/{token}/q/5", data={"value": "dvanaest"})
    assert "Upišite broj" in error.get_data(as_text=True)
    saved = client.post(f"/a/{token}/save", json={"position": 99, "seq": 1, "answer": {}})
    assert saved.json["error"] == "Nepoznato pitanje."
    unknown = client.get("/a/nope", headers={"Accept-Language": "hr-HR,hr;q=0.9"})
    assert "Ova poveznica pozivnice nije valjana" in unknown.get_data(as_text=True)


def test_the_scripts_texts_are_in_each_pages_language(client, db, assessment, clock):
    """The texts candidate.js shows are kept per language (hiring.web.candidate.script_texts):
    each page has its own language's, whichever language was asked for first."""
    import html
    import json
    import re

    def texts(path: str) -> dict:
        page = client.get(path).get_data(as_text=True)
        return json.loads(html.unescape(re.search(r'data-i18n="([^"]*)"', page)[1]))

    with db() as session:
        _, english = make_attempt(session, assessment, now=clock())
        _, croatian = make_attempt(session, assessment, now=clock(), email="b@example.com")
    assert texts(f"/a/{english}")["saved"] == "Saved"
    hr = texts(f"/a/{croatian}?lang=hr")
    assert (hr["saved"], hr["left_5"]) == ("Spremljeno", "Još 5 minuta")
    en = texts(f"/a/{english}")
    assert (en["saved"], en["left_1"], en["saving"]) == ("Saved", "1 minute left", "Saving…")


def test_unknown_language_is_ignored(client, db, assessment, clock):
    with db() as session:
        _, token = make_attempt(session, assessment, now=clock())
    page = client.get(f"/a/{token}?lang=xx").get_data(as_text=True)
    assert "What to expect" in page
    response = client.post(f"/a/{token}/start", data={"language": "xx"})
    assert response.status_code == 409


def test_form_messages_come_from_our_catalogues(app):
    from werkzeug.datastructures import MultiDict

    from hiring.web.forms import InvitationForm

    with app.test_request_context("/", headers={"Accept-Language": "hr"}):
        form = InvitationForm(MultiDict({"email": "not-an-email", "days": "x"}))
        assert not form.validate()
        assert form.name.errors == ["Ovo je polje obavezno."]
        assert form.email.errors == ["Neispravna adresa e-pošte."]
        assert "Nije valjan cijeli broj." in form.days.errors
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        form = InvitationForm(MultiDict({}))
        form.validate()
        assert form.name.errors == ["This field is required."]


def test_numeric_item_shows_the_same_numbers_on_reload_and_others_elsewhere(
        client, db, assessment, clock):
    stems = []
    for n in range(6):
        with db() as session:
            _, token = make_attempt(session, assessment, now=clock(), email=f"n{n}@example.com")
        client.post(f"/a/{token}/start")
        first = client.get(f"/a/{token}/q/5").get_data(as_text=True)
        again = client.get(f"/a/{token}/q/5").get_data(as_text=True)
        stem = first.split('<p class="stem">')[1].split("</p>")[0]
        assert "A plan costs" in stem and "{price}" not in stem
        assert stem == again.split('<p class="stem">')[1].split("</p>")[0]
        stems.append(stem)
    assert len(set(stems)) > 1


def test_situations_ask_for_the_most_effective_response_in_each_language(
        client, db, assessment, clock):
    """One construct throughout: the welcome page and every item ask for effectiveness."""
    wanted = {
        "en": ("For situations, choose the most effective response: what would work best "
               "for the customer and the company.",
               "Choose the most effective response.",
               "Choose the <strong>most effective</strong> and the <strong>least effective"
               "</strong> response.",
               ('aria-label="Most effective: Option a of 4"',
                'aria-label="Least effective: Option a of 4"',
                '<span class="bw-label">Most effective</span>',
                '<span class="bw-label">Least effective</span>'),
               "The most effective and the least effective response must be different."),
        "hr": ("Kod situacija odaberite najučinkovitiju reakciju: onu koja bi najbolje uspjela "
               "i za korisnika i za tvrtku.",
               "Odaberite najučinkovitiju reakciju.",
               "Odaberite <strong>najučinkovitiju</strong> i <strong>najmanje učinkovitu"
               "</strong> reakciju.",
               ('aria-label="Najučinkovitija: Opcija a od 4"',
                'aria-label="Najmanje učinkovita: Opcija a od 4"',
                '<span class="bw-label">Najučinkovitija</span>',
                '<span class="bw-label">Najmanje učinkovita</span>'),
               "Najučinkovitija i najmanje učinkovita reakcija moraju biti različite."),
    }
    for language, (welcome, best, best_worst, labels, same) in wanted.items():
        with db() as session:
            _, token = make_attempt(session, assessment, now=clock(),
                                    email=f"{language}@example.com")
        page = client.get(f"/a/{token}?lang={language}").get_data(as_text=True)
        assert welcome in page
        assert "really do" not in page and "doista učinili" not in page
        client.post(f"/a/{token}/start", data={"language": language})
        page = client.get(f"/a/{token}/q/1").get_data(as_text=True)  # a best item
        assert best in page and "least" not in page.lower()
        page = client.get(f"/a/{token}/q/4").get_data(as_text=True)  # a best/worst item
        assert best_worst in page
        assert all(label in page for label in labels)
        assert ">Best<" not in page and ">Najbolja<" not in page
        error = client.post(f"/a/{token}/q/4", data={"best": "a", "worst": "a"})
        assert error.status_code == 400 and same in error.get_data(as_text=True)


def test_a_pages_texts_follow_a_language_changed_within_the_request(app):
    """The catalogue a page's texts are looked up in is kept only while the language and
    the request are the same (hiring.i18n.translations)."""
    from flask import g, render_template_string
    from flask_babel import force_locale, refresh

    def render() -> str:
        return render_template_string("{{ _('Integrity signals') }}")

    with app.test_request_context("/"):
        g.language = "hr"
        assert render() == "Signali integriteta"
        with force_locale("en"):
            assert render() == "Integrity signals"
        assert render() == "Signali integriteta"
        g.language = "en"
        refresh()  # as a page does when the language is chosen
        assert render() == "Integrity signals"
    with app.test_request_context("/"):
        g.language = "hr"
        assert render() == "Signali integriteta"
    with app.test_request_context("/"):
        g.language = "en"
        assert render() == "Integrity signals"
