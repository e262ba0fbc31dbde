"""Settings from the environment, the table of them in the README, and the cookie mode."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import pytest
from flask import Flask

from hiring import config
from hiring.app import create_app
from hiring.config import ConfigError, Defaults, start_line
from hiring.db import session_scope
from tests import factories

README = Path(__file__).resolve().parents[2] / "README.md"
# Defaults that depend on the machine: the table says them in words.
DESCRIBED = {"SECRET_KEY", "BANKS_DIR"}
EVERY_ADDRESS = "0.0.0.0"  # noqa: S104 - what a LAN server binds to


def _table() -> dict[str, tuple[str, str]]:
    """Return the README's settings table: name -> (default cell, meaning)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Configuration\n"):]
    section = section[:section.index("\n## ", 1)]
    rows = {}
    for line in section.splitlines():
        found = re.fullmatch(r"\| `([A-Z_]+)` \| (.+?) \| (.+) \|", line)
        if found:
            assert found[1] not in rows, f"{found[1]} is in the table twice"
            rows[found[1]] = (found[2], found[3])
    return rows


def test_the_readme_table_lists_every_setting_once_with_its_default():
    table, settings = _table(), config.settings()
    assert sorted(set(settings) - set(table)) == [], "settings missing from the README"
    assert sorted(set(table) - set(settings)) == [], "documented settings that do not exist"
    for name, (default, meaning) in table.items():
        assert meaning.strip(), name
        if name in DESCRIBED:
            continue
        literal = re.fullmatch(r"`([^`]+)`", default)
        assert literal, f"{name}: the default should be a `literal`, not {default!r}"
        assert ast.literal_eval(literal[1]) == settings[name], name


def _load(environ: dict[str, str], tmp_path) -> dict:
    app = Flask("hiring", instance_path=str(tmp_path))
    config.load(app, None, environ=environ)
    return app.config


def test_prefixed_variables_are_read_as_json_and_checked_against_the_setting(tmp_path):
    loaded = _load({"HIRING_INVITATION_DAYS": "7", "HIRING_LANGUAGES": '["en"]',
                    "HIRING_RETENTION_DAYS": "null", "HIRING_PDF_TIME_LIMIT_SECONDS": "5",
                    "HIRING_MAIL_SMTP_SSL": "yes", "HIRING_MAIL_SMTP_STARTTLS": "false",
                    "HIRING_SECRET_KEY": "12345", "HIRING_MAIL_SMTP_HOST": "smtp.example.com",
                    "HIRING_PERIODIC_WORK__remind": "720",
                    "HIRING_SESSION_COOKIE_NAME": "hiring_session"}, tmp_path)
    assert loaded["INVITATION_DAYS"] == 7 and loaded["LANGUAGES"] == ["en"]
    assert loaded["RETENTION_DAYS"] is None and loaded["PDF_TIME_LIMIT_SECONDS"] == 5.0
    assert loaded["MAIL_SMTP_SSL"] is True and loaded["MAIL_SMTP_STARTTLS"] is False
    assert loaded["SECRET_KEY"] == "12345"  # text stays text, digits or not
    assert loaded["MAIL_SMTP_HOST"] == "smtp.example.com"
    assert loaded["PERIODIC_WORK"] == {**Defaults.PERIODIC_WORK, "remind": 720}
    assert loaded["SESSION_COOKIE_NAME"] == "hiring_session"  # one of Flask's own


def test_the_plain_names_still_work_and_the_prefixed_one_wins(tmp_path):
    loaded = _load({"DATABASE_URL": "sqlite:///plain.sqlite", "REDIS_URL": "redis://r:6379/0",
                    "SECRET_KEY": "plain", "HIRING_SECRET_KEY": "prefixed",
                    "HIRING_DEVELOPMENT": "1", "HIRING_KEYING_MIN_PANEL": "3"}, tmp_path)
    assert loaded["DATABASE_URL"] == "sqlite:///plain.sqlite"
    assert loaded["REDIS_URL"] == "redis://r:6379/0"
    assert loaded["SECRET_KEY"] == "prefixed"
    assert loaded["DEVELOPMENT"] is True and loaded["KEYING_MIN_PANEL"] == 3


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("HIRING_INVITATION_DAYS", "soon", "expected a whole number"),
    ("HIRING_INVITATION_DAYS", "true", "expected a whole number"),
    ("HIRING_INVITATION_DAYS", "null", "cannot be null"),
    ("HIRING_DEVELOPMENT", "maybe", "expected true or false"),
    ("HIRING_LANGUAGES", "en,hr", "expected JSON such as"),
    ("HIRING_PERIODIC_WORK", "[5]", "expected JSON such as"),
    ("HIRING_PDF_TIME_LIMIT_SECONDS", "fast", "expected a number"),
    ("HIRING_MAIL_FROM__x", "1", "is not a dictionary"),
])
def test_a_value_that_does_not_fit_names_the_variable(tmp_path, variable, value, said):
    with pytest.raises(ConfigError) as raised:
        _load({variable: value}, tmp_path)
    assert str(raised.value).startswith(f"{variable}: ") and said in str(raised.value)


def test_an_unknown_prefixed_name_is_logged_and_others_are_left_alone(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="hiring.config"):
        loaded = _load({"HIRING_INVITATON_DAYS": "7", "HIRING_INSTANCE": "/elsewhere",
                        "HIRING_PASSWORD": "x"}, tmp_path)
    assert "INVITATON_DAYS" not in loaded and loaded["INVITATION_DAYS"] == 14
    assert [r.getMessage() for r in caplog.records] == [
        "HIRING_INVITATON_DAYS is not a setting of hiring (see the table in the README); "
        "ignored"]


# ---- the cookie mode ------------------------------------------------------------------


def _form_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


def _served(app, monkeypatch, tmp_path, name, **environ):
    """An app configured as `hiring serve` configures it: from the environment."""
    database_url = app.config["DATABASE_URL"]
    for key in ("HIRING_DEVELOPMENT", "HIRING_HTTPS", "MAIL_BASE_URL",
                "HIRING_SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("HIRING_SECRET_KEY", "not the default")
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    served = create_app(instance_path=str(tmp_path / name))
    return served


def _login(served, base_url: str):
    client = served.test_client()
    page = client.get("/login", base_url=base_url).get_data(as_text=True)
    # Over https, Flask-WTF also checks that the form came from this site.
    response = client.post("/login", base_url=base_url, headers={"Referer": base_url + "/login"},
                           data={
        "email": "hr@example.com", "password": factories.PASSWORD,
        "csrf_token": _form_token(page)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response, client


def test_serve_on_plain_http_sets_no_secure_cookie_and_no_hsts(app, monkeypatch, tmp_path):
    with session_scope(app) as session:
        factories.make_user(session, role="hr", email="hr@example.com")
    served = _served(app, monkeypatch, tmp_path, "plain")
    assert served.config["HTTPS"] is False and served.config["DEVELOPMENT"] is False
    response, client = _login(served, "http://192.168.1.20:5000")
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers
    # The login sticks: the next page is HR's, not the login form.
    home = client.get(response.headers["Location"], base_url="http://192.168.1.20:5000")
    assert home.status_code == 200 and 'name="password"' not in home.get_data(as_text=True)
    served.extensions["hiring.engine"].dispose()


@pytest.mark.parametrize("environ", [{"HIRING_HTTPS": "true"},
                                     {"MAIL_BASE_URL": "https://hiring.example.com"},
                                     {"HIRING_MAIL_BASE_URL": "https://hiring.example.com"}])
def test_https_mode_sets_secure_cookies_and_hsts(app, monkeypatch, tmp_path, environ):
    with session_scope(app) as session:
        factories.make_user(session, role="hr", email="hr@example.com")
    served = _served(app, monkeypatch, tmp_path, "https", **environ)
    assert served.config["HTTPS"] is True
    response, _client = _login(served, "https://hiring.example.com")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    served.extensions["hiring.engine"].dispose()


def test_explicit_settings_win_over_the_mode(app, monkeypatch, tmp_path):
    secure_on_http = _served(app, monkeypatch, tmp_path, "one",
                             HIRING_SESSION_COOKIE_SECURE="true")
    assert (secure_on_http.config["HTTPS"], secure_on_http.config["SESSION_COOKIE_SECURE"]) \
        == (False, True)
    http_despite_address = _served(app, monkeypatch, tmp_path, "two",
                                   MAIL_BASE_URL="https://hiring.example.com",
                                   HIRING_HTTPS="false")
    assert http_despite_address.config["SESSION_COOKIE_SECURE"] is False
    development = _served(app, monkeypatch, tmp_path, "three", HIRING_DEVELOPMENT="1",
                          MAIL_BASE_URL="https://hiring.example.com")
    assert development.config["HTTPS"] is False
    for each in (secure_on_http, http_despite_address, development):
        each.extensions["hiring.engine"].dispose()


def test_the_start_line_says_address_mode_cookies_and_mail():
    plain = {**config.settings(), "HTTPS": False, "SESSION_COOKIE_SECURE": False}
    assert start_line(plain, host=EVERY_ADDRESS, port=8000, outbox="/srv/outbox") == (
        f"serving on http://{EVERY_ADDRESS}:8000; plain http; session cookie not Secure, "
        "no HSTS; "
        "mail written to /srv/outbox (no MAIL_SMTP_HOST)")
    https = {**plain, "HTTPS": True, "SESSION_COOKIE_SECURE": True,
             "MAIL_SMTP_HOST": "smtp.example.com"}
    assert start_line(https, host="127.0.0.1", port=5000, outbox="/srv/outbox") == (
        "serving on http://127.0.0.1:5000; https (TLS ended here or by a proxy in front); "
        "session cookie Secure, HSTS sent; mail through smtp.example.com:587")
    forced = {**plain, "SESSION_COOKIE_SECURE": True, "DEVELOPMENT": True}
    assert "plain http for development; session cookie Secure (SESSION_COOKIE_SECURE: " \
           "logins work over https only), no HSTS" in start_line(
               forced, host="127.0.0.1", port=5000, outbox="o")
