"""The REST API under /api/v1: keys, scopes, rate limits, problem+json, OpenAPI.

A blueprint of its own, exempt from CSRF (no cookie authenticates it: a key in the
Authorization header does). Every call made with a key is in the audit log."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    json,
    render_template,
    request,
)
from werkzeug.exceptions import (
    HTTPException,
    MethodNotAllowed,
    TooManyRequests,
    Unauthorized,
)

from hiring import api_keys
from hiring.api import calls, greenhouse, operations
from hiring.api.problems import problem_response
from hiring.api.spec import openapi
from hiring.db import get_session
from hiring.web import csrf
from hiring.web.access import public

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
bp.register_blueprint(operations.bp)
BLUEPRINTS = (bp, operations.bp)
OPEN_ENDPOINTS = ("api.openapi_json", "api.docs", "api.nowhere")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _authenticate() -> None:
    """Find the key of the call (401 without a valid one) and apply its rate limit."""
    g.api_key = None
    if request.endpoint in OPEN_ENDPOINTS:
        return
    scheme, _, presented = (request.headers.get("Authorization") or "").partition(" ")
    key = (api_keys.find(presented.strip(), session=get_session())
           if scheme.lower() == "bearer" else None)
    if key is None:
        refusal = Unauthorized("Send a valid API key: Authorization: Bearer <key>. HR "
                               "creates keys on the API keys page; a revoked key no "
                               "longer works.")
        raise _with_header(refusal, "WWW-Authenticate", 'Bearer realm="hiring"')
    g.api_key = key
    limit = calls.over_limit(key)
    if limit is not None:
        raise _with_header(TooManyRequests(
            f"More than {limit} calls with this key in one minute: wait, then retry."),
            "Retry-After", "60")


def _with_header(exc: HTTPException, name: str, value: str) -> HTTPException:
    response = problem_response(exc)
    response.headers[name] = value
    exc.response = response
    return exc


def problem(exc: HTTPException):
    if exc.response is not None and exc.response.mimetype == "application/problem+json":
        return exc.response
    return problem_response(exc)


@bp.get("/openapi.json")
@public
def openapi_json():
    """The OpenAPI description of this API, generated from its operations."""
    spec = openapi(current_app, blueprint="api", server=PREFIX)
    return Response(json.dumps(spec, indent=1), mimetype="application/json")


@bp.get("/docs")
@public
def docs():
    """The API's operations, from its OpenAPI description, as a page."""
    spec = openapi(current_app, blueprint="api", server=PREFIX)
    return render_template("api/docs.html", spec=spec,
                           schemas=spec["components"]["schemas"],
                           example=json.dumps)


@bp.route("/", defaults={"rest": ""}, methods=METHODS)
@bp.route("/<path:rest>", methods=METHODS)
@public
def nowhere(rest: str):
    """Answer an address under /api/v1 that is no operation (or not with this method)."""
    allowed = calls.other_methods(METHODS, "api.nowhere")
    if allowed:
        raise MethodNotAllowed(allowed, f"Use {', '.join(allowed)} here; "
                                        f"see {PREFIX}/openapi.json.")
    abort(404, f"There is no such operation; see {PREFIX}/openapi.json.")


def init_app(app: Flask) -> None:
    """Register the API and the Greenhouse connector; exempt them from CSRF (no cookie
    authenticates them)."""
    app.register_blueprint(bp)
    for blueprint in BLUEPRINTS:  # nested: CSRF exempts each by its own name
        csrf.exempt(blueprint)
    greenhouse.init_app(app)  # Greenhouse's Assessment Partner API, HTTP Basic with a key
    csrf.exempt(greenhouse.bp)


bp.before_request(_authenticate)
bp.after_request(calls.record)
bp.register_error_handler(HTTPException, problem)
