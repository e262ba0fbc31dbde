"""Background jobs: long work runs outside the request and reports its progress.

Jobs wait in the job table until a worker claims and runs them (hiring.leases,
hiring.worker). With REDIS_URL set, RQ carries a new job's number to a `hiring worker` at
once; the claim still happens in the database, so a job Redis never got (it was down) is
run from the table all the same.

Tasks are the small kind: idempotent work whose state is the data it fills (the writing
indicators of a closed attempt), so they keep no Job row and may run twice. Where the
server's processes run no worker (JOBS_SERVER_WORKER False, as `hiring serve` sets it in
them when it starts a `hiring worker` process beside them), a task goes to that worker as
a job of kind TASK_JOB instead of a thread of the server process: the spelling
dictionaries and the long computations of kept figures stay out of the processes that
answer requests.

The work of each kind lives beside the domain code it runs and registers itself in
hiring.background (the profiles' ZIP in hiring.reports.bundle, the writing indicators in
hiring.assessment.writing, the kept figures in hiring.scoring.keeping); this module starts
and runs tasks with the app's settings.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import Any

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from hiring.assessment.writing import CLOSED, WRITING_INDICATORS

# The API of jobs, used by the modules above: the registries and the runner.
from hiring.background import TASKS, WORK, Retry, Run, task, work  # noqa: F401
from hiring.db import after_commit, insert_or_keep, session_scope
from hiring.leases import (  # noqa: F401
    GIVEN_UP,
    QUEUE,
    RETRY_DELAYS,
    _in_background,
    claim,
    execute,
    exports_dir,
    given_up,
    in_background,
    queue,
    run,
    run_due,
    run_for,
    start,
    worker_name,
)
from hiring.models import Attempt, Job, utcnow
from hiring.prerender import queue as queue_prerender
from hiring.prerender import queue_within as queue_prerender_within
from hiring.scoring.keeping import AGGREGATES

log = logging.getLogger(__name__)
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hiring-task")
_tasks: set[Future] = set()  # tasks running in this process's pool
# What a task handed to RQ runs, by name: it builds the app (hiring.worker).
RUN_TASK_QUEUED = "hiring.worker.run_task_queued"


# ---- tasks --------------------------------------------------------------------------


def start_task(app: Flask, kind: str, **params: Any) -> Future | None:
    """Run a task after the commit that gave it its work: inline when JOBS_INLINE is set
    (tests), on the RQ queue when REDIS_URL is set, else in this process's pool.

    Returns the pool's future (for tests and commands that wait), or None."""
    if app.config.get("JOBS_INLINE"):
        run_task(app, kind, params)
        return None
    if _worker_takes_tasks(app) and _queue_as_job(app, kind, params):
        return None
    if app.config.get("REDIS_URL"):
        try:
            queue(app).enqueue(RUN_TASK_QUEUED, kind, params, job_timeout=3600)
            return None
        except Exception:  # the task is idempotent: here it runs in the pool instead
            log.warning("could not queue task %s %s on Redis; running it here", kind,
                        params, exc_info=True)
    future = _pool.submit(run_task, app, kind, params)
    _tasks.add(future)
    future.add_done_callback(_tasks.discard)
    return future


TASK_JOB = "task"  # a task handed to the `hiring worker` processes as a job


def _worker_takes_tasks(app: Flask) -> bool:
    """True when this process hands its tasks to the `hiring worker` processes as jobs
    (what `hiring serve` sets up), not to Redis, its own threads or the request itself."""
    return (app.config.get("JOBS_SERVER_WORKER") is False and not app.config.get("REDIS_URL")
            and not app.config.get("JOBS_INLINE") and not in_background())


def _new_task_job(app: Flask, kind: str, params: dict[str, Any]) -> Job:
    digest = hashlib.sha256(json.dumps([kind, params], sort_keys=True, default=str)
                            .encode()).hexdigest()[:40]
    return Job(kind=TASK_JOB, key=f"{TASK_JOB}:{digest}", total=1,
               params={"kind": kind, "params": params},
               created_at=app.config.get("CLOCK", utcnow)())


def _queue_as_job(app: Flask, kind: str, params: dict[str, Any]) -> bool:
    """Queue a task as a job for the `hiring worker` processes; one waits for the same
    task and parameters at a time (the job's unique key). False when it could not be
    queued (the task then runs here)."""
    try:
        with session_scope(app) as session:
            job = _new_task_job(app, kind, params)
            session.add(job)
            session.flush()
            job_id = job.id
    except IntegrityError:  # the same task waits already
        return True
    except Exception:
        log.warning("could not queue task %s %s for the worker; running it here", kind,
                    params, exc_info=True)
        return False
    start(app, job_id)
    return True


@work(TASK_JOB)
def _task_job(job: Job, _session: Session, running: Run) -> str:
    """A task as a job (_queue_as_job): the task's own work, in the worker."""
    app = current_app._get_current_object()
    TASKS[job.params["kind"]](
        replace(running, profiles_changed=partial(prerender_profiles, app)),
        **job.params["params"])
    return ""


def wait_for_tasks(timeout: float = 120) -> None:
    """Wait for the tasks running in this process's pool to finish."""
    for future in list(_tasks):
        future.result(timeout=timeout)


def run_task(app: Flask, kind: str, params: dict[str, Any]) -> None:
    """Do a task; a failure is logged, and the task's command can do it again."""
    token = _in_background.set(True)
    try:
        with app.app_context():
            TASKS[kind](run_for(app, profiles_changed=partial(prerender_profiles, app)),
                        **params)
    except Exception:  # the worker lives on
        log.exception("task %s %s failed", kind, params)
    finally:
        _in_background.reset(token)


def prerender_profiles(app: Flask, attempt_ids: Iterable[int]) -> None:
    """Queue the rendering of the attempts' profiles (hiring.prerender). Call it
    after the commit that closed them or changed their ratings."""
    queue_prerender(app, attempt_ids)


def compute_writing_indicators(app: Flask, attempts: Iterable[Attempt]) -> Future | None:
    """Compute the writing indicators of the closed ones among the attempts, in the
    background, and queue the rendering of their profiles, which waits for them. Call it
    after the commit that closed them: the task reads them anew."""
    ids = [attempt.id for attempt in attempts if attempt.state in CLOSED]
    if not ids:
        return None
    prerender_profiles(app, ids)  # first: a task run inline lets the job go at once
    return start_task(app, WRITING_INDICATORS, attempt_ids=ids)


def queue_writing_indicators(app: Flask, attempts: Iterable[Attempt], *,
                             session: Session) -> bool:
    """In the transaction that closes the attempts (a submit), queue what
    compute_writing_indicators starts after it: the rendering of their profiles and their
    writing indicators, as jobs for the `hiring worker` processes. They are stored with
    the closing or not at all, and a submit writes once instead of three times (on SQLite,
    three turns of the write lock in a burst of submits). False, with nothing queued,
    when this server hands its tasks elsewhere (inline, Redis, its own threads): then
    call compute_writing_indicators after the commit."""
    if not _worker_takes_tasks(app):
        return False
    ids = [attempt.id for attempt in attempts if attempt.state in CLOSED]
    if not ids:
        return True
    try:
        with session.begin_nested():  # should they fail, the submit goes on without them
            due = queue_prerender_within(app, ids, session=session)
            task = insert_or_keep(session, _new_task_job(app, WRITING_INDICATORS,
                                                         {"attempt_ids": ids}), unique="key")
            if task is not None:  # else the same task waits already
                due.append(task)
    except Exception:  # rolled back to its savepoint
        log.warning("could not queue the work of attempts %s with their closing; it "
                    "starts after the commit", ids, exc_info=True)
        return False
    after_commit(partial(_hand_over, app, due))
    return True


def _hand_over(app: Flask, job_ids: list[int]) -> None:
    for job_id in job_ids:
        start(app, job_id)


def keep_aggregates(app: Flask, stale: Iterable[tuple[str, int]]) -> None:
    """Compute again, in the background, the kept figures a request found out of date."""
    for kind, assessment_id in sorted(stale):
        start_task(app, AGGREGATES, figure=kind, assessment_id=assessment_id)
