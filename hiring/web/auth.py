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

from hiring import audit, logins, two_factor
from hiring.accounts import authenticate
from hiring.db import commit_if_refused, get_session
from hiring.email_address import normalize_email
from hiring.models import Role
from hiring.web import sessions, sso
from hiring.web.access import now as access_now
from hiring.web.access import public
from hiring.web.forms import LoginForm

bp = Blueprint("auth", __name__)


def home() -> str:
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
    return redirect(home())


def _per_minute() -> int:
    """The number in LOGIN_RATE_LIMIT ("10 per minute")."""
    return int(str(current_app.config["LOGIN_RATE_LIMIT"]).split()[0])


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log a staff member in; failures are counted in the database (hiring.logins).

    With PASSWORD_LOGIN off the page offers only the single sign-on providers and a
    password is refused, whatever it is."""
    form = LoginForm()
    providers = sso.configured()
    next_arg = _safe_next(request.args.get("next"))
    if not sso.password_login():
        if request.method == "POST":
            page = render_template("auth/login.html", form=None, providers=providers,
                                   next_arg=next_arg,
                                   refused=gettext("Logging in with a password is switched "
                                                   "off. Use a button below."))
            return page, 403
        return render_template("auth/login.html", form=None, providers=providers,
                               next_arg=next_arg)
    if form.validate_on_submit():
        db, now = get_session(), access_now()
        address, email = request.remote_addr or "", normalize_email(form.email.data)
        refusal = logins.check(session=db, address=address, email=email, now=now,
                               per_minute=_per_minute())
        if refusal is not None:
            refused = (gettext("Too many attempts; try again in a minute.")
                       if refusal.reason == "address" else
                       gettext("Too many attempts for this e-mail from here; try "
                               "again in %(seconds)s seconds.", seconds=refusal.retry_after))
            page = render_template("auth/login.html", form=form, providers=providers,
                                   next_arg=next_arg, refused=refused)
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
            next_url = _safe_next(request.args.get("next"))
            if two_factor.enrolled(user, session=db):
                return sessions.begin_second_step(user, next_url)
            return sessions.begin_session(user, next_url, home=home)
    status = 200 if not form.errors else 400
    return render_template("auth/login.html", form=form, providers=providers,
                           next_arg=next_arg), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """End the session on the server too: a copy of the cookie no longer works."""
    logins.end_session(session.get("sid"), session=get_session(), now=access_now())
    session.clear()
    flash(gettext("You are logged out."))
    return redirect(url_for("auth.login"))
