"""The candidate's practice items: before the clock starts, with feedback, never stored."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from hiring.assessment import practice
from hiring.db import get_session
from hiring.items.types import AnswerError, get_type
from hiring.models import Assessment, AttemptState
from hiring.web.access import candidate
from hiring.web.candidate import _attempt, _form_answer

bp = Blueprint("practice", __name__, url_prefix="/a")


@bp.route("/<token>/practice/<int:number>", methods=["GET", "POST"])
@candidate
def item(token: str, number: int):
    """Show a practice item; a post shows the feedback on the answer and stores nothing."""
    attempt = _attempt(token)
    if attempt.state != AttemptState.INVITED:  # the clock runs: practice is over
        return redirect(url_for("candidate.welcome", token=token))
    assessment = get_session().get(Assessment, attempt.assessment_id)
    items = practice.items(assessment, session=get_session())
    if not items:
        return redirect(url_for("candidate.welcome", token=token))
    if not 1 <= number <= len(items):
        abort(404, gettext("There is no such practice question."))
    content = items[number - 1]
    item_type = get_type(content["type"])
    given, confirm, feedback, error = None, None, [], None
    if request.method == "POST":
        try:
            result = practice.answer(content, _form_answer(item_type.answer_fields),
                                     assessment, attempt.language)
        except AnswerError as exc:
            error = exc.translated(gettext, ngettext)
        else:
            given, confirm, feedback = result.answer, result.confirm, result.feedback
    return render_template(
        "candidate/practice.html", attempt=attempt, token=token, number=number,
        total=len(items), view=practice.view(content, assessment, attempt.language),
        template=item_type.template, fields=item_type.answer_fields, error=error,
        answer=given if isinstance(given, dict) else {},
        response={"answer": None if isinstance(given, dict) else given},
        confirm=confirm, feedback=feedback), 400 if error else 200
