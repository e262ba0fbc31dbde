"""Staff log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf

from hiring import audit, logins
from hiring.accounts import authenticate
from hiring.db import commit_if_refused, get_session
from hiring.email_address import normalize_email
from hiring.models import Role
from hiring.web.access import now as access_now
from hiring.web.access import public
from hiring.web.forms import LoginForm

bp = Blueprint("auth", __name__)


def _home() -> str:
    if g.user is not None and g.user.role == Role.HR:
        return url_for("assessments.dashboard")
    return url_for("interviewer.attempts")


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/")
@public
def index():
    if g.user is None:
        return redirect(url_for("auth.login"))
    return redirect(_home())


def _per_minute() -> int:
    """The number in LOGIN_RATE_LIMIT ("10 per minute")."""
    return int(str(current_app.config["LOGIN_RATE_LIMIT"]).split()[0])


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log a staff member in; failures are counted in the database (hiring.logins)."""
    form = LoginForm()
    if form.validate_on_submit():
        db, now = get_session(), access_now()
        address, email = request.remote_addr or "", normalize_email(form.email.data)
        refusal = logins.check(session=db, address=address, email=email, now=now,
                               per_minute=_per_minute())
        if refusal is not None:
            page = render_template("auth/login.html", form=form,
                                   refused=gettext("Too many attempts; try again in a minute.")
                                   if refusal.reason == "address" else
                                   gettext("Too many attempts for this e-mail from here; try "
                                           "again in %(seconds)s seconds.",
                                           seconds=refusal.retry_after))
            return page, 429, {"Retry-After": str(refusal.retry_after)}
        user = authenticate(session=db, email=email, password=form.password.data)
        if user is None:
            logins.record_failure(session=db, address=address, email=email, now=now)
            audit.record(db, actor=email[:254], action=audit.Action.LOGIN_FAILED,
                         object_type="user", object_id=None, at=now)
            commit_if_refused()  # the failure counts although this request answers 400
            form.password.errors.append(gettext("Wrong email or password."))
        else:
            logins.record_success(session=db, address=address, email=email)
            user.last_login_at = now
            audit.record(db, actor=user, action=audit.Action.LOGGED_IN, object_type="user",
                         object_id=user.id, at=now)
            # A fresh session on login: the signed cookie changes with its content, and
            # the CSRF token of the anonymous session is dropped for a new one.
            session.clear()
            g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
            generate_csrf()
            session["sid"] = logins.start_session(user, session=db, now=now)
            g.user = user
            return redirect(_safe_next(request.args.get("next")) or _home())
    status = 200 if not form.errors else 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """End the session on the server too: a copy of the cookie no longer works."""
    logins.end_session(session.get("sid"), session=get_session(), now=access_now())
    session.clear()
    flash(gettext("You are logged out."))
    return redirect(url_for("auth.login"))
