"""Staff: hiring decisions after the assessment, and the self-identification questions.

HR sets an assessment's decision stages and the voluntary questions candidates are asked
after submitting, and sees the answers counted; HR and interviewers record a candidate's
stage."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from hiring.assessment import decisions, self_id
from hiring.db import get_session
from hiring.models import Assessment, Attempt
from hiring.web.access import check_attempt, hr_only, now, staff
from hiring.web.forms import ConfirmForm, FlaskForm, MultiCheckboxField, Required
from hiring.web.lookup import get_or_404

bp = Blueprint("decisions", __name__, url_prefix="/decisions")


def stage_name(stage: decisions.Stage) -> str:
    """Return the stage's name: HR's, or the built-in one in the reader's language."""
    if stage.label:
        return stage.label
    return gettext(stage.default_name) if stage.default_name else stage.key


def labels(assessment: Assessment) -> dict[str, str]:
    """Return every stage's name by key, retired ones too."""
    return {s.key: stage_name(s) for s in decisions.stages(assessment, session=get_session())}


class DecisionForm(FlaskForm):
    stage = SelectField(lazy_gettext("Stage"),
                        validators=[Required(lazy_gettext("Choose a stage."))])
    decided_on = DateField(lazy_gettext("Date of the decision"), validators=[Optional()],
                           description=lazy_gettext("Today if left empty."))
    note = TextAreaField(lazy_gettext("Note"), validators=[Length(
        max=decisions.MAX_NOTE, message=lazy_gettext("A note has at most %(num)s characters.",
                                                     num=decisions.MAX_NOTE))],
                         description=lazy_gettext("Seen by HR and interviewers, and part of "
                                                  "the candidate's data if they ask for it."))


class StageNameForm(FlaskForm):
    label = StringField(lazy_gettext("Name"), validators=[Length(
        max=decisions.MAX_LABEL, message=lazy_gettext(
            "A stage's name has at most %(num)s characters.", num=decisions.MAX_LABEL))])


class SelfIdForm(FlaskForm):
    questions = MultiCheckboxField(lazy_gettext("Questions asked after submitting"))


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@staff
def attempt(attempt_id: int):
    """A candidate's decision stage and its history; record a new stage."""
    session = get_session()
    attempt = check_attempt(get_or_404(Attempt, attempt_id, gettext("No such invitation.")))
    assessment = session.get(Assessment, attempt.assessment_id)
    stages = decisions.stages(assessment, session=session)
    names = {s.key: stage_name(s) for s in stages}
    form = DecisionForm()
    form.stage.choices = [SelectChoice(s.key, names[s.key]) for s in stages if not s.retired]
    status, error = 200, None
    if form.validate_on_submit():
        try:
            decisions.record(attempt, form.stage.data, session=session, actor=g.user,
                             now=now(), decided_on=form.decided_on.data,
                             note=form.note.data or "")
        except decisions.DecisionError as exc:
            error, status = exc.translated(gettext), 400
        else:
            flash(gettext("%(name)s is now in the stage “%(stage)s”.",
                          name=attempt.candidate_name, stage=names[form.stage.data]))
            return redirect(url_for("decisions.attempt", attempt_id=attempt.id))
    elif request.method == "POST":
        status = 400
    if request.method == "GET" and attempt.decision in names:
        form.stage.data = attempt.decision
    changes = decisions.history(attempt.id, session=session)
    return render_template("decisions/attempt.html", attempt=attempt, assessment=assessment,
                           form=form, error=error, changes=changes, names=names,
                           today=now().date()), status


def _assessment(assessment_id: int) -> Assessment:
    return get_or_404(Assessment, assessment_id, gettext("No such assessment."))


@bp.route("/assessments/<int:assessment_id>/stages", methods=["GET", "POST"])
@hr_only
def stages(assessment_id: int):
    """The assessment's decision stages: add one (POST), rename, reorder, retire them."""
    session = get_session()
    assessment = _assessment(assessment_id)
    form = StageNameForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                added = decisions.add_stage(assessment, form.label.data or "", session=session,
                                            actor=g.user, now=now())
            except decisions.DecisionError as exc:
                form.label.errors = [exc.translated(gettext)]
                status = 400
            else:
                flash(gettext("Added the stage “%(stage)s”.", stage=added.label))
                return redirect(url_for("decisions.stages", assessment_id=assessment.id))
        else:
            status = 400
    rows = decisions.stages(assessment, session=session)
    return render_template("decisions/stages.html", assessment=assessment, rows=rows,
                           names={s.key: stage_name(s) for s in rows}, form=form,
                           used=decisions.in_use(assessment, session=session),
                           counts=decisions.counts(assessment.id, session=session)), status


def _change(assessment_id: int, key: str, action) -> object:
    assessment = _assessment(assessment_id)
    try:
        action(assessment, key)
    except decisions.DecisionError as exc:
        abort(400, exc.translated(gettext))
    return redirect(url_for("decisions.stages", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/stages/<key>/rename", methods=["POST"])
@hr_only
def rename(assessment_id: int, key: str):
    form = StageNameForm()
    if not form.validate_on_submit():
        abort(400, " ".join(form.label.errors) or gettext("The form has expired: send it again."))
    return _change(assessment_id, key, lambda a, k: decisions.rename(
        a, k, form.label.data or "", session=get_session(), actor=g.user, now=now()))


@bp.route("/assessments/<int:assessment_id>/stages/<key>/move", methods=["POST"])
@hr_only
def move(assessment_id: int, key: str):
    if request.form.get("step") not in ("up", "down"):
        abort(400, gettext("Say whether the stage moves up or down."))
    step = -1 if request.form.get("step") == "up" else 1
    return _change(assessment_id, key, lambda a, k: decisions.move(
        a, k, step, session=get_session(), actor=g.user, now=now()))


@bp.route("/assessments/<int:assessment_id>/stages/<key>/retire", methods=["POST"])
@hr_only
def retire(assessment_id: int, key: str):
    retired = request.form.get("retired", "1") != "0"
    return _change(assessment_id, key, lambda a, k: decisions.set_retired(
        a, k, retired, session=get_session(), actor=g.user, now=now()))


@bp.route("/assessments/<int:assessment_id>/stages/<key>/delete", methods=["GET", "POST"])
@hr_only
def delete(assessment_id: int, key: str):
    """Delete a stage nobody was ever in, after HR confirmed it."""
    session = get_session()
    assessment = _assessment(assessment_id)
    names = labels(assessment)
    if key not in names:
        abort(404, gettext("This assessment has no such stage."))
    if key in decisions.in_use(assessment, session=session):
        abort(409, gettext("Candidates have been in this stage: retire it instead, so their "
                           "history keeps its meaning."))
    form = ConfirmForm()
    error = None
    if request.method == "POST":
        if form.validate_on_submit():
            return _change(assessment_id, key, lambda a, k: decisions.delete(
                a, k, session=session, actor=g.user, now=now()))
        error = " ".join(form.confirm.errors) or gettext("The form has expired: send it again.")
    return render_template("decisions/delete.html", assessment=assessment, key=key,
                           name=names[key], error=error), (400 if error else 200)


@bp.route("/assessments/<int:assessment_id>/self-identification", methods=["GET", "POST"])
@hr_only
def self_identification(assessment_id: int):
    """Choose the voluntary questions asked after submitting, and see the answers counted."""
    session = get_session()
    assessment = _assessment(assessment_id)
    form = SelfIdForm()
    form.questions.choices = [SelectChoice(key, gettext(self_id.QUESTION_TEXTS[key]))
                              for key in self_id.QUESTIONS]
    status = 200
    if form.validate_on_submit():
        self_id.set_questions(assessment, form.questions.data or [], session=session,
                              actor=g.user, now=now())
        flash(gettext("Saved the questions asked after submitting."))
        return redirect(url_for("decisions.self_identification", assessment_id=assessment.id))
    if request.method == "POST":
        status = 400
    else:
        form.questions.data = self_id.questions(assessment)
    return render_template("decisions/self_id.html", assessment=assessment, form=form,
                           counts=self_id.counts(assessment.id, session=session),
                           self_id=self_id), status
