"""Database engine per app, one session per request that commits once or rolls back."""

from __future__ import annotations

import contextvars
import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

# SQLite takes its write lock lazily, so two transactions that read and then write
# deadlock and one fails with "database is locked". Write transactions therefore start
# with BEGIN IMMEDIATE; read-only requests (GET) start a plain deferred one.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=True)


def make_engine(url: str, *, busy_timeout_ms: int = 10_000) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and immediate write transactions."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_size=10, max_overflow=20)
        _ping_when_idle(engine)
        return engine

    _create_private(make_url(url).database)
    engine = create_engine(
        url,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    writers = _WriterQueue(engine.url.database, busy_timeout_ms / 1000)
    _WRITERS[engine] = writers

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A connection that committed and begins again without going back to the pool
        # (migrations do) ended its write transaction: its place in line is given up.
        if conn.connection.info.pop("hiring_writer", False):
            writers.leave()
        if not _write_intent.get():
            conn.exec_driver_sql("BEGIN")
            return
        writers.enter()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writers.leave()
            raise
        conn.connection.info["hiring_writer"] = True

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        # A session hands its connection back after COMMIT or ROLLBACK: the write
        # transaction is over, so the next writer may go.
        if record.info.pop("hiring_writer", False):
            writers.leave()

    return engine


# A pooled connection idle longer than this is tried (one round trip) before it is used.
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_when_idle(engine: Engine) -> None:
    """Try a pooled connection before it is used when it has been idle a while, as
    SQLAlchemy's pool_pre_ping does before every use: under load a connection goes back to
    the pool and out again within milliseconds, and a save on PostgreSQL is otherwise one
    round trip, so the ping doubled them. A connection the server dropped (a restart, an
    idle timeout) is found dead here and replaced; one that breaks within the last seconds
    of its use fails its request, as it would in the middle of one, and the pool then
    discards every connection as old as it."""
    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["hiring_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        since = record.info.get("hiring_idle_since")
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                # The pool discards this connection and checks out another.
                raise exc.DisconnectionError(str(error)) from error
            raise


def plain_rows(session: Session, statement, params: dict[str, Any] | None = None):
    """Run a select of columns in the session's transaction and return its result as
    plain rows, without the ORM's handling of a statement (a candidate's hot queries;
    README, Performance, gives the instructions a request saved). Pending changes are
    flushed first, as the ORM's autoflush would."""
    if session.autoflush:
        session.flush()  # nothing to do, and cheap, when nothing is pending
    return session.connection().execute(statement, params)


def quick_write(engine: Engine, statement: tuple[str, Any],
                then: tuple[str, Any] | None = None) -> bool:
    """Run one conditional write in a transaction of its own, on a pooled driver
    connection, and tell whether it changed exactly one row; `then` runs in the same
    transaction only when it did. Nothing of the ORM or of SQLAlchemy's bookkeeping runs
    between taking the write lock and letting it go: on SQLite that lock is what every
    writer waits for, and each step taken while holding it (each one a chance for another
    thread to take the interpreter) made every other save wait.

    The statements are in the driver's own form (SQL text and parameters): see
    hiring.assessment.engine._Prepared. A lone statement runs by itself (autocommit): on
    SQLite it takes the write lock at its start as BEGIN IMMEDIATE does, and writers of
    this server still wait in line (_WriterQueue); on PostgreSQL it is one round trip."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            if engine.dialect.name == "sqlite":
                return _sqlite_write(_WRITERS.get(engine), cursor, statement, then)
            if then is None:  # a lone statement is its own transaction: one round trip
                driver = raw.dbapi_connection
                driver.autocommit = True
                try:
                    return cursor.execute(*statement).rowcount == 1
                finally:
                    driver.autocommit = False
            try:
                changed = cursor.execute(*statement).rowcount == 1
                if changed and then is not None:
                    cursor.execute(*then)
            except BaseException:
                raw.rollback()
                raise
            if changed:
                raw.commit()
            else:
                raw.rollback()
            return changed
        finally:
            cursor.close()
    finally:
        raw.close()


def insert_or_keep(session: Session, row: Any, *, unique: str, renew: dict | None = None,
                   renew_where: Any = None) -> int | None:
    """Insert the row unless a row with the same `unique` value is stored; then update
    that one with `renew` where `renew_where` holds (nothing, without `renew`). Return the
    id of the row inserted or updated, None when neither. One statement (INSERT ... ON
    CONFLICT ... RETURNING, on SQLite and PostgreSQL): no read before it, and no savepoint
    to keep the transaction going when another process inserted the same row first. The
    row is a model instance not added to the session; its defaults are taken from it."""
    table = type(row).__table__
    values = {column.name: getattr(row, column.key) for column in table.columns
              if not column.primary_key}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the databases the app runs on are the two above
        raise NotImplementedError(dialect)
    # The values go with the execution, not into the statement: a statement with fifteen
    # values in it costs SQLAlchemy more to build and look up than the INSERT takes.
    statement = insert(table)
    if renew:
        statement = statement.on_conflict_do_update(index_elements=[unique], set_=renew,
                                                    where=renew_where)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=[unique])
    return session.execute(statement.returning(table.c.id), values).scalar_one_or_none()


def _sqlite_write(writers: _WriterQueue | None, cursor, statement: tuple[str, Any],
                  then: tuple[str, Any] | None) -> bool:
    if writers is not None:
        writers.enter()
    try:
        if then is None:
            return cursor.execute(*statement).rowcount == 1
        cursor.execute("BEGIN IMMEDIATE")
        try:
            changed = cursor.execute(*statement).rowcount == 1
            if changed:
                cursor.execute(*then)
            cursor.execute("COMMIT" if changed else "ROLLBACK")
        except BaseException:
            if cursor.connection.in_transaction:
                cursor.execute("ROLLBACK")
            raise
        return changed
    finally:
        if writers is not None:
            writers.leave()


# The writer queue of each SQLite engine, for quick_write (weakly: it goes with its engine).
_WRITERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _create_private(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only (0600): it holds candidates'
    answers. SQLite gives its -wal and -shm files the same permissions."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, FileNotFoundError):  # there already, or SQLite will say why
        pass


class _WriterQueue:
    """Lets one write transaction at a time reach SQLite, the others wait in line.

    SQLite's busy handler sleeps longer and longer while a writer waits (up to 100 ms at
    a time), so under load writers slept long after the lock was free: that was the tail
    of save latency. Here they queue on a lock that wakes the next one at once: a thread
    lock within the process, and an flock on a file beside the database between the
    server's processes (the kernel frees it if a process dies). Other programs still
    meet SQLite's busy timeout as before."""

    def __init__(self, database: str | None, timeout: float):
        self.timeout = timeout
        self.path = (f"{database}-writers.lock"
                     if database and database != ":memory:" and not database.startswith(
                         "file:") else None)
        self.thread_lock = threading.Lock()
        self.fd: int | None = None
        self.pid: int | None = None

    def enter(self) -> None:
        if not self.thread_lock.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError(
                "database is locked: another write took longer than the busy timeout")
        try:
            if self.path is not None:
                if self.pid != os.getpid():  # opened after a fork: each process its own
                    self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                    self.pid = os.getpid()
                fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.thread_lock.release()
            raise

    def leave(self) -> None:
        try:
            if self.fd is not None and self.pid == os.getpid():
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.thread_lock.release()


def get_engine(app: Flask | None = None) -> Engine:
    """Return the app's engine."""
    return (app or current_app).extensions["hiring.engine"]


class RequestSession(Session):
    """A request's session: its commits are counted (_began, _committed)."""


def get_session() -> Session:
    """Return this request's session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = RequestSession(get_engine(), expire_on_commit=False)
        g.db_commits = 0
    return g.db_session


def _began(session: Session, _transaction, _connection) -> None:
    session.info["hiring_began"] = _write_intent.get()  # a read transaction writes nothing


def _no_writes_after_end(session: Session, _context, _instances) -> None:
    if session is g.get("db_session") and g.get("writing_ended") and (
            session.new or session.deleted
            or any(session.is_modified(instance) for instance in session.dirty)):
        raise RuntimeError(f"{request.method} {request.path} wrote after end_writing(): "
                           "its writes must come before the page is built")


def _committed(session: Session) -> None:
    # Counts the commits that wrote to the database (a commit with no transaction
    # begun since the last one changes nothing): a request should make one.
    # A savepoint's release is not a commit.
    if session.in_nested_transaction():
        return
    if session.info.pop("hiring_began", False) and session is g.get("db_session"):
        g.db_commits = g.get("db_commits", 0) + 1


# Listened to once for the class: listening per session cost about 4% of a save's time.
event.listen(RequestSession, "after_begin", _began)
event.listen(RequestSession, "after_commit", _committed)
event.listen(RequestSession, "before_flush", _no_writes_after_end)


def end_writing() -> None:
    """Commit this request's changes now, and read the rest in read transactions: for a
    page that writes a little first (a candidate's page records the browser, closes an
    overdue attempt, keeps the place in the attempt) and then builds its HTML, which must
    not hold SQLite's write lock meanwhile (every other writer waits for it). What was to
    follow the commit (after_commit) runs now; the request may write nothing more."""
    session = g.get("db_session")
    if session is not None:
        session.commit()
    _run_after_commit()
    g.writing_ended = True
    _write_intent.set(False)  # reset to the request's own at its teardown


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once this request's transaction has committed: the mail, jobs and
    files that must follow changes only once the changes are stored. If the request
    fails or is refused (an error status), the transaction rolls back and the callbacks
    are dropped. They run in the order given; one that raises is logged, and the others
    still run (the data is stored, and the reply says so). Outside a request (commands)
    there is no request's commit to wait for: commit, then do the work."""
    if not has_request_context():
        raise RuntimeError("after_commit runs work after a request's commit: outside a "
                           "request, commit first and then do the work")
    if "after_commit" not in g:
        g.after_commit = []
    g.after_commit.append(callback)


def commit_if_refused() -> None:
    """Commit this request's changes even if it then answers with a refusal (a 4xx
    status, not a 5xx): for a change that stands on its own, such as closing an attempt
    whose time ran out, whatever the request asked for next."""
    g.commit_if_refused = True


def _run_after_commit() -> None:
    for callback in g.pop("after_commit", []):
        try:
            callback()
        except Exception:  # the changes are stored: the reply stands
            log.exception("after the commit of %s %s, %r failed", request.method,
                          request.path, callback)


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """Open a write session outside a request (CLI, tests); commit or roll back."""
    token = _write_intent.set(True)
    try:
        with Session(get_engine(app), expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        _write_intent.reset(token)


@contextmanager
def read_scope(app: Flask | None = None) -> Iterator[Session]:
    """Open a session for long reading work; it never takes SQLite's write lock."""
    token = _write_intent.set(False)
    try:
        with Session(get_engine(app), expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()
    finally:
        _write_intent.reset(token)


def start_writing(session: Session) -> None:
    """Let a request that began by reading write after all (a page that finds attempts to
    score again): its read transaction ends, and the next begins as a write one. On
    SQLite a read transaction cannot become a write one once another connection has
    written since it began ("database is locked" at once, whatever the busy timeout), so
    it must not simply go on and write. Outside such a request it does nothing."""
    if _write_intent.get():
        return
    session.commit()  # a read transaction: nothing is written, nothing expires
    _write_intent.set(True)  # reset to the request's own at its teardown


def request_writes() -> bool:
    """True when this request's transaction takes the write lock (SQLite: BEGIN IMMEDIATE);
    a second write transaction from the same request would then wait for itself."""
    return bool(_write_intent.get())


def _before_request() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    # A view marked `writes` may change data even on GET (a candidate's page records
    # progress and finalises an overdue attempt), so it takes the write lock up front.
    writes = request.method not in ("GET", "HEAD", "OPTIONS") or getattr(view, "writes", False)
    g.write_token = _write_intent.set(bool(writes))


def _after_request(response):
    session = g.get("db_session")
    limit = 500 if g.pop("commit_if_refused", False) else 400
    if response.status_code >= limit:
        g.pop("after_commit", None)  # rolled back in the teardown: nothing follows
        return response
    if session is not None:
        session.commit()  # an error here becomes a 500: nothing is acknowledged unsaved
    _run_after_commit()
    return response


def _teardown(_exc) -> None:
    g.pop("after_commit", None)  # the request failed before its commit
    g.pop("writing_ended", None)
    g.pop("commit_if_refused", None)
    commits = g.pop("db_commits", 0)
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
    token = g.pop("write_token", None)
    if token is not None:
        _write_intent.reset(token)
    if commits > 1 and current_app.testing:
        raise AssertionError(f"{request.method} {request.path} committed {commits} times: "
                             "a request commits once (hiring.db.after_commit)")


def init_app(app: Flask) -> None:
    """Attach an engine and the per-request session handling to the app."""
    app.extensions["hiring.engine"] = make_engine(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.teardown_request(_teardown)
