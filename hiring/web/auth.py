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
from flask_wtf.csrf import generate_csrf

from hiring.accounts import authenticate
from hiring.db import get_session
from hiring.models import Role
from hiring.web.access import public
from hiring.web.forms import LoginForm

bp = Blueprint("auth", __name__)


def _home() -> str:
    if g.user is not None and g.user.role == Role.HR:
        return url_for("admin.dashboard")
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


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log a staff member in; limits.py caps the attempts per address and per email."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(session=get_session(), email=form.email.data,
                            password=form.password.data)
        if user is None:
            form.password.errors.append("Wrong email or password.")
        else:
            # A fresh session on login: the signed cookie changes with its content, and
            # the CSRF token of the anonymous session is dropped for a new one.
            session.clear()
            g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
            generate_csrf()
            session["user_id"] = user.id
            session["auth_hash"] = user.password_hash[-16:]
            g.user = user
            return redirect(_safe_next(request.args.get("next")) or _home())
    status = 200 if not form.errors else 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("auth.login"))
