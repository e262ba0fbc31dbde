"""The REST API: every operation of its OpenAPI description with each kind of key and
without one, then idempotency, batches, problems, revoked keys, the PDF, rate limits."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from sqlmodel import func, select

from hiring import api_keys
from hiring.assessment import engine
from hiring.models import ApiKey, Attempt, AuditEvent
from tests.factories import make_attempt, make_user

READ, WRITE = api_keys.RESULTS_READ, api_keys.INVITATIONS_WRITE


@pytest.fixture
def keys(db, clock):
    """A key of each scope, one with both, and a revoked one."""
    made = {}
    with db() as session:
        hr = make_user(session, role="hr")
        for name, scopes in (("read", [READ]), ("write", [WRITE]), ("both", [READ, WRITE]),
                             ("revoked", [READ, WRITE])):
            key, secret = api_keys.create(session=session, name=name, scopes=scopes,
                                          created_by=hr, now=clock())
            made[name] = secret
            if name == "revoked":
                api_keys.revoke(key, session=session, by=hr, now=clock())
    return made


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def submitted_attempt(db, assessment, clock, email="ana@example.com") -> int:
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  email=email)
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session, now=clock(),
                               seq=1)
        engine.submit(attempt, session=session, now=clock())
        return attempt.id


def example_body(operation_id: str, assessment_id: int, email: str) -> dict | None:
    """A valid body for each operation that takes one (the description names them)."""
    candidate = {"name": "Ana Horvat", "email": email, "external_ref": "ats-1"}
    return {
        "create_invitation": {"assessment_id": assessment_id, **candidate},
        "create_invitations": {"assessment_id": assessment_id, "invitations": [candidate]},
        "extend": {"days": 3},
    }.get(operation_id)


def test_every_operation_of_the_description_with_each_key_and_without(
        client, db, assessment, clock, keys):
    described = client.get("/api/v1/openapi.json")
    assert described.status_code == 200 and described.json["openapi"].startswith("3.")
    spec = described.json
    with db() as session:  # an open invitation for each operation that changes one
        open_ids = {name: make_attempt(session, assessment, now=clock(),
                                       email=f"{name}@example.com")[0].id
                    for name in ("cancel", "extend", "resend")}
    closed_id = submitted_attempt(db, assessment, clock)
    operations = [(path, method, op) for path, methods in spec["paths"].items()
                  for method, op in methods.items()]
    assert {op["operationId"] for _, _, op in operations} == {
        "list_assessments", "create_invitation", "create_invitations", "list_invitations",
        "read_invitation", "profile_pdf", "cancel", "extend", "resend"}
    for number, (path, method, op) in enumerate(operations):
        target = open_ids.get(op["operationId"], closed_id)
        url = "/api/v1" + path.replace("{invitation_id}", str(target))
        scope = op["x-scope"]
        assert op["security"] == [{"bearer": [scope]}]
        body = example_body(op["operationId"], assessment.id, f"c{number}@example.com")
        assert ("requestBody" in op) == (body is not None), op["operationId"]

        def call(headers, body=body, method=method, url=url):
            return client.open(url, method=method.upper(), json=body, headers=headers)

        for headers in ({}, bearer("hiring_000000000000_nope"), bearer(keys["revoked"]),
                        {"Authorization": "Basic abc"}):
            refused = call(headers)
            assert refused.status_code == 401, (op["operationId"], headers)
            assert refused.mimetype == "application/problem+json"
            assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        wrong = keys["write"] if scope == READ else keys["read"]
        forbidden = call(bearer(wrong))
        assert forbidden.status_code == 403, op["operationId"]
        assert scope in forbidden.json["detail"]
        for name in (("read", "both") if scope == READ else ("write", "both")):
            answered = call(bearer(keys[name]), body=example_body(
                op["operationId"], assessment.id, f"c{number}-{name}@example.com"))
            assert str(answered.status_code) in op["responses"], (op["operationId"], name)
            if target in open_ids.values() and name == "both":
                # the first key changed the invitation: cancelling again is a conflict
                assert answered.status_code in (200, 409), (op["operationId"], name)
                continue
            assert 200 <= answered.status_code < 300, (op["operationId"], name,
                                                       answered.get_data(as_text=True))
            if answered.mimetype == "application/json":
                assert isinstance(answered.json, dict)


def test_the_description_is_valid_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)  # raises, naming the part, on an invalid description
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_docs_page_lists_every_operation(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    spec = client.get("/api/v1/openapi.json").json
    for path, methods in spec["paths"].items():
        for method in methods:
            assert f"{method.upper()} /api/v1{path}" in page


def test_the_same_idempotency_key_twice_gives_one_invitation(client, db, assessment, keys):
    body = {"assessment_id": assessment.id, "name": "Iva Kos", "email": "Iva@Example.com",
            "external_ref": "gh-42", "language": "en", "deadline": "2026-03-20",
            "time_multiplier": 1.5}
    headers = {**bearer(keys["write"]), "Idempotency-Key": "req-1"}
    first = client.post("/api/v1/invitations", json=body, headers=headers)
    assert first.status_code == 201, first.json
    created = first.json["items"][0]
    assert created["link"] and created["external_ref"] == "gh-42"
    assert created["time_multiplier"] == 1.5 and created["expires_at"].startswith("2026-03-20")
    again = client.post("/api/v1/invitations", json=body, headers=headers)
    assert again.status_code == 200
    assert again.json["items"][0]["id"] == created["id"] and again.json["items"][0]["link"] is None
    other = client.post("/api/v1/invitations", json={**body, "email": "x@example.com"},
                        headers=headers)
    assert other.status_code == 409 and other.mimetype == "application/problem+json"
    assert "different request" in other.json["detail"]
    with db() as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 1
    # without the key, the same candidate cannot be invited twice while the first is open
    duplicate = client.post("/api/v1/invitations", json=body, headers=bearer(keys["write"]))
    assert duplicate.status_code == 422
    assert duplicate.json["errors"][0]["field"] == "body.email"


def test_a_batch_is_all_or_nothing(client, db, assessment, keys):
    candidates = [{"name": f"Candidate {n}", "email": f"c{n}@example.com"} for n in range(3)]
    candidates.append({"name": "Bad", "email": "not an address", "language": "xx"})
    refused = client.post("/api/v1/invitations/batch", headers=bearer(keys["write"]),
                          json={"assessment_id": assessment.id, "invitations": candidates})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert {e["field"] for e in refused.json["errors"]} == {
        "body.invitations.3.email", "body.invitations.3.language"}
    assert "Nothing was created" in refused.json["detail"]
    with db() as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 0
    headers = {**bearer(keys["write"]), "Idempotency-Key": "batch-7"}
    body = {"assessment_id": assessment.id, "invitations": candidates[:3]}
    created = client.post("/api/v1/invitations/batch", headers=headers, json=body)
    assert created.status_code == 201
    assert [i["candidate_email"] for i in created.json["items"]] == [
        "c0@example.com", "c1@example.com", "c2@example.com"]
    repeated = client.post("/api/v1/invitations/batch", headers=headers, json=body)
    assert repeated.status_code == 200
    assert [i["id"] for i in repeated.json["items"]] == [i["id"] for i in created.json["items"]]
    shorter = client.post("/api/v1/invitations/batch", headers=headers,
                          json={**body, "invitations": candidates[:2]})
    assert shorter.status_code == 409
    with db() as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 3


@pytest.mark.parametrize(("request_args", "status", "field"), [
    ({"data": "not json", "content_type": "text/plain"}, 400, None),
    ({"json": {"assessment_id": 1}}, 422, "body.name"),
    ({"json": {"assessment_id": 999, "name": "A", "email": "a@example.com"}}, 422,
     "body.assessment_id"),
    ({"json": {"assessment_id": 1, "name": "A", "email": "a@example.com",
               "time_multiplier": 9}}, 422, "body.time_multiplier"),
    ({"json": {"assessment_id": 1, "name": "A", "email": "a@example.com",
               "deadline": "2020-01-01"}}, 422, "body.deadline"),
    ({"json": {"assessment_id": 1, "name": "A", "email": "a@example.com", "extra": 1}},
     422, "body.extra"),
])
def test_bad_input_is_a_problem_and_changes_nothing(client, db, assessment, keys,
                                                    request_args, status, field):
    response = client.post("/api/v1/invitations", headers=bearer(keys["write"]),
                           **request_args)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if field:
        assert any(e["field"] == field for e in problem["errors"]), problem
    with db() as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 0


def test_unknown_operations_and_ids_are_problems(client, keys):
    missing = client.get("/api/v1/invitations/9999", headers=bearer(keys["read"]))
    assert missing.status_code == 404 and missing.json["detail"] == "There is no invitation 9999."
    nowhere = client.get("/api/v1/nothing-here", headers=bearer(keys["read"]))
    assert nowhere.status_code == 404 and nowhere.mimetype == "application/problem+json"
    wrong_method = client.delete("/api/v1/assessments", headers=bearer(keys["read"]))
    assert wrong_method.status_code == 405 and "Use GET here" in wrong_method.json["detail"]
    assert wrong_method.headers["Allow"] == "GET"
    bad_cursor = client.get("/api/v1/invitations?cursor=abc", headers=bearer(keys["read"]))
    assert bad_cursor.status_code == 422 and bad_cursor.json["errors"][0]["field"] == \
        "query.cursor"
    too_many = client.get("/api/v1/assessments?limit=1000", headers=bearer(keys["read"]))
    assert too_many.status_code == 422


def test_a_revoked_key_stops_working_at_once(client, auth, db, keys):
    assert client.get("/api/v1/assessments", headers=bearer(keys["both"])).status_code == 200
    with db() as session:
        key = session.exec(select(ApiKey).where(ApiKey.name == "both")).one()
    auth.login("hr")
    assert client.post(f"/admin/api-keys/{key.id}/revoke").status_code == 400
    assert client.post(f"/admin/api-keys/{key.id}/revoke",
                       data={"confirm": "1"}).status_code == 302
    refused = client.get("/api/v1/assessments", headers=bearer(keys["both"]))
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"


def test_results_and_the_profile_pdf(client, db, assessment, clock, keys):
    attempt_id = submitted_attempt(db, assessment, clock)
    read = client.get(f"/api/v1/invitations/{attempt_id}", headers=bearer(keys["read"]))
    assert read.status_code == 200
    results = read.json["results"]
    assert read.json["state"] in ("submitted", "scored")
    assert {s["key"] for s in results["scores"]} and results["n_items"] >= 4
    for score in results["scores"]:
        if not score["reportable"]:
            assert score["band"] is None  # an indication carries no band
    if not results["complete"]:
        assert results["strengths"] == [] and results["development_areas"] == []
    pdf = client.get(f"/api/v1/invitations/{attempt_id}/profile.pdf",
                     headers=bearer(keys["read"]))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_an_unfinished_attempt_has_no_results_and_no_pdf(client, db, assessment, clock, keys):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
    read = client.get(f"/api/v1/invitations/{attempt.id}", headers=bearer(keys["read"]))
    assert read.json["state"] == "in_progress" and read.json["results"] is None
    pdf = client.get(f"/api/v1/invitations/{attempt.id}/profile.pdf",
                     headers=bearer(keys["read"]))
    assert pdf.status_code == 409 and "submitted" in pdf.json["detail"]


def test_cancel_extend_resend(client, db, assessment, clock, keys):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
    url = f"/api/v1/invitations/{attempt.id}"
    extended = client.post(url + "/extend", json={"deadline": "2026-04-30"},
                           headers=bearer(keys["write"]))
    assert extended.status_code == 200 and extended.json["expires_at"].startswith("2026-04-30")
    both = client.post(url + "/extend", json={"deadline": "2026-04-30", "days": 2},
                       headers=bearer(keys["write"]))
    assert both.status_code == 422
    resent = client.post(url + "/resend", headers=bearer(keys["write"]))
    assert resent.status_code == 200 and resent.json["link"]
    cancelled = client.post(url + "/cancel", headers=bearer(keys["write"]))
    assert cancelled.status_code == 200 and cancelled.json["cancelled"] is True
    again = client.post(url + "/cancel", headers=bearer(keys["write"]))
    assert again.status_code == 409 and again.json["detail"] == "This invitation is already closed."


def test_pagination_with_a_cursor(client, db, assessment, clock, keys):
    with db() as session:
        for n in range(5):
            make_attempt(session, assessment, now=clock(), email=f"p{n}@example.com")
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/invitations", query_string={
            "limit": 2, **({"cursor": cursor} if cursor else {})}, headers=bearer(keys["read"]))
        assert page.status_code == 200 and len(page.json["items"]) <= 2
        seen += [item["id"] for item in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(seen)


def test_calls_are_audited_and_limited_per_key(app, client, db, clock, keys):
    app.config["API_RATE_LIMIT"] = 3
    for _ in range(3):
        assert client.get("/api/v1/assessments", headers=bearer(keys["read"])
                          ).status_code == 200
    limited = client.get("/api/v1/assessments", headers=bearer(keys["read"]))
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
    assert limited.mimetype == "application/problem+json"
    # another key has its own count
    assert client.get("/api/v1/assessments", headers=bearer(keys["both"])).status_code == 200
    clock.advance(seconds=61)
    assert client.get("/api/v1/assessments", headers=bearer(keys["read"])).status_code == 200
    with db() as session:
        key = session.exec(select(ApiKey).where(ApiKey.name == "read")).one()
        calls = list(session.exec(select(AuditEvent).where(
            AuditEvent.object_type == "api_key", AuditEvent.object_id == key.id,
            AuditEvent.action.in_(["api_call", "api_call_limited"])).order_by(AuditEvent.id)))
        assert [c.detail["status"] for c in calls] == [200, 200, 200, 429, 200]
        assert calls[0].detail == {"method": "GET", "path": "/api/v1/assessments",
                                   "status": 200}
        # last use: written on the first call, then not again within the minute
        assert key.last_used_at == clock()


def test_hr_creates_a_key_that_is_shown_once(client, auth, db):
    auth.login("hr")
    refused = client.post("/admin/api-keys/", data={"name": "ATS"})
    assert refused.status_code == 400
    page = client.post("/admin/api-keys/", data={"name": "Greenhouse",
                                                 "scopes": [READ]}).get_data(as_text=True)
    secret = page.split('<code class="new-key">')[1].split("<")[0]
    assert secret.startswith("hiring_")
    assert client.get("/api/v1/assessments", headers=bearer(secret)).status_code == 200
    assert secret not in client.get("/admin/api-keys/").get_data(as_text=True)
    with db() as session:
        key = session.exec(select(ApiKey)).one()
        assert key.scopes == [READ] and secret.split("_", 2)[2] not in key.secret_hash
    auth.logout()
    auth.login("interviewer")
    assert client.get("/admin/api-keys/").status_code == 403
