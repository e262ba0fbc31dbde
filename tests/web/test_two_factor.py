"""Two-factor login: enrolment, the code after the password, recovery codes, the limit on
wrong codes, the requirement per role and HR's reset."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from hiring import two_factor
from hiring.models import AuditEvent, LoginFailure, RecoveryCode, TotpFactor, User
from tests.factories import PASSWORD, make_user


def _secret(page: str) -> str:
    found = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)
    assert found, page
    return found.group(1).replace(" ", "")


def _enrol(client, clock) -> tuple[str, list[str]]:
    """Set up two-factor login for the logged-in user; return the secret and the codes."""
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<svg" in text  # the QR code, inline
    secret = _secret(text)
    done = client.post("/account/two-factor",
                       data={"code": two_factor.code_at(secret, clock())})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    return secret, codes


def _password(client, email="interviewer@example.com"):
    return client.post("/login", data={"email": email, "password": PASSWORD})


def test_enrolment_shows_qr_and_secret_and_needs_a_right_code(client, auth, db, clock):
    auth.login("interviewer")
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = _secret(page)
    assert len(secret) == 32
    assert client.get("/account/two-factor").get_data(as_text=True).count(secret[:4]) >= 1
    assert _secret(client.get("/account/two-factor").get_data(as_text=True)) == secret
    wrong = client.post("/account/two-factor", data={"code": "000000"
                        if two_factor.code_at(secret, clock()) != "000000" else "111111"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.get_data(as_text=True)
    with db() as session:
        assert session.exec(select(TotpFactor)).one().confirmed_at is None

    done = client.post("/account/two-factor", data={"code": two_factor.code_at(secret, clock())})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    with db() as session:
        assert session.exec(select(TotpFactor)).one().confirmed_at is not None
        stored = session.exec(select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10 and not set(codes) & set(stored)  # hashed, not the codes
        assert session.exec(select(AuditEvent.action).where(
            AuditEvent.action != "logged_in")).all() == ["two_factor_enrolled"]
    # Shown once: the page now says it is on, without the codes or the secret.
    again = client.get("/account/two-factor").get_data(as_text=True)
    assert "10 recovery codes are left" in again
    assert codes[0] not in again and secret[:8] not in again.replace(" ", "")


def test_login_asks_for_the_code_after_the_password(client, auth, clock):
    auth.login("interviewer")
    secret, _codes = _enrol(client, clock)
    auth.logout()
    clock.advance(seconds=60)
    first = _password(client)
    assert first.headers["Location"].endswith("/login/code")
    # No staff page opens between the password and the code.
    assert "/login" in client.get("/attempts/").headers.get("Location", "/login")
    wrong_code = "123456" if two_factor.code_at(secret, clock()) != "123456" else "654321"
    wrong = client.post("/login/code", data={"code": wrong_code})
    assert wrong.status_code == 400 and "Wrong code" in wrong.get_data(as_text=True)
    good = client.post("/login/code", data={"code": two_factor.code_at(secret, clock())})
    assert good.status_code == 302 and good.headers["Location"].endswith("/attempts/")
    assert client.get("/attempts/").status_code == 200


def test_a_code_is_accepted_one_step_either_side_but_not_two(client, auth, clock):
    auth.login("interviewer")
    secret, _codes = _enrol(client, clock)
    auth.logout()
    clock.advance(minutes=5)
    _password(client)
    near = {two_factor.code_at(secret, clock() + timedelta(seconds=s)) for s in (-30, 0, 30)}
    two_steps_old = two_factor.code_at(secret, clock() - timedelta(seconds=60))
    two_steps_ahead = two_factor.code_at(secret, clock() + timedelta(seconds=60))
    for far in {two_steps_old, two_steps_ahead} - near:  # a coincidence is 1 in 10^6
        assert client.post("/login/code", data={"code": far}).status_code == 400
    one_step_old = two_factor.code_at(secret, clock() - timedelta(seconds=30))
    assert client.post("/login/code", data={"code": one_step_old}).status_code == 302


def test_a_code_cannot_be_used_twice(client, auth, clock):
    auth.login("interviewer")
    secret, _codes = _enrol(client, clock)
    auth.logout()
    clock.advance(minutes=2)
    code = two_factor.code_at(secret, clock())
    _password(client)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    auth.logout()
    clock.advance(seconds=10)  # still the same 30-second step, or the next
    _password(client)
    replay = client.post("/login/code", data={"code": code})
    assert replay.status_code == 400 and "already used" in replay.get_data(as_text=True)
    # The code used at enrolment cannot log in either: an earlier step than the last one.


def test_recovery_codes_work_once(client, auth, db, clock):
    auth.login("interviewer")
    _secret_, codes = _enrol(client, clock)
    auth.logout()
    _password(client)
    used = client.post("/login/code", data={"code": codes[3].upper().replace("-", " ")})
    assert used.status_code == 302
    assert client.get("/account/two-factor").get_data(as_text=True).count(
        "9 recovery codes are left") == 1
    auth.logout()
    _password(client)
    again = client.post("/login/code", data={"code": codes[3]})
    assert again.status_code == 400
    with db() as session:
        actions = session.exec(select(AuditEvent.action)).all()
        assert actions.count("recovery_code_used") == 1


def test_wrong_codes_are_rate_limited_in_the_database(client, auth, db, clock):
    auth.login("interviewer")
    secret, _codes = _enrol(client, clock)
    auth.logout()
    clock.advance(minutes=1)
    _password(client)
    right = two_factor.code_at(secret, clock())
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(two_factor.USER_FREE_FAILURES):
        assert client.post("/login/code", data={"code": wrong}).status_code == 400
    refused = client.post("/login/code", data={"code": right})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Too many wrong codes" in refused.get_data(as_text=True)
    with db() as session:
        assert len(session.exec(select(LoginFailure)).all()) == two_factor.USER_FREE_FAILURES
    # The limit is on the account, whatever the address: another client is held too.
    other = client.application.test_client()
    other.post("/login", data={"email": "interviewer@example.com", "password": PASSWORD},
               environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.post("/login/code", data={"code": right},
                      environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 429
    clock.advance(seconds=5)
    _password(client)
    assert client.post("/login/code", data={"code": two_factor.code_at(secret, clock())}
                       ).status_code == 302


def test_the_code_step_expires(client, auth, clock):
    auth.login("interviewer")
    secret, _codes = _enrol(client, clock)
    auth.logout()
    _password(client)
    clock.advance(minutes=6)
    late = client.post("/login/code", data={"code": two_factor.code_at(secret, clock())})
    assert late.status_code == 302 and late.headers["Location"].endswith("/login")
    assert client.get("/attempts/").status_code == 302


def test_a_role_hr_requires_is_sent_to_enrol(client, auth, db, clock):
    auth.login("hr")
    saved = client.post("/admin/two-factor", data={"roles": ["interviewer"]})
    assert saved.status_code == 302
    with db() as session:
        assert two_factor.required_roles(session=session) == {"interviewer"}
        assert session.exec(select(AuditEvent.action).where(
            AuditEvent.action != "logged_in")).all() == ["two_factor_required"]
    assert client.get("/admin/").status_code == 200  # HR is not required
    auth.logout()
    auth.login("interviewer")
    sent = client.get("/attempts/")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/account/two-factor")
    assert client.post("/logout").status_code == 302  # may still log out
    auth.login("interviewer")
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Your role must use two-factor login" in page
    client.post("/account/two-factor", data={"code": two_factor.code_at(_secret(page),
                                                                         clock())})
    assert client.get("/attempts/").status_code == 200


def test_hr_resets_a_second_factor_with_confirmation_and_audit(client, auth, db, clock):
    auth.login("interviewer")
    _enrol(client, clock)
    auth.logout()
    auth.login("hr")
    with db() as session:
        member = session.exec(select(User).where(User.role == "interviewer")).one()
    listing = client.get("/admin/two-factor").get_data(as_text=True)
    assert "interviewer@example.com" in listing
    unconfirmed = client.post(f"/admin/users/{member.id}/two-factor/reset", data={})
    assert unconfirmed.status_code == 302
    with db() as session:
        assert session.exec(select(TotpFactor)).first() is not None
    done = client.post(f"/admin/users/{member.id}/two-factor/reset", data={"confirm": "y"})
    assert done.status_code == 302
    with db() as session:
        assert session.exec(select(TotpFactor)).first() is None
        assert session.exec(select(RecoveryCode)).first() is None
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "two_factor_reset")).one()
        assert event.object_id == member.id and event.actor_label == "hr@example.com"
    auth.logout()
    # Back to the password alone.
    assert _password(client).headers["Location"].endswith("/attempts/")


def test_an_interviewer_cannot_reset_or_change_the_setting(client, auth, db):
    with db() as session:
        hr = make_user(session, role="hr")
    auth.login("interviewer")
    assert client.post(f"/admin/users/{hr.id}/two-factor/reset",
                       data={"confirm": "y"}).status_code == 403
    assert client.post("/admin/two-factor", data={"roles": ["hr"]}).status_code == 403


def test_bad_input_changes_nothing(client, auth, db, clock):
    auth.login("hr")
    assert client.post("/admin/two-factor", data={"roles": ["root"]}).status_code == 400
    assert client.post("/admin/users/9999/two-factor/reset",
                       data={"confirm": "y"}).status_code == 404
    assert client.post("/account/two-factor", data={"code": "x" * 41}).status_code == 400
    with db() as session:
        assert two_factor.required_roles(session=session) == set()
        assert session.exec(select(TotpFactor).where(
            TotpFactor.confirmed_at.is_not(None))).first() is None
