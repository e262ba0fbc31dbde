"""Webhook events: their names, their payloads, and emitting them.

An event is emitted in the transaction that made it happen: one delivery row per
active endpoint that chose it, with a job row to send it (hiring.webhook_jobs), so that
nothing is sent for a change that was rolled back and nothing is lost when the sender
is down. The ids of those jobs wait in session.info[PENDING_JOBS] for the glue to start
them after the commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from hiring.db import plain_rows
from hiring.models import (
    Attempt,
    AttemptState,
    GreenhouseTest,
    Job,
    WebhookDelivery,
    WebhookEndpoint,
)
from hiring.scoring.scales import AttemptScores

JOB_KIND = "webhook"
CALLBACK_JOB_KIND = "greenhouse_callback"  # tells Greenhouse a test is complete
# How the idempotency key of an invitation Greenhouse asked for starts, after
# "<api key id>:<position>:": the attempt's own columns tell whether there may be a
# callback to queue, so that other attempts' scoring reads nothing more.
GREENHOUSE_MARK = "greenhouse-"
PENDING_JOBS = "hiring_webhook_jobs"
# The pause before each try after the first; after the last, the delivery has failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=12))


class Event(StrEnum):
    INVITATION_CREATED = "invitation.created"
    ATTEMPT_STARTED = "attempt.started"
    ATTEMPT_SUBMITTED = "attempt.submitted"
    ATTEMPT_SCORED = "attempt.scored"
    ATTEMPT_RATED = "attempt.rated"
    INVITATION_EXPIRED = "invitation.expired"
    TEST = "test"  # sent by HR from the endpoint's page; chosen by no endpoint


EVENTS = [event for event in Event if event != Event.TEST]


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its first try or a retry
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # every try failed


def payload(event: Event, attempt: Attempt, now: datetime) -> dict[str, Any]:
    """Return what an event says of an attempt: ids, state and, once scored, its scale
    scores. Never the candidate's name, e-mail, answers, self-identification or
    integrity facts."""
    body: dict[str, Any] = {
        "event": str(event), "occurred_at": now.isoformat(),
        "assessment_id": attempt.assessment_id, "invitation_id": attempt.id,
        "attempt_id": attempt.id,
        # Invitations made through the API may carry the ATS's reference.
        "external_reference": attempt.external_ref,  # the ATS's id, given through the API
        "state": attempt.state, "language": attempt.language,
        "expires_at": attempt.expires_at.isoformat() if attempt.expires_at else None,
        "started_at": attempt.started_at.isoformat() if attempt.started_at else None,
        "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
    }
    if event in (Event.ATTEMPT_SCORED, Event.ATTEMPT_RATED):
        scores = AttemptScores.from_dict(attempt.results)
        body["scores"] = scores.as_dict() if scores is not None else None
        body["scores_pending_ratings"] = attempt.state != AttemptState.SCORED
    return body


def emit(event: Event, attempt: Attempt, *, session: Session, now: datetime
         ) -> list[WebhookDelivery]:
    """Queue the event for every endpoint that chose it; return the deliveries. A
    simulated attempt (demos, trials) is told to none."""
    return emit_all([event], attempt, session=session, now=now)


_ACTIVE_ENDPOINTS = select(WebhookEndpoint.id, WebhookEndpoint.events).where(
    col(WebhookEndpoint.active).is_(True)).order_by(col(WebhookEndpoint.id))


def emit_all(chosen: list[Event], attempt: Attempt, *, session: Session, now: datetime
             ) -> list[WebhookDelivery]:
    """Queue several events of one moment, finding the endpoints once."""
    if attempt.simulated or not chosen:
        return []
    if Event.ATTEMPT_SCORED in chosen:
        queue_callback(attempt, session=session, now=now)
    # Every start and submit asks: the active endpoints' ids and events as plain rows,
    # and an endpoint's row only for the events it chose.
    endpoints = plain_rows(session, _ACTIVE_ENDPOINTS).all()
    deliveries = []
    for event in chosen:
        wanting = [session.get(WebhookEndpoint, endpoint_id)
                   for endpoint_id, events in endpoints if str(event) in (events or [])]
        if wanting:
            body = payload(event, attempt, now)
            deliveries += [queue_delivery(endpoint, event, body, attempt_id=attempt.id,
                                          session=session, now=now) for endpoint in wanting]
    return deliveries


def queue_delivery(endpoint: WebhookEndpoint, event: Event | str, body: dict, *,
                   attempt_id: int | None, session: Session, now: datetime
                   ) -> WebhookDelivery:
    """Write a delivery and the job that sends it; the job starts after the commit."""
    delivery = WebhookDelivery(endpoint_id=endpoint.id, event=str(event),
                               attempt_id=attempt_id, payload=body, created_at=now,
                               next_retry_at=now)
    session.add(delivery)
    session.flush()
    queue_job(delivery, session=session, now=now)
    return delivery


def queue_job(delivery: WebhookDelivery, *, session: Session, now: datetime,
              run_after: datetime | None = None) -> Job:
    """Write the job that makes the delivery's next try."""
    job = Job(kind=JOB_KIND, total=1, params={"delivery_id": delivery.id},
              created_at=now, run_after=run_after)
    session.add(job)
    session.flush()
    session.info.setdefault(PENDING_JOBS, []).append(job.id)
    return job


def resend(delivery: WebhookDelivery, *, session: Session, now: datetime) -> WebhookDelivery:
    """Send a delivery's payload again, as a new delivery (its own id and tries)."""
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
    return queue_delivery(endpoint, delivery.event, {**delivery.payload},
                          attempt_id=delivery.attempt_id, session=session, now=now)


def send_test(endpoint: WebhookEndpoint, *, session: Session, now: datetime
              ) -> WebhookDelivery:
    """Queue a test event to the endpoint, active or not."""
    body = {"event": str(Event.TEST), "occurred_at": now.isoformat(),
            "endpoint_id": endpoint.id}
    return queue_delivery(endpoint, Event.TEST, body, attempt_id=None, session=session,
                          now=now)


def record_try(delivery: WebhookDelivery, *, code: int | None, body: str | None,
               error: str | None, duration_ms: int, now: datetime) -> datetime | None:
    """Record a try's outcome; return when the next try is due (None: no more)."""
    delivery.attempts += 1
    delivery.response_code, delivery.response_body = code, body
    delivery.error, delivery.duration_ms = error, duration_ms
    delivery.tries = [*(delivery.tries or []), {
        "at": now.isoformat(), "code": code, "duration_ms": duration_ms,
        "error": error, "body": (body or "")[:200]}]
    if code is not None and 200 <= code < 300:
        delivery.state, delivery.delivered_at, delivery.next_retry_at = (
            DeliveryState.DELIVERED, now, None)
        return None
    if delivery.attempts > len(BACKOFF):
        delivery.state, delivery.next_retry_at = DeliveryState.FAILED, None
        return None
    delivery.next_retry_at = now + BACKOFF[delivery.attempts - 1]
    return delivery.next_retry_at


def emit_changes(before: str, attempt: Attempt, *, session: Session, now: datetime
                 ) -> list[WebhookDelivery]:
    """Emit the events of the attempt's change of state from `before`."""
    return emit_all(state_changes(before, attempt), attempt, session=session, now=now)


def state_changes(before: str, attempt: Attempt) -> list[Event]:
    """Return the events a change of the attempt's state from `before` makes."""
    events = []
    if before == attempt.state:
        return events
    if attempt.state == AttemptState.IN_PROGRESS:
        events.append(Event.ATTEMPT_STARTED)
    if attempt.state == AttemptState.EXPIRED:
        events.append(Event.INVITATION_EXPIRED)
    if before in (AttemptState.INVITED, AttemptState.IN_PROGRESS) and attempt.state in (
            AttemptState.SUBMITTED, AttemptState.SCORED):
        events.append(Event.ATTEMPT_SUBMITTED)
    if attempt.state == AttemptState.SCORED:
        events.append(Event.ATTEMPT_SCORED)
    return events


# ---- Greenhouse's callback ----------------------------------------------------------------
# An invitation Greenhouse asked for may carry an address to tell when the test is
# complete (hiring.api.greenhouse): a PATCH without a body, made by a job like a webhook
# delivery's, with the same pauses between tries and every try recorded.


def queue_callback(attempt: Attempt, *, session: Session, now: datetime) -> Job | None:
    """Queue the telling of Greenhouse that the attempt is complete, once; return the job
    (None: Greenhouse did not ask for it, or it is queued or done already)."""
    if not (attempt.idempotency_key or "").split(":", 2)[-1].startswith(GREENHOUSE_MARK):
        return None
    test = session.exec(select(GreenhouseTest).where(
        GreenhouseTest.attempt_id == attempt.id)).first()
    if test is None or not test.callback_url or test.callback_state is not None:
        return None
    test.callback_state = DeliveryState.PENDING
    job = Job(kind=CALLBACK_JOB_KIND, total=1, params={"greenhouse_test_id": test.id},
              created_at=now)
    session.add(job)
    session.flush()
    session.info.setdefault(PENDING_JOBS, []).append(job.id)
    return job


def record_callback_try(test: GreenhouseTest, *, code: int | None, error: str | None,
                        duration_ms: int, now: datetime) -> datetime | None:
    """Record a try of the callback; return when the next is due (None: no more)."""
    tries = [*(test.callback_tries or []), {
        "at": now.isoformat(), "code": code, "duration_ms": duration_ms, "error": error}]
    test.callback_tries = tries
    if code is not None and 200 <= code < 300:
        test.callback_state = DeliveryState.DELIVERED
        return None
    if len(tries) > len(BACKOFF):
        test.callback_state = DeliveryState.FAILED
        return None
    return now + BACKOFF[len(tries) - 1]
