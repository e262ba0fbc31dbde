"""A keying expert's side, by personal link and without an account: an introduction,
each situation with every response to rate 1-5 (saved on every change), and finishing.

The expert sees the situations in their language and the responses in the bank file's
order, and never the current key nor anyone else's ratings.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf

from hiring.db import get_session
from hiring.items.types import get_type
from hiring.keying import experts, rounds
from hiring.models import KeyingExpert, KeyingRound, KeyingState
from hiring.web.access import expert, now
from hiring.web.forms import SCALE_LABELS, FlaskForm, expert_ratings_form, option_fields

bp = Blueprint("expert", __name__, url_prefix="/k")


class _Panel:
    """The expert behind a link, their round and its items."""

    def __init__(self, token: str):
        session = get_session()
        found = experts.find_by_token(token, session=session)
        if found is None:
            abort(404, gettext("This link is not valid. Check that you copied all of it."))
        self.token = token
        self.expert: KeyingExpert = found
        self.round: KeyingRound = session.get(KeyingRound, found.round_id)
        self.items = rounds.round_items(self.round, session=session)
        g.language = found.language

    @property
    def closed(self) -> bool:
        return self.round.state != KeyingState.OPEN

    def item_at(self, position: int) -> rounds.RoundItem:
        if not 1 <= position <= len(self.items):
            abort(404, gettext("There is no such situation in this round."))
        return self.items[position - 1]

    def ratings(self) -> dict[int, dict[str, int]]:
        return experts.ratings_of(self.expert, session=get_session())

    def rated(self, ratings: dict[int, dict[str, int]]) -> int:
        return sum(1 for item in self.items if experts.is_rated(item, ratings))

    def resume_at(self) -> int:
        """The item the expert last opened, else the first they have not rated."""
        if self.expert.position:
            return min(self.expert.position, len(self.items))
        ratings = self.ratings()
        return next((i.position for i in self.items if not experts.is_rated(i, ratings)), 1)


def _closed_message() -> str:
    return gettext("This keying round is closed: ratings can no longer be changed. Thank "
                   "you for your help.")


@bp.route("/<token>")
@expert
def welcome(token: str):
    panel = _Panel(token)
    ratings = panel.ratings()
    return render_template("expert/welcome.html", panel=panel, token=token,
                           rated=panel.rated(ratings), total=len(panel.items),
                           scale=SCALE_LABELS, resume=panel.resume_at(),
                           closed_message=_closed_message() if panel.closed else None)


def _view(panel: _Panel, item: rounds.RoundItem) -> dict:
    """What the expert reads: the situation and the responses' texts, no keys."""
    view = get_type(item.content["type"]).view(item.content, None, panel.expert.language)
    return {"stem": view["stem"], "options": view["options"]}


def _posted_ratings(form, option_ids: list[str]) -> dict[str, int]:
    return {option_id: int(field.data) for option_id, field in option_fields(form, option_ids)
            if field.data not in (None, "", "None")}


@bp.route("/<token>/i/<int:position>", methods=["GET", "POST"])
@expert
def item(token: str, position: int):
    panel = _Panel(token)
    current = panel.item_at(position)
    session = get_session()
    ratings = panel.ratings()
    form = expert_ratings_form(current.option_ids, ratings.get(current.item.id, {}))
    error, status = None, 200
    if request.method == "POST":
        if panel.closed:
            error, status = _closed_message(), 409
        elif form.validate_on_submit():
            experts.save_ratings(panel.expert, current,
                                 _posted_ratings(form, current.option_ids),
                                 session=session, now=now())
            go = request.form.get("go", "next")
            if go == "finish" or (go == "next" and position >= len(panel.items)):
                return redirect(url_for("expert.finish", token=token))
            target = position - 1 if go == "prev" else position + 1
            return redirect(url_for("expert.item", token=token, position=max(1, target)))
        else:
            error, status = gettext("Choose a rating from 1 to 5 for each response."), 400
    elif not panel.closed:
        panel.expert.position = position
    rows = [(option_id, field, option) for (option_id, field), option in zip(
        option_fields(form, current.option_ids), _view(panel, current)["options"], strict=True)]
    return render_template(
        "expert/item.html", panel=panel, token=token, position=position,
        total=len(panel.items), view=_view(panel, current), form=form, rows=rows,
        scale=[(value, gettext(label)) for value, label in SCALE_LABELS],
        rated=panel.rated(ratings),
        error=error, closed_message=_closed_message() if panel.closed else None), status


@bp.route("/<token>/save", methods=["POST"])
@expert
def save(token: str):
    """Store the ratings of one situation's responses; called on every change."""
    panel = _Panel(token)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("position"), int):
        return jsonify(ok=False, error=gettext("The request must name the situation.")), 400
    current = panel.item_at(payload["position"])
    if panel.closed:
        return jsonify(ok=False, error=_closed_message(), closed=True), 409
    try:
        ratings = experts.check_ratings(current, payload.get("ratings"))
    except experts.RatingInvalid:
        return jsonify(ok=False, error=gettext("Choose a rating from 1 to 5 for each "
                                               "response.")), 422
    experts.save_ratings(panel.expert, current, ratings, session=get_session(), now=now())
    return jsonify(ok=True, rated=panel.rated(panel.ratings()), total=len(panel.items))


@bp.route("/<token>/csrf")
@expert
def csrf_token(token: str):
    """Give the page a fresh CSRF token when its session was lost."""
    _Panel(token)
    return jsonify(ok=True, csrf=generate_csrf())


@bp.route("/<token>/finish", methods=["GET", "POST"])
@expert
def finish(token: str):
    panel = _Panel(token)
    form = FlaskForm()
    ratings = panel.ratings()
    missing = [i for i in panel.items if not experts.is_rated(i, ratings)]
    error, status = None, 200
    if request.method == "POST":
        if panel.closed:
            error, status = _closed_message(), 409
        elif form.validate_on_submit():
            experts.finish(panel.expert, session=get_session(), now=now())
        else:
            abort(400)
    return render_template("expert/finish.html", panel=panel, token=token, form=form,
                           rated=len(panel.items) - len(missing), total=len(panel.items),
                           missing=missing, error=error,
                           closed_message=_closed_message() if panel.closed else None), status
