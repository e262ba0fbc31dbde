"""HR: the assessment editor — sections, limits, languages, thresholds; versions and a sample draw."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assessment_editor", __name__, url_prefix="/admin/assessments")
