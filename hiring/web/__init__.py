"""The web layer: one blueprint per subject, forms, access rules."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask_babel import gettext, refresh
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from hiring import jobs, logins
from hiring.db import get_session, request_writes, session_scope
from hiring.models import User, utcnow
from hiring.reports.formatting import format_rounded
from hiring.scoring import aggregates
from hiring.web import (
    account,
    adverse_impact,
    api_keys,
    assessments,
    auth,
    banks,
    blind_review,
    calibration,
    candidate,
    decisions,
    expert,
    exports,
    feedback,
    health,
    interviewer,
    invitations,
    items,
    keying,
    limits,
    mail,
    privacy,
    quick_saves,
    self_id,
    sso,
    technical_report,
    two_factor,
    users,
    validity,
    webhooks,
)
from hiring.web.headers import security_headers
from hiring.web.text_blocks import text_blocks

csrf = CSRFProtect()


def _keep_aggregates(_exc) -> None:
    """Start the tasks that keep the figures this request found out of date."""
    db_session = g.get("db_session")
    if db_session is not None:
        stale = aggregates.stale(db_session)
        if stale:
            jobs.keep_aggregates(current_app._get_current_object(), stale)


def _load_user() -> None:
    """Find the staff member of this request from the server-side session (hiring.logins)."""
    g.user = None
    token = session.get("sid")
    if not token:  # a candidate's request: no staff session to look for
        return
    found = logins.open_session(token, session=get_session())
    if found is None:
        return
    now = current_app.config.get("CLOCK", utcnow)()
    idle = timedelta(hours=current_app.config["STAFF_SESSION_IDLE_HOURS"])
    expired = logins.idle_too_long(found, now=now, idle=idle)
    if expired or logins.needs_touch(found, now=now):
        if request_writes():  # this request's transaction has the write lock already
            logins.touch(found.id, session=get_session(), now=now, end=expired)
        else:
            with session_scope() as writing:
                logins.touch(found.id, session=writing, now=now, end=expired)
    if not expired:
        user = get_session().get(User, found.user_id)
        g.user = user if user is not None and user.active else None
        refresh()  # a text translated before now was in the browser's language


def _wants_json() -> bool:
    return request.is_json or request.path.endswith("/save")


def _error(exc: HTTPException):
    message = limits.too_large_message() if exc.code == 413 else exc.description
    if _wants_json():
        return jsonify(ok=False, error=message), exc.code
    candidate_page = request.blueprint in ("candidate", "expert", "self_id", "feedback_report")
    return render_template("error.html", error=exc, message=message,
                           candidate_page=candidate_page), exc.code


def _csrf_error(exc: CSRFError):
    message = gettext("Your session has expired or the page is out of date. "
                      "Reload the page and try again.")
    if _wants_json():
        return jsonify(ok=False, error=message, csrf=True), 400
    return render_template("error.html", error=exc, message=message), 400


def init_app(app: Flask) -> None:
    """Register the blueprints, CSRF protection and error pages."""
    app.config.setdefault("CLOCK", utcnow)
    app.jinja_env.filters["rounded"] = format_rounded
    app.jinja_env.filters["text_blocks"] = text_blocks
    for blueprint in (assessments.bp, auth.bp, banks.bp, calibration.bp, candidate.bp,
                      decisions.bp, expert.bp, exports.bp, feedback.bp, feedback.report_bp,
                      health.bp, interviewer.bp, invitations.bp, items.bp, keying.bp, mail.bp,
                      privacy.bp, self_id.bp, validity.bp, adverse_impact.bp,
                      technical_report.bp, two_factor.bp, blind_review.bp, webhooks.bp,
                      api_keys.bp, users.bp, sso.bp, account.bp):
        app.register_blueprint(blueprint)
    sso.init_app(app)  # checks OIDC_PROVIDERS: a mistake stops the start
    limits.init_app(app)  # before CSRF: its checks read the raw body first
    csrf.init_app(app)
    app.before_request(_load_user)
    app.before_request(two_factor.require_enrolment)  # after _load_user
    app.teardown_request(_keep_aggregates)  # before the session closes, after its commit
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(CSRFError, _csrf_error)

    @app.context_processor
    def _globals():
        return {"current_user": g.get("user")}

    @app.after_request
    def _headers(response):
        return security_headers(response, https=app.config["HTTPS"])

    quick_saves.init_app(app)  # in front of all of it
