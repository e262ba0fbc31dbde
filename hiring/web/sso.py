"""Single sign-on: leaving for an OpenID Connect provider and coming back from it, and
HR's page of the providers added beside those of the OIDC_PROVIDERS setting.

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
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, gettext, lazy_gettext
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from hiring import audit, sso, staff, two_factor
from hiring.db import commit_if_refused, get_session
from hiring.models import SsoProvider, User
from hiring.web import auth, sessions
from hiring.web.access import hr_only, now, public, records
from hiring.web.forms import ConfirmForm, FlaskForm
from hiring.web.lookup import get_or_404

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
    """The setting's providers, then those HR added (active ones)."""
    return [*current_app.extensions.get(EXTENSION, []),
            *sso.stored_providers(session=get_session())]


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


# --- HR: providers added on a page ---------------------------------------------------------

def _role_choices() -> list[SelectChoice]:
    return [SelectChoice("", lazy_gettext("None: make no account")),
            SelectChoice("interviewer", lazy_gettext("Interviewer")),
            SelectChoice("hr", lazy_gettext("HR manager"))]


class ProviderForm(FlaskForm):
    name = StringField(lazy_gettext("Name in the redirect URI"), validators=[
        InputRequired(), Length(max=40)],
        description=lazy_gettext("Lower-case letters, digits, - and _; e.g. entra."))
    label = StringField(lazy_gettext("Button text"), validators=[InputRequired(),
                                                                 Length(max=80)],
                        description=lazy_gettext("Shown as “Sign in with ...”."))
    issuer = StringField(lazy_gettext("Issuer URL"), validators=[InputRequired(),
                                                                 Length(max=300)])
    discovery_url = StringField(lazy_gettext("Discovery URL (if not at the issuer)"),
                                validators=[Optional(), Length(max=300)])
    client_id = StringField(lazy_gettext("Client ID"), validators=[InputRequired(),
                                                                   Length(max=300)])
    client_secret = PasswordField(lazy_gettext("Client secret"), validators=[
        Optional(), Length(max=500)],
        description=lazy_gettext("Kept as it is when left empty on a saved provider."))
    scopes = StringField(lazy_gettext("Scopes"), default="openid email profile",
                         validators=[InputRequired(), Length(max=300)])
    role_claim = StringField(lazy_gettext("Role claim"), validators=[Optional(),
                                                                     Length(max=100)],
                             description=lazy_gettext("e.g. roles or groups"))
    role_map = TextAreaField(lazy_gettext("Role map"), validators=[Optional(),
                                                                   Length(max=2000)],
                             description=lazy_gettext("One line each: a value of the claim, "
                                                      "=, then hr or interviewer."))
    default_role = SelectField(lazy_gettext("Role of a new account the claim says nothing "
                                            "about"), choices=_role_choices)
    email_domains = StringField(lazy_gettext("Only e-mails of these domains"),
                                validators=[Optional(), Length(max=500)],
                                description=lazy_gettext("Separated by spaces; empty: any."))
    verified_claim = StringField(lazy_gettext("Claim that says the e-mail is verified"),
                                 default="email_verified",
                                 validators=[InputRequired(), Length(max=100)],
                                 description=lazy_gettext("email_verified; for Microsoft "
                                                          "Entra ID, xms_edov"))
    create_users = BooleanField(lazy_gettext("Make an account for a verified e-mail that "
                                             "has none"))
    sync_role = BooleanField(lazy_gettext("The role follows the claim at every login"))
    trusted_mfa = BooleanField(lazy_gettext("The provider asks a second factor itself"))
    active = BooleanField(lazy_gettext("Show the button on the login page"), default=True)


def _role_map(text: str) -> dict[str, str] | None:
    found = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        value, sep, role = line.rpartition("=")
        if not sep or not value.strip() or role.strip() not in ("hr", "interviewer"):
            return None
        found[value.strip()] = role.strip()
    return found


def _settings_of(form: ProviderForm, secret: str) -> dict | None:
    role_map = _role_map(form.role_map.data)
    if role_map is None:
        form.role_map.errors.append(gettext("Each line is a value of the claim, =, then hr "
                                            "or interviewer."))
        return None
    return {"label": form.label.data.strip(), "issuer": form.issuer.data.strip(),
            "discovery_url": (form.discovery_url.data or "").strip(),
            "client_id": form.client_id.data.strip(), "client_secret": secret,
            "scopes": form.scopes.data.split(), "role_claim": (form.role_claim.data or "")
            .strip() or None, "role_map": role_map,
            "default_role": form.default_role.data or None,
            "email_domains": (form.email_domains.data or "").split(),
            "verified_claim": form.verified_claim.data.strip(),
            "create_users": form.create_users.data, "sync_role": form.sync_role.data,
            "trusted_mfa": form.trusted_mfa.data}


def _save(form: ProviderForm, row: SsoProvider | None):
    """Save the form's provider; return the saved row, or None with the form's errors."""
    secret = form.client_secret.data or (row.settings.get("client_secret", "") if row else "")
    if not secret:
        form.client_secret.errors.append(gettext("Enter the client secret."))
        return None
    settings = _settings_of(form, secret)
    if settings is None:
        return None
    taken = {provider.name for provider in current_app.extensions.get(EXTENSION, [])}
    try:
        return sso.save(session=get_session(), name=form.name.data.strip(), settings=settings,
                        active=form.active.data, now=now(), by=g.user, taken=taken, row=row)
    except sso.ProviderConfigError as exc:
        form.name.errors.append(gettext("This provider cannot be saved: %(problem)s",
                                        problem=str(exc).split(": ", 1)[-1]))
        return None


def _form_of(row: SsoProvider) -> ProviderForm:
    settings = row.settings
    form = ProviderForm(data={
        "name": row.name, "label": settings.get("label", ""), "issuer": settings["issuer"],
        "discovery_url": settings.get("discovery_url", ""), "client_id": settings["client_id"],
        "scopes": " ".join(settings.get("scopes") or sso.DEFAULT_SCOPES),
        "role_claim": settings.get("role_claim") or "",
        "role_map": "\n".join(f"{k} = {v}" for k, v in (settings.get("role_map") or {}).items()),
        "default_role": settings.get("default_role") or "",
        "email_domains": " ".join(settings.get("email_domains") or []),
        "verified_claim": settings.get("verified_claim") or "email_verified",
        "create_users": settings.get("create_users", False),
        "sync_role": settings.get("sync_role", False),
        "trusted_mfa": settings.get("trusted_mfa", False), "active": row.active})
    return form


@bp.route("/admin/sso/", methods=["GET", "POST"])
@hr_only
def providers():
    """The providers: those of the setting (read only) and those HR added; add one."""
    form = ProviderForm()
    if form.validate_on_submit():
        row = _save(form, None)
        if row is not None:
            audit.record(get_session(), actor=g.user, action=audit.Action.SSO_PROVIDER_ADDED,
                         object_type="sso_provider", object_id=row.id,
                         detail={"name": row.name})
            flash(gettext("%(name)s is saved.", name=row.name))
            return redirect(url_for("sso.providers"))
    status = 400 if form.errors else 200
    return render_template("admin/sso.html", form=form, stored=sso.stored(session=get_session()),
                           from_settings=current_app.extensions.get(EXTENSION, []),
                           callback=lambda name: url_for("sso.callback", name=name,
                                                         _external=True)), status


@bp.route("/admin/sso/<int:provider_id>", methods=["GET", "POST"])
@hr_only
def provider(provider_id: int):
    """Change a provider HR added (an empty secret keeps the saved one)."""
    row = get_or_404(SsoProvider, provider_id, gettext("No such provider."))
    form = ProviderForm() if request.method == "POST" else _form_of(row)
    if form.validate_on_submit():
        before = row.name
        if _save(form, row) is not None:
            audit.record(get_session(), actor=g.user,
                         action=audit.Action.SSO_PROVIDER_CHANGED,
                         object_type="sso_provider", object_id=row.id,
                         detail={"name": row.name, "was": before})
            flash(gettext("%(name)s is saved.", name=row.name))
            return redirect(url_for("sso.providers"))
    status = 400 if form.errors else 200
    return render_template("admin/sso_provider.html", form=form, row=row,
                           confirm=ConfirmForm(),
                           callback=url_for("sso.callback", name=row.name, _external=True)
                           ), status


@bp.route("/admin/sso/<int:provider_id>/delete", methods=["POST"])
@hr_only
def delete(provider_id: int):
    row = get_or_404(SsoProvider, provider_id, gettext("No such provider."))
    if not ConfirmForm().validate_on_submit():
        flash(gettext("Tick the box to confirm; nothing has changed."))
        return redirect(url_for("sso.provider", provider_id=row.id))
    name = row.name
    sso.delete(row, session=get_session())
    audit.record(get_session(), actor=g.user, action=audit.Action.SSO_PROVIDER_DELETED,
                 object_type="sso_provider", object_id=provider_id, detail={"name": name})
    flash(gettext("%(name)s is deleted: its button is gone from the login page.", name=name))
    return redirect(url_for("sso.providers"))
