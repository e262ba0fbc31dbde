"""The container's entrypoint: wait for the database, migrate, then run the service.

    web [SERVE OPTIONS]   wait for the database; on an empty one `hiring init` (the schema
                          and the starter question bank), else `hiring db upgrade`; then
                          `hiring serve --host 0.0.0.0 --port 8000 [SERVE OPTIONS]`
    worker [OPTIONS]      wait until the database's schema is the code's (the web
                          container migrates it), then `hiring worker [OPTIONS]`
    migrate               only the migrations (as web does), then exit
    anything else         run as given, e.g. `hiring user create --role hr --email ...`

Only `web` and `migrate` change the schema, so that two containers never migrate at
once. DATABASE_WAIT_SECONDS (default 120) bounds each wait.
"""

from __future__ import annotations

import os
import subprocess  # nosec B404 - runs the hiring command only
import sys
import time

PORT = "8000"


def log(message: str) -> None:
    print(f"entrypoint: {message}", file=sys.stderr, flush=True)


def wait_seconds() -> float:
    text = os.environ.get("DATABASE_WAIT_SECONDS", "120")
    try:
        return max(0.0, float(text))
    except ValueError:
        sys.exit(f"entrypoint: DATABASE_WAIT_SECONDS must be a number of seconds, not {text!r}")


def revisions() -> tuple[str | None, str | None]:
    """Return the database's schema revision and the code's (None: an empty database);
    raises SQLAlchemyError while the database does not answer."""
    from alembic.script import ScriptDirectory

    from hiring import migrate
    from hiring.app import create_app
    from hiring.db import get_engine

    app = create_app()
    with app.app_context():
        engine = get_engine()
        head = ScriptDirectory.from_config(
            migrate.alembic_config(engine.url.render_as_string(hide_password=False))
        ).get_current_head()
        try:
            return migrate.current(engine), head
        finally:
            engine.dispose()


def wait_for(ready, what: str) -> tuple[str | None, str | None]:
    """Call ready() until it returns its revisions, or give up after the wait."""
    from sqlalchemy.exc import SQLAlchemyError

    deadline = time.monotonic() + wait_seconds()
    said = False
    while True:
        try:
            found = ready()
            if found is not None:
                return found
            problem = what
        except SQLAlchemyError as exc:
            problem = f"the database does not answer ({type(exc).__name__})"
        if time.monotonic() >= deadline:
            sys.exit(f"entrypoint: gave up waiting: {problem}")
        if not said:
            log(f"waiting: {problem}")
            said = True
        time.sleep(1)


def hiring(*args: str) -> None:
    completed = subprocess.run(["hiring", *args], check=False)  # noqa: S603,S607  # nosec B603 B607
    if completed.returncode:
        sys.exit(completed.returncode)


def migrate() -> None:
    current, head = wait_for(revisions, "the database")
    if current is None:
        log("empty database: creating the schema and importing the starter question bank")
        hiring("init")
    elif current != head:
        log(f"migrating the database from revision {current} to {head}")
        hiring("db", "upgrade")
    else:
        log(f"database at revision {current}")


def schema_ready() -> tuple[str | None, str | None] | None:
    current, head = revisions()
    return (current, head) if current == head else None


def main(argv: list[str]) -> None:
    command, rest = (argv[0], argv[1:]) if argv else ("web", [])
    if command == "migrate":
        migrate()
        return
    if command == "web":
        migrate()
        args = ["hiring", "serve", "--host", "0.0.0.0", "--port", PORT, *rest]  # noqa: S104  # nosec B104
    elif command == "worker":
        wait_for(schema_ready, "the schema is not migrated yet (the web container does it)")
        args = ["hiring", "worker", *rest]
    else:
        args = argv
    os.execvp(args[0], args)  # noqa: S606  # nosec B606


if __name__ == "__main__":
    main(sys.argv[1:])
