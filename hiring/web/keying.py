"""HR: keying rounds of a bank: open one, invite experts, read the results, close the
round and adopt the panel's keys; a round's experts (a new link, removing one) and its
ratings as CSV, out and in, for panels run on paper."""

from __future__ import annotations

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
from flask_babel import gettext, ngettext
from wtforms.fields.choices import SelectChoice

from hiring import mailer
from hiring.db import get_session
from hiring.i18n import language_name
from hiring.items.messages import error_text
from hiring.items.types.base import translate
from hiring.keying import adopt as adoption
from hiring.keying import experts, paper, results, rounds, stats
from hiring.mail import experts as expert_mail
from hiring.models import Bank, ExpertKind, KeyingExpert, KeyingRound
from hiring.web import mail as mail_web
from hiring.web.access import hr_only, now
from hiring.web.forms import (
    AdoptForm,
    ConfirmForm,
    ExpertForm,
    KeyingRoundForm,
    PaperImportForm,
)
from hiring.web.lookup import get_or_404

bp = Blueprint("keying", __name__, url_prefix="/admin")
EXPERT_LINK = "expert.welcome"


def _bank(bank_id: int) -> Bank:
    return get_or_404(Bank, bank_id, gettext("No such bank."))


def find_round(round_id: int) -> KeyingRound:
    """Return the round or answer 404."""
    return get_or_404(KeyingRound, round_id, gettext("No such keying round."))


def min_panel() -> int:
    return int(current_app.config["KEYING_MIN_PANEL"])


def link_for(token: str) -> str:
    return mailer.link_builder(endpoint=EXPERT_LINK)(token)


def send_link(expert, token: str) -> tuple[str, str]:
    """E-mail the expert their link; return the link and where the e-mail went."""
    link = link_for(token)
    record = expert_mail.send_invitation(expert, session=get_session(),
                                         settings=mailer.settings(), now=now(), link=link)
    outcome = mail_web.outcome_text([record])
    mailer.send_queued([record], created_by=g.user.id)
    return link, outcome


@bp.route("/banks/<int:bank_id>/keying")
@hr_only
def round_list(bank_id: int):
    """The bank's keying rounds, newest first."""
    bank = _bank(bank_id)
    return render_template("admin/keying/rounds.html", bank=bank,
                           rows=rounds.rounds_of(bank, session=get_session()))


@bp.route("/banks/<int:bank_id>/keying/new", methods=["GET", "POST"])
@hr_only
def new_round(bank_id: int):
    """Open a round over the SJT items HR ticks (all, to begin with)."""
    session = get_session()
    bank = _bank(bank_id)
    items = rounds.sjt_items(bank, session=session)
    form = KeyingRoundForm()
    form.items.choices = [(item.key, item.key) for item in items]
    if request.method == "GET":
        form.items.data = [item.key for item in items]
    status = 200
    if form.validate_on_submit():
        try:
            round_ = rounds.open_round(bank, name=form.name.data, item_keys=form.items.data,
                                       session=session, actor=g.user, now=now())
        except rounds.KeyingError as exc:
            form.items.errors.append(error_text(exc, gettext))
            status = 400
        else:
            flash(ngettext("Keying round “%(name)s” opened with %(num)s item. Invite the "
                           "experts below.", "Keying round “%(name)s” opened with %(num)s "
                           "items. Invite the experts below.", len(form.items.data),
                           name=round_.name))
            return redirect(url_for("keying.round_page", round_id=round_.id))
    elif form.errors:
        status = 400
    stems = _stems(bank, items)
    return render_template("admin/keying/new.html", bank=bank, form=form, stems=stems,
                           items=items), status


def _stems(bank: Bank, items) -> dict[str, str]:
    revisions = rounds.current_revisions(items, session=get_session())
    return {item.key: translate(revisions[item.id].content.get("stem"), bank.languages[0])
            for item in items}


def _expert_form(bank: Bank, **kwargs) -> ExpertForm:
    form = ExpertForm(**kwargs)
    form.language.choices = [SelectChoice(code, language_name(code), render_kw={"lang": code})
                             for code in bank.languages]
    return form


@bp.route("/keying/<int:round_id>", methods=["GET", "POST"])
@hr_only
def round_page(round_id: int):
    """The round: its experts and their progress, inviting one, and the results."""
    session = get_session()
    round_ = find_round(round_id)
    bank = session.get(Bank, round_.bank_id)
    form = _expert_form(bank, language=bank.languages[0])
    link, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                expert, token = experts.invite(
                    round_, name=form.name.data, email=form.email.data,
                    language=form.language.data, session=session, actor=g.user, now=now())
            except rounds.KeyingError as exc:
                form.name.errors.append(error_text(exc, gettext))
                status = 409 if isinstance(exc, rounds.RoundClosed) else 400
            else:
                if form.send_email.data:
                    link, outcome = send_link(expert, token)
                    flash(gettext("%(name)s is invited; %(outcome)s. The link is also shown "
                                  "below, only this once.", name=expert.name, outcome=outcome))
                else:
                    link = link_for(token)
                    flash(gettext("%(name)s is invited. Copy the link below and send it to "
                                  "them: it is shown only this once.", name=expert.name))
                form = _expert_form(bank, formdata=None, language=bank.languages[0])
        else:
            status = 400
    return render_template("admin/keying/round.html", **_round_context(round_, bank),
                           form=form, link=link), status


def _round_context(round_: KeyingRound, bank: Bank) -> dict:
    session = get_session()
    items = rounds.round_items(round_, session=session)
    progress = experts.progress(round_, items, session=session)
    found = results.results(round_, session=session)
    return {
        "round": round_, "bank": bank, "items": items, "progress": progress,
        "results": found, "agreeing": results.agreeing(found),
        "messages": expert_mail.latest_messages([p.expert.id for p in progress],
                                                session=session),
        "language": bank.languages[0], "min_panel": min_panel(),
        "low_agreement": stats.LOW_AGREEMENT, "uses_smtp": mailer.settings().uses_smtp,
        "adopt_form": AdoptForm(formdata=None),
    }


@bp.route("/keying/<int:round_id>/close", methods=["GET", "POST"])
@hr_only
def close(round_id: int):
    """Close the round once HR confirmed: the experts' links then take no more ratings."""
    round_ = find_round(round_id)
    back = url_for("keying.round_page", round_id=round_.id)
    if round_.state != "open":
        flash(gettext("The round “%(name)s” is already closed.", name=round_.name))
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        rounds.close_round(round_, session=get_session(), actor=g.user, now=now())
        flash(gettext("The round “%(name)s” is closed: the experts' links show their ratings "
                      "but take no changes.", name=round_.name))
        return redirect(back)
    return render_template("admin/keying/close.html", round=round_, form=form, back=back), (
        400 if form.errors else 200)


@bp.route("/keying/<int:round_id>/adopt", methods=["POST"])
@hr_only
def adopt(round_id: int):
    """Show what adopting the panel's keys changes; adopt once HR confirmed."""
    session = get_session()
    round_ = find_round(round_id)
    bank = session.get(Bank, round_.bank_id)
    form = AdoptForm()
    form.items.choices = [(i.key, i.key) for i in rounds.round_items(round_, session=session)]
    back = url_for("keying.round_page", round_id=round_.id)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back + "#results")
    try:
        changes = adoption.plan(round_, form.items.data, session=session,
                                min_panel=min_panel())
    except adoption.AdoptRefused as exc:
        return render_template("admin/keying/adopt.html", round=round_, bank=bank,
                               refused=exc.problems, changes=[], form=form,
                               min_panel=min_panel()), 409
    if not form.confirm.data:
        return render_template("admin/keying/adopt.html", round=round_, bank=bank,
                               changes=changes, form=form, refused=[], language=bank.languages[0],
                               confirm_error=request.form.get("confirming") == "1",
                               min_panel=min_panel()), (
            400 if request.form.get("confirming") == "1" else 200)
    revisions = adoption.adopt(round_, form.items.data, session=session, actor=g.user,
                               now=now(), min_panel=min_panel())
    flash(ngettext("Adopted the panel's keys: %(items)s (%(num)s new revision). New attempts "
                   "get them; attempts already started keep their keys and scores.",
                   "Adopted the panel's keys: %(items)s (%(num)s new revisions). New attempts "
                   "get them; attempts already started keep their keys and scores.",
                   len(revisions), items=", ".join(c.key for c in changes)))
    return redirect(back + "#results")


# ---- the experts of a round, and panels on paper -----------------------------------


def _expert(round_: KeyingRound, expert_id: int) -> KeyingExpert:
    expert = get_session().get(KeyingExpert, expert_id)
    if expert is None or expert.round_id != round_.id:
        abort(404, gettext("No such expert in this round."))
    return expert


def _back(round_: KeyingRound) -> str:
    return url_for("keying.round_page", round_id=round_.id)


@bp.route("/keying/<int:round_id>/experts/<int:expert_id>/resend", methods=["POST"])
@hr_only
def resend_expert(round_id: int, expert_id: int):
    """E-mail the expert a new link; the previous one stops working."""
    round_ = find_round(round_id)
    expert = _expert(round_, expert_id)
    if round_.state != "open":
        abort(409, gettext("The round is closed: its experts need no new link."))
    if expert.kind != ExpertKind.LINK:
        abort(409, gettext("%(name)s rated on paper or was simulated: there is no link to "
                           "send.", name=expert.name))
    token = experts.resend_link(expert, session=get_session(), actor=g.user, now=now())
    link, outcome = send_link(expert, token)
    return render_template("admin/keying/link.html", round=round_, expert=expert, link=link,
                           outcome=outcome, back=_back(round_))


@bp.route("/keying/<int:round_id>/experts/<int:expert_id>/remove", methods=["GET", "POST"])
@hr_only
def remove_expert(round_id: int, expert_id: int):
    """Remove an expert and their ratings, once HR confirmed."""
    round_ = find_round(round_id)
    expert = _expert(round_, expert_id)
    if round_.state != "open":
        flash(gettext("The round is closed: its experts stay as they are."))
        return redirect(_back(round_))
    form = ConfirmForm()
    if form.validate_on_submit():
        name = expert.name
        experts.remove(expert, session=get_session(), actor=g.user, now=now())
        flash(gettext("%(name)s and their ratings are removed from the round.", name=name))
        return redirect(_back(round_))
    rated = experts.ratings_of(expert, session=get_session())
    return render_template("admin/keying/remove.html", round=round_, expert=expert, form=form,
                           ratings=sum(len(r) for r in rated.values()), back=_back(round_)), (
        400 if form.errors else 200)


def _csv(round_: KeyingRound, body: str, name: str) -> Response:
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="keying-{round_.id}-{name}.csv"'})


@bp.route("/keying/<int:round_id>/ratings.csv")
@hr_only
def ratings_csv(round_id: int):
    """Every rating of the round: expert, item, option, rating."""
    round_ = find_round(round_id)
    return _csv(round_, paper.export_csv(round_, session=get_session()), "ratings")


@bp.route("/keying/<int:round_id>/template.csv")
@hr_only
def template_csv(round_id: int):
    """A blank form for a panel on paper: every item and option, expert and rating empty."""
    round_ = find_round(round_id)
    return _csv(round_, paper.template_csv(round_, session=get_session()), "template")


def _upload(form: PaperImportForm) -> bytes | None:
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        return upload.read()
    if (form.csv_text.data or "").strip():
        return form.csv_text.data.encode("utf-8")
    return None


@bp.route("/keying/<int:round_id>/import", methods=["GET", "POST"])
@hr_only
def import_ratings(round_id: int):
    """Upload or paste a CSV, see every row's problems, then store all ratings at once."""
    session = get_session()
    round_ = find_round(round_id)
    form = PaperImportForm()
    context = {"round": round_, "form": form, "columns": paper.COLUMNS, "back": _back(round_)}
    if round_.state != "open":
        context["error"] = gettext("The round is closed: it takes no more ratings.")
        return render_template("admin/keying/import.html", **context), 409
    if not form.validate_on_submit():
        return render_template("admin/keying/import.html", **context), (
            400 if form.errors else 200)
    data = _upload(form)
    if data is None:
        context["error"] = gettext("Choose a CSV file or paste its rows.")
        return render_template("admin/keying/import.html", **context), 400
    try:
        form.csv_text.data = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass  # read_csv says so
    try:
        imported = paper.read_csv(data, round_, session=session)
    except rounds.KeyingError as exc:
        context["error"] = error_text(exc, gettext)
        return render_template("admin/keying/import.html", **context), 400
    if imported.bad or not form.confirm.data:
        return render_template("admin/keying/import.html", imported=imported, **context), (
            400 if imported.bad else 200)
    added, stored = paper.store(imported, round_, session=session, actor=g.user, now=now())
    flash(ngettext("Stored %(num)s rating;", "Stored %(num)s ratings;", stored) + " "
          + ngettext("%(num)s paper expert added.", "%(num)s paper experts added.", added))
    return redirect(_back(round_))

