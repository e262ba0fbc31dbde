"""Errors of the REST API as application/problem+json (RFC 9457)."""

from __future__ import annotations

from typing import NoReturn

from flask import Response, json
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES


class FieldError(BaseModel):
    field: str = Field(description="Where: `body.invitations.2.email`, `query.limit`, ...")
    message: str


class Problem(BaseModel):
    """What went wrong, for a person to read: `detail` says what to change."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class ValidationProblem(HTTPException):
    """Input that breaks the operation's rules: 422 with each field's problem."""

    code = 422

    def __init__(self, errors: list[dict], detail: str | None = None):
        super().__init__(detail or "The request breaks a rule: see errors for each field.")
        self.errors = errors


def invalid(field: str, message: str) -> NoReturn:
    """End the request with 422 for one field."""
    raise ValidationProblem([{"field": field, "message": message}])


def problem_response(exc: HTTPException) -> Response:
    """Answer an error as problem+json, keeping its headers (Retry-After, WWW-Authenticate)."""
    status = exc.code or 500
    body = Problem(title=HTTP_STATUS_CODES.get(status, "Error"), status=status,
                   detail=exc.description or HTTP_STATUS_CODES.get(status, "Error"),
                   errors=getattr(exc, "errors", None))
    response = Response(json.dumps(body.model_dump(exclude_none=True)), status=status,
                        mimetype="application/problem+json")
    for name, value in (exc.get_headers() if exc.response is None else []):
        if name.lower() != "content-type":
            response.headers[name] = value
    if exc.response is not None:
        for name in ("Retry-After", "WWW-Authenticate"):
            if name in exc.response.headers:
                response.headers[name] = exc.response.headers[name]
    return response
