"""The answer save before Flask: the request a candidate's page sends most often, served
without Flask's request machinery when nothing about it needs that machinery.

A save that the server can take at once (well-formed JSON, a valid CSRF token, an
attempt under way that this process knows, an answer that is new) costs one
conditional UPDATE (hiring.web.candidate.quick_save). Around that UPDATE, Flask's
request context, its session, routing, the CSRF extension, the request limits and the
response hooks cost more than the save itself: a save served by Flask took the server
twice the CPU of the same one-row write served bare. This layer checks exactly what
those checks check, in the same way, and answers the save itself. Anything else, and
anything it is not sure of, goes to Flask unchanged (the body is put back), and the
view there takes the same save or says why not: a refusal always comes from the view.

What the layer checks, as the full path does:
- POST /a/<token>/save, no query string, Content-Type application/json, a length within
  MAX_CONTENT_LENGTH and QUICK_BODY_LIMIT;
- the body: UTF-8 without NUL, JSON within hiring.web.limits' rules (json_problem);
- CSRF as Flask-WTF does (when enabled): the signed token from the X-CSRFToken or
  X-CSRF-Token header matches the session's, the session cookie signed as Flask signs
  it; over https, a Referer of the same origin (WTF_CSRF_SSL_STRICT);
- the reply: the JSON and headers (the security headers, Vary: Cookie) the view's own
  reply has.
Not taken here, so left to Flask: a server with SERVER_NAME or TRUSTED_HOSTS (Flask
checks the host), a custom session interface."""

from __future__ import annotations

import hmac
import io
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import same_origin
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

from hiring.web import limits
from hiring.web.candidate import QUICK_SAVE_TRIED, quick_save
from hiring.web.headers import security_headers

log = logging.getLogger(__name__)

SAVE_PATH = re.compile(r"/a/([^/]{1,200})/save")
# A save's body is an answer of a few hundred bytes (a written sample is saved the same
# way: a few KB); a larger body goes the full way, which applies MAX_CONTENT_LENGTH.
QUICK_BODY_LIMIT = 64 * 1024


class QuickSaves:
    """WSGI middleware in front of the app's own WSGI callable (app.wsgi_app)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._keys: tuple | None = None
        self._csrf: URLSafeTimedSerializer | None = None
        # Signed values this process has verified already, by their exact text: a session
        # cookie's CSRF token (and when it was signed), a header's token. A page sends the
        # same two with every save; checking their signatures again took a third of this
        # layer's time. Only values whose signature passed are kept; the key is the whole
        # signed text, so a lookup finds nothing a client could not have sent signed.
        self._sessions: _Verified = _Verified()
        self._tokens: _Verified = _Verified()
        self._headers: dict[bool, list[tuple[str, str]]] = {}

    def __call__(self, environ: dict, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            match = SAVE_PATH.fullmatch(environ.get("PATH_INFO") or "")
            if match is not None:
                reply = self._save(environ, match[1])
                if reply is not None:
                    return reply(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _save(self, environ: dict, token: str) -> Response | None:
        app = self.app
        config = app.config
        if (environ.get("QUERY_STRING") or config.get("SERVER_NAME")
                or config.get("TRUSTED_HOSTS")
                or type(app.session_interface) is not SecureCookieSessionInterface):
            return None
        if (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower() \
                != "application/json":
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        limit = config.get("MAX_CONTENT_LENGTH")
        if length < 0 or length > QUICK_BODY_LIMIT or (limit and length > limit):
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # for Flask, if it is to answer after all
        environ["CONTENT_LENGTH"] = str(len(body))
        if len(body) != length:
            return None
        with app.app_context():
            payload = _payload(body)
            if not isinstance(payload, dict) or not self._csrf_passes(environ):
                return None
            environ[QUICK_SAVE_TRIED] = True  # the view need not try the same again
            try:
                reply = quick_save(app, token, payload, ip=environ.get("REMOTE_ADDR"),
                                   user_agent=environ.get("HTTP_USER_AGENT"))
            except Exception:  # the full path meets it again, and answers as it does
                log.warning("a quick save failed; the full path takes it", exc_info=True)
                return None
            if reply is None:
                return None
            return self._reply(reply)

    def _csrf_passes(self, environ: dict) -> bool:
        """Flask-WTF's CSRF check of this request (CSRFProtect.protect), True when it
        passes or is turned off; never a refusal: the full path refuses and says why."""
        config = self.app.config
        if not config["WTF_CSRF_ENABLED"] or not config["WTF_CSRF_CHECK_DEFAULT"]:
            return True
        if "POST" not in config["WTF_CSRF_METHODS"]:
            return True
        signed = next((environ.get("HTTP_" + name.upper().replace("-", "_"))
                       for name in config["WTF_CSRF_HEADERS"]
                       if environ.get("HTTP_" + name.upper().replace("-", "_"))), None)
        if not signed:
            return False
        self._keys_in_use()
        expected = self._session_token(environ)
        if expected is None:
            return False
        token = self._tokens.get(signed)
        if token is None:
            try:
                token = self._csrf.loads(
                    signed, max_age=config["WTF_CSRF_TIME_LIMIT"], return_timestamp=True)
            except BadData:
                return False
            if not isinstance(token[0], str):
                return False
            self._tokens.put(signed, token)
        token, signed_at = token
        limit = config["WTF_CSRF_TIME_LIMIT"]
        if limit is not None and time.time() - signed_at.timestamp() > limit:
            return False
        if not hmac.compare_digest(expected, token):
            return False
        if environ.get("wsgi.url_scheme") == "https" and config["WTF_CSRF_SSL_STRICT"]:
            referrer = environ.get("HTTP_REFERER")
            if not referrer or not same_origin(referrer, f"https://{get_host(environ)}/"):
                return False
        return True

    def _keys_in_use(self) -> None:
        """Start the verified values afresh when a secret key changed."""
        keys = (self.app.secret_key, self.app.config.get("WTF_CSRF_SECRET_KEY"))
        if keys != self._keys:
            self._sessions, self._tokens = _Verified(), _Verified()
            self._csrf = URLSafeTimedSerializer(keys[1] or keys[0], salt="wtf-csrf-token")
            self._keys = keys

    def _session_token(self, environ: dict) -> str | None:
        """The CSRF token the session cookie holds, read as Flask reads the cookie (None:
        no cookie, not ours, too old, or no token in it)."""
        app = self.app
        interface = app.session_interface
        value = parse_cookie(environ.get("HTTP_COOKIE") or "").get(
            interface.get_cookie_name(app))
        if not value:
            return None
        max_age = int(app.permanent_session_lifetime.total_seconds())
        found = self._sessions.get(value)
        if found is None:
            serializer = interface.get_signing_serializer(app)
            if serializer is None:
                return None
            try:
                data, signed_at = serializer.loads(value, max_age=max_age,
                                                   return_timestamp=True)
            except BadData:
                return None
            token = data.get(app.config["WTF_CSRF_FIELD_NAME"]) \
                if isinstance(data, dict) else None
            if not isinstance(token, str):
                return None
            found = (token, signed_at)
            self._sessions.put(value, found)
        token, signed_at = found
        if time.time() - signed_at.timestamp() > max_age:
            return None
        return token

    def _reply(self, reply: dict) -> Response:
        """The view's JSON reply, with the headers Flask's hooks give it."""
        https = bool(self.app.config["HTTPS"])
        headers = self._headers.get(https)
        if headers is None:
            blank = Response()
            blank.vary.add("Cookie")  # as Flask's reply says: the session was read
            security_headers(blank, https=https)
            headers = self._headers[https] = [
                (name, value) for name, value in blank.headers.items()
                if name.lower() not in ("content-type", "content-length")]
        response = self.app.json.response(reply)
        response.headers.extend(headers)
        return response


class _Verified:
    """An LRU map of verified signed texts to what they hold (thread-safe)."""

    SIZE = 4096

    def __init__(self):
        self._found: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, signed: str) -> Any:
        with self._lock:
            found = self._found.get(signed)
            if found is not None:
                self._found.move_to_end(signed)
            return found

    def put(self, signed: str, value: Any) -> None:
        with self._lock:
            self._found[signed] = value
            while len(self._found) > self.SIZE:
                self._found.popitem(last=False)


def _payload(body: bytes) -> Any:
    """The JSON body, if it passes every check the full path makes (hiring.web.limits);
    None otherwise."""
    if b"\x00" in body:
        return None
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return payload if limits.json_problem(payload) is None else None


def init_app(app: Flask) -> None:
    """Put the quick save in front of the app."""
    app.wsgi_app = QuickSaves(app, app.wsgi_app)
