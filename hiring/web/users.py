"""Staff accounts: HR invites, changes roles, deactivates, assigns assessments; anyone
sets a password through an invitation or a reset link ("forgot password")."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import get_locale, gettext, lazy_gettext
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from hiring import audit, mailer, rights, staff
from hiring.accounts import MIN_PASSWORD, AccountError
from hiring.assessment import editor
from hiring.db import get_session
from hiring.email_address import normalize_email
from hiring.mail import staff as staff_mail
from hiring.models import Role, User
from hiring.web import sso
from hiring.web.access import hr_only, now, public
from hiring.web.forms import ConfirmForm, FlaskForm, MultiCheckboxField

bp = Blueprint("users", __name__)
LINK_ENDPOINT = "users.set_password"
RESET_EVERY = timedelta(minutes=5)  # at most one reset e-mail per account this often


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(Role.INTERVIEWER.value, lazy_gettext("Interviewer")),
            SelectChoice(Role.HR.value, lazy_gettext("HR manager"))]


class InviteForm(FlaskForm):
    email = EmailField(lazy_gettext("E-mail"), validators=[InputRequired(), Length(max=254)])
    name = StringField(lazy_gettext("Name"), validators=[InputRequired(), Length(max=200)])
    role = SelectField(lazy_gettext("Role"), choices=_role_choices)


class RoleForm(FlaskForm):
    role = SelectField(lazy_gettext("Role"), choices=_role_choices)


class AssignForm(FlaskForm):
    assessments = MultiCheckboxField(lazy_gettext("Assessments this interviewer sees"),
                                     coerce=int)


class ForgotForm(FlaskForm):
    email = EmailField(lazy_gettext("E-mail"), validators=[InputRequired(), Length(max=254)])


class PasswordForm(FlaskForm):
    password = PasswordField(lazy_gettext("New password"), validators=[
        InputRequired(), Length(min=MIN_PASSWORD, max=200, message=lazy_gettext(
            "The password needs at least %(count)s characters.", count=MIN_PASSWORD))])
    repeat = PasswordField(lazy_gettext("The new password again"), validators=[
        InputRequired(), EqualTo("password", lazy_gettext("The two passwords differ."))])


def _user(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404, gettext("No such account."))
    return user


def _how_invitations_are_taken_up() -> str:
    if not sso.configured():
        return "password"
    return "either" if sso.password_login() else "sso"


def _mail(kind: str, user: User, token: str, valid: timedelta) -> str:
    """E-mail the link (after this request's commit, hiring.mailer); return where it went."""
    link = mailer.link_builder(endpoint=LINK_ENDPOINT)(token)
    record = staff_mail.send(kind, user, session=get_session(), settings=mailer.settings(),
                             now=now(), link=link, expires_at=now() + valid,
                             language=str(get_locale() or "en").split("_")[0],
                             inviter=g.user.name if g.get("user") else "",
                             how=_how_invitations_are_taken_up())
    mailer.send_queued([record], created_by=g.user.id if g.get("user") else None)
    return record.state


def _assessment_choices() -> list[SelectChoice]:
    """The current version of every assessment (assignments follow new versions)."""
    found = sorted((row.assessment for row in editor.current_versions(session=get_session())),
                   key=lambda assessment: assessment.name)
    return [SelectChoice(a.id, f"{a.name} (v{a.version})") for a in found]


@bp.route("/admin/users/", methods=["GET", "POST"])
@hr_only
def index():
    """The staff accounts with their last login; invite a new one (POST)."""
    session = get_session()
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        try:
            user, token = staff.invite(session=session, email=form.email.data,
                                       name=form.name.data, role=form.role.data, now=now(),
                                       invited_by=g.user)
        except AccountError as exc:
            form.email.errors.append(gettext(exc.message, **exc.params))
        else:
            audit.record(session, actor=g.user, action=audit.Action.USER_INVITED,
                         object_type="user", object_id=user.id, detail={"role": user.role})
            _mail(staff_mail.INVITE, user, token, staff.INVITE_VALID)
            flash(gettext("%(email)s is invited: the e-mail with the link is on its way.",
                          email=user.email))
            return redirect(url_for("users.account", user_id=user.id))
    if form.errors:
        status = 400
    return render_template("admin/users/index.html", users=staff.staff_list(session=session),
                           invited=staff.invited_ids(session=session), form=form), status


@bp.route("/admin/users/<int:user_id>")
@hr_only
def account(user_id: int):
    """One account: role, assessments, deactivation, the last login."""
    user = _user(user_id)
    session = get_session()
    role_form, assign_form = RoleForm(role=user.role), AssignForm()
    assign_form.assessments.choices = _assessment_choices()
    assign_form.assessments.data = sorted(rights.assignments_of(user.id, session=session))
    pending = staff.pending_invitation(user, session=session)
    return render_template("admin/users/account.html", user=user, role_form=role_form,
                           assign_form=assign_form, confirm=ConfirmForm(),
                           pending=pending, now=now())


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
@hr_only
def change_role(user_id: int):
    user, form = _user(user_id), RoleForm()
    if not form.validate_on_submit():
        abort(400, gettext("Choose a role."))
    before = user.role
    try:
        staff.change_role(user, form.role.data, session=get_session(), by=g.user)
    except AccountError as exc:
        abort(400, gettext(exc.message, **exc.params))
    if before != user.role:
        audit.record(get_session(), actor=g.user, action=audit.Action.ROLE_CHANGED,
                     object_type="user", object_id=user.id,
                     detail={"from": before, "to": user.role})
    flash(gettext("The role is saved."))
    return redirect(url_for("users.account", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/assessments", methods=["POST"])
@hr_only
def assign(user_id: int):
    user, form = _user(user_id), AssignForm()
    if user.role != Role.INTERVIEWER:
        abort(400, gettext("HR managers see every assessment."))
    form.assessments.choices = _assessment_choices()
    if not form.validate_on_submit():
        abort(400, gettext("Choose assessments from the list."))
    added, removed = rights.assign(user, set(form.assessments.data or []),
                                   session=get_session())
    if added or removed:
        audit.record(get_session(), actor=g.user, action=audit.Action.ASSESSMENTS_ASSIGNED,
                     object_type="user", object_id=user.id,
                     detail={"added": sorted(added), "removed": sorted(removed)})
    flash(gettext("The assessments are saved."))
    return redirect(url_for("users.account", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@hr_only
def deactivate(user_id: int):
    user = _user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("Tick the box to confirm; nothing has changed."))
    try:
        ended = staff.deactivate(user, session=get_session(), now=now(), by=g.user)
    except AccountError as exc:
        abort(400, gettext(exc.message, **exc.params))
    audit.record(get_session(), actor=g.user, action=audit.Action.USER_DEACTIVATED,
                 object_type="user", object_id=user.id, detail={"sessions_ended": ended})
    flash(gettext("%(email)s can no longer log in.", email=user.email))
    return redirect(url_for("users.account", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@hr_only
def reactivate(user_id: int):
    user = _user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("Tick the box to confirm; nothing has changed."))
    staff.reactivate(user, session=get_session())
    audit.record(get_session(), actor=g.user, action=audit.Action.USER_REACTIVATED,
                 object_type="user", object_id=user.id)
    flash(gettext("%(email)s can log in again.", email=user.email))
    return redirect(url_for("users.account", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/invite", methods=["POST"])
@hr_only
def reinvite(user_id: int):
    """Send a new invitation link; the old one stops working."""
    user = _user(user_id)
    if not user.active:
        abort(400, gettext("Reactivate the account first."))
    try:
        token = staff.reinvite(user, session=get_session(), now=now(), invited_by=g.user)
    except AccountError as exc:
        abort(400, gettext(exc.message, **exc.params))
    audit.record(get_session(), actor=g.user, action=audit.Action.USER_INVITED,
                 object_type="user", object_id=user.id, detail={"again": True})
    _mail(staff_mail.INVITE, user, token, staff.INVITE_VALID)
    flash(gettext("A new invitation is on its way; the previous link no longer works."))
    return redirect(url_for("users.account", user_id=user.id))


# ---- setting a password through a link (no login) ----------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot():
    """Send a reset link; say the same whether an account has the e-mail or not."""
    if not sso.password_login():
        abort(404, gettext("Logging in with a password is switched off, so passwords "
                           "cannot be set."))
    form = ForgotForm()
    if form.validate_on_submit():
        session, email = get_session(), normalize_email(form.email.data)
        found = staff.request_reset(session=session, email=email, now=now(),
                                    every=RESET_EVERY)
        if found is not None:
            user, token = found
            audit.record(session, actor="anonymous", action=audit.Action.RESET_REQUESTED,
                         object_type="user", object_id=user.id)
            _mail(staff_mail.RESET, user, token, staff.RESET_VALID)
        flash(gettext("If an account has this e-mail, a link to choose a new password is on "
                      "its way. It works once, for an hour."))
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """Choose a password through an invitation or a reset link; the link then expires."""
    session = get_session()
    try:
        found = staff.open_token(token, session=session, now=now())
    except staff.TokenInvalid:
        abort(404, gettext("This link is unknown, used already or expired. Ask for a new "
                           "one: HR sends invitations, and the login page has "
                           "\u201cForgot your password?\u201d."))
    invitation = found.purpose == staff.INVITE
    # The other way to take up an invitation: signing in with single sign-on.
    providers = sso.configured() if invitation else []
    if not sso.password_login():
        if not invitation:
            abort(404, gettext("Logging in with a password is switched off, so passwords "
                               "cannot be set."))
        return render_template("auth/set_password.html", form=None, invitation=True,
                               providers=providers, token=token)
    form = PasswordForm()
    if form.validate_on_submit():
        user = staff.use_token(token, form.password.data, session=session, now=now())
        audit.record(session, actor=user, action=audit.Action.PASSWORD_SET,
                     object_type="user", object_id=user.id, detail={"by": found.purpose})
        flash(gettext("Your password is saved. Log in with it."))
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, invitation=invitation,
                           providers=providers, token=token), 400 if form.errors else 200
