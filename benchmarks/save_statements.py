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
        event.listen(engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2].split(None, 2)[:2]))
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
        # The time from a write transaction's BEGIN to its COMMIT: on SQLite, the time
        # the write lock is held, which no other save can share.
        held: list[float] = []
        began: list[float] = []
        event.listen(engine, "begin", lambda _conn: began.append(time.perf_counter()))
        event.listen(engine, "commit",
                     lambda _conn: held.append(time.perf_counter() - began.pop()))
        rounds = 300
        started = time.perf_counter()
        for _ in range(rounds):
            save(1)
        took = (time.perf_counter() - started) / rounds * 1000
        held.sort()
        print(f"{engine.dialect.name}: save, {took:.2f} ms each (one client, {rounds} saves); "
              f"transaction open {held[len(held) // 2] * 1000:.2f} ms (median)")
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
