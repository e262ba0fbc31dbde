"""Calibration: HR's answers with agreed ratings, raters rating them, raters' records."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from wtforms.fields.choices import SelectChoice

from hiring.assessment import calibration
from hiring.db import get_session
from hiring.i18n import language_in_page
from hiring.items.types import get_type
from hiring.models import (
    Bank,
    CalibrationAnswer,
    Item,
    ItemRevision,
    Response,
)
from hiring.web.access import hr_only, staff, visible_attempt_ids
from hiring.web.forms import FlaskForm
from hiring.web.lookup import get_or_404
from hiring.web.rubric_forms import CalibrationAnswerForm, CalibrationRatingForm, rubric_form

bp = Blueprint("calibration", __name__)


def _answer(answer_id: int) -> CalibrationAnswer:
    return get_or_404(CalibrationAnswer, answer_id, "No such calibration answer.")


def _rubric(revision: ItemRevision, language: str) -> dict:
    """Return what a rating form shows of an item: its prompt, criteria and anchors."""
    item_type = get_type(revision.content["type"])
    return {"prompt": item_type.view(revision.content, None, language)["prompt"],
            "criteria": item_type.criteria(revision.content, language),
            "anchors": item_type.anchors(revision.content, language)}


def _attempt_arg() -> int | None:
    """The attempt the rater came from, to send them back to it (an id, never a URL)."""
    attempt_id = request.args.get("attempt", type=int)
    return attempt_id if attempt_id and visible_attempt_ids([attempt_id]) else None


@bp.route("/calibration/")
@staff
def index():
    session = get_session()
    answers = calibration.answers_with_items(session=session)
    mine = calibration.rated_by(g.user.id, session=session)
    progress = calibration.progress({a.item_id for a, _ in answers}, g.user.id,
                                    session=session,
                                    required=current_app.config["CALIBRATION_ANSWERS"])
    return render_template("calibration/index.html", answers=answers, mine=mine,
                           progress=progress)


@bp.route("/calibration/answers/<int:answer_id>", methods=["GET", "POST"])
@staff
def answer(answer_id: int):
    session = get_session()
    answer = _answer(answer_id)
    revision = session.get(ItemRevision, answer.revision_id)
    rubric = _rubric(revision, answer.language)
    attempt_id = _attempt_arg()
    mine = calibration.rating_of(answer.id, g.user.id, session=session)
    form = rubric_form(rubric["criteria"], CalibrationRatingForm)()
    if mine is None and request.method == "POST":
        if not answer.active:
            abort(409, gettext("This calibration answer has been retired."))
        if not form.validate_on_submit():
            abort(400, "; ".join(e for errors in form.errors.values() for e in errors))
        try:
            calibration.rate_answer(answer, session=session, rater_id=g.user.id,
                                    scores=form.scores())
        except calibration.CalibrationError as exc:
            abort(400, exc.translated(gettext))
        return redirect(url_for("calibration.answer", answer_id=answer.id,
                                **({"attempt": attempt_id} if attempt_id else {})))
    if mine is None:
        return render_template("calibration/answer.html", answer=answer, rubric=rubric,
                               form=form, attempt_id=attempt_id)
    progress = calibration.progress([answer.item_id], g.user.id, session=session,
                                    required=current_app.config["CALIBRATION_ANSWERS"]
                                    )[answer.item_id]
    return render_template(
        "calibration/result.html", answer=answer, rubric=rubric, rating=mine,
        deviations=calibration.deviations(answer, mine, rubric["criteria"]),
        progress=progress, attempt_id=attempt_id)


@bp.route("/admin/calibration/")
@hr_only
def manage():
    session = get_session()
    rows = calibration.answers_with_items(session=session)
    written = calibration.written_items(session=session)
    return render_template("admin/calibration/manage.html", rows=rows, written=written,
                           rated=calibration.rated_counts([a.id for a, _ in rows],
                                                          session=session),
                           retire_form=FlaskForm())


def _new_answer_source():
    """Return (item, draft or None) from ?response= or ?item=."""
    session = get_session()
    response_id = request.args.get("response", type=int)
    if response_id:
        response = get_or_404(Response, response_id, gettext("No such response."))
        try:
            draft = calibration.draft_from_response(response, session=session)
        except calibration.CalibrationError as exc:
            abort(400, exc.translated(gettext))
        return draft.item, draft
    item = session.get(Item, request.args.get("item", type=int) or 0)
    if item is None or not calibration.is_written(item):
        abort(404, gettext("No such written item."))
    return item, None


@bp.route("/admin/calibration/new", methods=["GET", "POST"])
@hr_only
def new_answer():
    session = get_session()
    item, draft = _new_answer_source()
    revision = calibration.current_revision(item, session=session)
    languages = session.get(Bank, item.bank_id).languages
    language = request.args.get("lang") if request.args.get("lang") in languages else (
        draft.language if draft else languages[0])
    rubric = _rubric(revision, language)
    form = rubric_form(rubric["criteria"], CalibrationAnswerForm)(
        data={"language": language, "text": draft.text if draft else ""})
    form.language.choices = [SelectChoice(code, f"{language_in_page(code)} ({code})")
                             for code in languages]
    if form.validate_on_submit():
        try:
            calibration.add_answer(
                session=session, item=item, text=form.text.data, language=form.language.data,
                agreed=form.scores(), explanation=form.explanation.data,
                created_by=g.user.email, origin="response" if draft else "sample")
        except calibration.CalibrationError as exc:
            form.explanation.errors = [*form.explanation.errors, exc.translated(gettext)]
        else:
            flash(gettext("Calibration answer saved for %(item)s.", item=item.key))
            return redirect(url_for("calibration.manage"))
    status = 400 if form.errors else 200
    return render_template("admin/calibration/new.html", form=form, item=item, rubric=rubric,
                           draft=draft, languages=languages, language=language), status


@bp.route("/admin/calibration/<int:answer_id>/retire", methods=["POST"])
@hr_only
def retire(answer_id: int):
    answer = _answer(answer_id)
    if not FlaskForm().validate_on_submit():
        abort(400, gettext("The form has expired; reload the page."))
    answer.active = not answer.active
    flash(gettext("Calibration answer restored.") if answer.active else
          gettext("Calibration answer retired: new raters no longer get it."))
    return redirect(url_for("calibration.manage"))


@bp.route("/admin/calibration/raters")
@hr_only
def raters():
    records = calibration.rater_records(session=get_session())
    criteria = sorted({cid for record in records for cid in record.mad})
    return render_template("admin/calibration/raters.html", records=records,
                           criteria=criteria)
