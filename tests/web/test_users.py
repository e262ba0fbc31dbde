"""Staff accounts: invitations, password resets, roles, deactivation, and their audit."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

from sqlmodel import col, select

from hiring.models import AuditEvent, EmailMessage, StaffSession, User
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a-new-password-1"  # noqa: S105 - a test's


def staff_messages(db, kind: str) -> list[EmailMessage]:
    with db() as session:
        return list(session.exec(select(EmailMessage).where(EmailMessage.kind == kind)
                                 .order_by(col(EmailMessage.id))))


def link_in(app, message: EmailMessage) -> str:
    """The path of the set-password link in an outbox message."""
    with open(f"{app.instance_path}/outbox/{message.outbox_file}", "rb") as handle:
        body = BytesParser(policy=policy.default).parse(handle).get_body().get_content()
    found = re.search(r"https?://[^/\s]+(/password/[A-Za-z0-9_-]+)", body)
    assert found, body
    return found.group(1)


def actions(db, object_id: int | None = None) -> list[str]:
    with db() as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if object_id is not None:
            query = query.where(AuditEvent.object_id == object_id,
                                AuditEvent.object_type == "user")
        return [e.action for e in session.exec(query)]


def user_by(db, email: str) -> User:
    with db() as session:
        return session.exec(select(User).where(User.email == email)).one()


def login(app, email: str, password: str):
    return app.test_client().post("/login", data={"email": email, "password": password})


def test_hr_invites_and_the_link_sets_the_password_once(app, client, auth, db):
    auth.login("hr")
    invited = client.post("/admin/users/", data={"email": "Mia@Example.com", "name": "Mia",
                                                 "role": "interviewer"})
    assert invited.status_code == 302
    mia = user_by(db, "mia@example.com")
    assert mia.password_hash == "" and mia.role == "interviewer"
    [message] = staff_messages(db, "staff_invite")
    assert message.to_address == "mia@example.com" and message.state == "outbox"
    link = link_in(app, message)
    outbox = client.get("/admin/mail/outbox")
    assert outbox.status_code == 200 and "mia@example.com" in outbox.get_data(as_text=True)
    opened = client.get(f"/admin/mail/outbox/message?id={message.id}")
    assert opened.status_code == 200 and "/password/" in opened.get_data(as_text=True)
    # No password yet: no password logs in.
    assert login(app, "mia@example.com", "").status_code == 400
    assert "Choose your password" in client.get(link).get_data(as_text=True)
    assert client.post(link, data={"password": NEW_PASSWORD, "repeat": "different"}
                       ).status_code == 400
    assert client.post(link, data={"password": "short", "repeat": "short"}).status_code == 400
    saved = client.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert saved.status_code == 302 and "/login" in saved.headers["Location"]
    assert login(app, "mia@example.com", NEW_PASSWORD).status_code == 302
    # Single use.
    assert client.get(link).status_code == 404
    assert client.post(link, data={"password": "another-pass", "repeat": "another-pass"}
                       ).status_code == 404
    assert login(app, "mia@example.com", "another-pass").status_code == 400
    assert actions(db, mia.id) == ["user_invited", "password_set", "logged_in"]
    assert user_by(db, "mia@example.com").last_login_at is not None
    page = client.get(f"/admin/users/{mia.id}").get_data(as_text=True)
    # the last login, on the clock of the test, as English writes it
    assert "Mar 2, 2026, 9:00\u202fAM" in page


def test_an_invitation_expires_and_a_new_one_replaces_the_old(app, client, auth, db, clock):
    auth.login("hr")
    client.post("/admin/users/", data={"email": "mia@example.com", "name": "Mia",
                                       "role": "hr"})
    first = link_in(app, staff_messages(db, "staff_invite")[0])
    mia = user_by(db, "mia@example.com")
    assert client.post(f"/admin/users/{mia.id}/invite").status_code == 302
    second = link_in(app, staff_messages(db, "staff_invite")[1])
    assert first != second
    assert client.get(first).status_code == 404  # replaced
    assert client.get(second).status_code == 200
    clock.advance(days=7, seconds=1)
    assert client.get(second).status_code == 404  # expired
    assert client.post(second, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
                       ).status_code == 404
    assert user_by(db, "mia@example.com").password_hash == ""


def test_bad_invitations_change_nothing(client, auth, db):
    auth.login("hr")
    for data in ({"email": "hr@example.com", "name": "Again", "role": "hr"},  # exists
                 {"email": "not-an-address", "name": "X", "role": "hr"},
                 {"email": "x@example.com", "name": "X", "role": "admin"},
                 {"email": "", "name": "X", "role": "hr"}):
        assert client.post("/admin/users/", data=data).status_code == 400, data
    with db() as session:
        assert len(session.exec(select(User)).all()) == 1
    assert staff_messages(db, "staff_invite") == []


def test_forgot_password_says_the_same_whether_the_account_exists(app, client, db, clock):
    with db() as session:
        make_user(session, role="interviewer", email="ivo@example.com")
    known = client.post("/password/forgot", data={"email": "ivo@example.com"},
                        follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"},
                          follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "If an account has this e-mail" in known.get_data(as_text=True)
    [message] = staff_messages(db, "password_reset")
    assert message.to_address == "ivo@example.com"
    # A second request minutes later sends nothing more (and says the same).
    again = client.post("/password/forgot", data={"email": "ivo@example.com"},
                        follow_redirects=True)
    assert again.get_data(as_text=True) == known.get_data(as_text=True)
    assert len(staff_messages(db, "password_reset")) == 1
    link = link_in(app, message)
    # The old password's sessions end when the new one is set.
    other = app.test_client()
    other.post("/login", data={"email": "ivo@example.com", "password": PASSWORD})
    assert other.get("/attempts/").status_code == 200
    assert client.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
                       ).status_code == 302
    assert other.get("/attempts/").status_code == 302
    assert login(app, "ivo@example.com", PASSWORD).status_code == 400
    assert login(app, "ivo@example.com", NEW_PASSWORD).status_code == 302
    assert client.get(link).status_code == 404  # used
    ivo = user_by(db, "ivo@example.com")
    assert actions(db, ivo.id) == ["reset_requested", "logged_in", "password_set",
                                   "logged_in"]


def test_a_reset_link_expires_after_an_hour(app, client, db, clock):
    with db() as session:
        make_user(session, role="hr", email="hana@example.com")
    client.post("/password/forgot", data={"email": "hana@example.com"})
    link = link_in(app, staff_messages(db, "password_reset")[0])
    clock.advance(hours=1)
    assert client.get(link).status_code == 404
    assert client.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
                       ).status_code == 404
    assert login(app, "hana@example.com", PASSWORD).status_code == 302


def test_unknown_and_odd_links_are_404(client):
    for token in ("nothing", "x" * 150, "%00"):
        assert client.get(f"/password/{token}").status_code == 404
    assert client.post("/password/forgot", data={"email": ""}).status_code == 400


def test_deactivating_ends_sessions_at_once_and_stops_logins(app, client, auth, db):
    with db() as session:
        make_user(session, role="interviewer", email="ivo@example.com")
    ivo_browser = app.test_client()
    ivo_browser.post("/login", data={"email": "ivo@example.com", "password": PASSWORD})
    assert ivo_browser.get("/attempts/").status_code == 200
    ivo = user_by(db, "ivo@example.com")
    auth.login("hr")
    assert client.post(f"/admin/users/{ivo.id}/deactivate").status_code == 400  # unconfirmed
    assert ivo_browser.get("/attempts/").status_code == 200
    assert client.post(f"/admin/users/{ivo.id}/deactivate",
                       data={"confirm": "1"}).status_code == 302
    response = ivo_browser.get("/attempts/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with db() as session:
        assert session.exec(select(StaffSession).where(
            StaffSession.user_id == ivo.id, col(StaffSession.ended_at).is_(None))).all() == []
    assert login(app, "ivo@example.com", PASSWORD).status_code == 400
    # No reset link for a deactivated account, with the same answer as for anyone.
    client.post("/password/forgot", data={"email": "ivo@example.com"})
    assert staff_messages(db, "password_reset") == []
    assert "deactivated" in client.get("/admin/users/").get_data(as_text=True)
    assert client.post(f"/admin/users/{ivo.id}/reactivate",
                       data={"confirm": "1"}).status_code == 302
    assert login(app, "ivo@example.com", PASSWORD).status_code == 302
    assert actions(db, ivo.id) == ["logged_in", "user_deactivated", "user_reactivated",
                                   "logged_in"]


def test_hr_changes_a_role_but_not_their_own(client, auth, db):
    with db() as session:
        make_user(session, role="interviewer", email="ivo@example.com")
    ivo = user_by(db, "ivo@example.com")
    auth.login("hr")
    hr = user_by(db, "hr@example.com")
    assert client.post(f"/admin/users/{ivo.id}/role", data={"role": "hr"}).status_code == 302
    assert user_by(db, "ivo@example.com").role == "hr"
    assert client.post(f"/admin/users/{ivo.id}/role", data={"role": "boss"}).status_code == 400
    assert client.post(f"/admin/users/{hr.id}/role",
                       data={"role": "interviewer"}).status_code == 400
    assert client.post(f"/admin/users/{hr.id}/deactivate",
                       data={"confirm": "1"}).status_code == 400
    assert user_by(db, "hr@example.com").role == "hr"
    assert user_by(db, "hr@example.com").active
    with db() as session:
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "role_changed")).one()
    assert event.object_id == ivo.id and event.detail == {"from": "interviewer", "to": "hr"}
    assert client.get("/admin/users/999").status_code == 404


def test_failed_logins_are_in_the_audit_log(app, db):
    with db() as session:
        make_user(session, role="hr", email="hana@example.com")
    assert login(app, "hana@example.com", "wrong-password").status_code == 400
    assert login(app, "ghost@example.com", "wrong-password").status_code == 400
    with db() as session:
        failed = session.exec(select(AuditEvent).where(
            AuditEvent.action == "login_failed").order_by(col(AuditEvent.id))).all()
    assert [e.actor_label for e in failed] == ["hana@example.com", "ghost@example.com"]
    assert all(e.actor_id is None for e in failed)
