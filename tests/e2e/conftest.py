"""Fixtures for browser tests: the demo served by gunicorn, and Debian's chromium.

The server runs on SQLite in a temporary instance folder, or, when DATABASE_URL is set,
on a separate PostgreSQL database (hiring_e2e) so that the unit tests sharing the
DATABASE_URL database are never disturbed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    # Without these chromium keeps calling home, which floods a closed network.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
# HIRING_E2E_DATABASE lets two checkouts run their browser tests on one PostgreSQL server.
E2E_DATABASE = os.environ.get("HIRING_E2E_DATABASE", "hiring_e2e")
STARTUP_TIMEOUT_S = 30
INVITATION = re.compile(r"Candidate invitation:\s*(\S+)")


def _hiring_command() -> str:
    beside_python = Path(sys.executable).with_name("hiring")
    found = str(beside_python) if beside_python.exists() else shutil.which("hiring")
    if not found:
        pytest.fail("the `hiring` command is not installed; run pip install -e .[test]")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _recreate_postgres_database(url: str, name: str, *, drop_only: bool = False) -> str:
    """Drop and create database `name` on the server of `url`; return its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url).set(drivername="postgresql+psycopg")
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if not drop_only:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    # The app accepts plain postgresql:// URLs; keep the caller's form.
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@dataclass
class LiveServer:
    """A running `hiring serve` and how to reach it."""

    base_url: str
    invitation_url: str
    instance_path: Path
    env: dict[str, str]
    port: int
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def demo(self) -> str:
        """Run `hiring demo --no-serve` and return the invitation URL it prints."""
        result = subprocess.run(
            [_hiring_command(), "demo", "--no-serve", "--port", str(self.port)],
            env=self.env, capture_output=True, text=True, timeout=120, check=False)
        found = INVITATION.search(result.stdout)
        if result.returncode != 0 or not found:
            pytest.fail(f"`hiring demo` failed (exit {result.returncode}):\n"
                        f"{result.stdout}\n{result.stderr}")
        return found[1]

    def invite(self) -> str:
        """Invite the demo candidate once more, straight in the database, and return the
        link: `hiring demo` keeps one open demo invitation, and each test wants its own."""
        from datetime import timedelta

        from sqlmodel import col, select

        from hiring.app import create_app
        from hiring.assessment import engine
        from hiring.cli.runs import DEFAULT_ASSESSMENT
        from hiring.db import session_scope
        from hiring.models import Assessment, utcnow

        url = self.env.get("DATABASE_URL") or f"sqlite:///{self.instance_path / 'hiring.sqlite'}"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "e2e", "TESTING": True},
                         instance_path=str(self.instance_path))
        try:
            with session_scope(app) as session:
                assessment = session.exec(select(Assessment).where(
                    Assessment.key == DEFAULT_ASSESSMENT).order_by(col(Assessment.id).desc())
                ).first()
                _, token = engine.invite(assessment, session=session, name="Dana Demo",
                                         email="dana.demo@example.com",
                                         expires_at=utcnow() + timedelta(days=14))
        finally:
            app.extensions["hiring.engine"].dispose()
        return f"{self.base_url}/a/{token}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the server exited with {server.process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.base_url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer /login within {STARTUP_TIMEOUT_S} s:\n"
                f"{server.log()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # The server runs in its own process group: take its workers down with it.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


SERVER_LOG_TAIL_LINES = 60


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test shows the end of its server's log (a 500's traceback, a
    locked database) and the pages its browser contexts were on, so a failure in CI can
    be understood from CI's output alone."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    server = item.funcargs.get("live_server")
    if isinstance(server, LiveServer) and server.log_path.exists():
        lines = server.log().splitlines()[-SERVER_LOG_TAIL_LINES:]
        report.sections.append(("server log (last lines)", "\n".join(lines)))
    pages = []
    for context in getattr(item, "_hiring_contexts", ()):
        for page in context.pages:
            try:
                text = page.locator("body").inner_text(timeout=2_000)[:1_500]
            except Exception as exc:  # noqa: BLE001 - a closed or crashed page is reported
                text = f"(unreadable: {exc})"
            pages.append(f"{page.url}\n{text}")
    if pages:
        report.sections.append(("browser pages", "\n\n".join(pages)))


@pytest.fixture(scope="module")
def server_env() -> dict[str, str]:
    """Extra environment of the module's server; a test module overrides it to change a
    setting (e.g. HIRING_KEYING_MIN_PANEL)."""
    return {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, server_env) -> Iterator[LiveServer]:
    """Set up the demo in a fresh instance folder and serve it with gunicorn."""
    instance = tmp_path_factory.mktemp("instance")
    # Plain http on 127.0.0.1: session cookies without the Secure flag.
    env = dict(os.environ, HIRING_INSTANCE=str(instance), HIRING_DEVELOPMENT="1",
               **server_env)
    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        env["DATABASE_URL"] = _recreate_postgres_database(database_url, E2E_DATABASE)
    port = _free_port()
    server = LiveServer(base_url=f"http://127.0.0.1:{port}", invitation_url="",
                        instance_path=instance, env=env, port=port,
                        log_path=instance / "server.log")
    server.invitation_url = server.demo()
    # gunicorn's control socket defaults to one path per user, shared by every server
    # of that user (and unlinked by each on exit); keep this one's in the instance.
    serve_env = dict(env, XDG_RUNTIME_DIR=str(instance))
    with server.log_path.open("w", encoding="utf-8") as log:
        server.process = subprocess.Popen(
            [_hiring_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "2"],
            env=serve_env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        _wait_until_up(server)
        yield server
    finally:
        _stop(server.process)
        if database_url:
            _recreate_postgres_database(database_url, E2E_DATABASE, drop_only=True)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless; never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    # A loaded, shared machine is slower than 5 s sometimes: a first PDF rendered while
    # the background job renders the same profile took 12.7 s at a load of 7 on 2 cores.
    # Browser tests check behaviour; speed is measured by benchmarks/.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, request):
    """Make browser contexts (separate cookie jars) that are closed after the test."""
    contexts = []
    request.node._hiring_contexts = contexts  # read by pytest_runtest_makereport

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context, 1280x900."""
    return new_context().new_page()
