"""Two-factor login: the code asked after the password, enrolment, and HR's settings.

The domain rules are in hiring.two_factor; the state between the password and the code is
in hiring.web.sessions."""

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
    session,
    url_for,
)
from flask_babel import gettext
from markupsafe import Markup

from hiring import audit
from hiring import staff as accounts
from hiring import two_factor as domain
from hiring.db import commit_if_refused, get_session
from hiring.items.messages import N_
from hiring.models import Role, User
from hiring.web import auth, sessions
from hiring.web.access import hr_only, now, public, records, staff
from hiring.web.forms import ConfirmForm, TotpCodeForm, TwoFactorRolesForm
from hiring.web.lookup import get_or_404

bp = Blueprint("two_factor", __name__)

# Pages a member who must enrol may still open.
_WHILE_ENROLLING = {"two_factor.enrol", "auth.logout", "static"}


def _per_minute() -> int:
    return int(str(current_app.config["LOGIN_RATE_LIMIT"]).split()[0])


@bp.route("/login/code", methods=["GET", "POST"])
@public
def code():
    """The second step of a login: a code from the authenticator app or a recovery code."""
    user, next_url = sessions.pending_user()
    if user is None:
        flash(gettext("Log in again: the time to enter the code has run out."))
        return redirect(url_for("auth.login"))
    form = TotpCodeForm()
    if form.validate_on_submit():
        db, at = get_session(), now()
        address = request.remote_addr or ""
        refusal = domain.check(session=db, user=user, address=address, now=at,
                               per_minute=_per_minute())
        if refusal is not None:
            message = gettext("Too many wrong codes; try again in %(seconds)s seconds.",
                              seconds=refusal.retry_after)
            page = render_template("auth/code.html", form=form, refused=message)
            return page, 429, {"Retry-After": str(refusal.retry_after)}
        used = domain.verify(user, form.code.data, session=db, now=at)
        if used is None:
            domain.record_failure(session=db, user=user, address=address, now=at)
            commit_if_refused()  # the failure counts although this request answers 400
            form.code.errors.append(gettext("Wrong code, or a code already used."))
        else:
            domain.record_success(session=db, user=user)
            if used == "recovery":
                audit.record(db, actor=user, action=audit.Action.RECOVERY_CODE_USED,
                             object_type="user", object_id=user.id,
                             detail={"left": domain.recovery_codes_left(user, session=db)})
            return sessions.begin_session(user, next_url, home=auth.home,
                                          provider=sessions.pending_provider())
    status = 200 if not form.errors else 400
    return render_template("auth/code.html", form=form), status


def require_enrolment():
    """Send a member whose role requires a second factor to enrol before anything else."""
    user = g.get("user")
    if user is None or request.endpoint in _WHILE_ENROLLING:
        return None
    if session.get(sessions.MFA_BY_PROVIDER):  # signed in where a second factor is asked
        return None
    if domain.must_enrol(user, session=get_session()):
        if request.method != "GET":
            abort(403, gettext("Set up two-factor login first."))
        return redirect(url_for("two_factor.enrol"))
    return None


# --- enrolment -------------------------------------------------------------------------

@bp.route("/account/two-factor", methods=["GET", "POST"])
@staff
@records
def enrol():
    """Set up the authenticator app: a QR code and the secret, confirmed with a code."""
    db, user = get_session(), g.user
    if domain.enrolled(user, session=db):
        return render_template("auth/two_factor.html", enrolled=True,
                               left=domain.recovery_codes_left(user, session=db))
    factor = domain.start_enrolment(user, session=db, now=now())
    form = TotpCodeForm()
    if form.validate_on_submit():
        codes = domain.confirm_enrolment(factor, form.code.data, session=db, now=now())
        if codes is not None:
            audit.record(db, actor=user, action=audit.Action.TWO_FACTOR_ENROLLED,
                         object_type="user", object_id=user.id)
            # Shown this once: only their hashes are kept.
            return render_template("auth/recovery_codes.html", codes=codes)
        form.code.errors.append(gettext("That code is not right. Check the time on your "
                                        "phone and enter the code it shows now."))
    uri = domain.provisioning_uri(factor, user)
    status = 200 if not form.errors else 400
    return render_template("auth/two_factor.html", enrolled=False, form=form,
                           qr=Markup(domain.qr_svg(uri)),  # noqa: S704  # nosec B704
                           secret=domain.grouped(factor.secret),
                           required=domain.must_enrol(user, session=db)), status


# --- HR: the requirement per role, and resets -------------------------------------------

ROLE_NAMES = {Role.HR: N_("HR managers"), Role.INTERVIEWER: N_("Interviewers")}


@bp.route("/admin/two-factor", methods=["GET", "POST"])
@hr_only
def settings():
    """Which roles must use a second factor, and who has one."""
    db = get_session()
    form = TwoFactorRolesForm()
    form.roles.choices = [(str(role), gettext(ROLE_NAMES[role])) for role in Role]
    if request.method == "GET":
        form.roles.data = sorted(domain.required_roles(session=db))
    elif form.validate_on_submit():
        before = domain.required_roles(session=db)
        wanted = set(form.roles.data or [])
        domain.set_required(wanted, session=db, by=g.user, now=now())
        if wanted != before:
            audit.record(db, actor=g.user, action=audit.Action.TWO_FACTOR_REQUIRED,
                         object_type="setting", object_id=None,
                         detail={"roles": sorted(wanted)})
        flash(gettext("Saved. Staff of a role that needs two-factor login set it up at their "
                      "next login."))
        return redirect(url_for("two_factor.settings"))
    users = sorted(accounts.staff_list(session=db), key=lambda user: user.email)
    enrolled = domain.enrolled_ids(session=db)
    status = {user.id: user.id in enrolled for user in users}
    return render_template("admin/two_factor.html", form=form, users=users, status=status,
                           reset_form=ConfirmForm()), 200 if not form.errors else 400


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["POST"])
@hr_only
def reset(user_id: int):
    """Remove a member's second factor (a lost phone); they set it up again."""
    db = get_session()
    user = get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(gettext("Tick the box to confirm; nothing has changed."))
        return redirect(url_for("two_factor.settings"))
    if domain.reset(user, session=db):
        audit.record(db, actor=g.user, action=audit.Action.TWO_FACTOR_RESET,
                     object_type="user", object_id=user.id)
        flash(gettext("Two-factor login of %(email)s is reset.", email=user.email))
    else:
        flash(gettext("%(email)s has no two-factor login to reset.", email=user.email))
    return redirect(url_for("two_factor.settings"))
