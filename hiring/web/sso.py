"""Single sign-on: leaving for an OpenID Connect provider and coming back from it.

The rules (the flow's checks, the ID token, who may log in) are in hiring.sso. A login
through a provider ends like a password login (hiring.web.sessions): a fresh session,
the account's last login, the audit log. The second factor: an account with one set up
is asked its code after the provider, unless the provider is marked `trusted_mfa` (it
asks a second factor itself); then no code is asked, nor is the account sent to set one
up when its role requires one."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, gettext

from hiring import audit, sso, staff, two_factor
from hiring.db import commit_if_refused, get_session
from hiring.models import User
from hiring.web import auth, sessions
from hiring.web.access import now, public, records

bp = Blueprint("sso", __name__)
log = logging.getLogger(__name__)
EXTENSION = "hiring.sso"
_FLOW = "sso_flow"


def init_app(app) -> None:
    """Check OIDC_PROVIDERS once, when the app starts; refuse to start without a way in."""
    found = sso.providers(app.config.get("OIDC_PROVIDERS") or [])
    if not app.config.get("PASSWORD_LOGIN", True) and not found:
        raise sso.ProviderConfigError(
            "PASSWORD_LOGIN is false but OIDC_PROVIDERS is empty: nobody could log in. "
            "Configure a provider, or set HIRING_PASSWORD_LOGIN=true.")
    app.extensions[EXTENSION] = found


def configured() -> list[sso.Provider]:
    return current_app.extensions.get(EXTENSION, [])


def password_login() -> bool:
    return bool(current_app.config.get("PASSWORD_LOGIN", True))


def _provider(name: str) -> sso.Provider:
    for provider in configured():
        if provider.name == name:
            return provider
    abort(404, gettext("There is no such sign-in service."))


def _timeout() -> float:
    return float(current_app.config["OIDC_TIMEOUT_SECONDS"])


def _refused(message: str, status: int = 403):
    return render_template("auth/sso_refused.html", message=message), status


def _why(reason: str, provider: sso.Provider, email: str) -> str:
    """The refusal in the person's words (and language)."""
    label = provider.label
    if reason == "unverified":
        return gettext("%(provider)s did not confirm that the e-mail address of your account "
                       "is verified, so it cannot be used to log in here. Verify the address "
                       "with %(provider)s, or ask HR.", provider=label)
    if reason == "domain":
        return gettext("Accounts of %(provider)s with an address like %(email)s cannot log in "
                       "here.", provider=label, email=email)
    if reason == "deactivated":
        return gettext("The account %(email)s is deactivated. Ask HR if you need it again.",
                       email=email)
    if reason == "invitation_expired":
        return gettext("Your invitation has expired. Ask HR to send you a new one.")
    if reason == "other_email":
        return gettext("You signed in to %(provider)s as %(email)s, but the invitation is for "
                       "another address. Sign in with the invited address, or ask HR.",
                       provider=label, email=email)
    if reason == "no_role":
        return gettext("%(provider)s does not say which role you have here, so no account "
                       "was made for %(email)s. Ask HR to invite you.",
                       provider=label, email=email)
    return gettext("There is no account for %(email)s. Ask HR to invite you.", email=email)


@bp.route("/login/sso/<name>")
@public
def begin(name: str):
    """Leave for the provider's login page, remembering how to check the way back."""
    provider = _provider(name)
    redirect_uri = url_for("sso.callback", name=provider.name, _external=True)
    try:
        url, flow = sso.start(provider, redirect_uri=redirect_uri, timeout=_timeout(),
                              language=str(get_locale() or "en").split("_")[0])
    except sso.SsoError as exc:
        log.warning("single sign-on with %s cannot start: %s", provider.name, exc)
        return _refused(gettext("%(provider)s cannot be reached right now. Try again in a "
                                "few minutes.", provider=provider.label), 503)
    session[_FLOW] = {**flow.as_dict(), "next": auth._safe_next(request.args.get("next")) or "",
                      "invitation": request.args.get("invitation", "")[:100]}
    return redirect(url)


def _failed(provider: sso.Provider, reason: str, email: str = ""):
    db = get_session()
    audit.record(db, actor=(email or "anonymous")[:254], action=audit.Action.LOGIN_FAILED,
                 object_type="user", object_id=None, at=now(),
                 detail={"provider": provider.name, "reason": reason})
    commit_if_refused()  # the failure is recorded although this request answers 4xx


@bp.route("/login/sso/<name>/callback")
@public
@records
def callback(name: str):
    """Back from the provider: check everything, then log the person in or say why not."""
    provider = _provider(name)
    stored = session.pop(_FLOW, None)
    flow = sso.Flow.from_dict(stored)
    if flow is None:
        _failed(provider, "state")
        return _refused(gettext("This sign-in was not started here, or it was completed "
                                "already. Start again from the login page."), 400)
    try:
        claims = sso.finish(provider, flow, request.args, timeout=_timeout())
    except sso.SsoError as exc:
        log.warning("single sign-on with %s failed: %s", provider.name, exc)
        _failed(provider, exc.reason)
        if exc.reason == "provider" and request.args.get("error") == "access_denied":
            message = gettext("The sign-in with %(provider)s was cancelled.",
                              provider=provider.label)
        elif exc.reason in ("state", "expired"):
            message = gettext("This sign-in was not started here, or it took too long. Start "
                              "again from the login page.")
        else:
            message = gettext("The sign-in with %(provider)s could not be completed. Try "
                              "again; if it keeps failing, tell HR.", provider=provider.label)
        return _refused(message, 400 if exc.reason in ("state", "expired", "provider")
                        else 502)
    db = get_session()
    invited_email = None
    if stored.get("invitation"):
        try:
            invitation = staff.open_token(stored["invitation"], session=db, now=now())
        except staff.TokenInvalid:
            invitation = None
        if invitation is not None and invitation.purpose == staff.INVITE:
            invited_email = db.get(User, invitation.user_id).email
    try:
        signed_in = sso.match(provider, claims, session=db, now=now(),
                              invited_email=invited_email)
    except sso.Refused as refusal:
        _failed(provider, refusal.reason, refusal.email)
        return _refused(_why(refusal.reason, provider, refusal.email))
    user = signed_in.user
    if signed_in.how == "invitation":
        audit.record(db, actor=user, action=audit.Action.INVITATION_ACCEPTED,
                     object_type="user", object_id=user.id, detail={"provider": provider.name})
    elif signed_in.how == "created":
        audit.record(db, actor=f"sso:{provider.name}", action=audit.Action.USER_CREATED,
                     object_type="user", object_id=user.id,
                     detail={"provider": provider.name, "role": user.role})
    if signed_in.role_before is not None:
        audit.record(db, actor=f"sso:{provider.name}", action=audit.Action.ROLE_CHANGED,
                     object_type="user", object_id=user.id,
                     detail={"from": signed_in.role_before, "to": user.role,
                             "provider": provider.name})
    next_url = auth._safe_next(stored.get("next"))
    if not provider.trusted_mfa and two_factor.enrolled(user, session=db):
        return sessions.begin_second_step(user, next_url, provider=provider.name)
    return sessions.begin_session(user, next_url, home=auth.home, provider=provider.name,
                                  provider_mfa=provider.trusted_mfa)
