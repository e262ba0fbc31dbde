"""HR's webhook endpoints: register one (its secret shown once), choose its events,
switch it off, delete it, send a test event, and see its deliveries and resend one."""

from __future__ import annotations

import json

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext, ngettext
from wtforms import HiddenField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from hiring import paging
from hiring.db import get_session
from hiring.models import WebhookDelivery, WebhookEndpoint
from hiring.web.access import hr_only, now
from hiring.web.forms import ConfirmForm, FlaskForm, MultiCheckboxField
from hiring.web.lookup import get_or_404
from hiring.webhook_jobs import body_of
from hiring.webhooks import endpoints, events, signing
from hiring.webhooks.events import EVENTS, DeliveryState, Event

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
PER_PAGE = 50
EVENT_LABELS = {
    Event.INVITATION_CREATED: lazy_gettext("Invitation created"),
    Event.ATTEMPT_STARTED: lazy_gettext("Attempt started"),
    Event.ATTEMPT_SUBMITTED: lazy_gettext("Attempt submitted"),
    Event.ATTEMPT_SCORED: lazy_gettext("Attempt scored (every answer scored, ratings "
                                       "included)"),
    Event.ATTEMPT_RATED: lazy_gettext("Attempt rated (a rating stored or changed)"),
    Event.INVITATION_EXPIRED: lazy_gettext("Invitation expired or cancelled unused"),
}

STATE_LABELS = {
    DeliveryState.PENDING: lazy_gettext("waiting"),
    DeliveryState.DELIVERED: lazy_gettext("delivered"),
    DeliveryState.FAILED: lazy_gettext("failed"),
}


class EndpointForm(FlaskForm):
    url = StringField(lazy_gettext("Address (https://…)"), filters=[lambda v: (v or "").strip()],
                      validators=[InputRequired(lazy_gettext("Give the endpoint's address.")),
                                  Length(max=2000)])
    description = StringField(lazy_gettext("Description (optional)"),
                              filters=[lambda v: (v or "").strip()],  # None when left out
                              validators=[Length(max=200)])
    events = MultiCheckboxField(
        lazy_gettext("Events"), choices=[SelectChoice(str(e), EVENT_LABELS[e]) for e in EVENTS],
        validate_choice=False,  # checked by endpoints.check_events, with a clear message
        validators=[InputRequired(lazy_gettext("Choose at least one event."))])


class ActiveForm(FlaskForm):
    """Switch an endpoint on ("1") or off (anything else)."""

    active = HiddenField()


@bp.route("/")
@hr_only
def index():
    """List the endpoints with their deliveries' counts."""
    session = get_session()
    rows, counts = endpoints.listing(session=session)
    return render_template("admin/webhooks/index.html", endpoints=rows, counts=counts,
                           labels=EVENT_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@hr_only
def new():
    """Register an endpoint; the reply shows its secret, once."""
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoints.check_events(form.events.data)
        except endpoints.EndpointInvalid as invalid:
            form.events.errors = [*form.events.errors, invalid.translated(gettext)]
            return render_template("admin/webhooks/new.html", form=form), 400
        try:
            endpoint = endpoints.create(url=form.url.data, description=form.description.data,
                                        chosen=form.events.data, actor=g.user,
                                        session=get_session(), now=now())
        except endpoints.EndpointInvalid as invalid:
            form.url.errors = [*form.url.errors, invalid.translated(gettext)]
        else:
            return render_template("admin/webhooks/created.html", endpoint=endpoint,
                                   window=signing.REPLAY_WINDOW_SECONDS)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/webhooks/new.html", form=form), status


@bp.route("/<int:endpoint_id>")
@hr_only
def endpoint(endpoint_id: int):
    """Show an endpoint and its recent deliveries, newest first."""
    found = get_or_404(WebhookEndpoint, endpoint_id, gettext("No such webhook endpoint."))
    page = paging.paginate(endpoints.recent(found), session=get_session(),
                           number=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    return render_template("admin/webhooks/endpoint.html", endpoint=found, page=page,
                           labels=EVENT_LABELS, states=STATE_LABELS, form=ConfirmForm())


@bp.route("/<int:endpoint_id>/test", methods=["POST"])
@hr_only
def test(endpoint_id: int):
    """Send a test event to the endpoint (also when it is switched off)."""
    found = get_or_404(WebhookEndpoint, endpoint_id, gettext("No such webhook endpoint."))
    delivery = endpoints.test(found, actor=g.user, session=get_session(), now=now())
    flash(gettext("A test event is on its way (delivery %(id)s); its outcome shows below "
                  "once it is tried.", id=delivery.id))
    return redirect(url_for("webhooks.endpoint", endpoint_id=found.id))


@bp.route("/<int:endpoint_id>/active", methods=["POST"])
@hr_only
def set_active(endpoint_id: int):
    """Switch the endpoint off or on."""
    found = get_or_404(WebhookEndpoint, endpoint_id, gettext("No such webhook endpoint."))
    active = ActiveForm().active.data == "1"
    if endpoints.set_active(found, active, actor=g.user, session=get_session(), now=now()):
        flash(gettext("The endpoint receives events again.") if active else
              gettext("The endpoint is switched off: it receives no new events."))
    return redirect(url_for("webhooks.endpoint", endpoint_id=found.id))


@bp.route("/<int:endpoint_id>/delete", methods=["GET", "POST"])
@hr_only
def delete(endpoint_id: int):
    """Delete the endpoint and its deliveries, once HR confirms."""
    found = get_or_404(WebhookEndpoint, endpoint_id, gettext("No such webhook endpoint."))
    session = get_session()
    form = ConfirmForm()
    if form.validate_on_submit():
        gone = endpoints.remove(found, actor=g.user, session=session, now=now())
        flash(ngettext("The endpoint %(url)s was deleted with its %(num)s delivery.",
                       "The endpoint %(url)s was deleted with its %(num)s deliveries.",
                       gone, url=found.url))
        return redirect(url_for("webhooks.index"))
    deliveries = endpoints.delivery_count(found, session=session)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/webhooks/delete.html", endpoint=found, form=form,
                           deliveries=deliveries), status


@bp.route("/deliveries/<int:delivery_id>")
@hr_only
def delivery(delivery_id: int):
    """Show one delivery: what was sent, and every try with its response."""
    found = get_or_404(WebhookDelivery, delivery_id, gettext("No such delivery."))
    endpoint_row = get_session().get(WebhookEndpoint, found.endpoint_id)
    body = json.dumps(json.loads(body_of(found.payload)), indent=2, ensure_ascii=False)
    return render_template("admin/webhooks/delivery.html", delivery=found,
                           endpoint=endpoint_row, body=body, states=STATE_LABELS,
                           tries_allowed=len(events.BACKOFF) + 1, form=ConfirmForm())


@bp.route("/deliveries/<int:delivery_id>/resend", methods=["POST"])
@hr_only
def resend(delivery_id: int):
    """Send a delivery's payload again, as a new delivery."""
    found = get_or_404(WebhookDelivery, delivery_id, gettext("No such delivery."))
    again = endpoints.resend(found, actor=g.user, session=get_session(), now=now())
    flash(gettext("Sent again as delivery %(id)s.", id=again.id))
    return redirect(url_for("webhooks.delivery", delivery_id=again.id))
