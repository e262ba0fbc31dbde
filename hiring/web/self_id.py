"""The candidate's voluntary self-identification, offered once after submitting."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from hiring.assessment import self_id
from hiring.db import get_session
from hiring.models import Assessment, AttemptState
from hiring.web.access import candidate, now
from hiring.web.candidate import _attempt
from hiring.web.forms import FlaskForm

bp = Blueprint("self_id", __name__, url_prefix="/a")


def _form(keys: list[str]) -> FlaskForm:
    """A form with one radio group per question, each ending with "prefer not to say"."""

    class SelfIdForm(FlaskForm):
        pass

    for key in keys:
        choices = [SelectChoice(option, gettext(self_id.OPTION_TEXTS[key][option]))
                   for option in self_id.QUESTIONS[key]]
        choices.append(SelectChoice(self_id.PREFER_NOT, gettext(self_id.PREFER_NOT_TEXT)))
        setattr(SelfIdForm, key, RadioField(gettext(self_id.QUESTION_TEXTS[key]),
                                            choices=choices, validators=[Optional()]))
    return SelfIdForm()


@bp.route("/<token>/about-you", methods=["GET", "POST"])
@candidate
def form(token: str):
    """Ask the voluntary questions, after submitting and only once (sent or skipped)."""
    attempt = _attempt(token)
    session = get_session()
    if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
        abort(404, gettext("These questions are asked only after the assessment is "
                           "submitted."))
    assessment = session.get(Assessment, attempt.assessment_id)
    if not self_id.offered(attempt, assessment, session=session):
        return redirect(url_for("candidate.done", token=token))
    keys = self_id.questions(assessment)
    form = _form(keys)
    status = 200
    if request.method == "POST":
        if request.form.get("skip"):
            self_id.save(attempt, assessment, {}, session=session, now=now())
            flash(gettext("You skipped the questions: no answer was recorded."))
            return redirect(url_for("candidate.done", token=token))
        if form.validate_on_submit():
            self_id.save(attempt, assessment, {key: form[key].data for key in keys},
                         session=session, now=now())
            flash(gettext("Thank you: your answers were saved."))
            return redirect(url_for("candidate.done", token=token))
        status = 400
    return render_template("candidate/self_id.html", attempt=attempt, token=token, form=form,
                           keys=keys), status
