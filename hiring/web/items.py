"""HR: the question editor — create, edit, preview, retire and restore items; revision history and diffs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("items", __name__, url_prefix="/admin/banks")
