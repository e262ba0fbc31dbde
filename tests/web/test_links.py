"""Links to candidates and experts come from MAIL_BASE_URL (or SERVER_NAME) in production,
never from the Host header a request names, which anyone can forge."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hiring.app import create_app
from hiring.cli import main
from hiring.models import Attempt, EmailMessage
from tests.factories import PASSWORD, make_attempt, make_user

FORGED = {"Host": "evil.example"}
PROBLEM = "The link cannot be built safely"
CSV = "name,email\nIvo Ivić,ivo@example.com\n"


@pytest.fixture
def production(app):
    """The test app as it runs in production: neither development nor testing."""
    app.config.update(TESTING=False, DEVELOPMENT=False, MAIL_BASE_URL=None, SERVER_NAME=None)
    return app


def log_in_hr(client, db, headers=FORGED) -> None:
    """Log HR in through the same (forged) host, so the session cookie goes with it."""
    with db() as session:
        make_user(session, role="hr", email="hr@example.com")
    response = client.post("/login", headers=headers,
                           data={"email": "hr@example.com", "password": PASSWORD})
    assert response.status_code == 302


def invite(client, assessment, email: str = "ivo@example.com", headers=FORGED):
    return client.post(f"/admin/assessments/{assessment.id}", headers=headers, data={
        "name": "Ivo Ivić", "email": email, "days": 7, "language": "en", "send_email": "y"})


def shown_link(html: str) -> str:
    return html.split('id="invite-link" type="text" readonly value="')[1].split('"')[0]


def test_without_mail_base_url_an_invitation_is_created_without_a_forged_link(
        production, client, db, assessment):
    log_in_hr(client, db)
    response = invite(client, assessment)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "evil.example" not in html and 'id="invite-link"' not in html
    assert PROBLEM in html and "MAIL_BASE_URL" in html and "Resend" in html
    assert "Invitation created for Ivo Ivić, without a link and not e-mailed" in html
    with db() as session:
        assert session.exec(select(Attempt).where(
            Attempt.candidate_email == "ivo@example.com")).one()
        assert session.exec(select(EmailMessage)).all() == []  # no e-mail without its link


def test_without_mail_base_url_a_resend_is_a_clear_refusal_that_changes_nothing(
        production, client, db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), email="ana@example.com")
        attempt_id, token_hash = attempt.id, attempt.token_hash
    log_in_hr(client, db)
    response = client.post(f"/admin/attempts/{attempt_id}/resend", headers=FORGED)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and PROBLEM in html and "evil.example" not in html
    with db() as session:
        assert session.get(Attempt, attempt_id).token_hash == token_hash
        assert session.exec(select(EmailMessage)).all() == []


def test_without_mail_base_url_bulk_invitations_create_nothing(production, client, db,
                                                               assessment):
    log_in_hr(client, db)
    response = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                           headers=FORGED, data={"csv_text": CSV, "confirm": "1",
                                                 "send_email": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and PROBLEM in html and "evil.example" not in html
    with db() as session:
        assert session.exec(select(Attempt)).all() == []


def test_the_e_mail_preview_works_without_a_link(production, client, db):
    log_in_hr(client, db)
    response = client.get("/admin/mail/templates", headers=FORGED)
    assert response.status_code == 200
    assert "evil.example" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("settings", "expected"), [
    ({"MAIL_BASE_URL": "https://hiring.example.com/jobs"}, "https://hiring.example.com/jobs/a/"),
    ({"SERVER_NAME": "hiring.example.com", "PREFERRED_URL_SCHEME": "https"},
     "https://hiring.example.com/a/"),
    ({"SERVER_NAME": "hiring.example.com"}, "http://hiring.example.com/a/"),  # Flask's default
])
def test_links_come_from_the_configured_address_whatever_the_host_header(
        production, client, db, assessment, settings, expected):
    production.config.update(settings)
    log_in_hr(client, db)
    response = invite(client, assessment)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert shown_link(html).startswith(expected) and "evil.example" not in html


def test_development_may_use_the_request_address(app, client, db, assessment):
    app.config.update(TESTING=False, DEVELOPMENT=True, MAIL_BASE_URL=None)
    log_in_hr(client, db, headers={})
    response = invite(client, assessment, headers={})
    assert shown_link(response.get_data(as_text=True)).startswith("http://localhost/a/")


def test_serve_warns_without_mail_base_url(database_url, tmp_path, monkeypatch):
    import hiring.serve

    served = []
    monkeypatch.setattr(hiring.serve, "run", lambda **kwargs: served.append(kwargs))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "not the default"},
                     instance_path=str(tmp_path / "no-config"))
    result = app.test_cli_runner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 0 and served  # it serves, and says what is missing
    assert "MAIL_BASE_URL is not set" in result.output and "Host header" in result.output
    app.config["MAIL_BASE_URL"] = "https://hiring.example.com"
    result = app.test_cli_runner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 0 and "MAIL_BASE_URL is not set" not in result.output
    app.extensions["hiring.engine"].dispose()


def test_without_mail_base_url_inviting_a_keying_expert_changes_nothing(production, client,
                                                                        db, bank, clock):
    from hiring.keying import rounds
    from hiring.models import KeyingExpert

    with db() as session:
        round_id = rounds.open_round(session.merge(bank), name="Team leads", item_keys=None,
                                     session=session, actor="hr", now=clock()).id
    log_in_hr(client, db)
    response = client.post(f"/admin/keying/{round_id}", headers=FORGED, data={
        "name": "Iva Lead", "email": "iva@example.com", "language": "en", "send_email": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and PROBLEM in html and "evil.example" not in html
    with db() as session:
        assert session.exec(select(KeyingExpert)).all() == []
        assert session.exec(select(EmailMessage)).all() == []
