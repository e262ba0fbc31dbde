"""The job that sends webhook deliveries, and the starting of it after the commit that
wrote them (hiring.webhooks.events writes them in the transaction of the event).

A delivery is tried at once, then after each pause of events.BACKOFF while its endpoint
fails (an error status, no answer in time, a refused address); the job asks the queue
(hiring.leases.Retry) to run it again then. Every try is recorded on the delivery."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from functools import partial

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import col, select

from hiring import jobs
from hiring.db import after_commit, read_scope, session_scope
from hiring.models import (
    ApiKey,
    GreenhouseTest,
    Job,
    JobState,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from hiring.webhooks import events, signing, transport
from hiring.webhooks.events import DeliveryState, Event

log = logging.getLogger(__name__)
_AFTER_COMMIT = "hiring_webhook_jobs_committed"


def _clock(app: Flask) -> datetime:
    return app.config.get("CLOCK", utcnow)()


def body_of(payload: dict) -> bytes:
    """Return the bytes a delivery posts (and signs)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def deliver(app: Flask, delivery_id: int) -> datetime | None:
    """Make the next try of a pending delivery; return when the one after is due (None:
    it was delivered, failed for good, or is not pending)."""
    with read_scope(app) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.state != DeliveryState.PENDING:
            return None  # deleted with its endpoint, or resolved already
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is None:  # deleted while this job was starting
            return None
        url, secret, active = endpoint.url, endpoint.secret, endpoint.active
        event_name, body = delivery.event, body_of(delivery.payload)
    now = _clock(app)
    if not active and event_name != Event.TEST:
        outcome = transport.TryOutcome(None, None, 0, "The endpoint was deactivated.")
    else:
        timestamp = int(now.timestamp())
        outcome = transport.post(url, body, {
            signing.SIGNATURE_HEADER: signing.header(secret, timestamp, body),
            signing.EVENT_HEADER: event_name,
            signing.DELIVERY_HEADER: str(delivery_id),
        }, timeout=float(app.config.get("WEBHOOK_TIMEOUT_SECONDS") or 10),
            allow_private=bool(app.config.get("WEBHOOKS_ALLOW_PRIVATE")))
    with session_scope(app) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return None
        later = events.record_try(delivery, code=outcome.code, body=outcome.body,
                                  error=outcome.error, duration_ms=outcome.duration_ms,
                                  now=_clock(app))
        if not active and event_name != Event.TEST:
            delivery.state, delivery.next_retry_at, later = DeliveryState.FAILED, None, None
        log.info("webhook delivery %s (%s) try %s: %s %s", delivery_id, event_name,
                 delivery.attempts, outcome.code, outcome.error or "")
    return later


@jobs.work(events.JOB_KIND)
def _deliver_job(job: Job, _session, _run) -> str:
    later = deliver(current_app._get_current_object(), job.params["delivery_id"])
    if later is not None:
        raise jobs.Retry(later, "The endpoint did not accept the delivery; it is tried again.")
    return ""  # nothing to download


@jobs.given_up(events.JOB_KIND)
def _fail_delivery(app: Flask, params: dict, error: str) -> None:
    """The job failed for good (not the endpoint: the sending itself): the delivery fails."""
    with session_scope(app) as session:
        delivery = session.get(WebhookDelivery, params.get("delivery_id"))
        if delivery is not None and delivery.state == DeliveryState.PENDING:
            delivery.state, delivery.next_retry_at = DeliveryState.FAILED, None
            delivery.error = f"Sending stopped: {error}"[:500]


# ---- Greenhouse's callback ----------------------------------------------------------------


def tell_greenhouse(app: Flask, test_id: int) -> datetime | None:
    """Make the next try of telling Greenhouse that a test is complete: a PATCH without a
    body to the address its send_test gave, signed like a webhook delivery with the
    SHA-256 (hex) of the secret part of the key Greenhouse called with as the secret,
    which the key's holder can compute and we keep; return when the next try is due."""
    with read_scope(app) as session:
        test = session.get(GreenhouseTest, test_id)
        if test is None or test.callback_state != DeliveryState.PENDING:
            return None  # erased, or resolved already
        key = session.get(ApiKey, test.api_key_id)
        url, secret, attempt_id = test.callback_url or "", key.secret_hash, test.attempt_id
    body = b""
    timestamp = int(_clock(app).timestamp())
    outcome = transport.post(url, body, {
        signing.SIGNATURE_HEADER: signing.header(secret, timestamp, body),
        signing.EVENT_HEADER: "greenhouse.test_complete",
        signing.DELIVERY_HEADER: f"greenhouse-{test_id}",
    }, timeout=float(app.config.get("WEBHOOK_TIMEOUT_SECONDS") or 10),
        allow_private=bool(app.config.get("WEBHOOKS_ALLOW_PRIVATE")), method="PATCH")
    with session_scope(app) as session:
        test = session.get(GreenhouseTest, test_id)
        if test is None:
            return None
        later = events.record_callback_try(test, code=outcome.code, error=outcome.error,
                                           duration_ms=outcome.duration_ms, now=_clock(app))
        log.info("greenhouse callback of attempt %s try %s: %s %s", attempt_id,
                 len(test.callback_tries or []), outcome.code, outcome.error or "")
    return later


@jobs.work(events.CALLBACK_JOB_KIND)
def _callback_job(job: Job, _session, _run) -> str:
    later = tell_greenhouse(current_app._get_current_object(), job.params["greenhouse_test_id"])
    if later is not None:
        raise jobs.Retry(later, "Greenhouse did not accept the callback; it is tried again.")
    return ""


@jobs.given_up(events.CALLBACK_JOB_KIND)
def _fail_callback(app: Flask, params: dict, error: str) -> None:
    with session_scope(app) as session:
        test = session.get(GreenhouseTest, params.get("greenhouse_test_id"))
        if test is not None and test.callback_state == DeliveryState.PENDING:
            test.callback_state = DeliveryState.FAILED


def run_pending(app: Flask) -> int:
    """Run the webhook jobs (and Greenhouse's callbacks) that are due now; return how
    many (commands, tests)."""
    with read_scope(app) as session:
        ids = list(session.exec(select(Job.id).where(
            col(Job.kind).in_([events.JOB_KIND, events.CALLBACK_JOB_KIND]),
            Job.state == JobState.QUEUED,
            (col(Job.run_after).is_(None)) | (col(Job.run_after) <= _clock(app)))))
    return sum(1 for job_id in ids if jobs.run(app, job_id))


# ---- starting the jobs after the commit ------------------------------------------------


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    ids = session.info.pop(events.PENDING_JOBS, None)
    if not ids or not has_app_context():
        return
    app = current_app._get_current_object()
    if has_request_context() and session is g.get("db_session"):
        for job_id in ids:  # the request's commit: after it, like its mail
            after_commit(partial(jobs.start, app, job_id))
    else:
        session.info[_AFTER_COMMIT] = ids


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Outside a request (commands, jobs): wake a worker; the jobs are in the table, so
    a worker finds them even if this does not reach one. Never run inline here: the
    committing session still holds its connection."""
    ids = session.info.pop(_AFTER_COMMIT, None)
    if not ids or not has_app_context():
        return
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        return  # tests run them with run_pending or run_due
    for job_id in ids:
        jobs.start(app, job_id)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(events.PENDING_JOBS, None)
    session.info.pop(_AFTER_COMMIT, None)
