"""Background jobs: long work runs outside the request and reports its progress.

Jobs wait in the job table until a worker claims and runs them (hiring.leases,
hiring.worker). With REDIS_URL set, RQ carries a new job's number to a `hiring worker` at
once; the claim still happens in the database, so a job Redis never got (it was down) is
run from the table all the same.

Tasks are the small kind: idempotent work whose state is the data it fills (the writing
indicators of a closed attempt), so they keep no Job row and may run twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlmodel import Session

from hiring.assessment.writing import CLOSED, fill_indicators
from hiring.db import read_scope, session_scope
from hiring.leases import (  # noqa: F401 - the API of jobs, used by the other modules
    GIVEN_UP,
    QUEUE,
    RETRY_DELAYS,
    WORK,
    Retry,
    _in_background,
    claim,
    execute,
    exports_dir,
    given_up,
    in_background,
    queue,
    run,
    run_due,
    start,
    work,
    worker_name,
)
from hiring.models import Attempt, Job
from hiring.prerender import queue as queue_prerender
from hiring.reports.bundle import write_profiles_zip
from hiring.scoring import aggregates
from hiring.scoring.evidence import PRECISION, precision_now
from hiring.scoring.item_health import ITEM_HEALTH, health_data
from hiring.scoring.norms import NORMS, norms_now

log = logging.getLogger(__name__)
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hiring-task")
_tasks: set[Future] = set()  # tasks running in this process's pool
Task = Callable[..., None]
# What a task handed to RQ runs, by name: it builds the app (hiring.worker).
RUN_TASK_QUEUED = "hiring.worker.run_task_queued"
TASKS: dict[str, Task] = {}


def task(kind: str) -> Callable[[Task], Task]:
    """Register the function that does one kind of task: function(app, **params)."""

    def decorate(function: Task) -> Task:
        TASKS[kind] = function
        return function

    return decorate


# ---- tasks --------------------------------------------------------------------------


def start_task(app: Flask, kind: str, **params: Any) -> Future | None:
    """Run a task after the commit that gave it its work: inline when JOBS_INLINE is set
    (tests), on the RQ queue when REDIS_URL is set, else in this process's pool.

    Returns the pool's future (for tests and commands that wait), or None."""
    if app.config.get("JOBS_INLINE"):
        run_task(app, kind, params)
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


@work("profiles_zip")
def _profiles_zip(job: Job, session: Session, folder: Path, progress) -> str:
    name = f"profiles-{job.id}.zip"
    write_profiles_zip(job.params["attempt_ids"], folder / name, session=session,
                       requested_by=job.created_by,
                       language=job.params.get("language"),
                       norm_min_group=job.params.get("norm_min_group",
                                                      current_app.config["NORM_MIN_GROUP"]),
                       on_progress=progress)
    return name


def prerender_profiles(app: Flask, attempt_ids: Iterable[int]) -> None:
    """Queue the rendering of the attempts' profiles (hiring.prerender). Call it
    after the commit that closed them or changed their ratings."""
    queue_prerender(app, attempt_ids)


WRITING_INDICATORS = "writing_indicators"


def compute_writing_indicators(app: Flask, attempts: Iterable[Attempt]) -> Future | None:
    """Compute the writing indicators of the closed ones among the attempts, in the
    background, and queue the rendering of their profiles, which waits for them. Call it
    after the commit that closed them: the task reads them anew."""
    ids = [attempt.id for attempt in attempts if attempt.state in CLOSED]
    if not ids:
        return None
    prerender_profiles(app, ids)  # first: a task run inline lets the job go at once
    return start_task(app, WRITING_INDICATORS, attempt_ids=ids)


@task(WRITING_INDICATORS)
def _writing_indicators(app: Flask, attempt_ids: list[int]) -> None:
    stored = fill_indicators(read=lambda: read_scope(app), write=lambda: session_scope(app),
                             attempt_ids=attempt_ids)
    log.info("writing indicators of attempts %s: %d answers", attempt_ids, stored)
    if stored:  # a profile job waiting for them may go now
        prerender_profiles(app, attempt_ids)


AGGREGATES = "aggregates"
# kind -> (fingerprint, data) of the kept figure; and whether simulated attempts count
_KEPT_BY = {ITEM_HEALTH: health_data, NORMS: norms_now, PRECISION: precision_now}
_REAL_ONLY = {NORMS, PRECISION}
_keeping: set[tuple[str, int]] = set()  # figures a task of this process is computing
_keeping_lock = threading.Lock()


def keep_aggregates(app: Flask, stale: Iterable[tuple[str, int]]) -> None:
    """Compute again, in the background, the kept figures a request found out of date."""
    for kind, assessment_id in sorted(stale):
        start_task(app, AGGREGATES, figure=kind, assessment_id=assessment_id)


@task(AGGREGATES)
def _aggregates(app: Flask, figure: str, assessment_id: int) -> None:
    with _keeping_lock:
        if (figure, assessment_id) in _keeping:
            return  # pages asked again while this process computes them
        _keeping.add((figure, assessment_id))
    try:
        # Read in a read transaction (at a million responses it takes a while), then
        # write the one row in a short one.
        with read_scope(app) as session:
            current = aggregates.read(assessment_id, figure, session=session)
            stamp = aggregates.fingerprint(assessment_id, session=session,
                                           real_only=figure in _REAL_ONLY)
            if current is not None and current.is_current(stamp):
                return  # another task kept them meanwhile
            stamp, data = _KEPT_BY[figure](assessment_id, session=session)
        with session_scope(app) as session:
            aggregates.keep(assessment_id, figure, data, stamp, session=session)
    finally:
        with _keeping_lock:
            _keeping.discard((figure, assessment_id))
    log.info("kept %s of assessment %s: %d attempts", figure, assessment_id, stamp.n_attempts)
