"""Reference servers for the load benchmarks, served exactly as `hiring serve` serves the
app (hiring.serve.run: gunicorn, the same workers, threads, worker class, access log and
timeouts), so that a ratio against them measures the app and not the serving.

    python -m benchmarks.reference --port 5001 --workers 4 --database URL

Endpoints:
  GET  /bare            a bare Flask endpoint: "ok".
  POST /save/<id>       {"seq": n, "answer": {...}}: the one-row conditional write an answer
                        save is, and nothing else:
                        UPDATE response SET answer=?, client_seq=? WHERE id=? AND client_seq < ?
                        SQLite as the app opens it (WAL, synchronous=NORMAL, the same busy
                        timeout, BEGIN IMMEDIATE); PostgreSQL through psycopg, one
                        connection per thread.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import threading

from flask import Flask, jsonify, request

TABLE = """CREATE TABLE IF NOT EXISTS response (id INTEGER PRIMARY KEY, answer TEXT,
client_seq INTEGER NOT NULL DEFAULT 0)"""
UPDATE = "UPDATE response SET answer=?, client_seq=? WHERE id=? AND client_seq < ?"
BUSY_TIMEOUT_MS = 10_000  # the app's SQLITE_BUSY_TIMEOUT_MS default


def prepare(database: str, rows: int) -> None:
    """Create the response table with `rows` rows (ids 1..rows, client_seq 0)."""
    if database.startswith("postgresql"):
        import psycopg

        with psycopg.connect(database, autocommit=True) as connection:
            connection.execute("DROP TABLE IF EXISTS response")
            connection.execute("CREATE TABLE response (id INTEGER PRIMARY KEY, answer JSONB, "
                               "client_seq INTEGER NOT NULL DEFAULT 0)")
            connection.execute("INSERT INTO response (id, client_seq) "
                               "SELECT g, 0 FROM generate_series(1, %s) g", (rows,))
        return
    path = database.removeprefix("sqlite:///")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("DROP TABLE IF EXISTS response")
    connection.execute(TABLE)
    connection.executemany("INSERT INTO response (id) VALUES (?)",
                           ((n,) for n in range(1, rows + 1)))
    connection.commit()
    connection.close()


def create_app(database: str) -> Flask:
    app = Flask(__name__)
    local = threading.local()
    postgres = database.startswith("postgresql")

    def connection():
        if not hasattr(local, "connection"):
            if postgres:
                import psycopg

                local.connection = psycopg.connect(database)
            else:
                db = sqlite3.connect(database.removeprefix("sqlite:///"),
                                     timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                     check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                db.execute("PRAGMA synchronous=NORMAL")
                local.connection = db
        return local.connection

    @app.get("/bare")
    def bare():
        return "ok"

    @app.post("/save/<int:row>")
    def save(row: int):
        payload = request.get_json()
        seq, answer = payload["seq"], json.dumps(payload["answer"])
        db = connection()
        if postgres:
            with db.transaction():
                changed = db.execute(UPDATE.replace("?", "%s"),
                                     (answer, seq, row, seq)).rowcount
        else:
            db.execute("BEGIN IMMEDIATE")
            try:
                changed = db.execute(UPDATE, (answer, seq, row, seq)).rowcount
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return jsonify(ok=True, accepted=changed == 1, seq=seq)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()

    from hiring import serve

    app = create_app(args.database)
    # The app's own serving, with this app in place of the service.
    serve._Server.load = lambda _self: app
    serve.run(host=args.host, port=args.port, workers=args.workers)


if __name__ == "__main__":
    main()
