"""Sessions, login limits, bad input, escaping, the PDF's limits and security headers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from hiring.app import create_app
from hiring.assessment import engine
from hiring.cli import main
from hiring.db import session_scope
from hiring.models import Attempt, LoginFailure, StaffSession, User
from hiring.reports import pdf
from hiring.reports.build import build_profile
from tests import factories
from tests.factories import make_attempt

WRITTEN = 6  # the position of the written item in the mini assessment


def make_app(database_url, tmp_path, name="second", **config):
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                       "WTF_CSRF_ENABLED": False, **config},
                      instance_path=str(tmp_path / name))


def snapshot(app) -> dict[str, list]:
    """Return every row of every table, to show that a request changed nothing."""
    with session_scope(app) as session:
        return {table.name: [tuple(row) for row in session.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in SQLModel.metadata.sorted_tables}


@pytest.fixture
def started(db, assessment, clock):
    """A started attempt: its id and token."""
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True)
    return attempt.id, token


# ---- session cookie and login ---------------------------------------------------------


def test_session_cookie_is_httponly_lax_and_secure_over_https(app, database_url, tmp_path):
    https = make_app(database_url, tmp_path, MAIL_BASE_URL="https://hiring.example.com")
    assert https.config["DEVELOPMENT"] is False and https.config["HTTPS"] is True
    with session_scope(https) as session:
        factories.make_user(session)
    cookie = https.test_client().post("/login", data={
        "email": "interviewer@example.com", "password": factories.PASSWORD}).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    https.extensions["hiring.engine"].dispose()


def test_development_drops_secure_and_hsts(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_DEVELOPMENT", "1")
    from_env = create_app(instance_path=str(tmp_path / "from-env"))
    assert from_env.config["DEVELOPMENT"] is True
    assert from_env.config["SESSION_COOKIE_SECURE"] is False
    from_env.extensions["hiring.engine"].dispose()
    dev = make_app(database_url, tmp_path, DEVELOPMENT=True)
    with session_scope(dev) as session:
        factories.make_user(session)
    response = dev.test_client().post("/login", data={"email": "interviewer@example.com",
                                                      "password": factories.PASSWORD})
    assert response.status_code == 302
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers
    # An explicit setting wins over the development default.
    explicit = make_app(database_url, tmp_path, name="third", DEVELOPMENT=True,
                        SESSION_COOKIE_SECURE=True)
    assert explicit.config["SESSION_COOKIE_SECURE"] is True
    for each in (dev, explicit):
        each.extensions["hiring.engine"].dispose()


def _form_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


def test_login_starts_a_new_session_with_a_new_csrf_token(app, client, db):
    app.config["WTF_CSRF_ENABLED"] = True
    with db() as session:
        factories.make_user(session)
    serializer = app.session_interface.get_signing_serializer(app)
    old_form_token = _form_token(client.get("/login").get_data(as_text=True))
    old_session = serializer.loads(client.get_cookie("session").value)
    response = client.post("/login", data={"email": "interviewer@example.com",
                                           "password": factories.PASSWORD,
                                           "csrf_token": old_form_token})
    assert response.status_code == 302
    new_session = serializer.loads(client.get_cookie("session").value)
    assert new_session["sid"] and new_session["csrf_token"] != old_session["csrf_token"]
    # The token of the anonymous page is worthless now; the new page's works.
    assert client.post("/logout", data={"csrf_token": old_form_token}).status_code == 400
    page = client.get("/attempts/")
    assert page.status_code == 200
    logout = client.post("/logout", data={"csrf_token": _form_token(page.get_data(as_text=True))})
    assert logout.status_code == 302


# ---- login rate limit -----------------------------------------------------------------


def attempt_login(client, email="someone@example.com", address="10.0.0.1",
                  password="wrong password"):  # noqa: S107 - a test login
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_eleventh_failed_login_from_an_address_in_a_minute_gets_429(client, db):
    with db() as session:
        factories.make_user(session)
    for number in range(10):
        assert attempt_login(client, email=f"user{number}@example.com").status_code == 400
    limited = attempt_login(client, email="interviewer@example.com",
                            password=factories.PASSWORD)
    assert limited.status_code == 429
    assert "Too many attempts; try again in a minute." in limited.get_data(as_text=True)
    assert 0 < int(limited.headers["Retry-After"]) <= 61
    assert client.get("/login").status_code == 200  # only attempts are counted
    other = attempt_login(client, email="interviewer@example.com", address="10.0.0.2",
                          password=factories.PASSWORD)
    assert other.status_code == 302


def test_guessing_from_other_addresses_never_locks_the_owner_out(client, db):
    with db() as session:
        factories.make_user(session)
    for number in range(40):  # 40 wrong passwords for the owner's e-mail, from 40 places
        assert attempt_login(client, email="interviewer@example.com",
                             address=f"10.0.1.{number}").status_code == 400
    owner = attempt_login(client, email="interviewer@example.com", address="192.0.2.7",
                          password=factories.PASSWORD)
    assert owner.status_code == 302


def test_one_email_from_one_address_meets_a_growing_delay(client, db):
    with db() as session:
        factories.make_user(session)
    for _ in range(5):
        assert attempt_login(client, email="interviewer@example.com").status_code == 400
    delayed = attempt_login(client, email="interviewer@example.com",
                            password=factories.PASSWORD)
    assert delayed.status_code == 429  # even with the right password, for now
    assert "try again in" in delayed.get_data(as_text=True)
    assert 1 <= int(delayed.headers["Retry-After"]) <= 3
    # another e-mail from the same address is not delayed (the address limit is 10)
    assert attempt_login(client, email="other@example.com").status_code == 400
    with db() as session:  # the delay has passed: the owner gets in, and it is cleared
        for failure in session.exec(select(LoginFailure)).scalars():
            failure.at -= timedelta(seconds=5)
    assert attempt_login(client, email="interviewer@example.com",
                         password=factories.PASSWORD).status_code == 302
    with db() as session:
        assert session.exec(select(func.count()).select_from(LoginFailure)).scalar_one() == 1


def test_login_limit_is_shared_between_server_processes(app, database_url, tmp_path):
    servers = [make_app(database_url, tmp_path, name=f"server{n}") for n in (1, 2)]
    clients = [server.test_client() for server in servers]
    for number in range(10):
        assert attempt_login(clients[number % 2], email=f"u{number}@example.com"
                             ).status_code == 400
    # The counts are in the one database, not in either process.
    for each in clients:
        assert attempt_login(each).status_code == 429
    for server in servers:
        server.extensions["hiring.engine"].dispose()


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_logout_ends_the_session_on_the_server(app, client, db, auth):
    auth.login("hr")
    copied = _session_cookie(client)
    assert client.get("/admin/").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_password_change_ends_every_session(app, client, db, auth, runner):
    auth.login("hr")
    assert client.get("/admin/").status_code == 200
    result = runner.invoke(main, ["user", "password", "--email", "hr@example.com"],
                           env={"HIRING_PASSWORD": "a new long password"})
    assert result.exit_code == 0, result.output
    assert "1 session ended" in result.output
    assert client.get("/admin/").status_code == 302


def test_an_idle_session_ends(app, client, db, auth):
    auth.login("hr")
    with db() as session:
        for staff_session in session.exec(select(StaffSession)).scalars():
            staff_session.last_seen_at -= timedelta(hours=13)
    assert client.get("/admin/").status_code == 302
    with db() as session:
        assert session.exec(select(StaffSession)).scalar_one().ended_at is not None


def test_the_cookie_holds_nothing_derived_from_the_password(app, client, db, auth):
    auth.login("hr")
    serializer = app.session_interface.get_signing_serializer(app)
    content = serializer.loads(_session_cookie(client))
    assert set(content) <= {"sid", "csrf_token", "_flashes", "_fresh"}
    with db() as session:
        user = session.exec(select(User).where(User.email == "hr@example.com")).scalar_one()
        stored = session.exec(select(StaffSession)).scalar_one()
    text = repr(content)
    assert not any(user.password_hash[i:i + 8] in text
                   for i in range(0, len(user.password_hash) - 8))
    assert stored.token_hash != content["sid"] and len(content["sid"]) >= 40


# ---- bad input: a clear 4xx and no change ---------------------------------------------


def post_json(client, token, body: bytes):
    return client.post(f"/a/{token}/save", data=body,
                       headers={"Content-Type": "application/json"})


def save(position=1, answer=None, seq=1) -> bytes:
    return json.dumps({"position": position, "seq": seq,
                       "answer": {"best": "a"} if answer is None else answer}).encode()


TOO_LARGE = "The request is too large: at most 2 MB."
NOT_UTF8 = "The request is not valid UTF-8 text."
NOT_ALLOWED = "The request contains characters that are not allowed."
UNKNOWN = "Unknown question."


@pytest.mark.parametrize("body,status,message", [
    (b"{" + b" " * (2 * 1024 * 1024) + b"}", 413, TOO_LARGE),
    (b'{"position": 1, "seq": 1, "answer": {"best": "\xff"}}', 400, NOT_UTF8),
    (save(WRITTEN, {"text": "Dear \ud800 customer"}), 400, NOT_UTF8),
    (save(WRITTEN, {"text": "Dear \x00 customer"}), 400, NOT_ALLOWED),
    (b'{"position": 1, "seq": 1, "answer": {"best": "a"\x00}}', 400, NOT_ALLOWED),
    (b'{"position": 1, "seq": 1, "answer": {"best": ', 400, "The request is not valid JSON."),
    (b"[" * 100_000 + b"]" * 100_000, 400, "The request is nested too deeply."),
    (save(answer={"best": json.loads("[" * 40 + "]" * 40)}), 400,
     "The request is nested too deeply."),
    (save(0), 422, UNKNOWN), (save(-1), 422, UNKNOWN), (save(7), 422, UNKNOWN),
    (save("1"), 422, UNKNOWN), (save(1.0), 422, UNKNOWN), (save(True), 422, UNKNOWN),
    (save(10**20), 422, UNKNOWN),
    (save(10**30), 400, "The request holds a number that is too long."),
    (save(5, {"value": 10**300}), 400, "The request holds a number that is too long."),
    (save(1, "Dear customer"), 422, "Choose an option."),
    (save(5, {"value": "1" * 51}), 422, "Enter a number"),
    (save(WRITTEN, {"text": "x" * 10_001}), 422, "The answer is too long: at most 10000"),
])
def test_bad_saves_get_a_clear_4xx_and_change_nothing(app, client, started, body, status,
                                                      message):
    _, token = started
    before = snapshot(app)
    response = post_json(client, token, body)
    assert response.status_code == status
    assert response.json["ok"] is False and message in response.json["error"]
    assert snapshot(app) == before


@pytest.mark.parametrize("path,body,status,message", [
    ("/q/6", b"text=" + b"a" * (2 * 1024 * 1024) + b"&go=next", 413, TOO_LARGE),
    ("/q/6", b"text=Dear%FF%FEcustomer&go=next", 400, NOT_UTF8),
    ("/q/6", b"text=Dear\xffcustomer&go=next", 400, NOT_UTF8),
    ("/q/6", b"text=Dear%00customer&go=next", 400, NOT_ALLOWED),
    ("/q/6", b"te%00xt=Dear&go=next", 400, NOT_ALLOWED),
    ("/q/6", b"text=" + b"x" * 10_001 + b"&go=next", 400, "The answer is too long"),
    ("/q/0", b"best=a&go=next", 404, "There is no such question"),
    ("/q/7", b"best=a&go=next", 404, "There is no such question"),
    ("/q/" + "9" * 30, b"best=a&go=next", 404, "There is no such question"),
])
def test_bad_form_posts_get_a_clear_4xx_page_and_change_nothing(app, client, started, path,
                                                                body, status, message):
    _, token = started
    before = snapshot(app)
    response = client.post(f"/a/{token}{path}", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_nul_in_a_candidate_name_or_a_login_is_refused(app, client, auth, assessment):
    auth.login("hr")
    before = snapshot(app)
    response = client.post(f"/admin/assessments/{assessment.id}",
                           data={"name": "Ana\x00 Horvat", "email": "ana@example.com",
                                 "days": "7"})
    assert response.status_code == 400 and NOT_ALLOWED in response.get_data(as_text=True)
    login = client.post("/login", data={"email": "hr@example.com\x00", "password": "x"})
    assert login.status_code == 400 and NOT_ALLOWED in login.get_data(as_text=True)
    assert client.get("/attempts/?q=%00").status_code == 400
    assert snapshot(app) == before


def test_undecodable_multipart_field_is_refused(app, client, auth):
    auth.login("hr")
    before = snapshot(app)
    boundary = "b0und4ry"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
            ).encode() + b"\xff\xfe\r\n" + (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"bank.yaml\"\r\nContent-Type: application/yaml\r\n\r\nid: x\r\n"
        f"--{boundary}--\r\n").encode()
    response = client.post("/admin/banks", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400 and NOT_UTF8 in response.get_data(as_text=True)
    assert snapshot(app) == before


# ---- candidate text is inert on every page and in the PDF ------------------------------


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    """Serve HTTP on a free local port; yield its address and the paths asked for."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            requested.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requested
    server.shutdown()
    server.server_close()
    thread.join()


def pdf_text(document: bytes, tmp_path) -> str:
    """Return the PDF's text without whitespace, which the PDF puts where it wraps lines."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    path = tmp_path / "profile.pdf"
    path.write_bytes(document)
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split())


def test_candidate_markup_is_escaped_on_pages_and_printed_in_the_pdf(
        app, client, auth, db, assessment, clock, canary, tmp_path):
    url, requested = canary
    snippets = ["<script>alert(1)</script>", f'<img src="{url}/canary.png">',
                f'<link rel="stylesheet" href="{url}/x.css">',
                f'<p style="background:url({url}/bg)">']
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(),
                                      name=snippets[0] + snippets[1])
    answer = "Dear customer, " + " ".join(snippets)
    pages = [client.get(f"/a/{token}")]
    client.post(f"/a/{token}/start")
    assert post_json(client, token, save(WRITTEN, {"text": answer})).json["accepted"]
    pages.append(client.get(f"/a/{token}/q/{WRITTEN}"))
    client.post(f"/a/{token}/submit", data={"confirm": "1"})
    pages.append(client.get(f"/a/{token}/done"))
    auth.login("interviewer")
    pages += [client.get("/attempts/"), client.get(f"/attempts/{attempt.id}")]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not any(snippet in html for snippet in snippets), page.request.path
    assert "&lt;link rel=&#34;stylesheet&#34;" in pages[1].get_data(as_text=True)
    document = client.get(f"/attempts/{attempt.id}/profile.pdf")
    assert document.status_code == 200
    text = pdf_text(document.data, tmp_path)
    assert all("".join(snippet.split()) in text for snippet in snippets)
    assert requested == []


# ---- the PDF's limits -----------------------------------------------------------------


@pytest.fixture
def submitted(db, started, client, clock):
    attempt_id, token = started
    client.post(f"/a/{token}/q/{WRITTEN}", data={"text": "word " * 2_000, "go": "review"})
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        engine.submit(attempt, session=session, now=clock())
    return attempt_id


def test_pdf_render_past_its_time_limit_raises_and_frees_the_renderer(db, submitted):
    with db() as session:
        profile = build_profile(session.get(Attempt, submitted), session=session, blind_for=None)
    with pytest.raises(pdf.RenderError, match="not rendered within 0.001 s"):
        pdf.render_profile_pdf(profile, time_limit=0.001)
    assert pdf.render_profile_pdf(profile).startswith(b"%PDF")


def test_pdf_cuts_long_texts_with_a_note(db, submitted, tmp_path):
    with db() as session:
        profile = build_profile(session.get(Attempt, submitted), session=session, blind_for=None)
    text = pdf_text(pdf.render_profile_pdf(profile, max_text_chars=300), tmp_path)
    assert "…(truncated)" in text
    assert "word" * 60 in text and "word" * 61 not in text


def test_pdf_past_its_time_limit_is_a_503_page(app, client, auth, submitted):
    # Fails until interviewer.profile_pdf passes PDF_TIME_LIMIT_SECONDS and turns
    # pdf.RenderError into abort(503, str(exc)).
    app.config["PDF_TIME_LIMIT_SECONDS"] = 0.001
    auth.login("interviewer")
    response = client.get(f"/attempts/{submitted}/profile.pdf")
    assert response.status_code == 503
    assert "not rendered within 0.001 s" in response.get_data(as_text=True)


# ---- headers --------------------------------------------------------------------------


def test_headers_add_opener_and_permissions_policies_and_hsts(database_url, tmp_path):
    https = make_app(database_url, tmp_path, HTTPS=True)
    headers = https.test_client().get("/login").headers
    https.extensions["hiring.engine"].dispose()
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["X-Frame-Options"] == "DENY"


# ---- smaller points ----------------------------------------------------------------------


def test_extra_time_does_not_reopen_an_attempt_past_its_deadline_and_grace(
        app, client, auth, db, started, clock):
    attempt_id, _token = started
    auth.login("hr")
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        clock.advance(seconds=(attempt.deadline_at - clock()).total_seconds() + 3600)
    response = client.post(f"/admin/attempts/{attempt_id}/extra-time", data={"minutes": 30})
    assert response.status_code == 302  # back to the pipeline, which says what happened
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "time had already run out" in page
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt.state in ("submitted", "scored") and attempt.extra_minutes == 0


def test_tokens_are_redacted_in_the_apps_log_lines(app, caplog):
    with caplog.at_level("ERROR"):
        app.logger.error("Exception on /a/s3cr3t-t0ken/save [POST]")
        app.logger.error("Exception on %s [%s]", "/a/0ther-t0ken/q/3", "POST")
    assert "s3cr3t-t0ken" not in caplog.text and "0ther-t0ken" not in caplog.text
    assert "Exception on /a/…/save [POST]" in caplog.text


def test_serve_refuses_the_public_default_secret_key(database_url, tmp_path):
    from hiring.config import Defaults

    app = create_app({"TESTING": True, "DATABASE_URL": database_url},
                     instance_path=str(tmp_path / "no-config"))
    assert app.config["SECRET_KEY"] == Defaults.SECRET_KEY
    result = app.test_cli_runner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "refusing to serve with the public default SECRET_KEY" in result.output
    assert "hiring init" in result.output
    app.extensions["hiring.engine"].dispose()


@pytest.mark.parametrize("email", ["hr\u200b@example.com", "h\u00adr@example.com",
                                   "hr @example.com"])
def test_staff_emails_with_invisible_characters_are_refused(db, email):
    from hiring.accounts import AccountError, create_user

    with db() as session, pytest.raises(AccountError, match="invisible characters"):
        create_user(session=session, email=email, name="X", role="hr",
                    password="long enough password")


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path):
    import os

    from hiring.db import make_engine

    path = tmp_path / "private.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_a_profiles_zip_is_readable_by_its_owner_only(app, db, tmp_path, assessment, clock):
    import os

    from hiring.reports.bundle import write_profiles_zip

    path = tmp_path / "bundle.zip"
    with db() as session:
        write_profiles_zip([], path, session=session, requested_by=None)
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize("value", ["x;=1+1", "Ana;+385 1 234", "a;@SUM(1)", "=1+1"])
def test_csv_cells_are_guarded_for_semicolon_readers_too(value):
    from hiring.csv_cells import safe_cell as _cell

    cell = _cell(value)
    assert cell.startswith("'") and ";" not in cell
    assert _cell("Ana Horvat; Zagreb") == "Ana Horvat; Zagreb"
    assert _cell(-3) == "-3"
