"""Single sign-on against a real OpenID Connect provider (node-oidc-provider on 127.0.0.1):
who may log in, the checks of the way back, the second factor, password login off."""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import col, select

from hiring import sso, staff, two_factor
from hiring.app import create_app
from hiring.cli import main
from hiring.config import ConfigError
from hiring.models import (
    AccountToken,
    AuditEvent,
    EmailMessage,
    SsoProvider,
    StaffSession,
    User,
)
from tests.conftest import _empty_tables
from tests.factories import PASSWORD, make_user
from tests.oidc_provider import running_provider, sign_in

NAMES = ("test", "open", "mfa", "strict")
BACK = "http://localhost/"


@pytest.fixture(scope="module")
def provider():
    with running_provider([f"http://localhost/login/sso/{name}/callback"
                           for name in NAMES]) as running:
        yield running


def _settings(provider) -> list[dict]:
    return [provider.config("test"),
            provider.config("open", label="Open ID", create_users=True),
            provider.config("mfa", label="MFA ID", trusted_mfa=True, create_users=True,
                            default_role="interviewer"),
            provider.config("strict", label="Strict ID", sync_role=True,
                            email_domains=["example.org"])]


@pytest.fixture
def settings():
    return {}


@pytest.fixture
def app(database_url, tmp_path, clock, provider, settings):
    app = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False, "CLOCK": clock, "JOBS_INLINE": True,
        "PROFILE_PRERENDER": False, "OIDC_PROVIDERS": _settings(provider), **settings,
    }, instance_path=str(tmp_path / "instance"))
    engine = app.extensions["hiring.engine"]
    _empty_tables(engine)
    yield app
    engine.dispose()


def go(client, login: str, name: str = "test", query: str = ""):
    """Click the provider's button, sign in there as `login`, come back; return the
    answer to the callback."""
    left = client.get(f"/login/sso/{name}{query}")
    assert left.status_code == 302, left.get_data(as_text=True)
    back = sign_in(left.headers["Location"], login, BACK)
    parts = urlsplit(back)
    assert parts.path == f"/login/sso/{name}/callback"
    return client.get(f"{parts.path}?{parts.query}")


def events(db, action: str) -> list[AuditEvent]:
    with db() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)
                                 .order_by(col(AuditEvent.id))))


def logged_in_as(client) -> str | None:
    page = client.get("/admin/users/")
    if page.status_code == 302:
        return None
    return "hr" if page.status_code == 200 else "interviewer"


def test_the_login_page_offers_each_provider(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/sso/test"' in page and "Sign in with Test ID" in page
    assert "Sign in with Open ID" in page and 'name="password"' in page


def test_the_authorization_request_has_state_nonce_and_pkce(client, provider):
    left = client.get("/login/sso/test?next=/admin/users/")
    query = parse_qs(urlsplit(left.headers["Location"]).query)
    assert left.headers["Location"].startswith(provider.issuer + "/auth?")
    assert query["response_type"] == ["code"] and query["client_id"] == ["hiring"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 40 and len(query["nonce"][0]) >= 40
    assert query["redirect_uri"] == ["http://localhost/login/sso/test/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_an_existing_user_logs_in_by_verified_email(client, db, clock):
    with db() as session:
        user = make_user(session, role="hr", email="hr.ana@example.com")
    with client.session_transaction() as cookie:
        cookie["before"] = "anonymous"
    answer = go(client, "HR.Ana@Example.com")  # the provider's case differs
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"
    assert logged_in_as(client) == "hr"
    with client.session_transaction() as cookie:
        assert "before" not in cookie and "sid" in cookie  # a fresh session
    [event] = events(db, "logged_in")
    assert event.object_id == user.id and event.detail == {"provider": "test"}
    with db() as session:
        assert session.get(User, user.id).last_login_at == clock()
        assert session.exec(select(StaffSession).where(
            StaffSession.user_id == user.id)).one().ended_at is None


def test_next_is_kept_through_the_provider(client, db):
    with db() as session:
        make_user(session, role="hr", email="hr.next@example.com")
    answer = go(client, "hr.next@example.com", query="?next=/admin/users/")
    assert answer.headers["Location"] == "/admin/users/"
    answer = go(client, "hr.next@example.com", query="?next=https://evil.example/")
    assert answer.headers["Location"] == "/admin/"


def test_an_unverified_email_is_refused(client, db):
    with db() as session:
        make_user(session, role="hr", email="unverified.hr@example.com")
    answer = go(client, "unverified.hr@example.com", name="open")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert "did not confirm that the e-mail address of your account is verified" in text
    assert logged_in_as(client) is None
    [event] = events(db, "login_failed")
    assert event.detail == {"provider": "open", "reason": "unverified"}
    assert event.actor_label == "unverified.hr@example.com"
    with db() as session:  # not created either, although "open" creates accounts
        assert len(session.exec(select(User)).all()) == 1


def test_the_refusal_is_in_the_users_language(client):
    left = client.get("/login/sso/test", headers={"Accept-Language": "hr"})
    back = urlsplit(sign_in(left.headers["Location"], "nobody@example.com", BACK))
    answer = client.get(f"{back.path}?{back.query}", headers={"Accept-Language": "hr"})
    assert answer.status_code == 403
    assert "Za nobody@example.com ne postoji korisnički račun" in answer.get_data(as_text=True)


def test_an_unknown_user_is_refused_unless_the_provider_creates_accounts(client, db):
    answer = go(client, "interviewer.new@example.com", name="test")
    assert answer.status_code == 403
    assert "There is no account for interviewer.new@example.com" in answer.get_data(
        as_text=True)
    assert events(db, "login_failed")[-1].detail == {"provider": "test", "reason": "unknown"}

    answer = go(client, "interviewer.new@example.com", name="open")
    assert answer.status_code == 302
    assert logged_in_as(client) == "interviewer"
    with db() as session:
        created = session.exec(select(User).where(
            User.email == "interviewer.new@example.com")).one()
        assert created.role == "interviewer" and created.password_hash == ""
        assert created.name == "interviewer.new"
    [event] = events(db, "user_created")
    assert event.detail == {"provider": "open", "role": "interviewer"}


def test_the_role_claim_maps_to_the_role(client, db):
    assert go(client, "hr.boss@example.com", name="open").status_code == 302
    assert logged_in_as(client) == "hr"
    with db() as session:
        assert session.exec(select(User.role).where(
            User.email == "hr.boss@example.com")).one() == "hr"


def test_no_role_and_no_default_role_makes_no_account(client, db):
    answer = go(client, "plain@example.com", name="open")
    assert answer.status_code == 403
    assert "does not say which role you have here" in answer.get_data(as_text=True)
    with db() as session:
        assert session.exec(select(User)).all() == []
    # The default role of another provider applies when the claim maps to none.
    assert go(client, "plain@example.com", name="mfa").status_code == 302
    assert logged_in_as(client) == "interviewer"


def test_a_deactivated_user_is_refused(client, db):
    with db() as session:
        user = make_user(session, role="hr", email="hr.gone@example.com")
        user.active = False
    answer = go(client, "hr.gone@example.com", name="open")
    assert answer.status_code == 403
    assert "is deactivated" in answer.get_data(as_text=True)
    assert logged_in_as(client) is None
    assert events(db, "login_failed")[-1].detail["reason"] == "deactivated"


def test_an_invitation_is_taken_up_by_signing_in(client, db, clock):
    with db() as session:
        hr = make_user(session, role="hr", email="boss@example.com")
        invited, token = staff.invite(session=session, email="interviewer.mia@example.com",
                                      name="Mia", role="interviewer", now=clock(),
                                      invited_by=hr)
    page = client.get(f"/password/{token}").get_data(as_text=True)
    assert "Sign in with Test ID" in page and f"invitation={token}" in page
    answer = go(client, "interviewer.mia@example.com", query=f"?invitation={token}")
    assert answer.status_code == 302 and logged_in_as(client) == "interviewer"
    with db() as session:
        assert staff.pending_invitation(session.get(User, invited.id), session=session) is None
        assert session.get(User, invited.id).password_hash == ""
    [event] = events(db, "invitation_accepted")
    assert event.object_id == invited.id and event.detail == {"provider": "test"}
    # The link is spent: it sets no password now.
    assert client.get(f"/password/{token}").status_code == 404


def test_an_invitation_wants_the_invited_address(client, db, clock):
    with db() as session:
        hr = make_user(session, role="hr", email="boss@example.com")
        make_user(session, role="interviewer", email="interviewer.other@example.com")
        _, token = staff.invite(session=session, email="mia@example.com", name="Mia",
                                role="interviewer", now=clock(), invited_by=hr)
    answer = go(client, "interviewer.other@example.com", query=f"?invitation={token}")
    assert answer.status_code == 403
    assert "the invitation is for another address" in answer.get_data(as_text=True)
    assert logged_in_as(client) is None


def test_an_expired_invitation_is_refused(client, db, clock):
    with db() as session:
        hr = make_user(session, role="hr", email="boss@example.com")
        staff.invite(session=session, email="interviewer.late@example.com", name="Late",
                     role="interviewer", now=clock() - staff.INVITE_VALID - timedelta(hours=1),
                     invited_by=hr)
    answer = go(client, "interviewer.late@example.com")
    assert answer.status_code == 403
    assert "Your invitation has expired" in answer.get_data(as_text=True)
    with db() as session:
        assert session.exec(select(AccountToken.used_at)).one() is None


def test_a_wrong_state_is_refused_and_a_callback_works_once(client, db):
    with db() as session:
        make_user(session, role="hr", email="hr.ana@example.com")
    left = client.get("/login/sso/test")
    back = urlsplit(sign_in(left.headers["Location"], "hr.ana@example.com", BACK))
    query = parse_qs(back.query)
    forged = back.query.replace(query["state"][0], "x" * 43)
    answer = client.get(f"{back.path}?{forged}")
    assert answer.status_code == 400 and logged_in_as(client) is None
    assert "Start again from the login page" in answer.get_data(as_text=True)
    # The flow is spent by any answer: the true state no longer works either.
    assert client.get(f"{back.path}?{back.query}").status_code == 400
    assert logged_in_as(client) is None
    assert [e.detail["reason"] for e in events(db, "login_failed")] == ["state", "state"]


def test_a_callback_replayed_in_another_browser_is_refused(app, client, db):
    with db() as session:
        make_user(session, role="hr", email="hr.ana@example.com")
    left = client.get("/login/sso/test")
    back = urlsplit(sign_in(left.headers["Location"], "hr.ana@example.com", BACK))
    thief = app.test_client()
    assert thief.get(f"{back.path}?{back.query}").status_code == 400
    assert logged_in_as(thief) is None
    # The rightful browser still completes its own login.
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    assert logged_in_as(client) == "hr"


def test_cancelling_at_the_provider(client, db):
    left = client.get("/login/sso/test")
    state = parse_qs(urlsplit(left.headers["Location"]).query)["state"][0]
    answer = client.get(f"/login/sso/test/callback?error=access_denied&state={state}")
    assert answer.status_code == 400
    assert "was cancelled" in answer.get_data(as_text=True)


def test_an_unknown_provider_is_not_found(client):
    assert client.get("/login/sso/nope").status_code == 404
    assert client.get("/login/sso/nope/callback?code=x&state=y").status_code == 404


def _enrol(db, email: str, clock) -> None:
    with db() as session:
        user = make_user(session, role="hr", email=email)
        factor = two_factor.start_enrolment(user, session=session, now=clock())
        code = two_factor.code_at(factor.secret, clock())
        assert two_factor.confirm_enrolment(factor, code, session=session, now=clock())


def test_the_second_factor_is_asked_after_the_provider(client, db, clock):
    _enrol(db, "hr.totp@example.com", clock)
    answer = go(client, "hr.totp@example.com", name="test")
    assert answer.headers["Location"] == "/login/code"
    assert logged_in_as(client) is None
    with db() as session:
        secret = session.exec(select(User).where(User.email == "hr.totp@example.com")).one()
        factor = two_factor.factor_of(secret, session=session)
    clock.advance(seconds=60)
    done = client.post("/login/code", data={"code": two_factor.code_at(factor.secret,
                                                                        clock())})
    assert done.status_code == 302 and logged_in_as(client) == "hr"
    assert events(db, "logged_in")[-1].detail == {"provider": "test"}


def test_a_provider_trusted_for_mfa_skips_the_code_and_the_enrolment(client, db, clock):
    _enrol(db, "hr.totp@example.com", clock)
    answer = go(client, "hr.totp@example.com", name="mfa")
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"
    assert logged_in_as(client) == "hr"
    # A role that requires a second factor sends password logins to set one up, but not
    # logins through a provider that asks one itself.
    with db() as session:
        two_factor.set_required({"interviewer"}, session=session, by=None, now=clock())
    go(client, "interviewer.x@example.com", name="mfa")
    assert client.get("/attempts/").status_code != 302
    go(client, "interviewer.x@example.com", name="open")
    assert client.get("/attempts/").headers["Location"] == "/account/two-factor"


@pytest.mark.parametrize("settings", [{"PASSWORD_LOGIN": False}])
def test_password_login_switched_off(client, db, settings):
    with db() as session:
        make_user(session, role="hr", email="hr@example.com")
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and "Sign in with Test ID" in page
    refused = client.post("/login", data={"email": "hr@example.com", "password": PASSWORD})
    assert refused.status_code == 403 and logged_in_as(client) is None
    assert "switched off" in refused.get_data(as_text=True)
    assert client.get("/password/forgot").status_code == 404
    assert go(client, "hr@example.com").status_code == 302
    assert logged_in_as(client) == "hr"


def test_password_login_off_needs_a_provider(database_url, tmp_path):
    with pytest.raises(ConfigError, match="PASSWORD_LOGIN is false"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                    "PASSWORD_LOGIN": False}, instance_path=str(tmp_path / "instance"))


def test_a_provider_that_cannot_be_reached(app, client, tmp_path, database_url):
    broken = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                         "OIDC_TIMEOUT_SECONDS": 2, "OIDC_PROVIDERS": [{
                             "name": "down", "label": "Down", "issuer": "http://127.0.0.1:9",
                             "client_id": "a", "client_secret": "b"}]},
                        instance_path=str(tmp_path / "other"))
    answer = broken.test_client().get("/login/sso/down")
    assert answer.status_code == 503
    assert "Down cannot be reached right now" in answer.get_data(as_text=True)
    broken.extensions["hiring.engine"].dispose()


def test_the_invitation_mail_offers_single_sign_on(app, client, db, auth):
    auth.login("hr")
    assert client.post("/admin/users/", data={"email": "mia@example.com", "name": "Mia",
                                              "role": "interviewer"}).status_code == 302
    with db() as session:
        [message] = session.exec(select(EmailMessage).where(
            EmailMessage.kind == "staff_invite")).all()
    with open(f"{app.instance_path}/outbox/{message.outbox_file}", "rb") as handle:
        body = BytesParser(policy=policy.default).parse(handle).get_body().get_content()
    assert ("Open this link to choose your password, or to sign in with your "
            "organisation's account:") in body


def test_only_the_providers_domains_and_the_role_follows_the_claim(client, db):
    with db() as session:
        make_user(session, role="hr", email="interviewer.was.hr@example.org")
        make_user(session, role="hr", email="hr.elsewhere@example.com")
    answer = go(client, "hr.elsewhere@example.com", name="strict")
    assert answer.status_code == 403
    assert "with an address like hr.elsewhere@example.com cannot log in" in answer.get_data(
        as_text=True)
    assert events(db, "login_failed")[-1].detail == {"provider": "strict",
                                                     "reason": "domain"}
    # sync_role: the provider now says interviewer, so the account is one from this login.
    assert go(client, "interviewer.was.hr@example.org", name="strict").status_code == 302
    assert logged_in_as(client) == "interviewer"
    [event] = events(db, "role_changed")
    assert event.detail == {"from": "hr", "to": "interviewer", "provider": "strict"}
    # Without sync_role, HR's choice stays whatever the claim says.
    with db() as session:
        make_user(session, role="interviewer", email="hr.promoted@example.com")
    go(client, "hr.promoted@example.com", name="test")
    assert logged_in_as(client) == "interviewer"


@pytest.mark.parametrize("settings", [{"PASSWORD_LOGIN": False}])
def test_the_command_still_makes_accounts_with_passwords_off(runner, db, settings):
    result = runner.invoke(main, ["user", "create", "--role", "hr", "--email",
                                  "rescue@example.com", "--name", "Rescue"],
                           env={"HIRING_PASSWORD": "a-long-password"})
    assert result.exit_code == 0, result.output
    with db() as session:
        assert session.exec(select(User).where(User.email == "rescue@example.com")).one()


def test_an_account_made_by_single_sign_on_is_active_not_invited(app, client, db, clock):
    with db() as session:
        hr = make_user(session, role="hr", email="hr@example.com")
        staff.invite(session=session, email="waiting@example.com", name="Waiting",
                     role="interviewer", now=clock(), invited_by=hr)
    assert go(client, "interviewer.sso@example.com", name="open").status_code == 302
    client.post("/logout")
    client.post("/login", data={"email": "hr@example.com", "password": PASSWORD})
    rows = {row.split("</td>")[1].split(">")[-1]: row
            for row in client.get("/admin/users/").get_data(as_text=True).split("<tr>")[2:]}
    assert ">active<" in rows["interviewer.sso@example.com"]
    assert ">invited<" in rows["waiting@example.com"]
    with db() as session:
        made = session.exec(select(User).where(User.email == "interviewer.sso@example.com")
                            ).one()
    page = client.get(f"/admin/users/{made.id}").get_data(as_text=True)
    assert ">active<" in page and ">invited<" not in page


def _added(provider, **changes) -> dict:
    data = {"name": "added", "label": "Added ID", "issuer": provider.issuer,
            "client_id": "hiring", "client_secret": "hiring-test-secret",
            "scopes": "openid email profile", "role_claim": "groups",
            "role_map": "hiring-hr = hr\nhiring-interviewers = interviewer",
            "default_role": "", "email_domains": "", "verified_claim": "email_verified",
            "create_users": "y", "active": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(scope="module")
def added_provider():
    """A second provider process whose client may come back to /login/sso/added."""
    with running_provider(["http://localhost/login/sso/added/callback"]) as running:
        yield running


def test_hr_adds_a_provider_and_staff_sign_in_with_it(client, auth, db, added_provider):
    auth.login("hr")
    page = client.get("/admin/sso/").get_data(as_text=True)
    assert "http://localhost/login/sso/test/callback" in page  # the setting's, read only
    bad = client.post("/admin/sso/", data=_added(added_provider, issuer="http://id.example.com",
                                                 role_map="hiring-hr: hr"))
    assert bad.status_code == 400
    assert "Each line is a value of the claim, =, then hr or interviewer." in bad.get_data(
        as_text=True)
    taken = client.post("/admin/sso/", data=_added(added_provider, name="test"))
    assert taken.status_code == 400 and "is named &#39;test&#39; already" in taken.get_data(
        as_text=True)
    insecure = client.post("/admin/sso/", data=_added(added_provider,
                                                      issuer="http://id.example.com"))
    assert insecure.status_code == 400 and "must be an https:// URL" in insecure.get_data(
        as_text=True)
    assert client.post("/admin/sso/", data=_added(added_provider)).status_code == 302
    [event] = events(db, "sso_provider_added")
    assert event.detail == {"name": "added"}
    auth.logout()
    assert "Sign in with Added ID" in client.get("/login").get_data(as_text=True)
    assert go(client, "interviewer.added@example.com", name="added").status_code == 302
    assert logged_in_as(client) == "interviewer"
    assert events(db, "logged_in")[-1].detail == {"provider": "added"}


def test_hr_changes_switches_off_and_deletes_a_provider(client, auth, db, clock,
                                                         added_provider):
    auth.login("hr")
    assert client.post("/admin/sso/", data=_added(added_provider)).status_code == 302
    with db() as session:
        [row] = sso.stored(session=session)
    page = client.get(f"/admin/sso/{row.id}").get_data(as_text=True)
    assert "hiring-test-secret" not in page and "hiring-hr = hr" in page
    # An empty secret keeps the saved one; switched off, the button goes.
    changed = client.post(f"/admin/sso/{row.id}", data=_added(
        added_provider, label="Renamed", client_secret="", active=None))
    assert changed.status_code == 302
    with db() as session:
        saved = session.get(SsoProvider, row.id)
        assert saved.settings["client_secret"] == "hiring-test-secret"
        assert saved.settings["label"] == "Renamed" and not saved.active
    assert "Renamed" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso/added").status_code == 404
    unconfirmed = client.post(f"/admin/sso/{row.id}/delete")
    assert unconfirmed.status_code == 302
    with db() as session:
        assert session.get(SsoProvider, row.id) is not None
    assert client.post(f"/admin/sso/{row.id}/delete", data={"confirm": "1"}).status_code == 302
    with db() as session:
        assert sso.stored(session=session) == []
    assert [e.action for e in events(db, "sso_provider_changed")
            + events(db, "sso_provider_deleted")] == ["sso_provider_changed",
                                                      "sso_provider_deleted"]
    assert client.get(f"/admin/sso/{row.id}").status_code == 404


def test_a_discovery_document_of_another_issuer_is_refused(app, provider, tmp_path,
                                                           database_url):
    other = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                        "OIDC_PROVIDERS": [provider.config(
                            "test", issuer=provider.issuer + "/tenant",
                            discovery_url=provider.issuer
                            + "/.well-known/openid-configuration")]},
                       instance_path=str(tmp_path / "other"))
    answer = other.test_client().get("/login/sso/test")
    assert answer.status_code == 503 and "Location" not in answer.headers
    other.extensions["hiring.engine"].dispose()
