"""Every route declares who may use it, and that is what happens."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hiring import api_keys
from tests.factories import make_attempt, make_calibration_answer, make_user


def test_every_view_declares_its_access(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint != "static" and not hasattr(view, "access")]
    assert undeclared == []


@pytest.fixture
def world(db, assessment, bank, clock):
    return build_world(db, assessment, bank, clock)


def build_world(db, assessment, bank, clock) -> dict:
    """One of everything a staff route's address names, and the values of its parts."""
    from hiring.keying import experts, rounds

    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True)
        answer = make_calibration_answer(session)
        round_ = rounds.open_round(session.merge(bank), name="Panel", item_keys=None,
                                   session=session, actor="hr", now=clock())
        expert, expert_token = experts.invite(round_, name="Iva", email="iva@example.com",
                                              language="en", session=session, actor="hr",
                                              now=clock())
        key, _secret = api_keys.create(session=session, name="ATS", scopes=["results:read"],
                                       created_by=None, now=clock())
        user = make_user(session, role="interviewer", email="someone@example.com")
    return {"token": token, "attempt_id": attempt.id, "response_id": 1, "bank_id": bank.id,
            "user_id": user.id,
            "assessment_id": assessment.id, "position": 1, "filename": "css/app.css",
            "job_id": 1, "key": "sjt-1", "round_id": round_.id, "expert_id": expert.id,
            "expert_token": expert_token, "answer_id": answer.id, "number": 1,
            "endpoint_id": 1, "delivery_id": 1, "key_id": key.id, "provider_id": 1}


def staff_urls(app, world):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "access", "public")
        # API operations take a key, not a login: tests/web/test_api.py walks them.
        if access in ("public", "candidate", "expert", "api") or rule.endpoint == "static":
            continue
        url = rule.build({arg: world[arg] for arg in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url, access


def test_staff_routes_by_role(app, client, auth, world):
    routes = list(staff_urls(app, world))
    assert len(routes) >= 10
    for endpoint, method, url, _access in routes:
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method)
        assert "/login" in response.headers["Location"]

    auth.login("interviewer")
    for endpoint, method, url, access in routes:
        response = client.open(url, method=method)
        if "interviewer" in access:
            assert response.status_code != 403, (endpoint, method)
        else:
            assert response.status_code == 403, (endpoint, method)

    auth.logout()
    auth.login("hr")
    for endpoint, method, url, _access in routes:
        response = client.open(url, method=method)
        assert response.status_code != 403 and response.status_code < 500, (endpoint, method)
        assert "/login" not in response.headers.get("Location", ""), (endpoint, method)


def test_candidate_and_expert_routes_need_the_right_token(app, client, world):
    walked = set()
    for rule in app.url_map.iter_rules():
        if getattr(app.view_functions[rule.endpoint], "access", None) not in ("candidate",
                                                                             "expert"):
            continue
        walked.add(rule.endpoint.split(".")[0])
        args = dict({arg: world[arg] for arg in rule.arguments}, token="wrong-token")
        url = rule.build(args)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert client.open(url, method=method).status_code == 404, (rule.endpoint, method)
    assert walked == {"candidate", "expert", "feedback_report", "self_id"}


def test_an_expert_link_works_without_logging_in(app, client, world):
    token = world["expert_token"]
    for url in (f"/k/{token}", f"/k/{token}/i/1", f"/k/{token}/finish", f"/k/{token}/csrf"):
        assert client.get(url).status_code == 200, url
    saved = client.post(f"/k/{token}/save", json={"position": 1, "ratings": {"a": 4}})
    assert saved.status_code == 200 and saved.json["ok"]
    # The link opens the expert's own pages only: staff pages still want a login.
    response = client.get(f"/admin/keying/{world['round_id']}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_csrf_is_required_on_state_changes(app, client, world, database_url, tmp_path):
    app.config["WTF_CSRF_ENABLED"] = True
    token = world["token"]
    response = client.post(f"/a/{token}/save", json={"position": 1, "seq": 1,
                                                     "answer": {"best": "a"}})
    assert response.status_code == 400 and response.json["csrf"] is True
    assert client.post("/login", data={"email": "x@example.com", "password": "y"}
                       ).status_code == 400
    page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    ok = client.post(f"/a/{token}/save", json={"position": 1, "seq": 1, "answer": {"best": "a"}},
                     headers={"X-CSRFToken": csrf})
    assert ok.status_code == 200 and ok.json["accepted"]


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_lost_session_gets_a_fresh_csrf_token_and_the_answer_still_saves(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    token = world["token"]
    fresh_browser = app.test_client()  # as if the session cookie had been lost
    refused = fresh_browser.post(f"/a/{token}/save", json={
        "position": 2, "seq": 1, "answer": {"best": "b"}}, headers={"X-CSRFToken": "stale"})
    assert refused.status_code == 400 and refused.json["csrf"] is True
    renewed = fresh_browser.get(f"/a/{token}/csrf").json["csrf"]
    saved = fresh_browser.post(f"/a/{token}/save", json={
        "position": 2, "seq": 1, "answer": {"best": "b"}}, headers={"X-CSRFToken": renewed})
    assert saved.status_code == 200 and saved.json["accepted"]
    assert app.test_client().get("/a/not-a-token/csrf").status_code == 404


def test_a_revoked_invitation_link_stops_working(app, client, auth, db, assessment, clock):
    from hiring.models import Attempt

    with db() as session:
        unused, unused_token = make_attempt(session, assessment, now=clock())
        running, running_token = make_attempt(session, assessment, now=clock(), started=True,
                                              email="r@example.com")
    auth.login("hr")
    for attempt in (unused, running):
        assert client.post(f"/admin/attempts/{attempt.id}/revoke").status_code == 400
        assert client.post(f"/admin/attempts/{attempt.id}/revoke",
                           data={"confirm": "1"}).status_code == 302
    auth.logout()
    for token in (unused_token, running_token):
        assert client.get(f"/a/{token}").status_code == 404
        assert client.post(f"/a/{token}/save", json={"position": 1, "seq": 1,
                                                     "answer": {"best": "a"}}
                           ).status_code == 404
    with db() as session:
        assert session.get(Attempt, unused.id).state == "expired"
        assert session.get(Attempt, running.id).state in ("submitted", "scored")


def test_candidate_a_cannot_reach_attempt_b_nor_staff_pages(app, db, assessment, clock):
    with db() as session:
        a, token_a = make_attempt(session, assessment, now=clock(), started=True)
        b, token_b = make_attempt(session, assessment, now=clock(), started=True,
                                  email="b@example.com")
    candidate_a = app.test_client()
    candidate_a.get(f"/a/{token_a}/q/1")  # A's browser, with A's session
    for url in (f"/attempts/{b.id}", f"/attempts/{b.id}/profile.pdf", "/attempts/",
                f"/exports/compare?attempt={b.id}", "/admin/"):
        response = candidate_a.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    # A's token only ever addresses A's own responses.
    saved = candidate_a.post(f"/a/{token_a}/save", json={"position": 1, "seq": 1,
                                                         "answer": {"best": "a"}})
    assert saved.status_code == 200
    from hiring.assessment import engine as attempt_engine
    from hiring.models import Attempt

    with db() as session:
        assert attempt_engine.response_at(session.get(Attempt, b.id), 1,
                                          session=session).answer is None
    assert token_b not in candidate_a.get(f"/a/{token_a}/q/1").get_data(as_text=True)


# ---- rights per assessment: a second interviewer sees nothing of the first one's --------


def _rate_url(world) -> str:
    return f"/attempts/{world['attempt_id']}/responses/{world['response_id']}/rate"


def test_an_interviewer_sees_nothing_of_assessments_not_assigned_to_them(
        app, client, auth, db, world, bank):
    from hiring import rights
    from hiring.models import Job, Response, User
    from tests.factories import make_assessment

    with db() as session:
        other_assessment = make_assessment(session, bank)
        other_attempt, _ = make_attempt(session, other_assessment, started=True,
                                        name="Marko Kovač", email="marko@example.com")
        first = make_user(session, role="interviewer", email="first@example.com")
        rights.assign(first, {world["assessment_id"]}, session=session)
        second = make_user(session, role="interviewer", email="second@example.com")
        rights.assign(second, {other_assessment.id}, session=session)
        response_id = session.exec(select(Response.id).where(
            Response.attempt_id == world["attempt_id"])).first()
        # the first one's export of their candidate's profile
        job = Job(kind="profiles_zip", total=1, created_by=first.id, state="done",
                  params={"attempt_ids": [world["attempt_id"]]}, result_path="x.zip")
        session.add(job)
        session.flush()
    assert response_id is not None
    world = dict(world, response_id=response_id, job_id=job.id)
    secret = ("Ana Horvat", "ana@example.com")

    # The first interviewer sees their candidate.
    auth.login("interviewer", email="first@example.com", assigned=False)
    assert client.get(f"/attempts/{world['attempt_id']}").status_code == 200
    assert "Ana Horvat" in client.get("/attempts/").get_data(as_text=True)
    assert "Marko" not in client.get("/attempts/").get_data(as_text=True)
    auth.logout()

    auth.login("interviewer", email="second@example.com", assigned=False)
    walked = 0
    for endpoint, method, url, access in staff_urls(app, world):
        if "interviewer" not in access:
            continue
        walked += 1
        rule_args = next(r.arguments for r in app.url_map.iter_rules()
                         if r.endpoint == endpoint)
        if endpoint in ("exports.compare", "exports.profiles_zip"):
            where = "query_string" if method == "GET" else "data"
            response = client.open(url, method=method,
                                   **{where: {"attempt": world["attempt_id"]}})
            assert response.status_code == 404, (endpoint, method)
            both = client.open(url, method=method, **{where: {
                "attempt": [world["attempt_id"], other_attempt.id]}})
            body = both.get_data(as_text=True)
            assert not any(s in body for s in secret), (endpoint, method)
        elif rule_args & {"attempt_id", "assessment_id", "job_id", "response_id"}:
            response = client.open(url, method=method)
            assert response.status_code == 404, (endpoint, method, url)
        else:  # pages without a candidate in their address: nothing of one in them
            response = client.open(url, method=method)
            assert response.status_code < 500, (endpoint, method)
            body = response.get_data(as_text=True)
            assert not any(s in body for s in secret), (endpoint, method)
            for value in (f"attempt={world['attempt_id']}",
                          f"assessment={world['assessment_id']}"):
                filtered = client.open(f"{url}?{value}", method=method)
                assert not any(s in filtered.get_data(as_text=True) for s in secret), (
                    endpoint, value)
    assert walked >= 10
    # Their own candidate they do see; the export of their assessment has only theirs.
    assert "Marko" in client.get("/attempts/").get_data(as_text=True)
    csv = client.get(f"/exports/assessments/{other_assessment.id}.csv").get_data(as_text=True)
    assert "marko@example.com" in csv and "ana@example.com" not in csv
    # A rating of the first one's candidate is refused and stores nothing.
    with db() as session:
        from hiring.models import Rating

        assert session.exec(select(Rating)).all() == []
        assert session.get(User, second.id).role == "interviewer"

    # HR sees both.
    auth.logout()
    auth.login("hr")
    page = client.get("/attempts/").get_data(as_text=True)
    assert "Ana Horvat" in page and "Marko" in page


def test_a_zip_of_an_assessment_taken_away_is_no_longer_downloadable(
        app, client, auth, db, world):
    from hiring import rights
    from hiring.models import User

    auth.login("interviewer")
    made = client.post("/exports/profiles", data={"attempt": world["attempt_id"]})
    assert made.status_code == 302
    job_url = made.headers["Location"]
    assert client.get(job_url).status_code == 200
    with db() as session:
        interviewer = session.exec(select(User).where(
            User.email == "interviewer@example.com")).one()
        rights.assign(interviewer, set(), session=session)
    assert client.get(job_url).status_code == 404
    assert client.get(f"/attempts/{world['attempt_id']}").status_code == 404


def test_greenhouse_calls_take_a_key_and_nothing_else(app, client, auth, world):
    """The Greenhouse connector's calls are reached with an API key (HTTP Basic) only:
    neither anonymously nor with a staff login; tests/web/test_greenhouse.py walks them
    with keys of each scope."""
    calls = {rule.rule: rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("greenhouse.")}
    declared = {path: getattr(app.view_functions[rule.endpoint], "access", None)
                for path, rule in calls.items()}
    prefix = "/integrations/greenhouse/"
    assert declared == {f"{prefix}list_tests": "api", f"{prefix}send_test": "api",
                        f"{prefix}test_status": "api", f"{prefix}response_error": "api",
                        prefix: "public", f"{prefix}<path:rest>": "public"}
    auth.login("hr")
    for path in ("list_tests", "send_test", "test_status", "response_error"):
        method = sorted(calls[prefix + path].methods - {"HEAD", "OPTIONS"})[0]
        response = client.open(prefix + path, method=method)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == 'Basic realm="hiring"'
