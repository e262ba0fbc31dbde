"""HR: the outbox and the e-mail templates."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/admin/mail")
