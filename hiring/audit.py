"""The audit log: who viewed, rated, exported or erased a candidate's data, and who ran
and adopted keying rounds. Flushes only."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from hiring.models import AuditEvent, User
from hiring.paging import Page, paginate

MAX_DETAIL_CHARS = 2000


class Action(StrEnum):
    VIEWED = "viewed"
    RATED = "rated"
    EXPORTED = "exported"
    ERASED = "erased"
    PURGED = "purged"
    # Keying rounds: a panel of experts rating SJT options, and adopting its keys.
    KEYING_OPENED = "keying_opened"
    KEYING_INVITED = "keying_invited"
    KEYING_REMOVED = "keying_removed"
    KEYING_IMPORTED = "keying_imported"
    KEYING_SIMULATED = "keying_simulated"
    KEYING_CLOSED = "keying_closed"
    KEYING_ADOPTED = "keying_adopted"
    OUTCOMES_IMPORTED = "outcomes_imported"  # job outcomes, for criterion validity
    # The candidate feedback report: the assessment's setting, a release, a new link.
    FEEDBACK_SETTING = "feedback_setting"
    FEEDBACK_RELEASED = "feedback_released"
    FEEDBACK_RESENT = "feedback_resent"
    # Hiring decisions after the assessment, and the questions asked after it.
    DECISION_RECORDED = "decision_recorded"
    STAGES_CHANGED = "stages_changed"
    SELF_ID_QUESTIONS = "self_id_questions"
    # Two-factor login: set up, a recovery code used, required per role, reset by HR.
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"
    RECOVERY_CODE_USED = "recovery_code_used"
    TWO_FACTOR_REQUIRED = "two_factor_required"
    TWO_FACTOR_RESET = "two_factor_reset"
    BLIND_REVIEW_SETTING = "blind_review_setting"  # the assessment's blind review
    # Webhook endpoints: registered, switched off or on, deleted; a delivery sent again.
    WEBHOOK_CREATED = "webhook_created"
    WEBHOOK_DEACTIVATED = "webhook_deactivated"
    WEBHOOK_ACTIVATED = "webhook_activated"
    WEBHOOK_DELETED = "webhook_deleted"
    WEBHOOK_TESTED = "webhook_tested"
    WEBHOOK_RESENT = "webhook_resent"
    # REST API keys, and each call made with one (method, path, status: never a body).
    API_KEY_CREATED = "api_key_created"
    API_KEY_REVOKED = "api_key_revoked"
    API_CALL = "api_call"
    API_CALL_LIMITED = "api_call_limited"  # refused by the rate limit: not counted by it
    # Staff accounts: logging in, and HR administering accounts and their assessments.
    LOGGED_IN = "logged_in"
    LOGIN_FAILED = "login_failed"
    USER_INVITED = "user_invited"
    PASSWORD_SET = "password_set"  # noqa: S105 - through an invitation or a reset link
    RESET_REQUESTED = "reset_requested"
    ROLE_CHANGED = "role_changed"
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    ASSESSMENTS_ASSIGNED = "assessments_assigned"
    # Single sign-on (hiring.sso): an invitation taken up, or an account made, by signing
    # in with a provider; a role set from the provider's role claim (sync_role).
    INVITATION_ACCEPTED = "invitation_accepted"
    USER_CREATED = "user_created"
    # Single sign-on providers HR adds, changes or deletes on the page.
    SSO_PROVIDER_ADDED = "sso_provider_added"
    SSO_PROVIDER_CHANGED = "sso_provider_changed"
    SSO_PROVIDER_DELETED = "sso_provider_deleted"
    LANGUAGE_CHANGED = "language_changed"  # a staff member's own language of the interface


def record(session: Session, *, actor: User | str | None, action: str, object_type: str,
           object_id: int | None, detail: dict | None = None,
           at: datetime | None = None) -> AuditEvent:
    """Add one event to the log; the caller's transaction commits it with the work it records.

    `actor` is the user who acted, or a label ("cli", "system") when no user did; None
    means the system. `detail` must stay small and hold no candidate's personal data.
    `at` defaults to now.
    """
    if detail is not None and len(json.dumps(detail, default=str)) > MAX_DETAIL_CHARS:
        raise ValueError(f"audit detail over {MAX_DETAIL_CHARS} characters")
    if isinstance(actor, User):
        actor_id, label = actor.id, actor.email
    else:
        actor_id, label = None, actor or "system"
    event = AuditEvent(actor_id=actor_id, actor_label=label, action=str(action),
                       object_type=object_type, object_id=object_id, detail=detail)
    if at is not None:
        event.at = at
    session.add(event)
    session.flush()
    return event


def events(session: Session, *, action: str | None = None,
           where: ColumnElement[bool] | None = None, number: int = 1,
           per_page: int = 50) -> Page[AuditEvent]:
    """Return one page of the log, newest first; a page past the end gives the last one."""
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if where is not None:
        query = query.where(where)
    return paginate(query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()),
                    session=session, number=number, per_page=per_page)
