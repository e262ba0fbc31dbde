"""Count the SQL statements (and time) of a candidate's save and submit.

    python -m benchmarks.save_statements            # SQLite in a temporary folder
    DATABASE_URL=postgresql://... python -m benchmarks.save_statements

The database named by DATABASE_URL is emptied and migrated first: use a scratch one.
Background work a submit starts (jobs and tasks) is not run, so not counted."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, text
from sqlmodel import SQLModel

from hiring import jobs, migrate
from hiring.app import create_app
from hiring.assessment import engine as quick_saves
from hiring.db import make_engine, session_scope

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests import factories  # noqa: E402


def _app(folder: str):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench",
                       "WTF_CSRF_ENABLED": False, "JOBS_INLINE": False,
                       "CLOCK": lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC)},
                      instance_path=f"{folder}/instance")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = _app(folder)
        engine = app.extensions["hiring.engine"]
        with session_scope(app) as session:
            for table in reversed(SQLModel.metadata.sorted_tables):
                session.execute(table.delete())
        with session_scope(app) as session:
            bank = factories.make_bank(session, ROOT / "tests/data/mini_bank.yaml")
            assessment = factories.make_assessment(session, bank)
            _, token = factories.make_attempt(
                session, assessment, now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), started=True)
        statements: list[str] = []
        held: list[float] = []  # how long each quick write took, its transaction included
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # every statement the library runs, those on a driver connection included
            # (a save's quick write, hiring.db.quick_write)
            def traced(dbapi_connection, *_args):
                dbapi_connection.set_trace_callback(
                    lambda sql: statements.append(sql.split(None, 2)[:2]))

            event.listen(engine.pool, "checkout", traced)
        else:
            event.listen(engine, "before_cursor_execute",
                         lambda *args: statements.append(args[2].split(None, 2)[:2]))
        real_write = quick_saves.quick_write

        def quick_write(bind, statement, then=None):
            if not sqlite:
                statements.append(statement[0].split(None, 2)[:2])
            started = time.perf_counter()
            changed = real_write(bind, statement, then)
            held.append(time.perf_counter() - started)
            if not sqlite and changed and then is not None:
                statements.append(then[0].split(None, 2)[:2])
            return changed

        quick_saves.quick_write = quick_write
        client = app.test_client()
        base = 0

        def save(position: int) -> None:
            nonlocal base
            reply = client.post(f"/a/{token}/save", json={
                "position": position, "base": base, "answer": {"best": "a"}})
            assert reply.status_code == 200 and reply.get_json()["accepted"], reply.get_json()
            base += 1

        save(1)  # the first saves record the browser and fill the caches
        save(1)
        statements.clear()
        save(1)
        print(f"{engine.dialect.name}: save, {len(statements)} statements: "
              + ", ".join(" ".join(words) for words in statements))
        # The time of the quick write, from taking a pooled connection to letting it
        # go: on SQLite the write lock is held for less, and no other save can share it.
        held.clear()
        rounds = 300
        started = time.perf_counter()
        for _ in range(rounds):
            save(1)
        took = (time.perf_counter() - started) / rounds * 1000
        held.sort()
        print(f"{engine.dialect.name}: save, {took:.2f} ms each (one client, {rounds} saves); "
              f"quick write {held[len(held) // 2] * 1000:.2f} ms (median)")
        # Only the request's own statements: background work is left waiting.
        jobs.start_task = lambda *_args, **_kwargs: None
        statements.clear()
        reply = client.post(f"/a/{token}/submit", data={"confirm": "1"})
        assert reply.status_code == 302, reply.status_code
        print(f"{engine.dialect.name}: submit, {len(statements)} statements: "
              + ", ".join(" ".join(words) for words in statements))
        engine.dispose()


if __name__ == "__main__":
    main()
