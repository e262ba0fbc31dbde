"""HR's webhook pages: register an endpoint (secret shown once), send a test, see the
deliveries and resend one, switch off, delete; a candidate's submit reaches a real HTTP
server on 127.0.0.1, signed, after the request's commit."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from hiring.models import AuditEvent, Job, WebhookDelivery, WebhookEndpoint
from hiring.webhooks import signing
from tests.factories import make_attempt
from tests.receiver import start_receiver


@pytest.fixture
def receiver():
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


def add_endpoint(client, url, events=("attempt.submitted",)):
    response = client.post("/admin/webhooks/new", data={
        "url": url, "description": "Our ATS", "events": list(events)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    secret = re.search(r"whsec_[0-9a-f]{64}", page).group(0)
    return secret, page


def rows(db, model):
    with db() as session:
        return list(session.exec(select(model).order_by(model.id)))


def test_only_hr_reaches_the_webhook_pages(client, auth):
    assert "/login" in client.get("/admin/webhooks/").headers["Location"]
    auth.login("interviewer")
    assert client.get("/admin/webhooks/").status_code == 403
    assert client.post("/admin/webhooks/new", data={
        "url": "http://127.0.0.1/x", "events": ["attempt.submitted"]}).status_code == 403
    auth.logout()
    auth.login("hr")
    page = client.get("/admin/webhooks/")
    assert page.status_code == 200 and "No endpoint yet" in page.get_data(as_text=True)


def test_an_endpoint_added_without_a_description_field_gets_an_empty_one(client, auth, db):
    auth.login("hr")
    response = client.post("/admin/webhooks/new", data={
        "url": "http://127.0.0.1:9/hook", "events": ["attempt.submitted"]})
    assert response.status_code == 200 and "whsec_" in response.get_data(as_text=True)
    [endpoint] = rows(db, WebhookEndpoint)
    assert endpoint.description == "" and endpoint.url == "http://127.0.0.1:9/hook"


def test_the_secret_is_shown_once_and_a_candidates_submit_arrives_signed(
        client, auth, db, assessment, clock, receiver):
    auth.login("hr")
    secret, page = add_endpoint(client, receiver.url)
    assert "not shown again" in page
    [endpoint] = rows(db, WebhookEndpoint)
    assert endpoint.secret == secret and endpoint.events == ["attempt.submitted"]
    shown = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    listed = client.get("/admin/webhooks/").get_data(as_text=True)
    assert secret not in shown and secret not in listed and receiver.url in listed

    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), name="Ana Horvat")
    candidate = client.application.test_client()
    assert candidate.post(f"/a/{token}/start").status_code == 302
    assert receiver.received == []  # it chose only "submitted"
    assert candidate.post(f"/a/{token}/submit", data={"confirm": "1"}).status_code == 302
    [request] = receiver.received  # sent after the submit's commit, by the job
    assert request.headers["Hiring-Event"] == "attempt.submitted"
    assert signing.verify(secret, request.headers["Hiring-Signature"], request.body,
                          now=clock().timestamp())
    body = json.loads(request.body)
    assert body["attempt_id"] == attempt.id and body["state"] in ("submitted", "scored")
    assert "Ana" not in request.body.decode()

    deliveries = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "attempt.submitted" in deliveries and "HTTP 200" in deliveries
    [delivery] = rows(db, WebhookDelivery)
    detail = client.get(f"/admin/webhooks/deliveries/{delivery.id}").get_data(as_text=True)
    assert "status 200" in detail and f"&#34;attempt_id&#34;: {attempt.id}" in detail


def invite(client, assessment_id: int, email: str):
    return client.post(f"/admin/assessments/{assessment_id}", data={
        "name": "Ivo Ivić", "email": email, "days": 7, "language": "en"})


def test_an_invitation_is_told_after_its_commit_and_a_failed_request_tells_nothing(
        app, client, auth, db, assessment, receiver, monkeypatch):
    from werkzeug.exceptions import BadRequest

    from hiring import mailer

    auth.login("hr")
    add_endpoint(client, receiver.url, events=("invitation.created",))
    assert invite(client, assessment.id, "ivo@example.com").status_code == 200
    [request] = receiver.received
    assert json.loads(request.body)["event"] == "invitation.created"

    def failing():
        raise BadRequest("the page failed after the invitation was made")

    monkeypatch.setattr(mailer, "link_builder", failing)
    assert invite(client, assessment.id, "eva@example.com").status_code == 400
    assert len(rows(db, WebhookDelivery)) == 1 and len(receiver.received) == 1
    with db() as session:
        assert len(session.exec(select(Job).where(Job.kind == "webhook")).all()) == 1


def test_test_event_resend_and_a_failing_endpoint_shown(client, auth, db, clock, receiver):
    receiver.statuses[:] = [500, 200]
    auth.login("hr")
    add_endpoint(client, receiver.url)
    [endpoint] = rows(db, WebhookEndpoint)
    assert client.post(f"/admin/webhooks/{endpoint.id}/test").status_code == 302
    [failed] = rows(db, WebhookDelivery)
    assert failed.state == "pending" and failed.response_code == 500
    page = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "HTTP 500" in page and "waiting" in page
    resent = client.post(f"/admin/webhooks/deliveries/{failed.id}/resend")
    assert resent.status_code == 302
    first, again = rows(db, WebhookDelivery)
    assert again.payload == first.payload and again.state == "delivered"
    assert resent.headers["Location"].endswith(f"/admin/webhooks/deliveries/{again.id}")
    assert [r.headers["Hiring-Delivery"] for r in receiver.received] == [
        str(first.id), str(again.id)]


@pytest.mark.parametrize("data, message", [
    ({"url": "ftp://example.com/x", "events": ["attempt.started"]}, "http:// or https://"),
    ({"url": "", "events": ["attempt.started"]}, "Give the endpoint"),
    ({"url": "https://example.com/x"}, "Choose at least one event"),
    ({"url": "https://example.com/x", "events": ["attempt.deleted"]},
     "Unknown event: attempt.deleted"),
])
def test_a_bad_endpoint_is_refused_with_a_message_and_nothing_stored(client, auth, db, data,
                                                                     message):
    auth.login("hr")
    response = client.post("/admin/webhooks/new", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert rows(db, WebhookEndpoint) == []


def test_switching_off_and_deleting_are_audited(client, auth, db, assessment, clock, receiver):
    auth.login("hr")
    add_endpoint(client, receiver.url, events=("invitation.created",))
    [endpoint] = rows(db, WebhookEndpoint)
    client.post(f"/admin/webhooks/{endpoint.id}/active", data={"active": "0"})
    with db() as session:
        make_attempt(session, assessment, now=clock())
    assert rows(db, WebhookDelivery) == []  # off: no new events
    client.post(f"/admin/webhooks/{endpoint.id}/active", data={"active": "1"})
    client.post(f"/admin/webhooks/{endpoint.id}/test")
    assert len(rows(db, WebhookDelivery)) == 1

    assert client.post(f"/admin/webhooks/{endpoint.id}/delete").status_code == 400
    assert len(rows(db, WebhookEndpoint)) == 1  # not confirmed: nothing changed
    confirm = client.get(f"/admin/webhooks/{endpoint.id}/delete").get_data(as_text=True)
    assert "its 1 delivery;" in confirm
    gone = client.post(f"/admin/webhooks/{endpoint.id}/delete", data={"confirm": "y"})
    assert gone.status_code == 302
    assert rows(db, WebhookEndpoint) == [] and rows(db, WebhookDelivery) == []
    with db() as session:
        actions = [(e.action, e.object_id) for e in session.exec(
            select(AuditEvent).where(AuditEvent.object_type == "webhook")
            .order_by(AuditEvent.id))]
        assert not session.exec(select(Job).where(Job.state == "queued")).all()
    assert actions == [("webhook_created", endpoint.id), ("webhook_deactivated", endpoint.id),
                       ("webhook_activated", endpoint.id), ("webhook_tested", endpoint.id),
                       ("webhook_deleted", endpoint.id)]
    assert client.get(f"/admin/webhooks/{endpoint.id}").status_code == 404


def test_the_pages_and_their_messages_speak_croatian(client, auth, db):
    auth.login("hr")
    croatian = {"Accept-Language": "hr"}
    page = client.get("/admin/webhooks/", headers=croatian).get_data(as_text=True)
    assert "Dodaj krajnju točku" in page and "Još nema krajnje točke" in page
    refused = client.post("/admin/webhooks/new", headers=croatian, data={
        "url": "ftp://example.com/x", "events": ["attempt.started"]})
    assert refused.status_code == 400
    assert "Adresa mora počinjati s http:// ili https://." in refused.get_data(as_text=True)
    assert rows(db, WebhookEndpoint) == []
