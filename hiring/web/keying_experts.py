"""HR: a keying round's experts (a new link, removing one) and its ratings as CSV, out
and in, for panels run on paper."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for

from hiring.db import get_session
from hiring.keying import experts, paper, rounds
from hiring.models import ExpertKind, KeyingExpert, KeyingRound
from hiring.web.access import hr_only, now
from hiring.web.forms import ConfirmForm, PaperImportForm
from hiring.web.keying import find_round, send_link

bp = Blueprint("keying_experts", __name__, url_prefix="/admin/keying")


def _expert(round_: KeyingRound, expert_id: int) -> KeyingExpert:
    expert = get_session().get(KeyingExpert, expert_id)
    if expert is None or expert.round_id != round_.id:
        abort(404, "No such expert in this round.")
    return expert


def _back(round_: KeyingRound) -> str:
    return url_for("keying.round_page", round_id=round_.id)


@bp.route("/<int:round_id>/experts/<int:expert_id>/resend", methods=["POST"])
@hr_only
def resend(round_id: int, expert_id: int):
    """E-mail the expert a new link; the previous one stops working."""
    round_ = find_round(round_id)
    expert = _expert(round_, expert_id)
    if round_.state != "open":
        abort(409, "The round is closed: its experts need no new link.")
    if expert.kind != ExpertKind.LINK:
        abort(409, f"{expert.name} rated on paper or was simulated: there is no link to send.")
    token = experts.resend_link(expert, session=get_session(), actor=g.user, now=now())
    link, outcome = send_link(expert, token)
    return render_template("admin/keying/link.html", round=round_, expert=expert, link=link,
                           outcome=outcome, back=_back(round_))


@bp.route("/<int:round_id>/experts/<int:expert_id>/remove", methods=["GET", "POST"])
@hr_only
def remove(round_id: int, expert_id: int):
    """Remove an expert and their ratings, once HR confirmed."""
    round_ = find_round(round_id)
    expert = _expert(round_, expert_id)
    if round_.state != "open":
        flash("The round is closed: its experts stay as they are.")
        return redirect(_back(round_))
    form = ConfirmForm()
    if form.validate_on_submit():
        name = expert.name
        experts.remove(expert, session=get_session(), actor=g.user, now=now())
        flash(f"{name} and their ratings are removed from the round.")
        return redirect(_back(round_))
    rated = experts.ratings_of(expert, session=get_session())
    return render_template("admin/keying/remove.html", round=round_, expert=expert, form=form,
                           ratings=sum(len(r) for r in rated.values()), back=_back(round_)), (
        400 if form.errors else 200)


def _csv(round_: KeyingRound, body: str, name: str) -> Response:
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="keying-{round_.id}-{name}.csv"'})


@bp.route("/<int:round_id>/ratings.csv")
@hr_only
def ratings_csv(round_id: int):
    """Every rating of the round: expert, item, option, rating."""
    round_ = find_round(round_id)
    return _csv(round_, paper.export_csv(round_, session=get_session()), "ratings")


@bp.route("/<int:round_id>/template.csv")
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


@bp.route("/<int:round_id>/import", methods=["GET", "POST"])
@hr_only
def import_ratings(round_id: int):
    """Upload or paste a CSV, see every row's problems, then store all ratings at once."""
    session = get_session()
    round_ = find_round(round_id)
    form = PaperImportForm()
    context = {"round": round_, "form": form, "columns": paper.COLUMNS, "back": _back(round_)}
    if round_.state != "open":
        context["error"] = "The round is closed: it takes no more ratings."
        return render_template("admin/keying/import.html", **context), 409
    if not form.validate_on_submit():
        return render_template("admin/keying/import.html", **context), (
            400 if form.errors else 200)
    data = _upload(form)
    if data is None:
        context["error"] = "Choose a CSV file or paste its rows."
        return render_template("admin/keying/import.html", **context), 400
    try:
        form.csv_text.data = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass  # read_csv says so
    try:
        imported = paper.read_csv(data, round_, session=session)
    except rounds.KeyingError as exc:
        context["error"] = str(exc)
        return render_template("admin/keying/import.html", **context), 400
    if imported.bad or not form.confirm.data:
        return render_template("admin/keying/import.html", imported=imported, **context), (
            400 if imported.bad else 200)
    added, stored = paper.store(imported, round_, session=session, actor=g.user, now=now())
    flash(f"Stored {stored} ratings; {added} paper expert{'s' if added != 1 else ''} added.")
    return redirect(_back(round_))

