"""HR: find a candidate's data, export it, erase it; read the audit log."""

from __future__ import annotations

import json
from functools import partial

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext, ngettext
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from hiring import audit, jobs, privacy
from hiring.db import after_commit, get_session
from hiring.email_address import normalize_email
from hiring.models import Assessment, Attempt
from hiring.web.access import hr_only, now, records
from hiring.web.forms import FlaskForm
from hiring.web.lookup import get_or_404

bp = Blueprint("privacy", __name__, url_prefix="/admin")
AUDIT_PER_PAGE = 50
# The audit log's words in the page's language; an action or object without one shows
# its code.
A = audit.Action
ACTION_LABELS = {
    A.VIEWED: lazy_gettext("viewed"), A.RATED: lazy_gettext("rated"),
    A.EXPORTED: lazy_gettext("exported"), A.ERASED: lazy_gettext("erased"),
    A.PURGED: lazy_gettext("purged (retention period over)"),
    A.KEYING_OPENED: lazy_gettext("keying round opened"),
    A.KEYING_INVITED: lazy_gettext("expert invited to a keying round"),
    A.KEYING_REMOVED: lazy_gettext("expert removed from a keying round"),
    A.KEYING_IMPORTED: lazy_gettext("keying ratings imported"),
    A.KEYING_SIMULATED: lazy_gettext("keying ratings simulated"),
    A.KEYING_CLOSED: lazy_gettext("keying round closed"),
    A.KEYING_ADOPTED: lazy_gettext("panel's keys adopted"),
    A.OUTCOMES_IMPORTED: lazy_gettext("job outcomes imported"),
    A.FEEDBACK_SETTING: lazy_gettext("feedback setting changed"),
    A.FEEDBACK_RELEASED: lazy_gettext("feedback released"),
    A.FEEDBACK_RESENT: lazy_gettext("feedback sent again"),
    A.DECISION_RECORDED: lazy_gettext("decision recorded"),
    A.STAGES_CHANGED: lazy_gettext("decision stages changed"),
    A.SELF_ID_QUESTIONS: lazy_gettext("self-identification questions changed"),
    A.TWO_FACTOR_ENROLLED: lazy_gettext("two-factor login set up"),
    A.RECOVERY_CODE_USED: lazy_gettext("recovery code used"),
    A.TWO_FACTOR_REQUIRED: lazy_gettext("two-factor login required by role"),
    A.TWO_FACTOR_RESET: lazy_gettext("two-factor login reset"),
    A.BLIND_REVIEW_SETTING: lazy_gettext("blind review setting changed"),
    A.WEBHOOK_CREATED: lazy_gettext("webhook endpoint added"),
    A.WEBHOOK_DEACTIVATED: lazy_gettext("webhook endpoint switched off"),
    A.WEBHOOK_ACTIVATED: lazy_gettext("webhook endpoint switched on"),
    A.WEBHOOK_DELETED: lazy_gettext("webhook endpoint deleted"),
    A.WEBHOOK_TESTED: lazy_gettext("test event sent"),
    A.WEBHOOK_RESENT: lazy_gettext("webhook delivery sent again"),
    A.API_KEY_CREATED: lazy_gettext("API key created"),
    A.API_KEY_REVOKED: lazy_gettext("API key revoked"),
    A.API_CALL: lazy_gettext("API call"),
    A.API_CALL_LIMITED: lazy_gettext("API call refused by the rate limit"),
    A.LOGGED_IN: lazy_gettext("logged in"), A.LOGIN_FAILED: lazy_gettext("login failed"),
    A.USER_INVITED: lazy_gettext("staff member invited"),
    A.PASSWORD_SET: lazy_gettext("password set"),
    A.RESET_REQUESTED: lazy_gettext("password reset requested"),
    A.ROLE_CHANGED: lazy_gettext("role changed"),
    A.USER_DEACTIVATED: lazy_gettext("account deactivated"),
    A.USER_REACTIVATED: lazy_gettext("account reactivated"),
    A.ASSESSMENTS_ASSIGNED: lazy_gettext("assessments assigned"),
}
OBJECT_LABELS = {
    "api_key": lazy_gettext("API key"), "assessment": lazy_gettext("assessment"),
    "attempt": lazy_gettext("attempt"), "job": lazy_gettext("export"),
    "keying_round": lazy_gettext("keying round"), "response": lazy_gettext("response"),
    "setting": lazy_gettext("setting"), "user": lazy_gettext("staff account"),
    "webhook": lazy_gettext("webhook endpoint"),
}


class EraseForm(FlaskForm):
    confirm_email = StringField(lazy_gettext("Type the candidate's email to confirm"),
                                validators=[InputRequired(), Length(max=254)])


def _email_arg(source) -> str:
    email = normalize_email(source.get("email"))
    if not email or len(email) > 254:
        abort(400, gettext("Give the candidate's email address."))
    return email


def _candidate_attempts(email: str) -> list[Attempt]:
    attempts = privacy.attempts_for_email(email, session=get_session())
    if not attempts:
        abort(404, gettext("No attempts with this email address."))
    return attempts


@bp.route("/candidates")
@hr_only
def candidates():
    text = (request.args.get("q") or "").strip()[:254]
    groups: dict[str, list[tuple[Attempt, Assessment]]] = {}
    if text:
        for attempt, assessment in privacy.search(text, session=get_session()):
            groups.setdefault(attempt.candidate_email, []).append((attempt, assessment))
    return render_template("admin/privacy/candidates.html", q=text, groups=groups,
                           last_activity=privacy.last_activity)


def _download(attempts: list[Attempt], filename: str) -> Response:
    session = get_session()
    document = privacy.export_attempts(attempts, session=session, now=now())
    for attempt in attempts:
        audit.record(session, actor=g.user, action=audit.Action.EXPORTED,
                     object_type="attempt", object_id=attempt.id, detail={"format": "json"})
    return Response(json.dumps(document, ensure_ascii=False, indent=2),
                    mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/candidates/attempts/<int:attempt_id>.json")
@records
@hr_only
def export_attempt(attempt_id: int):
    attempt = get_or_404(Attempt, attempt_id, gettext("No such attempt."))
    return _download([attempt], f"candidate-attempt-{attempt_id}.json")


@bp.route("/candidates/export.json")
@records
@hr_only
def export_candidate():
    attempts = _candidate_attempts(_email_arg(request.args))
    return _download(attempts, f"candidate-attempts-{attempts[0].id}.json")


def _confirm_erasure(attempts: list[Attempt], email: str, form_action: str):
    """Show what erasing deletes; on a POST whose typed email matches, erase it all."""
    form = EraseForm()
    if request.method == "POST":
        shown = sorted({int(v) for v in request.form.getlist("attempt") if v.isdigit()})
        if not form.validate_on_submit():
            return _erase_page(form, attempts, email, form_action, 400)
        if normalize_email(form.confirm_email.data) != email:
            form.confirm_email.errors.append(
                gettext("That is not the candidate's email address: nothing was erased."))
            return _erase_page(form, attempts, email, form_action, 400)
        if shown != sorted(a.id for a in attempts):
            flash(gettext("The candidate's attempts changed since the page was shown: "
                          "nothing was erased. Check the list again."))
            return _erase_page(form, attempts, email, form_action, 409)
        session = get_session()
        erasure = privacy.erase(shown, session=session, exports_dir=jobs.exports_dir(current_app),
                                actor=g.user, now=now())
        present = [path for path in erasure.files if path.exists()]
        # the files go only once the rows are gone for good
        after_commit(partial(privacy.remove_files, present))
        flash(gettext(
            "Erased: %(attempts)s, %(responses)s, %(ratings)s, %(files)s (exports and e-mails).",
            attempts=ngettext("%(num)d attempt", "%(num)d attempts", len(shown)),
            responses=ngettext("%(num)d response", "%(num)d responses", erasure.responses),
            ratings=ngettext("%(num)d rating", "%(num)d ratings", erasure.ratings),
            files=ngettext("%(num)d file", "%(num)d files", len(present))))
        return redirect(url_for("privacy.candidates"))
    return _erase_page(form, attempts, email, form_action, 200)


def _erase_page(form: EraseForm, attempts: list[Attempt], email: str, form_action: str,
                status: int):
    session = get_session()
    erasure = privacy.plan([a.id for a in attempts], session=session,
                           exports_dir=jobs.exports_dir(current_app))
    assessments = privacy.assessments_of(attempts, session=session)
    return render_template("admin/privacy/erase.html", form=form, email=email,
                           attempts=attempts, assessments=assessments, erasure=erasure,
                           form_action=form_action, last_activity=privacy.last_activity), status


@bp.route("/candidates/attempts/<int:attempt_id>/erase", methods=["GET", "POST"])
@hr_only
def erase_attempt(attempt_id: int):
    attempt = get_or_404(Attempt, attempt_id, gettext("No such attempt."))
    return _confirm_erasure([attempt], attempt.candidate_email,
                            url_for("privacy.erase_attempt", attempt_id=attempt_id))


@bp.route("/candidates/erase", methods=["GET", "POST"])
@hr_only
def erase_candidate():
    email = _email_arg(request.form if request.method == "POST" else request.args)
    return _confirm_erasure(_candidate_attempts(email), email,
                            url_for("privacy.erase_candidate"))


@bp.route("/audit")
@hr_only
def audit_log():
    session = get_session()
    action = request.args.get("action") or None
    email = normalize_email(request.args.get("email"))[:254]
    actions = [a.value for a in audit.Action]
    if action is not None and action not in actions:
        abort(400, gettext("Unknown action “%(action)s”: choose one of %(actions)s.",
                           action=action[:30], actions=", ".join(actions)))
    where = privacy.audit_filter(email, session=session) if email else None
    page = audit.events(session, action=action, where=where,
                        number=request.args.get("page", 1, type=int),
                        per_page=AUDIT_PER_PAGE)
    ids = [e.object_id for e in page.items if e.object_type == "attempt" and e.object_id]
    existing = privacy.existing_attempts(ids, session=session)
    return render_template("admin/privacy/audit.html", page=page, action=action, email=email,
                           actions=actions, existing=existing, action_labels=ACTION_LABELS,
                           object_labels=OBJECT_LABELS)
