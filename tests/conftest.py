"""Fixtures: an app on a real database (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import has_request_context
from sqlalchemy import text
from sqlmodel import SQLModel

from hiring import jobs, migrate
from hiring.app import create_app
from hiring.db import make_engine, session_scope
from hiring.scoring import dictionaries
from tests import factories

DATA = Path(__file__).parent / "data"


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Migrate a fresh database once per test session."""
    url = os.environ.get("DATABASE_URL")
    if url:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def _empty_tables(engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def no_dictionary_in_web_requests(monkeypatch):
    """Fail any test in which a web request uses a spelling dictionary: loading one takes
    seconds and up to 230 MB, so only background jobs and commands may (jobs run inline
    in tests, inside the request that starts them, and say so)."""
    real = dictionaries.checker

    def guarded(language, folder):
        if has_request_context() and not jobs.in_background():
            raise AssertionError(f"a web request used the {language} spelling dictionary")
        return real(language, folder)

    monkeypatch.setattr(dictionaries, "checker", guarded)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database_url, tmp_path, clock):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "CLOCK": clock,
        "JOBS_INLINE": True,
        "WEBHOOKS_ALLOW_PRIVATE": True,  # the test endpoints listen on 127.0.0.1
        "PROFILE_PRERENDER": False,  # on in the tests of pre-rendering
    }, instance_path=str(tmp_path / "instance"))
    engine = app.extensions["hiring.engine"]
    _empty_tables(engine)
    yield app
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A session that commits when the block ends: `with db() as session: ...`."""
    return lambda: session_scope(app)


@pytest.fixture
def bank(app, db):
    """The small test bank, imported."""
    with db() as session:
        return factories.make_bank(session, DATA / "mini_bank.yaml")


@pytest.fixture
def assessment(app, db, bank):
    with db() as session:
        return factories.make_assessment(session, bank)


@pytest.fixture
def long_assessment(app, db, tmp_path):
    """A 30-item assessment: 20 situations, 8 calculations, 2 written replies, in order."""
    with db() as session:
        bank = factories.make_bank(session, factories.thirty_item_bank(DATA / "mini_bank.yaml",
                                                                       tmp_path))
        return factories.make_assessment(session, bank, sections=factories.THIRTY_SECTIONS)


class AuthActions:
    def __init__(self, client, db):
        self._client, self._db = client, db

    def login(self, role: str = "interviewer", email: str | None = None,
              assigned: bool = True):
        """Log in as a user of the role; an interviewer is assigned to every assessment
        that exists by then, unless `assigned` is False (hiring.rights)."""
        email = email or f"{role}@example.com"
        with self._db() as session:
            user = factories.make_user(session, role=role, email=email)
            if role == "interviewer" and assigned:
                factories.assign_everything(session, user)
        return self._client.post("/login", data={"email": email,
                                                 "password": factories.PASSWORD})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client, db):
    return AuthActions(client, db)
