"""Every text a staff page shows goes through the catalogue: a staff template holds no
visible words outside gettext calls and {% trans %} blocks.

The template is lexed by Jinja; every expression, statement and trans block becomes an
opaque placeholder, and what is left is parsed as HTML. A text node, or a visible
attribute (title, aria-label, placeholder, alt, the value of a button), that still holds
a letter is text outside the catalogue.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# Candidates' pages and reports are translated on their own (tests/web/test_i18n.py);
# every other template is a staff page or a part of one.
NOT_STAFF = ("candidate/", "reports/")
STAFF = sorted(
    path.relative_to(TEMPLATES).as_posix()
    for path in TEMPLATES.rglob("*.html")
    if not path.relative_to(TEMPLATES).as_posix().startswith(NOT_STAFF)
)
HOLE = "\x00"
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
# Words that are the same in every language: names of formats, standards and the product.
SAME_IN_EVERY_LANGUAGE = {
    "API", "CSV", "PDF", "ZIP", "JSON", "YAML", "TOTP", "OpenAPI", "URL", "HMAC", "SHA-256",
    "curl", "OpenID", "Connect", "ID", "hiring", "SSO", "HTTP", "HTTPS", "E-mail", "e-mail",
    "α", "SD", "SMD", "MH", "p", "n", "N", "z", "r", "χ²", "D", "SE", "DIF", "ETS", "Greenhouse",
    "UTC", "ms", "D-DIF",
}


def _opaque(source: str, env: Environment) -> str:
    """Return the template's text with every Jinja construct replaced by a hole."""
    out: list[str] = []
    in_trans = False
    block: list[str] = []
    for _lineno, kind, value in env.lex(source):
        if kind == "data" and not in_trans:
            out.append(value)
            continue
        if kind == "block_begin":
            block = []
        elif kind == "name" and not block:
            block.append(value)
            if value == "trans":
                in_trans = True
            elif value == "endtrans":
                in_trans = False
        elif kind == "block_end":
            block = []
        out.append(HOLE)
    return re.sub(HOLE + "+", HOLE, "".join(out))


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRIBUTES or (
                    tag == "input" and name == "value"
                    and attributes.get("type") in ("submit", "button", "reset"))):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def outside_catalogue(source: str) -> list[str]:
    """Return the visible texts of a template that are not in the catalogue."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)  # lexed, never rendered
    parser = _Texts()
    parser.feed(_opaque(source, env))
    parser.close()
    bad = []
    for text in parser.found:
        for piece in text.split(HOLE):
            words = re.findall(r"[^\W\d_][\w'’-]*", piece)
            if any(word not in SAME_IN_EVERY_LANGUAGE for word in words):
                bad.append(piece.strip())
    return bad


def test_the_check_finds_words_and_accepts_translated_ones():
    assert outside_catalogue("<h1>Export</h1>") == ["Export"]
    assert outside_catalogue('<a title="Open it" href="{{ u }}">{{ _("Open") }}</a>') == ["Open it"]
    assert outside_catalogue('<input type="submit" value="Save">') == ["Save"]
    assert outside_catalogue("<p>{% trans n=3 %}{{ n }} attempts{% endtrans %}</p>") == []
    assert outside_catalogue("<p>{{ _('Saved') }} ({{ n }} / {{ m }})</p>") == []
    assert outside_catalogue("<script>var x = 'words';</script><p>PDF · CSV</p>") == []
    assert outside_catalogue("<p>{{ a }} of {{ b }}</p>") == ["of"]


@pytest.mark.parametrize("name", STAFF)
def test_a_staff_template_has_no_text_outside_the_catalogue(name):
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    assert outside_catalogue(source) == [], f"{name} shows text outside the catalogue"
