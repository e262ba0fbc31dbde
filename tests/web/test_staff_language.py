"""A Croatian staff member's pages hold no English: every staff page is walked in Croatian
and each text it shows is compared with the English side of the catalogue.

A visible text (a text node, or a title, aria-label, placeholder, alt or a button's value)
that equals an English msgid whose Croatian msgstr differs is English the page should not
show. Texts inside an element whose lang attribute names another language (a language
named in itself, a candidate's answer) are that language on purpose. The same walk in
English must find catalogue texts on the pages, so the check cannot pass by seeing none.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from hiring.assessment import engine
from hiring.i18n import TRANSLATIONS
from hiring.models import WebhookDelivery, WebhookEndpoint
from tests.factories import make_attempt
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
    made = client.post("/exports/profiles", data={"attempt": world["attempt_id"]})
    assert made.status_code == 302
    urls += [("mail.message", "/admin/mail/outbox/message?id=1"),
             ("exports.compare", f"/exports/compare?attempt={world['attempt_id']}"),
             ("exports.job", made.headers["Location"])]
    for endpoint, url in urls:
        if endpoint.startswith("mail.") and "hr" not in roles:
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


def _as_croatian(client) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "hr"


def _report(found: dict[str, list]) -> str:
    return "English on Croatian pages:\n" + "\n".join(
        f"  {page}: {texts}" for page, texts in sorted(found.items()))


def test_a_croatian_hr_manager_sees_no_english_on_any_staff_page(app, client, auth,
                                                                  pages_world):
    catalogue = english_with_croatian()
    _as_croatian(client)
    auth.login("hr")
    send_an_invitation(client, pages_world)
    pages = walk(app, client, pages_world, roles=("hr", "interviewer"))
    assert len(pages) >= 40
    found = english_in(pages, catalogue)
    assert found == {}, _report(found)


def test_a_croatian_interviewer_sees_no_english_on_their_pages(app, client, auth,
                                                                pages_world):
    catalogue = english_with_croatian()
    _as_croatian(client)
    auth.login("interviewer")
    pages = walk(app, client, pages_world, roles=("interviewer",))
    assert len(pages) >= 8
    found = english_in(pages, catalogue)
    assert found == {}, _report(found)


def test_a_croatian_login_page_before_logging_in(client):
    catalogue = english_with_croatian()
    _as_croatian(client)
    for url in ("/login", "/password/forgot", "/password/not-a-token"):
        response = client.get(url)
        _language, texts = visible_texts(response.get_data(as_text=True))
        assert [text for text in texts if text in catalogue] == [], url


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
