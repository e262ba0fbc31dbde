"""A staff member's own preferences: the language of their pages and e-mail."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, refresh

from hiring import audit
from hiring import staff as accounts
from hiring.db import get_session
from hiring.i18n import browser_language, interface_languages, language_in_page, language_name
from hiring.web.access import now, staff
from hiring.web.forms import LanguageForm

bp = Blueprint("account", __name__)


@bp.route("/account/language", methods=["GET", "POST"])
@staff
def language():
    """Choose the interface's language, or leave it to the browser."""
    offered = interface_languages()
    browser = browser_language()
    form = LanguageForm()
    form.language.choices = [("", gettext("Browser's language (currently %(language)s)",
                                          language=language_in_page(browser)))] + [
        (code, language_name(code)) for code in offered]
    if request.method == "GET":
        form.language.data = g.user.language or ""
    elif form.validate_on_submit():
        before = g.user.language
        chosen = form.language.data or None
        if accounts.set_language(g.user, chosen, offered=offered, session=get_session()):
            audit.record(get_session(), actor=g.user, action=audit.Action.LANGUAGE_CHANGED,
                         object_type="user", object_id=g.user.id, at=now(),
                         detail={"from": before, "to": chosen})
        refresh()  # the message below in the language just chosen
        flash(gettext("Your language is saved."))
        return redirect(url_for("account.language"))
    status = 200 if not form.errors else 400
    return render_template("auth/language.html", form=form, languages=offered,
                           browser=browser), status
