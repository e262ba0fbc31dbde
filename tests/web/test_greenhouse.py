"""Greenhouse's Assessment Partner API, called by a fake Greenhouse written from the
contract (tests/greenhouse_client.py): the tests, a test sent and e-mailed, the candidate
takes it, a webhook endpoint on 127.0.0.1 is told (its first delivery fails and is
retried) and so is Greenhouse's callback address, then test_status gives the scores and
the profile's address. Then every refusal, in Greenhouse's error format."""

from __future__ import annotations

import hashlib
import json
import re
from email import policy
from email.parser import BytesParser

import pytest
from sqlmodel import select

from hiring import api_keys, webhook_jobs
from hiring.assessment import engine
from hiring.models import (
    ApiKey,
    Attempt,
    AuditEvent,
    EmailMessage,
    GreenhouseTest,
    WebhookDelivery,
)
from hiring.webhooks import signing
from tests.factories import make_user
from tests.greenhouse_client import GreenhouseClient
from tests.receiver import start_receiver
from tests.web.test_webhooks import add_endpoint

READ, WRITE = api_keys.RESULTS_READ, api_keys.INVITATIONS_WRITE


@pytest.fixture
def keys(db, clock):
    made = {}
    with db() as session:
        hr = make_user(session, role="hr")
        for name, scopes in (("both", [READ, WRITE]), ("read", [READ]), ("write", [WRITE]),
                             ("revoked", [READ, WRITE])):
            key, secret = api_keys.create(session=session, name=name, scopes=scopes,
                                          created_by=hr, now=clock())
            made[name] = secret
            if name == "revoked":
                api_keys.revoke(key, session=session, by=hr, now=clock())
    return made


@pytest.fixture
def greenhouse(client, keys):
    return GreenhouseClient(client, keys["both"])


@pytest.fixture
def receivers():
    started = [start_receiver() for _ in range(2)]
    yield [receiver for receiver, _server in started]
    for _receiver, server in started:
        server.shutdown()
        server.server_close()


def rows(db, model):
    with db() as session:
        return list(session.exec(select(model).order_by(model.id)))


def test_a_test_from_send_test_to_a_signed_delivery_the_callback_and_its_scores(
        app, client, auth, db, assessment, clock, keys, greenhouse, receivers):
    webhook, callback = receivers
    webhook.statuses[:] = [500, 200]  # the first delivery fails, its retry succeeds
    auth.login("hr")
    secret, _page = add_endpoint(client, webhook.url, events=("attempt.scored",))
    auth.logout()

    tests = greenhouse.list_tests()
    assert tests.status == 200
    assert {"partner_test_id": str(assessment.id),
            "partner_test_name": "Test assessment"} in tests.body

    callback_url = callback.url.replace("/hooks/hiring", "/take_home_tests/12345")
    sent = greenhouse.send_test(str(assessment.id), url=callback_url)
    assert sent.status == 200
    interview = sent.body["partner_interview_id"]
    [attempt] = rows(db, Attempt)
    assert interview == str(attempt.id)
    assert (attempt.candidate_name, attempt.candidate_email, attempt.external_ref) == (
        "Harry Potter", "hpotter@example.com", "26234709")
    assert attempt.language == "en" and attempt.idempotency_key.startswith(
        f"{rows(db, ApiKey)[0].id}:0:greenhouse-")
    again = greenhouse.send_test(str(assessment.id), url=callback_url)  # Greenhouse retries
    assert again.status == 200 and again.body == sent.body
    assert len(rows(db, Attempt)) == 1

    [mail] = rows(db, EmailMessage)  # e-mailed once, to the outbox (no SMTP server here)
    assert (mail.attempt_id, mail.to_address, mail.state) == (
        attempt.id, "hpotter@example.com", "outbox")
    with open(f"{app.instance_path}/outbox/{mail.outbox_file}", "rb") as source:
        message = BytesParser(policy=policy.default).parse(source)
    token = re.search(r"/a/([\w-]+)", message.get_content())[1]

    status = greenhouse.test_status(interview)
    assert status.body == {"partner_status": "invited", "partner_profile_url": None,
                           "partner_score": None, "metadata": None}

    candidate = app.test_client()
    assert candidate.post(f"/a/{token}/start").status_code == 302
    assert greenhouse.test_status(interview).body["partner_status"] == "in_progress"
    with db() as session:
        taking = session.get(Attempt, attempt.id)
        for position in range(1, 5):
            engine.save_answer(taking, position, {"best": "a"}, session=session,
                               now=clock(), seq=1)
        engine.save_answer(taking, 5, {"value": "0"}, session=session, now=clock(), seq=1)
    assert candidate.post(f"/a/{token}/submit", data={"confirm": "1"}).status_code == 302

    # After the submit's commit: the webhook's first try failed, Greenhouse was told.
    [first] = webhook.received
    [told] = callback.received
    [delivery] = rows(db, WebhookDelivery)
    assert delivery.state == "pending" and delivery.response_code == 500
    assert told.method == "PATCH" and told.path == "/take_home_tests/12345"
    assert told.body == b""
    key_secret = keys["both"].removeprefix("hiring_").partition("_")[2]
    assert signing.verify(hashlib.sha256(key_secret.encode()).hexdigest(),
                          told.headers["Hiring-Signature"], b"", now=clock().timestamp())
    [test] = rows(db, GreenhouseTest)
    assert test.callback_state == "delivered" and len(test.callback_tries) == 1

    assert webhook_jobs.run_pending(app) == 0  # the retry waits its minute
    clock.advance(minutes=1)
    assert webhook_jobs.run_pending(app) == 1
    assert len(webhook.received) == 2 and len(callback.received) == 1  # told once only
    retried = webhook.received[1]
    assert retried.headers["Hiring-Delivery"] == first.headers["Hiring-Delivery"]
    assert signing.verify(secret, retried.headers["Hiring-Signature"], retried.body,
                          now=clock().timestamp())
    body = json.loads(retried.body)
    assert body["event"] == "attempt.scored" and body["attempt_id"] == attempt.id
    assert body["external_reference"] == "26234709" and "Harry" not in retried.body.decode()
    [delivery] = rows(db, WebhookDelivery)
    assert delivery.state == "delivered" and delivery.attempts == 2

    status = greenhouse.test_status(interview).body
    assert status["partner_status"] == "complete"
    assert status["partner_profile_url"] == f"http://localhost/attempts/{attempt.id}"
    with db() as session:
        scored = session.get(Attempt, attempt.id)
        assert scored.state == "scored"
        judgement = scored.results["scales"]["judgement"]["score"]
    assert status["partner_score"] == round(judgement, 1)
    metadata = status["metadata"]
    assert metadata["Assessment"] == "Test assessment" and metadata["Submitted at"]
    assert metadata["Scores"].endswith("partner_score is Customer-service judgement")
    assert metadata["Customer-service judgement"] == status["partner_score"]
    assert all(isinstance(value, str | int | float) for value in metadata.values())
    text = json.dumps(status)
    for private in ("Harry", "hpotter", "paste", "focus", "ip_", "strength", "band"):
        assert private not in text

    with db() as session:  # every call of the key is in the audit log
        calls = [e.detail["path"] for e in session.exec(select(AuditEvent).where(
            AuditEvent.action == "api_call").order_by(AuditEvent.id))]
    assert calls.count("/integrations/greenhouse/test_status") == 3
    assert calls.count("/integrations/greenhouse/send_test") == 2


def test_the_profile_link_is_under_the_configured_address(
        app, db, assessment, clock, greenhouse):
    app.config["MAIL_BASE_URL"] = "https://hiring.example.com"
    interview = greenhouse.send_test(str(assessment.id)).body["partner_interview_id"]
    with db() as session:
        attempt = session.get(Attempt, int(interview))
        engine.start(attempt, session=session, now=clock())
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "b"}, session=session,
                               now=clock(), seq=1)
        engine.save_answer(attempt, 5, {"value": "1"}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
    status = greenhouse.test_status(interview).body
    assert status["partner_status"] == "complete"
    assert status["partner_profile_url"] == \
        f"https://hiring.example.com/attempts/{interview}"
    assert [row.callback_state for row in rows(db, GreenhouseTest)] == [None]  # no url


def test_a_failing_callback_is_retried_until_greenhouse_accepts_it(
        app, db, assessment, clock, greenhouse, receivers):
    _webhook, callback = receivers
    callback.statuses[:] = [503, 200]
    interview = greenhouse.send_test(str(assessment.id), url=callback.url
                                     ).body["partner_interview_id"]
    with db() as session:
        attempt = session.get(Attempt, int(interview))
        engine.start(attempt, session=session, now=clock())
        for position in range(1, 6):
            engine.save_answer(attempt, position, {"best": "a"} if position < 5
                               else {"value": "3"}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
    assert webhook_jobs.run_pending(app) == 1  # outside a request: a worker's job
    [test] = rows(db, GreenhouseTest)
    assert test.callback_state == "pending" and test.callback_tries[0]["code"] == 503
    clock.advance(minutes=1)
    assert webhook_jobs.run_pending(app) == 1
    [test] = rows(db, GreenhouseTest)
    assert test.callback_state == "delivered" and [t["code"] for t in
                                                   test.callback_tries] == [503, 200]
    assert [r.method for r in callback.received] == ["PATCH", "PATCH"]


# ---- refusals -------------------------------------------------------------------------------


def test_a_bad_or_revoked_key_is_refused_and_changes_nothing(client, db, assessment, keys):
    for key in ("hiring_nothing_here", keys["revoked"], ""):
        for answer in (GreenhouseClient(client, key).list_tests(),
                       GreenhouseClient(client, key).send_test(str(assessment.id))):
            assert answer.status == 401
            assert answer.headers["WWW-Authenticate"] == 'Basic realm="hiring"'
            assert "HTTP Basic" in answer.body["errors"][0]
    bearer = client.get("/integrations/greenhouse/list_tests",
                        headers={"Authorization": f"Bearer {keys['both']}"})
    assert bearer.status_code == 401 and bearer.json["api_call"] == "list_tests"
    assert rows(db, Attempt) == []


def test_each_call_needs_its_scope(client, db, assessment, keys):
    reader, writer = GreenhouseClient(client, keys["read"]), GreenhouseClient(client,
                                                                              keys["write"])
    assert reader.list_tests().status == 200
    refused = reader.send_test(str(assessment.id))
    assert refused.status == 403 and "invitations:write" in refused.body["errors"][0]
    assert refused.body["api_call"] == "send_test" and rows(db, Attempt) == []
    assert writer.list_tests().status == 403
    interview = writer.send_test(str(assessment.id)).body["partner_interview_id"]
    assert writer.test_status(interview).status == 403
    assert reader.test_status(interview).body["partner_status"] == "invited"


def test_unknown_tests_and_interviews_are_not_found(greenhouse, db, assessment, clock):
    for test_id in ("999", "abc", ""):
        answer = greenhouse.send_test(test_id)
        assert answer.status == 404 and "list_tests" in answer.body["errors"][0]
    with db() as session:  # an invitation made elsewhere is no Greenhouse interview
        other, _ = engine.invite(session.merge(assessment), session=session, name="Ana",
                                 email="ana@example.com",
                                 expires_at=clock().replace(year=2027))
    for interview in (str(other.id), "12345678", "x1"):
        answer = greenhouse.test_status(interview)
        assert answer.status == 404 and "partner_interview_id" in answer.body["errors"][0]
    missing = greenhouse.test_status(" ")
    assert missing.status == 400 and missing.body["api_call"] == "test_status"
    assert len(rows(db, Attempt)) == 1


@pytest.mark.parametrize("kwargs, status, words", [
    ({"email": None}, 400, "candidate.email: the candidate's e-mail address is missing"),
    ({"email": "  "}, 400, "e-mail address is missing"),
    ({"email": "not an address"}, 422, "candidate.email: This is not a valid e-mail"),
    ({"first_name": ""}, 400, "candidate.first_name"),
    ({"raw": b"{not json"}, 400, "The request is not valid JSON."),
    ({"raw": b"[1, 2]"}, 400, "The body must be a JSON object"),
    ({"url": "ftp://app.greenhouse.io/x"}, 400, "url: The address must start with http"),
])
def test_a_malformed_send_test_is_refused_with_a_clear_error(greenhouse, db, assessment,
                                                             kwargs, status, words):
    answer = greenhouse.send_test(str(assessment.id), **kwargs)
    assert answer.status == status and answer.body["api_call"] == "send_test"
    assert any(words in error for error in answer.body["errors"]), answer.body
    assert rows(db, Attempt) == [] and rows(db, EmailMessage) == []


def test_a_private_callback_address_is_refused_unless_allowed(app, greenhouse, db,
                                                               assessment):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    answer = greenhouse.send_test(str(assessment.id), url="http://127.0.0.1:9/done")
    assert answer.status == 400 and "private, loopback" in answer.body["errors"][0]
    assert rows(db, Attempt) == []


def test_a_replaced_assessment_is_closed_to_new_tests(db, assessment, greenhouse):
    from hiring.models import Assessment

    with db() as session:  # HR edited it after candidates took it: a new version
        old = session.get(Assessment, assessment.id)
        old.key = "csr"
        newer = Assessment(bank_id=old.bank_id, name="Test assessment", key="csr",
                           sections=old.sections, version=2)
        session.add(newer)
        session.flush()
        old.replaced_by_id = newer_id = newer.id
    listed = [test["partner_test_id"] for test in greenhouse.list_tests().body]
    assert listed == [str(newer_id)]
    answer = greenhouse.send_test(str(assessment.id))
    assert answer.status == 409 and f"assessment {newer_id}" in answer.body["errors"][0]
    assert rows(db, Attempt) == []


def test_the_same_url_for_another_candidate_is_a_conflict(greenhouse, db, assessment):
    first = greenhouse.send_test(str(assessment.id), url="http://127.0.0.1:9/t/1")
    assert first.status == 200
    other = greenhouse.send_test(str(assessment.id), url="http://127.0.0.1:9/t/1",
                                 email="ron@example.com")
    assert other.status == 409 and "different request" in other.body["errors"][0]
    twice = greenhouse.send_test(str(assessment.id), url="http://127.0.0.1:9/t/2")
    assert twice.status == 422 and "already has an open invitation" in twice.body["errors"][0]
    assert len(rows(db, Attempt)) == 1 and len(rows(db, EmailMessage)) == 1


def test_response_error_is_taken_and_logged_without_the_email(greenhouse, caplog):
    answer = greenhouse.response_error(
        "test_status", ["partner_status is 'complete' but partner_profile url is missing"],
        partner_test_id="12345", partner_interview_id="299506",
        candidate_email="hpotter@example.com")
    assert answer.status == 200 and answer.body == {"status": 200}
    assert "partner_profile url is missing" in caplog.text and "299506" in caplog.text
    assert "hpotter" not in caplog.text
    bad = greenhouse.response_error("test_status", "not a list")
    assert bad.status == 400 and bad.body["errors"][0].startswith("errors")


def test_other_addresses_and_methods_answer_in_the_same_format(client, greenhouse):
    wrong_method = client.get("/integrations/greenhouse/send_test")
    assert wrong_method.status_code == 405 and wrong_method.headers["Allow"] == "POST"
    assert wrong_method.json["errors"] == ["Use POST here."]
    nothing = client.get("/integrations/greenhouse/delete_everything")
    assert nothing.status_code == 404 and "list_tests" in nothing.json["errors"][0]


def test_the_rate_limit_is_the_apis(app, greenhouse):
    app.config["API_RATE_LIMIT"] = 2
    assert greenhouse.list_tests().status == 200
    assert greenhouse.list_tests().status == 200
    limited = greenhouse.list_tests()
    assert limited.status == 429 and limited.headers["Retry-After"] == "60"


def test_erasing_the_candidate_erases_what_greenhouse_sent(app, db, assessment, clock,
                                                          greenhouse):
    from hiring import jobs, privacy

    interview = greenhouse.send_test(str(assessment.id), url="http://127.0.0.1:9/t/1"
                                     ).body["partner_interview_id"]
    with db() as session:
        privacy.erase([int(interview)], session=session, exports_dir=jobs.exports_dir(app),
                      actor="cli", now=clock())
    assert rows(db, Attempt) == [] and rows(db, GreenhouseTest) == []
    assert greenhouse.test_status(interview).status == 404


def test_a_cancelled_or_expired_invitation_says_so(db, assessment, clock, greenhouse):
    from hiring.mail import invitations

    cancelled = greenhouse.send_test(str(assessment.id)).body["partner_interview_id"]
    expiring = greenhouse.send_test(str(assessment.id), email="ron@example.com"
                                    ).body["partner_interview_id"]
    with db() as session:
        invitations.cancel(session.get(Attempt, int(cancelled)), session=session,
                           now=clock())
    assert greenhouse.test_status(cancelled).body["partner_status"] == "cancelled"
    clock.advance(days=40)
    status = greenhouse.test_status(expiring).body
    assert status == {"partner_status": "expired", "partner_profile_url": None,
                      "partner_score": None, "metadata": None}


def test_a_written_answer_waits_for_its_rating_before_greenhouse_is_told(
        app, db, assessment, clock, greenhouse, receivers):
    from hiring.assessment import ratings

    _webhook, callback = receivers
    interview = greenhouse.send_test(str(assessment.id), url=callback.url
                                     ).body["partner_interview_id"]
    with db() as session:
        attempt = session.get(Attempt, int(interview))
        engine.start(attempt, session=session, now=clock())
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session,
                               now=clock(), seq=1)
        engine.save_answer(attempt, 5, {"value": "3"}, session=session, now=clock(), seq=1)
        engine.save_answer(attempt, 6, {"text": "Dear Ana, I am sorry for the wait."},
                           session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
    assert webhook_jobs.run_pending(app) == 0 and callback.received == []
    status = greenhouse.test_status(interview).body
    assert status["partner_status"] == "awaiting_ratings" and status["partner_score"] is None
    assert status["metadata"]["Scores"] == "Waiting for the ratings of written answers."

    with db() as session:
        rater = make_user(session, role="interviewer", email="rater@example.com")
        ratings.rate(engine.response_at(attempt, 6, session=session), session=session,
                     rater_id=rater.id, scores={"tone": 4, "empathy": 4}, now=clock())
    assert webhook_jobs.run_pending(app) == 1
    assert [r.method for r in callback.received] == ["PATCH"]
    status = greenhouse.test_status(interview).body
    assert status["partner_status"] == "complete" and status["partner_score"] is not None
    with db() as session:  # rating again tells Greenhouse nothing more
        ratings.rate(engine.response_at(attempt, 6, session=session), session=session,
                     rater_id=rater.id, scores={"tone": 5, "empathy": 5}, now=clock())
    assert webhook_jobs.run_pending(app) == 0 and len(callback.received) == 1


def test_without_an_address_for_links_no_test_is_sent(db, assessment, greenhouse,
                                                      monkeypatch):
    from hiring import mailer

    def unavailable(*_args, **_kwargs):
        raise mailer.LinkUnavailable()

    monkeypatch.setattr(mailer, "link_builder", unavailable)  # production, no MAIL_BASE_URL
    answer = greenhouse.send_test(str(assessment.id))
    assert answer.status == 503 and "MAIL_BASE_URL" in answer.body["errors"][0]
    assert rows(db, Attempt) == [] and rows(db, EmailMessage) == []
