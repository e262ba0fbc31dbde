"""Greenhouse's Assessment Partner API, served under /integrations/greenhouse.

Greenhouse calls four addresses of its partner (docs/greenhouse.md has the contract and
its source): list_tests (our current assessments), send_test (an invitation e-mailed to
the candidate; its id is the partner_interview_id), test_status (the attempt's state
and, once scored, its scores and a link to the profile) and response_error (Greenhouse
reports an answer of ours it could not read). Each call carries one of our API keys as
the user name of HTTP Basic authentication with an empty password; the key's scopes,
rate limit and audit log are the REST API's. When send_test gives a `url`, Greenhouse is
told there (PATCH, by a job with retries: hiring.webhook_jobs) once the attempt is
scored. Errors answer with the contract's status codes and a body of the keys Greenhouse
itself reports errors with: {"api_call": ..., "errors": [...]}."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, Flask, Response, abort, current_app, g, json, request, url_for
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import col, select
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from hiring import api_keys, mailer
from hiring.api import calls, inviting, schemas
from hiring.api.present import CLOSED
from hiring.api.problems import ValidationProblem
from hiring.api_keys import INVITATIONS_WRITE, RESULTS_READ
from hiring.assessment import engine
from hiring.db import get_session
from hiring.mail.invitations import is_cancelled
from hiring.models import Assessment, Attempt, AttemptState, GreenhouseTest
from hiring.reports.build import build_profile
from hiring.web.access import now
from hiring.webhooks import events, transport

log = logging.getLogger(__name__)
PREFIX = "/integrations/greenhouse"
bp = Blueprint("greenhouse", __name__, url_prefix=PREFIX)
OPEN_ENDPOINTS = ("greenhouse.nowhere",)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
COMPLETE = "complete"  # the one status the contract names: results are available


class Refused(HTTPException):
    """A call refused in Greenhouse's words: the status and the errors' sentences."""

    def __init__(self, code: int, *errors: str, headers: dict[str, str] | None = None):
        super().__init__(errors[0] if errors else None)
        self.code = code
        self.errors = list(errors)
        self.extra_headers = headers or {}


def _api_call() -> str:
    endpoint = request.endpoint or ""
    name = endpoint.rpartition(".")[2]
    return name if name in ("list_tests", "send_test", "test_status", "response_error") \
        else request.path.rpartition("/")[2][:50]


def _error(exc: HTTPException) -> Response:
    """Answer an error as {"api_call": ..., "errors": [...]}, keeping WWW-Authenticate
    and Retry-After."""
    errors = getattr(exc, "errors", None) or [exc.description or exc.name]
    if isinstance(exc, ValidationProblem):
        errors = [f"{_field(e['field'])}: {e['message']}" for e in exc.errors]
    response = Response(json.dumps({"api_call": _api_call(), "errors": [str(e) for e in errors]}),
                        status=exc.code or 500, mimetype="application/json")
    for name, value in (exc.get_headers() if isinstance(exc, MethodNotAllowed) else []):
        if name.lower() == "allow":
            response.headers[name] = value
    for name, value in getattr(exc, "extra_headers", {}).items():
        response.headers[name] = value
    return response


def _field(field: str) -> str:
    """The name of a field of ours in Greenhouse's request: body.email -> candidate.email."""
    name = field.removeprefix("body.")
    return f"candidate.{name}" if name in ("email", "name") else name


def _presented_key() -> str | None:
    """The key of HTTP Basic authentication: the user name, the password empty."""
    scheme, _, encoded = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, password = decoded.partition(":")
    return user if not password else None


def _authenticate() -> None:
    """Find the call's key (401 without a valid one) and apply the API's rate limit."""
    g.api_key = None
    if request.endpoint in OPEN_ENDPOINTS:
        return
    key = api_keys.find(_presented_key(), session=get_session())
    if key is None:
        raise Refused(401, "Unsuccessful authentication: send one of our API keys as the "
                           "user name of HTTP Basic authentication, with an empty password. "
                           "HR creates keys on the API keys page; a revoked key no longer "
                           "works.", headers={"WWW-Authenticate": 'Basic realm="hiring"'})
    g.api_key = key
    limit = calls.over_limit(key)
    if limit is not None:
        raise Refused(429, f"More than {limit} calls with this key in one minute: wait, "
                           "then retry.", headers={"Retry-After": "60"})


def call(scope: str | None) -> Callable[[Callable], Callable]:
    """Declare a view one of Greenhouse's calls: a valid key, with `scope` if given."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(**kwargs):
            if scope is not None and scope not in g.api_key.scopes:
                raise Refused(403, f"This key lacks the scope {scope}: give Greenhouse a "
                                   f"key with {RESULTS_READ} and {INVITATIONS_WRITE}.")
            return view(**kwargs)

        wrapped.access = "api"  # a key with the scope, checked here (see test_access)
        wrapped.writes = True  # every call is recorded in the audit log
        return wrapped

    return decorate


def _json_body() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise Refused(400, "The body must be a JSON object (Content-Type: "
                           "application/json).")
    return payload


def _pydantic_errors(exc: ValidationError, where: str = "") -> list[str]:
    return [f"{where}{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors(include_url=False)]


# ---- list_tests -----------------------------------------------------------------------------


@bp.get("/list_tests")
@call(RESULTS_READ)
def list_tests():
    """Every current assessment (replaced versions are not offered)."""
    rows = get_session().exec(select(Assessment).where(
        col(Assessment.replaced_by_id).is_(None)).order_by(col(Assessment.id)))
    return Response(json.dumps([{"partner_test_id": str(row.id),
                                 "partner_test_name": row.name} for row in rows]),
                    mimetype="application/json")


# ---- send_test ------------------------------------------------------------------------------


class Candidate(BaseModel):
    model_config = ConfigDict(extra="ignore")  # "reserve the right to add more properties"

    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    greenhouse_profile_url: str | None = Field(default=None, max_length=2000)
    # resume_url and phone_number are sent too; neither is read nor kept.


class SendTest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    partner_test_id: str | int = Field(union_mode="left_to_right")
    candidate: Candidate
    url: str | None = Field(default=None, max_length=2000)


def _greenhouse_ref(profile_url: str | None) -> str | None:
    """Greenhouse's application id from the candidate's profile address
    (.../people/17681532?application_id=26234709), else its candidate id."""
    if not profile_url:
        return None
    parts = urlsplit(profile_url)
    application = parse_qs(parts.query).get("application_id", [""])[0]
    if application.isdigit():
        return application[:200]
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[-2] == "people" and segments[-1].isdigit():
        return segments[-1][:200]
    return None


def _assessment(partner_test_id: str | int) -> Assessment:
    text = str(partner_test_id).strip()
    assessment = get_session().get(Assessment, int(text)) \
        if text.isdigit() and int(text) <= schemas.MAX_ID else None
    if assessment is None:
        raise Refused(404, f"There is no test {text[:50]!r}: list_tests names the tests "
                           "there are.")
    return assessment


def _check_callback(url: str) -> str:
    """The callback address, checked as a webhook endpoint's is (400 if refused)."""
    try:
        _scheme, host, port = transport.check_url(url)
        transport.resolve(host, port,
                          allow_private=bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE")))
    except transport.AddressRefused as refused:
        raise Refused(400, f"url: {refused}") from None
    return url.strip()


@bp.post("/send_test")
@call(INVITATIONS_WRITE)
def send_test():
    """Invite the candidate to the test and e-mail the link; answer the invitation's id.
    The same request again (the same `url`, or without one the same test, candidate and
    profile) answers the same id and sends nothing."""
    try:
        body = SendTest.model_validate(_json_body())
    except ValidationError as exc:
        raise Refused(400, *_pydantic_errors(exc)) from None
    if not (body.candidate.email or "").strip():
        raise Refused(400, "candidate.email: the candidate's e-mail address is missing; the "
                           "test is sent to it.")
    assessment = _assessment(body.partner_test_id)
    callback = _check_callback(body.url) if body.url else None
    assessment, languages = inviting.open_assessment(assessment.id, "partner_test_id")
    try:
        mailer.link_builder()
    except mailer.LinkUnavailable:
        raise Refused(503, "The test cannot be e-mailed: the service has no address for "
                           "its links (set MAIL_BASE_URL).") from None
    candidate = schemas.NewCandidate(
        name=f"{body.candidate.first_name.strip()} {body.candidate.last_name.strip()}"[:200],
        email=body.candidate.email.strip(),
        external_ref=_greenhouse_ref(body.candidate.greenhouse_profile_url),
        send_email=True)
    same = body.url or json.dumps([str(body.partner_test_id), candidate.email,
                                   body.candidate.greenhouse_profile_url])
    digest = hashlib.sha256(same.encode("utf-8", "surrogatepass")).hexdigest()
    keys = [f"{g.api_key.id}:0:{events.GREENHOUSE_MARK}{digest}"]
    earlier = inviting.replayed(keys, assessment.id, [candidate])
    if earlier is not None:
        return _interview(earlier[0])
    checked = inviting.check([candidate], assessment, languages, "")
    [(attempt, _link)] = inviting.create(assessment, checked, keys)
    get_session().add(GreenhouseTest(
        attempt_id=attempt.id, api_key_id=g.api_key.id,
        partner_test_id=str(body.partner_test_id)[:50], callback_url=callback,
        created_at=now()))
    get_session().flush()
    return _interview(attempt)


def _interview(attempt: Attempt) -> Response:
    return Response(json.dumps({"partner_interview_id": str(attempt.id)}),
                    mimetype="application/json")


# ---- test_status ----------------------------------------------------------------------------


def status_of(attempt: Attempt) -> str:
    """Greenhouse's partner_status of the attempt: "complete" once scored (results are
    available), else where it stands."""
    if attempt.state == AttemptState.SCORED:
        return COMPLETE
    if attempt.state in (AttemptState.INVITED, AttemptState.EXPIRED) and is_cancelled(attempt):
        return "cancelled"
    return {AttemptState.INVITED: "invited", AttemptState.IN_PROGRESS: "in_progress",
            AttemptState.SUBMITTED: "awaiting_ratings",
            AttemptState.EXPIRED: "expired"}.get(attempt.state, str(attempt.state))


def _moment(value) -> str | None:
    return value.isoformat() if value is not None else None


def _profile_url(attempt_id: int) -> str:
    """The staff's profile page of the attempt (a login is needed to open it)."""
    base = current_app.config.get("MAIL_BASE_URL")
    if base:
        return f"{base.rstrip('/')}{url_for('interviewer.attempt', attempt_id=attempt_id)}"
    return url_for("interviewer.attempt", attempt_id=attempt_id, _external=True)


def _results(attempt: Attempt) -> dict:
    """partner_score, partner_profile_url and metadata of a scored attempt: the profile's
    scores only (0-100), where the profile makes claims."""
    profile = build_profile(attempt, session=get_session(), blind_for=None,
                            norm_min_group=current_app.config["NORM_MIN_GROUP"])
    claims = not (profile.incomplete or profile.no_answers)
    metadata: dict = {"Assessment": profile.assessment_name,
                      "Started at": _moment(attempt.started_at),
                      "Submitted at": _moment(attempt.submitted_at)}
    score = None
    if claims:
        shown = [*profile.scales_in_order, *(s for s in profile.subscores if s.reportable)]
        for result in shown:
            if result.score is not None:
                metadata[result.name] = round(result.score, 1)
        if profile.judgement is not None and profile.judgement.score is not None:
            score = round(profile.judgement.score, 1)
        metadata["Scores"] = "0-100 over the answered items; partner_score is " + (
            f"{profile.judgement.name}" if profile.judgement is not None else "not given")
    else:
        metadata["Scores"] = ("Not reported: nothing was answered." if profile.no_answers
                              else "Not reported: too many items were left unanswered.")
    return {"partner_score": score, "partner_profile_url": _profile_url(attempt.id),
            "metadata": metadata}


@bp.get("/test_status")
@call(RESULTS_READ)
def test_status():
    """The state of one invitation Greenhouse asked for; once scored, its scores."""
    wanted = (request.args.get("partner_interview_id") or "").strip()
    if not wanted:
        raise Refused(400, "partner_interview_id: give the id send_test answered.")
    session = get_session()
    attempt = session.get(Attempt, int(wanted)) \
        if wanted.isdigit() and int(wanted) <= schemas.MAX_ID else None
    sent = attempt is not None and session.exec(select(GreenhouseTest.id).where(
        GreenhouseTest.attempt_id == attempt.id)).first() is not None
    if not sent:
        raise Refused(404, f"There is no test sent through Greenhouse with "
                           f"partner_interview_id {wanted[:50]!r}.")
    engine.finalize_if_due(attempt, session=session, now=now())
    answer: dict = {"partner_status": status_of(attempt), "partner_profile_url": None,
                    "partner_score": None, "metadata": None}
    if attempt.state == AttemptState.SCORED:
        answer.update(_results(attempt))
    elif attempt.state in CLOSED:
        answer["metadata"] = {"Submitted at": _moment(attempt.submitted_at),
                              "Scores": "Waiting for the ratings of written answers."}
    return Response(json.dumps(answer), mimetype="application/json")


# ---- response_error -------------------------------------------------------------------------


class ReportedError(BaseModel):
    model_config = ConfigDict(extra="ignore")

    api_call: str = Field(min_length=1, max_length=50)
    errors: list[str] = Field(max_length=100)
    partner_test_id: str | int | None = None
    partner_interview_id: str | int | None = None


@bp.post("/response_error")
@call(None)
def response_error():
    """Greenhouse could not read an answer of ours: log what it says (not the candidate's
    e-mail address it may add) for the operators; answer {"status": 200}."""
    try:
        report = ReportedError.model_validate(_json_body())
    except ValidationError as exc:
        raise Refused(400, *_pydantic_errors(exc)) from None
    log.warning("Greenhouse could not read our %s answer (test %s, interview %s): %s",
                report.api_call, report.partner_test_id, report.partner_interview_id,
                "; ".join(error[:300] for error in report.errors[:10]))
    return Response(json.dumps({"status": 200}), mimetype="application/json")


# ---- anything else --------------------------------------------------------------------------


@bp.route("/", defaults={"rest": ""}, methods=METHODS)
@bp.route("/<path:rest>", methods=METHODS)
def nowhere(rest: str):
    """Answer an address under the prefix that is no call (or not with this method)."""
    allowed = calls.other_methods(METHODS, "greenhouse.nowhere")
    if allowed:
        raise MethodNotAllowed(allowed, f"Use {', '.join(allowed)} here.")
    abort(404, "There is no such call: list_tests, send_test, test_status and "
               "response_error are.")


nowhere.access = "public"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


bp.before_request(_authenticate)
bp.after_request(calls.record)
bp.register_error_handler(HTTPException, _error)
