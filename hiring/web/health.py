"""/healthz: for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hiring.db import get_session
from hiring.web.access import public

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
