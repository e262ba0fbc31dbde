"""Starting a staff session after a login, and the state between the password and the
second factor's code (hiring.web.two_factor).

Between the two steps the browser's signed session holds only the account's id and the time
the password was right, never a staff session: no staff page opens until the code is right,
and the step lapses after PENDING_FOR."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app, g, redirect, session, url_for
from flask_wtf.csrf import generate_csrf

from hiring import audit, logins
from hiring.db import get_session
from hiring.models import User
from hiring.web.access import now

PENDING_FOR = timedelta(minutes=5)  # time to enter the code after the right password
_PENDING = "two_factor_pending"
MFA_BY_PROVIDER = "mfa_by_provider"  # the session's second factor was the provider's


def begin_session(user: User, next_url: str | None, *, home: Callable[[], str],
                  provider: str | None = None, provider_mfa: bool = False):
    """Start the staff session of a user who has logged in, and go on to their page.

    `next_url` must already be checked to stay on this site. This is where a login
    completes (after the second factor, when the account has one): it is recorded as the
    account's last login and in the audit log, with the single sign-on provider when the
    login came through one. `provider_mfa`: that provider asks a second factor itself
    (trusted_mfa), so this session is not sent to set one up here."""
    db = get_session()
    at = now()
    user.last_login_at = at
    audit.record(db, actor=user, action=audit.Action.LOGGED_IN, object_type="user",
                 object_id=user.id, at=at,
                 detail={"provider": provider} if provider else None)
    # A fresh session on login: the signed cookie changes with its content, and
    # the CSRF token of the anonymous session is dropped for a new one.
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
    session["sid"] = logins.start_session(user, session=db, now=at)
    if provider_mfa:
        session[MFA_BY_PROVIDER] = provider
    g.user = user
    return redirect(next_url or home())


def begin_second_step(user: User, next_url: str | None, *, provider: str | None = None):
    """Remember who gave the right password (or signed in with `provider`), and ask for
    their code."""
    session.clear()
    session[_PENDING] = {"user": user.id, "at": now().timestamp(), "next": next_url or "",
                         "provider": provider or ""}
    return redirect(url_for("two_factor.code"))


def pending_provider() -> str | None:
    """The single sign-on provider the account waiting for its code came through."""
    pending = session.get(_PENDING)
    return (pending.get("provider") or None) if isinstance(pending, dict) else None


def pending_user() -> tuple[User | None, str | None]:
    """The account waiting for its code, and where it was going; (None, None) if none."""
    pending = session.get(_PENDING)
    if not isinstance(pending, dict):
        return None, None
    try:
        at = datetime.fromtimestamp(float(pending.get("at", 0)), UTC)
        user_id = int(pending.get("user", 0))
    except (TypeError, ValueError, OverflowError):
        return None, None
    if not timedelta(0) <= now() - at <= PENDING_FOR:
        session.pop(_PENDING, None)
        return None, None
    return get_session().get(User, user_id), pending.get("next") or None
