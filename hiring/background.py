"""What background work is, without the web framework: the kinds of jobs and tasks, the
functions that do them, and what a run hands those functions.

A job (a row of the job table, hiring.leases) is done by `function(job, session, run)`,
which returns the name of its result file in run.folder ("" for none); a task (small,
idempotent work that keeps no row, hiring.jobs) by `function(run, **params)`. The module
that owns the work registers its function here (@work, @task), beside the domain code it
runs; the runner (hiring.leases, hiring.jobs) builds the Run from the app's settings.
Every process that runs jobs imports those modules (hiring.app).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from hiring.models import Job, utcnow

Scope = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class Settings:
    """The settings background work reads (hiring.config has their defaults)."""

    norm_min_group: int
    pdf_time_limit: float
    pdf_max_text_chars: int
    now: Callable[[], datetime] = utcnow

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(norm_min_group=config["NORM_MIN_GROUP"],
                   pdf_time_limit=config["PDF_TIME_LIMIT_SECONDS"],
                   pdf_max_text_chars=config["PDF_MAX_TEXT_CHARS"],
                   now=config.get("CLOCK") or utcnow)


def _ignore(*_args: Any) -> None:
    return None


@dataclass(frozen=True)
class Run:
    """What the runner hands the function that does a job or a task."""

    settings: Settings
    read: Scope  # a session for long reading work (it takes no write lock)
    write: Scope  # a short write transaction, committed on leaving
    folder: Path | None = None  # a job's result files (the exports folder)
    progress: Callable[[int], None] = _ignore  # a job's count of things done
    # Tell the runner that what the attempts' profiles show has changed (it queues
    # their rendering again).
    profiles_changed: Callable[[Iterable[int]], None] = field(default=_ignore)


class Retry(Exception):  # noqa: N818 - not an error: the work asks to run again later
    """Raised by a job's work to be run again at a later time; not counted as a failure."""

    def __init__(self, at: datetime, reason: str = ""):
        super().__init__(reason)
        self.at, self.reason = at, reason


Work = Callable[[Job, Session, Run], str]
WORK: dict[str, Work] = {}
Task = Callable[..., None]
TASKS: dict[str, Task] = {}


def work(kind: str) -> Callable[[Work], Work]:
    """Register the function that does one kind of job; it returns the result file's name."""

    def decorate(function: Work) -> Work:
        WORK[kind] = function
        return function

    return decorate


def task(kind: str) -> Callable[[Task], Task]:
    """Register the function that does one kind of task: function(run, **params)."""

    def decorate(function: Task) -> Task:
        TASKS[kind] = function
        return function

    return decorate
