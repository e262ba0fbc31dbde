"""HR's webhook endpoints: registering, switching off and on, deleting, each in the
audit log. Flushes only."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, func, select

from hiring import audit
from hiring.items.messages import N_, CandidateError
from hiring.models import Job, JobState, User, WebhookDelivery, WebhookEndpoint
from hiring.webhooks import events, signing, transport
from hiring.webhooks.events import EVENTS, JOB_KIND


class EndpointInvalid(CandidateError, ValueError):
    """The endpoint cannot be registered; the message says why (translated where HR
    reads it)."""


def check_events(chosen: list[str]) -> list[str]:
    """Return the chosen event names in their usual order; raise if none or unknown."""
    known = [str(event) for event in EVENTS]
    unknown = set(chosen) - set(known)
    if unknown:
        raise EndpointInvalid(N_("Unknown event: %(events)s."),
                              events=", ".join(sorted(unknown)))
    if not chosen:
        raise EndpointInvalid(N_("Choose at least one event."))
    return [name for name in known if name in chosen]


def create(*, url: str, description: str, chosen: list[str], actor: User,
           session: Session, now: datetime) -> WebhookEndpoint:
    """Register an endpoint with a new secret (the caller shows it once)."""
    try:
        transport.check_url(url)
    except transport.AddressRefused as refused:
        raise EndpointInvalid(refused.message, **refused.params) from None
    endpoint = WebhookEndpoint(url=url.strip(), description=description.strip()[:200],
                               secret=signing.new_secret(), events=check_events(chosen),
                               created_by=actor.id, created_at=now)
    session.add(endpoint)
    session.flush()
    audit.record(session, actor=actor, action=audit.Action.WEBHOOK_CREATED,
                 object_type="webhook", object_id=endpoint.id, at=now,
                 detail={"url": endpoint.url[:500], "events": endpoint.events})
    return endpoint


def set_active(endpoint: WebhookEndpoint, active: bool, *, actor: User, session: Session,
               now: datetime) -> bool:
    """Switch the endpoint on or off; tell whether it changed. An endpoint switched off
    receives no new event, and its pending deliveries fail at their next try."""
    if endpoint.active == active:
        return False
    endpoint.active = active
    session.flush()
    action = audit.Action.WEBHOOK_ACTIVATED if active else audit.Action.WEBHOOK_DEACTIVATED
    audit.record(session, actor=actor, action=action, object_type="webhook",
                 object_id=endpoint.id, at=now)
    return True


def remove(endpoint: WebhookEndpoint, *, actor: User, session: Session,
           now: datetime) -> int:
    """Delete the endpoint and its deliveries; return how many deliveries went."""
    ids = list(session.exec(select(WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == endpoint.id)))
    waiting = session.exec(select(Job).where(Job.kind == JOB_KIND,
                                             col(Job.state) == JobState.QUEUED)).all()
    for job in waiting:
        if job.params.get("delivery_id") in ids:
            job.state, job.error, job.finished_at = (
                JobState.FAILED, "Its webhook endpoint was deleted.", now)
    session.exec(delete(WebhookDelivery).where(
        col(WebhookDelivery.endpoint_id) == endpoint.id))
    audit.record(session, actor=actor, action=audit.Action.WEBHOOK_DELETED,
                 object_type="webhook", object_id=endpoint.id, at=now,
                 detail={"url": endpoint.url[:500], "deliveries": len(ids)})
    session.delete(endpoint)
    session.flush()
    return len(ids)


def test(endpoint: WebhookEndpoint, *, actor: User, session: Session,
         now: datetime) -> WebhookDelivery:
    """Queue a test event to the endpoint."""
    delivery = events.send_test(endpoint, session=session, now=now)
    audit.record(session, actor=actor, action=audit.Action.WEBHOOK_TESTED,
                 object_type="webhook", object_id=endpoint.id, at=now,
                 detail={"delivery": delivery.id})
    return delivery


def resend(delivery: WebhookDelivery, *, actor: User, session: Session,
           now: datetime) -> WebhookDelivery:
    """Send a delivery's payload again as a new delivery."""
    again = events.resend(delivery, session=session, now=now)
    audit.record(session, actor=actor, action=audit.Action.WEBHOOK_RESENT,
                 object_type="webhook", object_id=delivery.endpoint_id, at=now,
                 detail={"delivery": delivery.id, "new_delivery": again.id})
    return again


def listing(*, session: Session) -> tuple[list[WebhookEndpoint], dict[tuple[int, str], int]]:
    """Every endpoint, oldest first, with its deliveries counted by (endpoint, state)."""
    rows = list(session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.id))))
    counts = {(endpoint_id, state): count for endpoint_id, state, count in session.exec(
        select(WebhookDelivery.endpoint_id, WebhookDelivery.state, func.count())
        .group_by(col(WebhookDelivery.endpoint_id), col(WebhookDelivery.state)))}
    return rows, counts


def delivery_count(endpoint: WebhookEndpoint, *, session: Session) -> int:
    """How many deliveries the endpoint has (deleting it deletes them)."""
    return session.exec(select(func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id)).one()


def recent(endpoint: WebhookEndpoint):
    """The query of an endpoint's deliveries, newest first (for paging)."""
    return select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id).order_by(
        col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc())
