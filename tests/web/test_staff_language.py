"""A Croatian staff member's pages hold no English: every staff page is walked in Croatian
and each text it shows is compared with the English side of the catalogue.

A visible text (a text node, or a title, aria-label, placeholder, alt or a button's value)
that equals an English msgid whose Croatian msgstr differs is English the page should not
show. Texts inside an element whose lang attribute names another language (a language
named in itself, a candidate's answer) are that language on purpose. The same walk in
English must find catalogue texts on the pages, so the check cannot pass by seeing none.
"""

from __future__ import annotations

from datetime import date
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from flask import g, render_template_string
from flask_babel import refresh
from sqlmodel import col, select

from hiring.assessment import engine
from hiring.i18n import TRANSLATIONS
from hiring.models import AuditEvent, EmailMessage, User, WebhookDelivery, WebhookEndpoint
from tests.factories import make_attempt, make_user
from tests.web.test_access import build_world, staff_urls

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
REPLY = "Dear Ana, I am sorry that your refund took two weeks. I have checked it and it is paid."


def english_with_croatian() -> dict[str, str]:
    """Every English text of the catalogue whose Croatian differs: msgid -> msgstr."""
    with (TRANSLATIONS / "hr" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    found = {}
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        english, croatian = " ".join(message.id.split()), " ".join(message.string.split())
        if english != croatian:
            found[english] = croatian
    return found


class _Visible(HTMLParser):
    """The texts a reader sees, without scripts, styles and elements in another language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.language: str | None = None
        self._open: list[tuple[str, bool]] = []  # (tag, hidden from the check)

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self._open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.language = (attributes.get("lang") or "").split("-")[0]
        lang = (attributes.get("lang") or "").split("-")[0]
        hidden = tag in ("script", "style", "template") or (
            tag != "html" and bool(lang) and lang != self.language)
        if not hidden and not self._hidden():
            for name, value in attrs:
                if value and (name in VISIBLE_ATTRIBUTES or (
                        tag == "input" and name == "value"
                        and attributes.get("type") in ("submit", "button", "reset"))):
                    self.texts.append(" ".join(value.split()))
        if tag not in VOID:
            self._open.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden():
            self.texts.append(text)


def visible_texts(html: str) -> tuple[str | None, list[str]]:
    """Return the page's language (its html lang) and the texts it shows."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.language, parser.texts


def rich_world(db, assessment, bank, clock) -> dict:
    """The routes' values, with a closed attempt that has a profile and a rated reply, and a
    message in the outbox."""
    world = build_world(db, assessment, bank, clock)
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  name="Iva Kovač", email="iva.kovac@example.com")
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session, now=clock(),
                               seq=1)
        engine.save_answer(attempt, 6, {"text": REPLY}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        written = engine.response_at(attempt, 6, session=session)
        endpoint = WebhookEndpoint(url="http://127.0.0.1:9/hook", description="ATS",
                                   secret="s" * 32, events=["attempt.submitted"],
                                   created_at=clock())
        session.add(endpoint)
        session.flush()
        delivery = WebhookDelivery(endpoint_id=endpoint.id, event="attempt.submitted",
                                   attempt_id=attempt.id, payload={"event": "x"},
                                   state="failed", attempts=1, response_code=500,
                                   created_at=clock(), next_retry_at=clock())
        session.add(delivery)
        session.flush()
    return dict(world, attempt_id=attempt.id, response_id=written.id,
                endpoint_id=endpoint.id, delivery_id=delivery.id)


def send_an_invitation(client, world) -> None:
    """HR invites a candidate by e-mail: the outbox has a message."""
    response = client.post(f"/admin/assessments/{world['assessment_id']}", data={
        "name": "Ivo Ivić", "email": "ivo@example.com", "days": 7, "language": "en",
        "send_email": "y"})
    assert response.status_code in (200, 302)


def walk(app, client, world, *, roles: tuple[str, ...]) -> dict[str, list[str]]:
    """GET every staff page a role may open; return each HTML page's visible texts by
    address. Every page must answer without a server error, in the language asked for."""
    pages = {}
    urls = [(endpoint, url) for endpoint, method, url, access in staff_urls(app, world)
            if method == "GET" and any(role in access for role in roles)]
    # Pages with more in them once something has happened: an export, a decision, a
    # calibration answer rated.
    made = client.post("/exports/profiles", data={"attempt": world["attempt_id"]})
    assert made.status_code == 302
    decided = client.post(f"/decisions/attempts/{world['attempt_id']}",
                          data={"stage": "shortlisted", "decided_on": "", "note": "Calm."})
    assert decided.status_code == 302
    rated = client.post(f"/calibration/answers/{world['answer_id']}",
                        data={"score_tone": 3, "score_empathy": 4})
    assert rated.status_code == 302
    urls += [("mail.message", "/admin/mail/outbox/message?id=1"),
             ("exports.compare", f"/exports/compare?attempt={world['attempt_id']}"),
             ("exports.job", made.headers["Location"]),
             ("interviewer.attempts", "/attempts/?state=submitted"),
             ("calibration.new_answer", f"/admin/calibration/new?response={world['response_id']}"),
             ("decisions.delete",
              f"/decisions/assessments/{world['assessment_id']}/stages/hired/delete")]
    for endpoint, url in urls:
        if endpoint.split(".")[0] in ("mail", "decisions") and "hr" not in roles or (
                endpoint == "calibration.new_answer" and "hr" not in roles):
            continue
        with client.get(url) as response:
            assert response.status_code < 500, (endpoint, url)
            if response.mimetype != "text/html":
                continue
            _language, texts = visible_texts(response.get_data(as_text=True))
        pages[f"{endpoint} {url} ({response.status_code})"] = texts
    return pages


def english_in(pages: dict[str, list[str]], catalogue: dict[str, str]) -> dict[str, list]:
    return {page: sorted({text for text in texts if text in catalogue})
            for page, texts in pages.items()
            if any(text in catalogue for text in texts)}


@pytest.fixture
def pages_world(db, assessment, bank, clock):
    return rich_world(db, assessment, bank, clock)


def choose_language(db, email: str, language: str | None) -> None:
    with db() as session:
        session.exec(select(User).where(User.email == email)).one().language = language


def _as_croatian(client, db, role: str) -> None:
    """Log in as a staff member who chose Croatian, in a browser that asks for English:
    the choice wins."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with db() as session:
        make_user(session, role=role, email=f"{role}@example.com")
    choose_language(db, f"{role}@example.com", "hr")


def _named_like_people(db) -> None:
    """The factories name accounts after their role ("Interviewer"): a person's name is
    data, not the interface's word, so the walk's people get names that are not."""
    with db() as session:
        for user in session.exec(select(User)).all():
            user.name = {"Interviewer": "Ivana Kovač", "Hr": "Hrvoje Horvat"}.get(user.name,
                                                                             user.name)
            session.add(user)
        session.commit()


def _report(found: dict[str, list]) -> str:
    return "English on Croatian pages:\n" + "\n".join(
        f"  {page}: {texts}" for page, texts in sorted(found.items()))


def test_a_croatian_hr_manager_sees_no_english_on_any_staff_page(app, client, auth, db,
                                                                  pages_world):
    catalogue = english_with_croatian()
    _as_croatian(client, db, "hr")
    auth.login("hr")
    send_an_invitation(client, pages_world)
    _named_like_people(db)
    pages = walk(app, client, pages_world, roles=("hr", "interviewer"))
    assert len(pages) >= 40
    found = english_in(pages, catalogue)
    assert found == {}, _report(found)


def test_a_croatian_interviewer_sees_no_english_on_their_pages(app, client, auth, db,
                                                                pages_world):
    catalogue = english_with_croatian()
    _as_croatian(client, db, "interviewer")
    auth.login("interviewer")
    pages = walk(app, client, pages_world, roles=("interviewer",))
    assert len(pages) >= 8
    found = english_in(pages, catalogue)
    assert found == {}, _report(found)


def test_a_croatian_login_page_before_logging_in(client):
    """Before logging in, the browser's language: Croatian."""
    catalogue = english_with_croatian()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "hr-HR,hr;q=0.9,en;q=0.5"
    for url in ("/login", "/password/forgot", "/password/not-a-token"):
        response = client.get(url)
        language, texts = visible_texts(response.get_data(as_text=True))
        assert language == "hr", url
        assert [text for text in texts if text in catalogue] == [], url
    page = client.get("/login").get_data(as_text=True)
    assert "<h1>Prijava</h1>" in page and "E-pošta" in page and "Lozinka" in page


def test_in_english_the_same_walk_finds_the_catalogue_texts(app, client, auth, pages_world):
    """The check is not vacuous: an English page shows the msgids the Croatian one must not."""
    catalogue = english_with_croatian()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    auth.login("hr")
    send_an_invitation(client, pages_world)
    pages = walk(app, client, pages_world, roles=("hr", "interviewer"))
    found = english_in(pages, catalogue)
    assert len(found) >= 0.8 * len(pages)
    everywhere = {text for texts in found.values() for text in texts}
    assert len(everywhere) >= 100
    assert {"Staff", "Webhooks", "API keys"} <= everywhere
    language, texts = visible_texts(client.get("/attempts/").get_data(as_text=True))
    assert language == "en" and "Staff" in texts


def test_the_text_reader_skips_scripts_and_other_languages():
    language, texts = visible_texts(
        '<html lang="hr"><body><p>Spremi</p><script>var s = "Save";</script>'
        '<select><option lang="en">English</option><option>Hrvatski</option></select>'
        '<br><input type="submit" value="Save"><img alt="Logo" src="x"><p>Kraj</p>'
        '</body></html>')
    assert language == "hr"
    assert texts == ["Spremi", "Hrvatski", "Save", "Logo", "Kraj"]


# ---- choosing a language --------------------------------------------------------------


def language_events(db) -> list[AuditEvent]:
    with db() as session:
        return list(session.exec(select(AuditEvent).where(
            AuditEvent.action == "language_changed").order_by(col(AuditEvent.id))))


def test_a_staff_member_chooses_croatian_and_every_page_follows(client, auth, db):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    auth.login("interviewer")
    page = client.get("/account/language").get_data(as_text=True)
    assert "Browser&#39;s language (currently English)" in page
    assert '<span lang="hr">Hrvatski</span>' in page and '<span lang="en">English</span>' in page
    assert 'value="" checked' in page  # nothing chosen yet: the browser's
    assert 'href="/account/language">Language</a>' in client.get("/attempts/").get_data(
        as_text=True)
    saved = client.post("/account/language", data={"language": "hr"}, follow_redirects=True)
    text = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Vaš je jezik spremljen." in text
    assert '<html lang="hr">' in text and 'value="hr" checked' in text
    assert "Jezik preglednika (trenutačno engleski)" in text
    attempts = client.get("/attempts/").get_data(as_text=True)
    assert "<h1>Pokušaji</h1>" in attempts and "Odjava" in attempts
    with db() as session:
        user = session.exec(select(User).where(User.email == "interviewer@example.com")).one()
        assert user.language == "hr"
    [event] = language_events(db)
    assert event.object_id == user.id and event.detail == {"from": None, "to": "hr"}
    # Back to the browser's language.
    client.post("/account/language", data={"language": ""})
    assert "<h1>Attempts</h1>" in client.get("/attempts/").get_data(as_text=True)
    assert [e.detail for e in language_events(db)][-1] == {"from": "hr", "to": None}
    # Saving the same choice again changes nothing and records nothing.
    client.post("/account/language", data={"language": ""})
    assert len(language_events(db)) == 2


def test_an_unknown_language_is_refused_and_changes_nothing(client, auth, db):
    auth.login("hr")
    for value in ("xx", "de", "hr" * 20):
        refused = client.post("/account/language", data={"language": value})
        assert refused.status_code == 400, value
        assert "Not a valid choice." in refused.get_data(as_text=True)
    assert language_events(db) == []
    with db() as session:
        assert session.exec(select(User)).one().language is None


def test_a_language_chosen_then_no_longer_offered_falls_back_to_the_browser(app, client, auth,
                                                                         db):
    auth.login("hr")
    choose_language(db, "hr@example.com", "hr")
    assert '<html lang="hr">' in client.get("/admin/").get_data(as_text=True)
    app.config["LANGUAGES"] = ["en"]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "hr"
    assert '<html lang="en">' in client.get("/admin/").get_data(as_text=True)


def test_hr_sees_a_members_language_but_cannot_change_it_there(client, auth, db):
    with db() as session:
        ivo = make_user(session, role="interviewer", email="ivo@example.com")
    choose_language(db, "ivo@example.com", "hr")
    auth.login("hr")
    page = client.get(f"/admin/users/{ivo.id}").get_data(as_text=True)
    assert "<dt>Language</dt><dd>Croatian</dd>" in page
    assert 'name="language"' not in page


def test_croatian_pages_write_dates_and_numbers_the_croatian_way(app, client, auth, db,
                                                                 pages_world):
    auth.login("interviewer")
    choose_language(db, "interviewer@example.com", "hr")
    attempts = client.get("/attempts/").get_data(as_text=True)
    assert "2. ožu 2026. 09:00" in attempts  # submitted, as Babel writes it in Croatian
    assert "2026-03-02" not in attempts
    choose_language(db, "interviewer@example.com", "en")
    assert "Mar 2, 2026" in client.get("/attempts/").get_data(as_text=True)
    # The filters every staff template uses, in a Croatian staff member's request.
    choose_language(db, "interviewer@example.com", "hr")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        with db() as session:
            g.user = session.exec(select(User).where(
                User.email == "interviewer@example.com")).one()
        refresh()  # as the request's user is found: hiring.web._load_user
        text = render_template_string(
            "{{ 1234.5|decimal }} · {{ 2.5|decimal(2) }} · {{ 0.257|percent }} · "
            "{{ 0.2573|percent(1) }} · {{ day|date }} · {{ none|datetime }}",
            day=date(2026, 12, 7))
    assert text == "1.234,5 · 2,50 · 26\xa0% · 25,7\xa0% · 7. pro 2026. · —"


# ---- e-mail to staff -------------------------------------------------------------------


def staff_mail(app, db, kind: str) -> list[tuple[EmailMessage, str]]:
    """Each message of a kind, with its body from the outbox."""
    with db() as session:
        found = list(session.exec(select(EmailMessage).where(EmailMessage.kind == kind)
                                  .order_by(col(EmailMessage.id))))
    bodies = []
    for message in found:
        with open(f"{app.instance_path}/outbox/{message.outbox_file}", "rb") as handle:
            parsed = BytesParser(policy=policy.default).parse(handle)
        bodies.append((message, parsed.get_body().get_content()))
    return bodies


def test_staff_e_mail_goes_out_in_the_recipients_language(app, client, auth, db):
    # HR reads Croatian and invites Mia, who has chosen nothing yet: the invitation is in
    # the language of HR's request.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with db() as session:
        make_user(session, role="hr", email="hr@example.com")
    choose_language(db, "hr@example.com", "hr")
    auth.login("hr")
    assert client.post("/admin/users/", data={"email": "mia@example.com", "name": "Mia",
                                              "role": "interviewer"}).status_code == 302
    [(invitation, body)] = staff_mail(app, db, "staff_invite")
    assert invitation.language == "hr" and invitation.subject.startswith("Vaš korisnički račun")
    assert "Poštovani/poštovana Mia" in body and "(intervjuer)" in body
    assert "Dear" not in body
    auth.logout()
    # Ivo chose English: his reset link comes in English, though the browser asks for
    # Croatian; Ana chose nothing: hers comes in the browser's language.
    with db() as session:
        make_user(session, role="interviewer", email="ivo@example.com", name="Ivo")
        make_user(session, role="interviewer", email="ana@example.com", name="Ana")
    choose_language(db, "ivo@example.com", "en")
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "hr"
    for email in ("ivo@example.com", "ana@example.com"):
        assert browser.post("/password/forgot", data={"email": email}).status_code in (200, 302)
    (ivo, ivo_body), (ana, ana_body) = staff_mail(app, db, "password_reset")
    assert ivo.to_address == "ivo@example.com" and ivo.language == "en"
    assert ivo.subject == "Reset your password" and ivo_body.startswith("Dear Ivo,")
    assert ana.to_address == "ana@example.com" and ana.language == "hr"
    assert ana.subject == "Nova lozinka" and "Poštovani/poštovana Ana" in ana_body
