"""Background jobs: long work runs outside the request and reports its progress.

With REDIS_URL set, jobs go to an RQ queue served by `hiring worker` processes (on any
machine that shares the database); without it, the work runs in a small pool of threads
in the app process. The job's state lives in the database, so any web worker can show
its progress.

Tasks are the small kind: idempotent work whose state is the data it fills (the writing
indicators of a closed attempt), so they keep no Job row and may run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from flask import Flask
from sqlmodel import Session

from hiring.assessment.writing import CLOSED, fill_indicators
from hiring.db import read_scope, session_scope
from hiring.models import Attempt, Job, JobState, utcnow

log = logging.getLogger(__name__)
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hiring-job")
_futures: dict[int, Future] = {}
_tasks: set[Future] = set()  # tasks running in this process's pool

Work = Callable[[Job, Session, Path, Callable[[int], None]], str]
WORK: dict[str, Work] = {}
Task = Callable[..., None]
TASKS: dict[str, Task] = {}
# Set while a job or task runs, also when it runs inline inside a request (tests).
_in_background: ContextVar[bool] = ContextVar("hiring_in_background", default=False)


def work(kind: str) -> Callable[[Work], Work]:
    """Register the function that does one kind of job; it returns the result file's name."""

    def decorate(function: Work) -> Work:
        WORK[kind] = function
        return function

    return decorate


def task(kind: str) -> Callable[[Task], Task]:
    """Register the function that does one kind of task: function(app, **params)."""

    def decorate(function: Task) -> Task:
        TASKS[kind] = function
        return function

    return decorate


def in_background() -> bool:
    """Tell whether the code runs as a background job or task."""
    return _in_background.get()


def exports_dir(app: Flask) -> Path:
    path = Path(app.instance_path) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


QUEUE = "hiring"
_worker_app: Flask | None = None  # the app of a `hiring worker` process


def queue(app: Flask):
    """Return the RQ queue on the app's Redis."""
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"]))


def start(app: Flask, job_id: int) -> None:
    """Run a committed job: inline when JOBS_INLINE is set (tests), on the RQ queue when
    REDIS_URL is set, else in this process's pool."""
    if app.config.get("JOBS_INLINE"):
        run(app, job_id)
    elif app.config.get("REDIS_URL"):
        queue(app).enqueue(run_queued, job_id, job_timeout=3600)
    else:
        _futures[job_id] = _pool.submit(run, app, job_id)


def run_queued(job_id: int) -> None:
    """Run a job taken from the queue, in a `hiring worker` process."""
    global _worker_app
    if _worker_app is None:
        from hiring import create_app

        _worker_app = create_app()
    run(_worker_app, job_id)


def wait(job_id: int, timeout: float = 120) -> None:
    """Wait for a job started in this process to finish."""
    future = _futures.pop(job_id, None)
    if future is not None:
        future.result(timeout=timeout)


def start_task(app: Flask, kind: str, **params: Any) -> Future | None:
    """Run a task after the commit that gave it its work: inline when JOBS_INLINE is set
    (tests), on the RQ queue when REDIS_URL is set, else in this process's pool.

    Returns the pool's future (for tests and commands that wait), or None."""
    if app.config.get("JOBS_INLINE"):
        run_task(app, kind, params)
        return None
    if app.config.get("REDIS_URL"):
        try:
            queue(app).enqueue(run_task_queued, kind, params, job_timeout=3600)
        except Exception:  # the task is idempotent: the next run of its command catches up
            log.exception("could not queue task %s %s", kind, params)
        return None
    future = _pool.submit(run_task, app, kind, params)
    _tasks.add(future)
    future.add_done_callback(_tasks.discard)
    return future


def wait_for_tasks(timeout: float = 120) -> None:
    """Wait for the tasks running in this process's pool to finish."""
    for future in list(_tasks):
        future.result(timeout=timeout)


def run_task(app: Flask, kind: str, params: dict[str, Any]) -> None:
    """Do a task; a failure is logged, and the task's command can do it again."""
    token = _in_background.set(True)
    try:
        with app.app_context():
            TASKS[kind](app, **params)
    except Exception:  # the worker lives on
        log.exception("task %s %s failed", kind, params)
    finally:
        _in_background.reset(token)


def run_task_queued(kind: str, params: dict[str, Any]) -> None:
    """Run a task taken from the queue, in a `hiring worker` process."""
    global _worker_app
    if _worker_app is None:
        from hiring import create_app

        _worker_app = create_app()
    run_task(_worker_app, kind, params)


def run(app: Flask, job_id: int) -> None:
    """Do the job's work, recording progress, the result or the error."""
    token = _in_background.set(True)
    try:
        _run(app, job_id)
    finally:
        _in_background.reset(token)


def _run(app: Flask, job_id: int) -> None:
    with app.app_context():
        with session_scope(app) as session:
            job = session.get(Job, job_id)
            job.state = JobState.RUNNING
        try:
            # Rendering only reads; holding the write lock would stall candidates' saves.
            with read_scope(app) as session:
                job = session.get(Job, job_id)

                def progress(done: int) -> None:
                    with session_scope(app) as progress_session:
                        progress_session.get(Job, job_id).done = done

                result = WORK[job.kind](job, session, exports_dir(app), progress)
        except Exception as exc:  # the job fails, the worker lives on
            log.exception("job %s failed", job_id)
            with session_scope(app) as session:
                job = session.get(Job, job_id)
                job.state, job.error, job.finished_at = JobState.FAILED, str(exc)[:2000], utcnow()
            return
        with session_scope(app) as session:
            job = session.get(Job, job_id)
            if job.state == JobState.FAILED:  # its candidates were erased meanwhile
                (exports_dir(app) / result).unlink(missing_ok=True)
                return
            job.state, job.result_path, job.finished_at = JobState.DONE, result, utcnow()
            job.done = job.total


@work("profiles_zip")
def _profiles_zip(job: Job, session: Session, folder: Path, progress) -> str:
    from hiring.reports.bundle import write_profiles_zip

    name = f"profiles-{job.id}.zip"
    write_profiles_zip(job.params["attempt_ids"], folder / name, session=session,
                       requested_by=job.created_by,
                       language=job.params.get("language"),
                       norm_min_group=job.params.get("norm_min_group", 30),
                       on_progress=progress)
    return name


WRITING_INDICATORS = "writing_indicators"


def compute_writing_indicators(app: Flask, attempts: Iterable[Attempt]) -> Future | None:
    """Compute the writing indicators of the closed ones among the attempts, in the
    background. Call it after the commit that closed them: the task reads them anew."""
    ids = [attempt.id for attempt in attempts if attempt.state in CLOSED]
    return start_task(app, WRITING_INDICATORS, attempt_ids=ids) if ids else None


@task(WRITING_INDICATORS)
def _writing_indicators(app: Flask, attempt_ids: list[int]) -> None:
    stored = fill_indicators(read=lambda: read_scope(app), write=lambda: session_scope(app),
                             attempt_ids=attempt_ids)
    log.info("writing indicators of attempts %s: %d answers", attempt_ids, stored)
