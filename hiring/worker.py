"""The worker: runs the jobs of the job table (hiring.leases) and the periodic work.

It runs as `hiring worker`: by default `hiring serve` (and `hiring demo`) starts one
beside its server processes, so that a single machine needs nothing else and WeasyPrint
and the spelling dictionaries stay out of the server processes; with JOBS_SERVER_WORKER
True it runs as a thread of each server process instead, with False not at all.
Several of them share the table safely: each job is claimed by one worker at a time.

Periodic work replaces cron: PERIODIC_WORK maps each command to its interval in minutes
(0 or None: off). One job of each kind waits in the table at a time (its key is unique),
whichever worker made it, and whichever worker is free runs it.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

import click
from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from hiring import jobs
from hiring.app import create_app
from hiring.config import Defaults
from hiring.db import read_scope, session_scope
from hiring.models import Job, utcnow

log = logging.getLogger(__name__)
PERIODIC_PREFIX = "periodic:"


# ---- periodic work ------------------------------------------------------------------


# The commands periodic work runs, by name: the same code as from cron. Each command
# registers itself where it is defined (hiring.cli), with periodic().
PERIODIC: dict[str, tuple[click.Command, dict]] = {}


def periodic(name: str, command: click.Command, **params: object) -> None:
    """Let PERIODIC_WORK run a command by name, with these parameters."""
    PERIODIC[name] = (command, params)
    jobs.work(PERIODIC_PREFIX + name)(_periodic)


def _periodic(job: Job, _session: Session, _run: jobs.Run) -> str:
    """Run a command as cron would; its output goes to the log."""
    name = job.kind.removeprefix(PERIODIC_PREFIX)
    command, params = PERIODIC[name]
    with click.Context(command, info_name=name) as context:
        try:
            context.invoke(command, **params)
        except SystemExit as stopped:  # a command's error: fail the job, not the worker
            if stopped.code:
                raise RuntimeError(f"`hiring {name}` stopped with an error (see the log)"
                                   ) from None
    return ""


def schedule(app: Flask) -> dict[str, float]:
    """Return the periodic work that is on, name -> minutes between runs."""
    configured = app.config.get("PERIODIC_WORK") or {}
    warned = app.extensions.setdefault("hiring.worker.warned", set())
    unknown = set(configured) - set(PERIODIC) - warned
    if unknown:
        log.warning("PERIODIC_WORK names unknown work: %s", ", ".join(sorted(unknown)))
        warned.update(unknown)
    on = {name: float(minutes) for name, minutes in configured.items()
          if minutes and name in PERIODIC}
    if "remind" in on and not app.config.get("MAIL_BASE_URL"):
        if "remind" not in warned:
            log.warning("reminders are not sent on a schedule: MAIL_BASE_URL is not set")
            warned.add("remind")
        del on["remind"]
    return on


def plan_periodic(app: Flask, now: datetime) -> int:
    """Queue the next run of each periodic work that has none waiting; return how many."""
    wanted = schedule(app)
    if not wanted:
        return 0
    with read_scope(app) as session:
        pending = set(session.exec(select(Job.key).where(col(Job.key).is_not(None))))
        missing = [name for name in wanted if PERIODIC_PREFIX + name not in pending]
        rows = session.exec(
            select(Job.kind, func.max(Job.finished_at))
            .where(col(Job.kind).in_([PERIODIC_PREFIX + n for n in missing]))
            .group_by(col(Job.kind))).all() if missing else []
    last = {kind: finished for kind, finished in rows}
    planned = 0
    for name in missing:
        kind = PERIODIC_PREFIX + name
        previous = last.get(kind)
        run_after = max(now, previous + timedelta(minutes=wanted[name])) if previous else now
        try:
            with session_scope(app) as session:
                session.add(Job(kind=kind, key=kind, params={}, run_after=run_after,
                                created_at=now))
            planned += 1
        except IntegrityError:  # another worker queued it first
            pass
    return planned


# ---- jobs and tasks from RQ ----------------------------------------------------------

_worker_app: Flask | None = None  # the app of a `hiring worker` process


def run_queued(job_id: int) -> None:
    """Run a job taken from the queue, in a `hiring worker` process."""
    global _worker_app
    if _worker_app is None:
        _worker_app = create_app()
    jobs.run(_worker_app, job_id)


def run_task_queued(kind: str, params: dict[str, Any]) -> None:
    """Run a task taken from the queue, in a `hiring worker` process."""
    global _worker_app
    if _worker_app is None:
        _worker_app = create_app()
    jobs.run_task(_worker_app, kind, params)


# ---- the loop -----------------------------------------------------------------------


class Worker:
    """Claims and runs due jobs until stopped; `wake` cuts a pause short."""

    def __init__(self, app: Flask, *, name: str | None = None, poll_seconds: float | None = None,
                 grace_seconds: float | None = None, periodic: bool = True):
        self.app = app
        self.name = name or jobs.worker_name()
        self.poll = float(poll_seconds if poll_seconds is not None
                          else app.config.get("JOBS_POLL_SECONDS") or Defaults.JOBS_POLL_SECONDS)
        # Jobs younger than this are left to the RQ workers (set when REDIS_URL is).
        self.grace = grace_seconds
        self.periodic = periodic
        self.wake = threading.Event()
        self.stopped = threading.Event()

    def run_once(self) -> int:
        """Plan periodic work, then run every due job; return how many ran."""
        now = self.app.config.get("CLOCK", utcnow)()
        with self.app.app_context():
            if self.periodic:
                plan_periodic(self.app, now)
        before = now - timedelta(seconds=self.grace) if self.grace else None
        return jobs.run_due(self.app, self.name, queued_before=before)

    def run_forever(self) -> None:
        log.info("worker %s: running jobs", self.name)
        while not self.stopped.is_set():
            try:
                self.run_once()
            except Exception:  # the database is away for a moment: try again later
                log.exception("worker %s: could not run jobs", self.name)
            self.wake.wait(self.poll)
            self.wake.clear()

    def stop(self) -> None:
        self.stopped.set()
        self.wake.set()


PROCESS, THREAD, NONE = "process", "thread", "none"


def mode(app: Flask) -> str:
    """Where `hiring serve` runs the jobs (JOBS_SERVER_WORKER): in one `hiring worker`
    process it starts beside its server processes (None, the default), in a thread of
    each server process (True), or not at all (False: `hiring worker` runs elsewhere)."""
    setting = app.config.get("JOBS_SERVER_WORKER")
    if setting is None:
        return PROCESS
    return THREAD if setting else NONE


def runs_in_server(app: Flask) -> bool:
    """Tell whether the server's own processes run jobs (a worker thread in each), and
    may so render a PDF themselves."""
    return mode(app) == THREAD


def start_thread(app: Flask) -> Worker:
    """Run a worker in a thread of this process; `jobs.start` wakes it."""
    # With Redis, the RQ workers take new jobs at once; this thread only takes the jobs
    # Redis never got (it was down) once they have waited a while.
    grace = (float(app.config.get("JOBS_REDIS_GRACE_SECONDS") or Defaults.JOBS_REDIS_GRACE_SECONDS)
             if app.config.get("REDIS_URL") else None)
    worker = Worker(app, grace_seconds=grace)
    if grace is None:
        app.extensions["hiring.jobs.wake"] = worker.wake
    app.extensions["hiring.worker"] = worker
    thread = threading.Thread(target=worker.run_forever, name="hiring-worker", daemon=True)
    thread.start()
    return worker


def stop_thread(app: Flask) -> None:
    worker = app.extensions.pop("hiring.worker", None)
    app.extensions.pop("hiring.jobs.wake", None)
    if worker is not None:
        worker.stop()

