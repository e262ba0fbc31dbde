"""What every call made with an API key shares, whichever its door (the REST API under
/api/v1, Greenhouse's calls under /integrations/greenhouse): the key's rate limit, and
the call's line in the audit log."""

from __future__ import annotations

from flask import Response, current_app, g, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from hiring import api_keys
from hiring.db import commit_if_refused, get_session
from hiring.models import ApiKey
from hiring.web.access import now


def over_limit(key: ApiKey) -> int | None:
    """The key's limit when it has made that many calls in the last minute, else None."""
    limit = current_app.config["API_RATE_LIMIT"]
    if api_keys.calls_in_window(key, session=get_session(), now=now()) >= limit:
        return limit
    return None


def record(response: Response) -> Response:
    """Put the call in the audit log; a refused call's changes are rolled back first."""
    key = g.get("api_key")
    if key is None:
        return response
    session = get_session()
    if response.status_code >= 400:
        session.rollback()  # nothing of a refused call stays, but the call is recorded
        g.pop("after_commit", None)  # nor mail or jobs it may have queued
    api_keys.record_call(key, session=session, method=request.method, path=request.path,
                         status=response.status_code, now=now())
    api_keys.touch(key, now=now())
    if 400 <= response.status_code < 500:
        commit_if_refused()
    return response


def other_methods(methods: tuple[str, ...] | list[str], nowhere: str) -> list[str]:
    """The methods with which this request's address is a call, for an address answered
    by the catch-all view `nowhere` (none: the address is no call at all)."""
    adapter = current_app.url_map.bind("localhost")
    allowed = set()
    for method in methods:
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint != nowhere:
            allowed.add(method)
    return sorted(allowed)
