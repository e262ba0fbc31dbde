"""PostgreSQL's pooled connections are tried before use only after being idle a while:
under load a ping before every use doubled a save's round trips."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from hiring import db


@pytest.fixture
def pg_engine():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        url = "postgresql://postgres@127.0.0.1/test"
    engine = db.make_engine(url)
    try:
        engine.connect().close()
    except Exception as exc:  # noqa: BLE001 - any failure to connect
        engine.dispose()
        pytest.skip(f"no PostgreSQL at {url}: {exc}")
    yield engine
    engine.dispose()


def _backend(connection) -> int:
    return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_used_a_moment_ago_is_not_pinged(pg_engine, monkeypatch):
    pings = []
    real = pg_engine.dialect.do_ping
    monkeypatch.setattr(pg_engine.dialect, "do_ping", lambda c: pings.append(c) or real(c))
    with pg_engine.connect() as connection:
        first = _backend(connection)
    with pg_engine.connect() as connection:
        assert _backend(connection) == first
    assert pings == []
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    with pg_engine.connect() as connection:
        assert _backend(connection) == first
    assert len(pings) == 1


def test_an_idle_connection_the_server_dropped_is_replaced(pg_engine, monkeypatch):
    with pg_engine.connect() as connection, pg_engine.connect() as other:
        dropped, kept = _backend(connection), _backend(other)
    # Both are back in the pool, idle; the server drops one of them.
    admin = db.make_engine(pg_engine.url.render_as_string(hide_password=False))
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
            connection.commit()
    finally:
        admin.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    # Idle long enough to be tried: the dropped one is found dead and replaced.
    with pg_engine.connect() as one, pg_engine.connect() as two:
        found = {_backend(one), _backend(two)}
    assert kept in found and dropped not in found and len(found) == 2
