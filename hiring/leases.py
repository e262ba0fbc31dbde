"""The job table as a queue: starting a job, claiming it, holding its lease, running it,
retrying it.

A worker (hiring.worker: a thread of the server, or `hiring worker`) claims a queued job
whose time has come with one conditional UPDATE that only one worker can win, on SQLite
(one writer at a time) and PostgreSQL alike, and holds a lease on it that it renews while
it works. A job whose lease runs out, because its worker was killed, is claimed again; a
job that fails is tried again after a pause, and after JOBS_MAX_ATTEMPTS runs it is
failed with its error, never left queued or running.

A table rather than a queue library (huey, RQ's own registries): the job's state and
progress already live in the database for every web worker to show, both databases can
claim a row atomically, and nothing else has to run or be backed up.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from hiring.background import WORK, Retry, Run, Settings
from hiring.config import Defaults
from hiring.db import read_scope, session_scope
from hiring.models import Job, JobState, utcnow

log = logging.getLogger(__name__)

GivenUp = Callable[[Flask, dict, str], None]
GIVEN_UP: dict[str, GivenUp] = {}
# Set while a job or task runs, also when it runs inline inside a request (tests).
_in_background: ContextVar[bool] = ContextVar("hiring_in_background", default=False)
# The pause before a failed job is tried again: after its first failure, its second, ...
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
MAX_ERROR = 2000


def given_up(kind: str) -> Callable[[GivenUp], GivenUp]:
    """Register what to do when a job of this kind fails for good: function(app, params,
    error), e.g. fail the e-mails it was to send, so that none stays queued."""

    def decorate(function: GivenUp) -> GivenUp:
        GIVEN_UP[kind] = function
        return function

    return decorate


def in_background() -> bool:
    """Tell whether the code runs as a background job or task."""
    return _in_background.get()


def exports_dir(app: Flask) -> Path:
    path = Path(app.instance_path) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def settings(app: Flask) -> Settings:
    """The settings a job's or a task's work reads, from the app's configuration."""
    return Settings.from_config(app.config)


def run_for(app: Flask, **more: Any) -> Run:
    """What the app hands a job's or a task's work: its settings and database scopes."""
    return Run(settings=settings(app), read=partial(read_scope, app),
               write=partial(session_scope, app), **more)


def worker_name() -> str:
    """Name this worker uniquely: host, process and a random part (threads, restarts)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _clock(app: Flask) -> datetime:
    return app.config.get("CLOCK", utcnow)()


def lease(app: Flask) -> timedelta:
    seconds = app.config.get("JOBS_LEASE_SECONDS") or Defaults.JOBS_LEASE_SECONDS
    return timedelta(seconds=float(seconds))


def max_attempts(app: Flask) -> int:
    return max(1, int(app.config.get("JOBS_MAX_ATTEMPTS") or Defaults.JOBS_MAX_ATTEMPTS))


# ---- starting a job -----------------------------------------------------------------


QUEUE = "hiring"
# What a job handed to RQ runs, by name: it builds the app (hiring.worker).
RUN_QUEUED = "hiring.worker.run_queued"


def queue(app: Flask, *, for_worker: bool = False):
    """Return the RQ queue on the app's Redis. A page gives up on Redis after a few
    seconds; a worker's connection waits on the queue as long as RQ asks."""
    from redis import Redis  # Redis and RQ: needed only with REDIS_URL set
    from rq import Queue

    timeouts = {} if for_worker else {"socket_connect_timeout": 2, "socket_timeout": 5}
    return Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"], **timeouts))


def start(app: Flask, job_id: int) -> None:
    """Hand a committed job to a worker: inline when JOBS_INLINE is set (tests), to RQ
    when REDIS_URL is set, else to the worker thread of this process if it has one.

    Never raises: the job is in the table already, and a worker takes it from there when
    Redis is down or no thread of this process is waiting."""
    if app.config.get("JOBS_INLINE"):
        run(app, job_id)
        return
    if app.config.get("REDIS_URL"):
        try:
            queue(app).enqueue(RUN_QUEUED, job_id, job_timeout=3600)
            return
        except Exception:  # Redis down: the job waits in the table for a worker
            log.warning("could not hand job %s to Redis; it waits in the database for a "
                        "worker", job_id, exc_info=True)
    wake = app.extensions.get("hiring.jobs.wake")
    if wake is not None:
        wake.set()


# ---- claiming and running -----------------------------------------------------------


def _due(now: datetime, queued_before: datetime | None = None):
    """The jobs a worker may claim: queued ones whose time has come, and running ones
    whose worker stopped renewing its lease (a lease of None: a run before leases)."""
    queued = and_(col(Job.state) == JobState.QUEUED,
                  or_(col(Job.run_after).is_(None), col(Job.run_after) <= now))
    if queued_before is not None:
        queued = and_(queued, col(Job.created_at) <= queued_before)
    abandoned = and_(col(Job.state) == JobState.RUNNING,
                     or_(col(Job.lease_expires_at).is_(None), col(Job.lease_expires_at) < now))
    return or_(queued, abandoned)


def claim(app: Flask, owner: str, *, job_id: int | None = None,
          queued_before: datetime | None = None) -> int | None:
    """Take the lease of a due job (that one, or the oldest) and return its id, or None.

    The UPDATE repeats the condition the job was found by, so of two workers that found
    the same job only one changes the row: SQLite lets one write transaction run at a
    time, and PostgreSQL checks the condition again on the row the other one changed."""
    now = _clock(app)
    with read_scope(app) as session:  # finding nothing to do takes no write lock
        query = select(Job.id).where(_due(now, queued_before))
        if job_id is not None:
            query = query.where(Job.id == job_id)
        found = list(session.exec(query.order_by(col(Job.id)).limit(5)))
    for candidate in found:
        with session_scope(app) as session:
            taken = session.execute(
                update(Job).where(col(Job.id) == candidate, _due(now, queued_before))
                .values(state=JobState.RUNNING, lease_owner=owner,
                        lease_expires_at=now + lease(app), attempts=Job.attempts + 1)
                .execution_options(synchronize_session=False))
            if taken.rowcount == 1:
                return candidate
    return None


def run(app: Flask, job_id: int, owner: str | None = None) -> bool:
    """Claim the job and do it; False when it is not due or another worker has it."""
    owner = owner or worker_name()
    with app.app_context():
        if claim(app, owner, job_id=job_id) is None:
            return False
    execute(app, job_id, owner)
    return True


def execute(app: Flask, job_id: int, owner: str) -> None:
    """Do the work of a job this worker has claimed, recording progress, the result or
    the error, and renewing the lease meanwhile."""
    token = _in_background.set(True)
    try:
        with app.app_context():
            _execute(app, job_id, owner)
    finally:
        _in_background.reset(token)


def _owned(job_id: int, owner: str):
    return and_(col(Job.id) == job_id, col(Job.lease_owner) == owner,
                col(Job.state) == JobState.RUNNING)


def _set(app: Flask, job_id: int, owner: str, **values: Any) -> bool:
    """Change the job if this worker still holds its lease; tell whether it did."""
    with session_scope(app) as session:
        return session.execute(update(Job).where(_owned(job_id, owner)).values(**values)
                               .execution_options(synchronize_session=False)).rowcount == 1


class _Heartbeat(threading.Thread):
    """Renews the lease of a running job until stopped."""

    def __init__(self, app: Flask, job_id: int, owner: str):
        super().__init__(name=f"hiring-lease-{job_id}", daemon=True)
        self.app, self.job_id, self.owner = app, job_id, owner
        self.stopped = threading.Event()

    def run(self) -> None:
        every = lease(self.app).total_seconds() / 3
        while not self.stopped.wait(every):
            try:
                with self.app.app_context():
                    renewed = _set(self.app, self.job_id, self.owner,
                                   lease_expires_at=_clock(self.app) + lease(self.app))
            except Exception:  # the database is away: the next beat tries again
                log.warning("could not renew the lease of job %s", self.job_id, exc_info=True)
                continue
            if not renewed:
                log.warning("job %s is no longer this worker's", self.job_id)
                return


def _execute(app: Flask, job_id: int, owner: str) -> None:
    with read_scope(app) as session:
        job = session.get(Job, job_id)
        attempts, kind, params = job.attempts, job.kind, dict(job.params)
    if attempts > max_attempts(app):  # its worker was killed every time
        _give_up(app, job_id, owner, kind, params,
                 f"The work stopped {attempts - 1} times before it was done (its worker "
                 "was stopped or ran out of memory); start it again.")
        return
    if kind not in WORK:
        _give_up(app, job_id, owner, kind, params,
                 f"No work of kind {kind!r} is known to this version.")
        return
    heartbeat = _Heartbeat(app, job_id, owner)
    heartbeat.start()
    try:
        # Rendering only reads; holding the write lock would stall candidates' saves.
        with read_scope(app) as session:
            job = session.get(Job, job_id)

            def progress(done: int) -> None:
                _set(app, job_id, owner, done=done)

            result = WORK[kind](job, session, run_for(app, folder=exports_dir(app),
                                                      progress=progress))
    except Retry as again:
        _set(app, job_id, owner, state=JobState.QUEUED, run_after=again.at,
             error=again.reason[:MAX_ERROR] or None, attempts=Job.attempts - 1,
             lease_owner=None, lease_expires_at=None)
        return
    except Exception as exc:  # the job fails, the worker lives on
        log.exception("job %s failed (run %s)", job_id, attempts)
        error = (str(exc) or type(exc).__name__)[:MAX_ERROR]
        if attempts < max_attempts(app):
            delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
            _set(app, job_id, owner, state=JobState.QUEUED, run_after=_clock(app) + delay,
                 error=error, lease_owner=None, lease_expires_at=None)
        else:
            _give_up(app, job_id, owner, kind, params, error)
        return
    finally:
        heartbeat.stopped.set()
    if not _set(app, job_id, owner, state=JobState.DONE, result_path=result or None,
                finished_at=_clock(app), done=Job.total, error=None, lease_owner=None,
                lease_expires_at=None, key=None):
        with read_scope(app) as session:
            erased = session.get(Job, job_id).state == JobState.FAILED
        if erased and result:  # its candidates were erased meanwhile
            (exports_dir(app) / result).unlink(missing_ok=True)
        log.warning("job %s finished after its lease was lost", job_id)


def _give_up(app: Flask, job_id: int, owner: str, kind: str, params: dict,
             error: str) -> None:
    """Fail the job for good, and let its kind close what it leaves waiting."""
    if _set(app, job_id, owner, state=JobState.FAILED, error=error[:MAX_ERROR],
            finished_at=_clock(app), lease_owner=None, lease_expires_at=None, key=None):
        if kind in GIVEN_UP:
            try:
                GIVEN_UP[kind](app, params, error)
            except Exception:
                log.exception("closing what failed job %s left failed too", job_id)


def run_due(app: Flask, owner: str | None = None, *, limit: int | None = None,
            queued_before: datetime | None = None) -> int:
    """Run due jobs one after another until none is left (or `limit`); return how many."""
    owner = owner or worker_name()
    count = 0
    while limit is None or count < limit:
        with app.app_context():
            job_id = claim(app, owner, queued_before=queued_before)
        if job_id is None:
            break
        execute(app, job_id, owner)
        count += 1
    return count
