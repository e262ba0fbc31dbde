"""HR: keying rounds of a bank: open one, invite experts, read the results, close the
round and adopt the panel's keys."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from hiring.db import get_session
from hiring.i18n import language_name
from hiring.items.types.base import translate
from hiring.keying import adopt as adoption
from hiring.keying import experts, results, rounds, stats
from hiring.mail import experts as expert_mail
from hiring.models import Bank, KeyingRound
from hiring.web import mail as mail_web
from hiring.web.access import hr_only, now
from hiring.web.forms import AdoptForm, ConfirmForm, ExpertForm, KeyingRoundForm
from hiring.web.lookup import get_or_404

bp = Blueprint("keying", __name__, url_prefix="/admin")
EXPERT_LINK = "expert.welcome"


def _bank(bank_id: int) -> Bank:
    return get_or_404(Bank, bank_id, "No such bank.")


def find_round(round_id: int) -> KeyingRound:
    """Return the round or answer 404."""
    return get_or_404(KeyingRound, round_id, "No such keying round.")


def min_panel() -> int:
    return int(current_app.config["KEYING_MIN_PANEL"])


def link_for(token: str) -> str:
    return mail_web.link_builder(endpoint=EXPERT_LINK)(token)


def send_link(expert, token: str) -> tuple[str, str]:
    """E-mail the expert their link; return the link and where the e-mail went."""
    link = link_for(token)
    record = expert_mail.send_invitation(expert, session=get_session(),
                                         settings=mail_web.settings(), now=now(), link=link)
    outcome = mail_web.outcome_text([record])
    mail_web.send_queued([record], created_by=g.user.id)
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
            form.items.errors.append(str(exc))
            status = 400
        else:
            flash(f"Keying round “{round_.name}” opened with {len(form.items.data)} items. "
                  "Invite the experts below.")
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
    form.language.choices = [(code, language_name(code)) for code in bank.languages]
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
                form.name.errors.append(str(exc))
                status = 409 if isinstance(exc, rounds.RoundClosed) else 400
            else:
                if form.send_email.data:
                    link, outcome = send_link(expert, token)
                    flash(f"{expert.name} is invited; {outcome}. The link is also shown below, "
                          "only this once.")
                else:
                    link = link_for(token)
                    flash(f"{expert.name} is invited. Copy the link below and send it to them: "
                          "it is shown only this once.")
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
        "low_agreement": stats.LOW_AGREEMENT, "uses_smtp": mail_web.settings().uses_smtp,
        "adopt_form": AdoptForm(formdata=None),
    }


@bp.route("/keying/<int:round_id>/close", methods=["GET", "POST"])
@hr_only
def close(round_id: int):
    """Close the round once HR confirmed: the experts' links then take no more ratings."""
    round_ = find_round(round_id)
    back = url_for("keying.round_page", round_id=round_.id)
    if round_.state != "open":
        flash(f"The round “{round_.name}” is already closed.")
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        rounds.close_round(round_, session=get_session(), actor=g.user, now=now())
        flash(f"The round “{round_.name}” is closed: the experts' links show their ratings "
              "but take no changes.")
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
    flash(f"Adopted the panel's keys: {', '.join(c.key for c in changes)} "
          f"({len(revisions)} new revision{'s' if len(revisions) != 1 else ''}). New attempts "
          "get them; attempts already started keep their keys and scores.")
    return redirect(back + "#results")
