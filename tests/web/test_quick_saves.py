"""The save answered before Flask (hiring.web.quick_saves): it takes only what the full
path would take, checks CSRF as Flask-WTF does, and leaves every other request, body
intact, to Flask, which answers as it always did."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import request_started
from sqlmodel import select

from hiring.models import Response
from tests.factories import make_attempt


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def page(csrf_app, db, assessment, clock):
    """A candidate's browser on an attempt under way: its client and the page's token."""
    with db() as session:
        _attempt, token = make_attempt(session, assessment, now=clock(), started=True)
    client = csrf_app.test_client()
    html = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    csrf = html.split('name="csrf_token" value="')[1].split('"')[0]
    return client, token, csrf


@pytest.fixture
def flask_requests(app):
    """The requests Flask itself handled (its request_started signal)."""
    seen: list[str] = []

    def started(_sender, **_extra):
        from flask import request

        seen.append(request.path)

    request_started.connect(started, app)
    yield seen
    request_started.disconnect(started, app)


def _stored(db, token_position: int = 1):
    with db() as session:
        return [r.answer for r in session.exec(
            select(Response).where(Response.position == token_position))]


def _save(client, token, csrf, *, seq=1, best="a", headers=None, **options):
    return client.post(f"/a/{token}/save", json={
        "position": 1, "seq": seq, "answer": {"best": best}},
        headers={"X-CSRFToken": csrf, **(headers or {})}, **options)


def test_a_save_with_its_token_is_answered_before_flask(page, db, flask_requests):
    client, token, csrf = page
    flask_requests.clear()
    for seq, best in enumerate("abc", start=1):
        reply = _save(client, token, csrf, seq=seq, best=best)
        assert reply.status_code == 200 and reply.json["accepted"] and reply.json["seq"] == seq
    assert flask_requests == []
    assert _stored(db) == [{"best": "c"}]


def test_the_quick_reply_carries_what_flasks_reply_carries(page, flask_requests):
    client, token, csrf = page
    quick = _save(client, token, csrf, seq=1)
    assert not flask_requests[1:]  # the page's GET only
    # A query string sends the same save to Flask, whose view takes it the same way.
    full = client.post(f"/a/{token}/save?via=flask", json={
        "position": 1, "seq": 2, "answer": {"best": "b"}}, headers={"X-CSRFToken": csrf})
    assert flask_requests[-1] == f"/a/{token}/save"
    assert full.status_code == quick.status_code == 200
    assert set(full.json) == set(quick.json)
    ignore = {"content-length"}
    assert ({(k, v) for k, v in quick.headers.items() if k.lower() not in ignore}
            == {(k, v) for k, v in full.headers.items() if k.lower() not in ignore})
    assert quick.headers["Content-Security-Policy"] and quick.headers["Vary"] == "Cookie"


@pytest.mark.parametrize("headers", [
    {"X-CSRFToken": "forged"},
    {"X-CSRFToken": ""},
])
def test_a_save_without_a_valid_token_is_refused_by_flask_and_stores_nothing(
        page, db, flask_requests, headers):
    client, token, _csrf = page
    flask_requests.clear()
    reply = client.post(f"/a/{token}/save", json={"position": 1, "seq": 1,
                                                  "answer": {"best": "d"}}, headers=headers)
    assert reply.status_code == 400 and reply.json["csrf"] is True
    assert flask_requests == [f"/a/{token}/save"]
    assert _stored(db) == [None]


def test_another_browsers_token_does_not_pass(csrf_app, page, db, assessment, clock):
    client, token, _csrf = page
    with db() as session:
        _other_attempt, other = make_attempt(session, assessment, now=clock(), started=True,
                                             email="other@example.com")
    stranger = csrf_app.test_client()
    html = stranger.get(f"/a/{other}/q/1").get_data(as_text=True)
    their_csrf = html.split('name="csrf_token" value="')[1].split('"')[0]
    reply = _save(client, token, their_csrf, best="b")
    assert reply.status_code == 400 and reply.json["csrf"] is True
    assert _stored(db) == [None, None]


def test_a_tampered_session_cookie_does_not_pass(csrf_app, page, db):
    client, token, csrf = page
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-2] + ("AA" if cookie.value[-2:] != "AA"
                                                      else "BB"))
    reply = _save(client, token, csrf)
    assert reply.status_code == 400 and reply.json["csrf"] is True
    assert _stored(db) == [None]


def test_a_session_past_its_lifetime_is_not_taken_from_the_kept_checks(
        csrf_app, page, db, flask_requests):
    client, token, csrf = page
    assert _save(client, token, csrf, seq=1).json["accepted"]  # its cookie verified, kept
    csrf_app.permanent_session_lifetime = timedelta(seconds=-1)
    flask_requests.clear()
    reply = _save(client, token, csrf, seq=2, best="b")
    # Flask reads the cookie as expired: a new, empty session, so no CSRF token in it.
    assert reply.status_code == 400 and reply.json["csrf"] is True
    assert flask_requests == [f"/a/{token}/save"]
    assert _stored(db) == [{"best": "a"}]


def test_over_https_the_referrer_must_be_of_the_same_origin(csrf_app, page, db,
                                                           flask_requests):
    _client, token, _csrf = page
    https = {"base_url": "https://hiring.example"}
    client = csrf_app.test_client()
    html = client.get(f"/a/{token}/q/1", **https).get_data(as_text=True)
    csrf = html.split('name="csrf_token" value="')[1].split('"')[0]
    refused = _save(client, token, csrf, **https)
    assert refused.status_code == 400 and refused.json["csrf"] is True
    refused = _save(client, token, csrf, headers={"Referer": "https://evil.example/x"},
                    **https)
    assert refused.status_code == 400 and refused.json["csrf"] is True
    assert _stored(db) == [None]
    flask_requests.clear()
    saved = _save(client, token, csrf, headers={"Referer": f"https://hiring.example/a/{token}"},
                  **https)
    assert saved.status_code == 200 and saved.json["accepted"]
    assert flask_requests == []


@pytest.mark.parametrize(("body", "message"), [
    (b'{"position": 1, "seq": 1, "answer": {"best": "a\\u0000"}}', "not allowed"),
    (b'{"position": 1, "seq": 1, "answer": ' + b"[" * 40 + b"]" * 40 + b"}", "nested"),
    (b'{"position": 1, "seq": 1, "answer": {"best": "\xff"}}', "UTF-8"),
    (b'{"position": 1, "seq": 1e400, "answer": {"best": "a"}}', None),
])
def test_a_body_the_limits_refuse_goes_to_flask_which_says_why(page, db, flask_requests,
                                                               body, message):
    client, token, csrf = page
    flask_requests.clear()
    reply = client.post(f"/a/{token}/save", data=body, content_type="application/json",
                        headers={"X-CSRFToken": csrf})
    assert reply.status_code == 400
    if message:
        assert message in reply.json["error"]
    assert flask_requests == [f"/a/{token}/save"]
    assert _stored(db) == [None]


def test_what_the_quick_save_cannot_take_flask_reads_from_the_same_body(page, db, clock,
                                                                       flask_requests):
    client, token, csrf = page
    assert _save(client, token, csrf, seq=5, best="b").json["accepted"]
    flask_requests.clear()
    # An older sequence number: the full path reads the body and says it was not stored.
    stale = _save(client, token, csrf, seq=4, best="c")
    assert stale.status_code == 200 and stale.json["accepted"] is False
    assert flask_requests == [f"/a/{token}/save"]
    # Past the deadline and its grace: the view closes the attempt and says so.
    clock.advance(days=2)
    closed = _save(client, token, csrf, seq=6, best="d")
    assert closed.status_code == 409 and closed.json["closed"] is True
    assert _stored(db) == [{"best": "b"}]


def test_a_large_body_is_left_to_flask_and_its_size_limit(csrf_app, page, flask_requests):
    client, token, csrf = page
    csrf_app.config["MAX_CONTENT_LENGTH"] = 1000
    flask_requests.clear()
    reply = client.post(f"/a/{token}/save", json={
        "position": 1, "seq": 1, "answer": {"best": "a" * 2000}}, headers={"X-CSRFToken": csrf})
    assert reply.status_code == 413
    assert flask_requests == [f"/a/{token}/save"]


def test_a_save_tried_before_flask_is_not_tried_again_by_the_view(page, db, monkeypatch):
    from hiring.assessment import engine

    client, token, csrf = page
    assert _save(client, token, csrf, seq=5, best="b").json["accepted"]
    tried = []
    real = engine.quick_save

    def counting(*args, **kwargs):
        tried.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "quick_save", counting)
    stale = _save(client, token, csrf, seq=4, best="c")
    assert stale.status_code == 200 and stale.json["accepted"] is False
    assert tried == [1]  # before Flask only; the view took the full checks at once
    # A save the layer did not try (a query string) is tried by the view.
    tried.clear()
    fresh = client.post(f"/a/{token}/save?via=flask", json={
        "position": 1, "seq": 6, "answer": {"best": "d"}}, headers={"X-CSRFToken": csrf})
    assert fresh.json["accepted"] and tried == [1]
    assert _stored(db) == [{"best": "d"}]
