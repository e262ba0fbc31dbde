"""Webhooks: events emitted by the attempt's life cycle, signed deliveries to a real HTTP
server on 127.0.0.1, retries with back-off, and refused addresses."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from sqlmodel import select

from hiring import leases, privacy
from hiring.assessment import engine, ratings, simulate
from hiring.models import Job, User, WebhookDelivery, WebhookEndpoint
from hiring.webhook_jobs import run_pending
from hiring.webhooks import endpoints, events, signing, transport
from hiring.webhooks.events import BACKOFF, DeliveryState
from tests.factories import make_attempt, make_user
from tests.receiver import start_receiver

EVERY = [str(event) for event in events.EVENTS]


@pytest.fixture
def receiver():
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def hr(db):
    with db() as session:
        return make_user(session, role="hr")


def register(db, hr, url, chosen=EVERY, clock=None):
    with db() as session:
        return endpoints.create(url=url, description="ATS", chosen=list(chosen),
                                actor=session.get(User, hr.id), session=session,
                                now=clock() if clock else engine.utcnow())


def deliveries(db, event=None):
    with db() as session:
        query = select(WebhookDelivery).order_by(WebhookDelivery.id)
        if event:
            query = query.where(WebhookDelivery.event == event)
        return list(session.exec(query))


# ---- signing ------------------------------------------------------------------------


def test_the_signature_is_the_hmac_of_timestamp_dot_body():
    # Computed apart: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expected = "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
    assert signing.signature("whsec_test", 1700000000, b'{"a":1}') == expected
    assert signing.header("whsec_test", 1700000000, b'{"a":1}') == f"t=1700000000,v1={expected}"


def test_verification_refuses_other_bodies_secrets_and_old_signatures():
    value = signing.header("whsec_test", 1700000000, b'{"a":1}')
    assert signing.verify("whsec_test", value, b'{"a":1}', now=1700000000 + 299)
    assert not signing.verify("whsec_test", value, b'{"a":2}', now=1700000000)
    assert not signing.verify("whsec_other", value, b'{"a":1}', now=1700000000)
    assert not signing.verify("whsec_test", value, b'{"a":1}', now=1700000000 + 301)
    assert not signing.verify("whsec_test", value, b'{"a":1}', now=1700000000 - 301)
    assert not signing.verify("whsec_test", "garbage", b'{"a":1}', now=1700000000)
    assert signing.new_secret() != signing.new_secret()


# ---- emitting -------------------------------------------------------------------------


def test_the_life_cycle_emits_its_events(app, db, hr, assessment, clock, receiver):
    register(db, hr, receiver.url)
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 6, {"text": "Dear customer, sorry."}, session=session,
                           now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
    assert [d.event for d in deliveries(db)] == [
        "invitation.created", "attempt.started", "attempt.submitted"]  # a rating pends
    with db() as session:
        rater = make_user(session, role="interviewer")
        ratings.rate(engine.response_at(attempt, 6, session=session), session=session,
                     rater_id=rater.id, scores={"tone": 4, "empathy": 4}, now=clock())
    assert [d.event for d in deliveries(db)][3:] == ["attempt.rated", "attempt.scored"]
    scored = deliveries(db, "attempt.scored")[0].payload
    assert scored["scores"]["scales"] and scored["scores_pending_ratings"] is False
    assert scored["invitation_id"] == attempt.id and scored["state"] == "scored"
    with db() as session:
        unused, _ = make_attempt(session, assessment, now=clock(), email="b@example.com",
                                 expires_at=clock() + timedelta(hours=1))
        clock.advance(hours=2)
        assert engine.finalize_expired(session=session, now=clock()) == (0, 1)
    expired = deliveries(db, "invitation.expired")
    assert [d.attempt_id for d in expired] == [unused.id]


def test_an_endpoint_gets_only_the_events_it_chose_and_none_when_off(app, db, hr, assessment,
                                                                     clock, receiver):
    chosen = register(db, hr, receiver.url, chosen=["attempt.submitted"])
    off = register(db, hr, receiver.url + "/off")
    with db() as session:
        endpoints.set_active(session.get(WebhookEndpoint, off.id), False,
                             actor=session.get(User, hr.id), session=session, now=clock())
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.submit(attempt, session=session, now=clock())
    found = deliveries(db)
    assert {(d.endpoint_id, d.event) for d in found} == {(chosen.id, "attempt.submitted")}


def test_a_simulated_attempt_and_a_rolled_back_change_send_nothing(app, db, hr, assessment,
                                                                    clock, receiver):
    register(db, hr, receiver.url)
    with db() as session:
        simulate.invite_and_complete(session.merge(assessment), session=session, now=clock(),
                                     rng=random.Random(1))
    assert deliveries(db) == []
    with pytest.raises(RuntimeError), db() as session:
        make_attempt(session, assessment, now=clock())
        raise RuntimeError("the request failed")
    assert deliveries(db) == []
    assert run_pending(app) == 0 and receiver.received == []


def test_the_payload_names_no_one_and_holds_no_answers(app, db, hr, assessment, clock,
                                                       receiver):
    register(db, hr, receiver.url)
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  name="Ana Horvat", email="ana.secret@example.com")
        engine.save_answer(attempt, 6, {"text": "My private answer text"}, session=session,
                           now=clock(), seq=1)
        attempt.focus_losses, attempt.ip_addresses = 3, ["203.0.113.9"]
        engine.submit(attempt, session=session, now=clock())
    run_pending(app)
    assert len(receiver.received) == 3
    for request in receiver.received:
        text = request.body.decode()
        for secret in ("Ana", "Horvat", "ana.secret", "private answer", "203.0.113.9",
                       "focus", "self_id", "candidate_name", "email"):
            assert secret not in text
        body = json.loads(text)
        assert body["invitation_id"] == attempt.id
        assert body["assessment_id"] == assessment.id


# ---- sending ------------------------------------------------------------------------


def test_a_submitted_event_arrives_signed(app, db, hr, assessment, clock, receiver):
    endpoint = register(db, hr, receiver.url, chosen=["attempt.submitted"])
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.submit(attempt, session=session, now=clock())
    assert run_pending(app) == 1
    [request] = receiver.received
    assert request.path == "/hooks/hiring"
    assert request.headers["Hiring-Event"] == "attempt.submitted"
    delivery = deliveries(db)[0]
    assert request.headers["Hiring-Delivery"] == str(delivery.id)
    signature = request.headers["Hiring-Signature"]
    assert signature.startswith(f"t={int(clock().timestamp())},v1=")
    assert signing.verify(endpoint.secret, signature, request.body, now=clock().timestamp())
    assert not signing.verify(endpoint.secret, signature, request.body,
                              now=clock().timestamp() + 3600)
    assert json.loads(request.body)["event"] == "attempt.submitted"
    assert delivery.state == DeliveryState.DELIVERED and delivery.response_code == 200
    assert delivery.response_body == "status 200" and delivery.attempts == 1


def test_a_failing_endpoint_is_retried_with_back_off_until_it_answers(app, db, hr, clock,
                                                                      receiver):
    receiver.statuses[:] = [500, 503, 200]
    endpoint = register(db, hr, receiver.url, clock=clock)
    with db() as session:
        delivery = endpoints.test(session.get(WebhookEndpoint, endpoint.id),
                                  actor=session.get(User, hr.id), session=session, now=clock())
    first_try = clock()
    assert run_pending(app) == 1
    [after_one] = deliveries(db)
    assert after_one.state == DeliveryState.PENDING and after_one.response_code == 500
    assert after_one.next_retry_at == first_try + BACKOFF[0]
    clock.advance(seconds=59)
    assert leases.run_due(app) == 0  # not yet
    clock.advance(seconds=1)
    assert leases.run_due(app) == 1
    assert deliveries(db)[0].response_code == 503
    assert deliveries(db)[0].next_retry_at == clock() + BACKOFF[1]
    clock.advance(minutes=5)
    assert leases.run_due(app) == 1
    [done] = deliveries(db)
    assert done.state == DeliveryState.DELIVERED and done.attempts == 3
    assert [t["code"] for t in done.tries] == [500, 503, 200]
    assert len(receiver.received) == 3
    assert len({r.headers["Hiring-Delivery"] for r in receiver.received}) == 1
    with db() as session:
        job = session.exec(select(Job).where(Job.kind == events.JOB_KIND)).one()
    assert job.state == "done" and delivery.id == done.id


def test_a_delivery_fails_after_its_last_try(app, db, hr, clock, receiver):
    receiver.statuses[:] = [500]
    endpoint = register(db, hr, receiver.url, clock=clock)
    with db() as session:
        endpoints.test(session.get(WebhookEndpoint, endpoint.id),
                       actor=session.get(User, hr.id), session=session, now=clock())
    run_pending(app)
    for pause in BACKOFF:
        clock.advance(seconds=pause.total_seconds())
        assert leases.run_due(app) == 1
    [failed] = deliveries(db)
    assert failed.state == DeliveryState.FAILED and failed.attempts == len(BACKOFF) + 1
    assert failed.next_retry_at is None
    clock.advance(days=2)
    assert leases.run_due(app) == 0
    assert len(receiver.received) == len(BACKOFF) + 1


def test_a_redirect_is_not_followed(app, db, hr, clock, receiver):
    receiver.statuses[:] = [302]
    endpoint = register(db, hr, receiver.url, clock=clock)
    with db() as session:
        endpoints.test(session.get(WebhookEndpoint, endpoint.id),
                       actor=session.get(User, hr.id), session=session, now=clock())
    run_pending(app)
    [delivery] = deliveries(db)
    assert delivery.response_code == 302 and delivery.state == DeliveryState.PENDING
    assert len(receiver.received) == 1


def test_private_addresses_are_refused_unless_allowed(app, db, hr, clock, receiver):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    endpoint = register(db, hr, receiver.url, clock=clock)
    with db() as session:
        endpoints.test(session.get(WebhookEndpoint, endpoint.id),
                       actor=session.get(User, hr.id), session=session, now=clock())
    run_pending(app)
    [delivery] = deliveries(db)
    assert delivery.response_code is None and "private" in delivery.error
    assert receiver.received == []  # nothing left the server
    for address in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1",
                    "fd00::1", "0.0.0.0", "::ffff:127.0.0.1"):  # noqa: S104 - refused
        with pytest.raises(transport.AddressRefused):
            transport.resolve(address, 80, allow_private=False)
    assert transport.resolve("93.184.216.34", 443, allow_private=False) == "93.184.216.34"
    assert transport.resolve("127.0.0.1", 80, allow_private=True) == "127.0.0.1"


def test_https_to_a_server_that_speaks_no_tls_is_a_failed_try_not_a_crash(receiver):
    url = receiver.url.replace("http://", "https://")
    outcome = transport.post(url, b"{}", {}, timeout=5, allow_private=True)
    assert outcome.code is None and not outcome.ok
    assert "SSL" in outcome.error or "EOF" in outcome.error


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "https://",
                                 "http://user:pw@example.com/", "javascript:alert(1)",
                                 "http://example.com:99999/"])
def test_only_http_and_https_addresses_are_taken(url):
    with pytest.raises(transport.AddressRefused):
        transport.check_url(url)


def test_erasing_an_attempt_erases_its_deliveries(app, db, hr, assessment, clock, receiver,
                                                  tmp_path):
    register(db, hr, receiver.url)
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
        other, _ = make_attempt(session, assessment, now=clock(), email="o@example.com")
    with db() as session:
        privacy.erase([attempt.id], session=session, exports_dir=tmp_path, actor="cli",
                      now=clock())
    assert [d.attempt_id for d in deliveries(db)] == [other.id]
    assert run_pending(app) == 2  # the erased one's job finds nothing to send
    assert len(receiver.received) == 1
