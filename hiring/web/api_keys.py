"""API keys: HR creates them with scopes, sees each once, and revokes them."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField
from wtforms.validators import InputRequired, Length

from hiring import api_keys
from hiring.db import get_session
from hiring.models import ApiKey
from hiring.web.access import hr_only, now
from hiring.web.forms import ConfirmForm, MultiCheckboxField
from hiring.web.lookup import get_or_404

bp = Blueprint("api_keys", __name__, url_prefix="/admin/api-keys")
SCOPE_LABELS = {
    api_keys.RESULTS_READ: lazy_gettext("Read assessments, invitations, results and "
                                        "profile PDFs"),
    api_keys.INVITATIONS_WRITE: lazy_gettext("Invite candidates; cancel, extend and resend "
                                             "invitations"),
}


class ApiKeyForm(FlaskForm):
    name = StringField(lazy_gettext("Name"), validators=[
        InputRequired(lazy_gettext("Give the key a name, such as the system that uses it.")),
        Length(max=200, message=lazy_gettext("At most 200 characters."))])
    scopes = MultiCheckboxField(lazy_gettext("Scopes"), choices=[
        SelectChoice(scope, label) for scope, label in SCOPE_LABELS.items()], validators=[
        InputRequired(lazy_gettext("Choose at least one scope."))])


@bp.route("/", methods=["GET", "POST"])
@hr_only
def index():
    """The keys, and a form to create one; a new key is shown on this page only once."""
    session = get_session()
    form = ApiKeyForm()
    new_key = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            key, new_key = api_keys.create(session=session, name=form.name.data,
                                           scopes=form.scopes.data, created_by=g.user,
                                           now=now())
            flash(gettext("API key %(name)s created. Copy it now: it is not shown again.",
                          name=key.name))
            form = ApiKeyForm(formdata=None)
        else:
            status = 400
    return render_template("admin/api_keys.html", keys=api_keys.all_keys(session=session),
                           form=form, new_key=new_key, scope_labels=SCOPE_LABELS), status


@bp.route("/<int:key_id>/revoke", methods=["GET", "POST"])
@hr_only
def revoke(key_id: int):
    """Revoke a key after HR confirmed: calls made with it are refused from then on."""
    key = get_or_404(ApiKey, key_id, gettext("No such API key."))
    form = ConfirmForm()
    error = None
    if request.method == "POST":
        if form.validate_on_submit():
            api_keys.revoke(key, session=get_session(), by=g.user, now=now())
            flash(gettext("API key %(name)s is revoked: calls made with it are refused.",
                          name=key.name))
            return redirect(url_for("api_keys.index"))
        error = gettext("Tick the box to confirm; nothing has changed.")
    return render_template("admin/api_key_revoke.html", key=key, error=error), (
        400 if error else 200)
