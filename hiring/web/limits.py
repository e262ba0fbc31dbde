"""Limits on what a request may bring: its size and its text."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NoReturn
from urllib.parse import parse_qsl

from flask import Flask, abort, current_app, request
from flask_babel import gettext
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

MAX_JSON_DEPTH = 32  # our payloads nest three deep; deeper is an attack on the parser
MAX_JSON_NUMBER_CHARS = 30  # an answer's number is short; a 301-digit one is not an answer


def init_app(app: Flask) -> None:
    """Check every request's body before CSRF or a view reads it.

    Call it after the blueprints are registered and before CSRFProtect: the checks must
    see the raw body before the form parser decodes it leniently. (Login attempts are
    limited in the database: hiring.logins.)"""
    app.before_request(check_request)


def too_large_message() -> str:
    """Say how large a request may be."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    return gettext("The request is too large: at most %(size)s MB.",
                   size=f"{limit / 1024 / 1024:g}")


def check_request() -> None:
    """Refuse a body over the size limit, text that is not UTF-8, NUL characters, bad JSON."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    _check_strings(value for pair in request.args.items(multi=True) for value in pair)
    if request.mimetype == "application/x-www-form-urlencoded":
        # The form parser reads this cached copy; it would turn bad bytes into other text.
        body = request.get_data(cache=True)
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            _not_utf8()
        _check_strings(value for pair in pairs for value in pair)
    elif request.mimetype == "multipart/form-data":
        # Werkzeug has already replaced undecodable bytes by U+FFFD, which no form sends.
        fields = [value for pair in request.form.items(multi=True) for value in pair]
        if any("\ufffd" in value for value in fields):
            _not_utf8()
        _check_strings(fields)
    elif request.is_json:
        _check_json(request.get_data(cache=True))


def _check_json(body: bytes) -> None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        _not_utf8()
    if b"\x00" in body:
        _not_allowed()
    try:
        payload = request.get_json()  # cached: the view gets the same object
    except BadRequest:
        abort(400, gettext("The request is not valid JSON."))
    except RecursionError:
        _too_deep()
    refuse = json_problem(payload)
    if refuse is not None:
        refuse()


def json_problem(payload: object) -> Callable[[], NoReturn] | None:
    """What refuses a decoded JSON value (too deep, a number too long, a character not
    allowed, text that is not UTF-8), or None when it passes every check of a request's
    JSON. Called within a request, the refusal aborts with its message."""
    strings: list[str] = []
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return _too_deep
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if len(repr(value)) > MAX_JSON_NUMBER_CHARS:
                return _number_too_long
        elif isinstance(value, dict):
            strings.extend(value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return _string_problem(strings)


def _number_too_long() -> NoReturn:
    abort(400, gettext("The request holds a number that is too long."))


def _check_strings(values: Iterable[str]) -> None:
    refuse = _string_problem(values)
    if refuse is not None:
        refuse()


def _string_problem(values: Iterable[str]) -> Callable[[], NoReturn] | None:
    for value in values:
        if "\x00" in value:
            return _not_allowed
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, such as JSON's "\ud800"
            return _not_utf8
    return None


def _not_utf8() -> NoReturn:
    abort(400, gettext("The request is not valid UTF-8 text."))


def _not_allowed() -> NoReturn:
    abort(400, gettext("The request contains characters that are not allowed."))


def _too_deep() -> NoReturn:
    abort(400, gettext("The request is nested too deeply."))
