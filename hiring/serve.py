"""Run the app under gunicorn."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import subprocess  # nosec B404 - starts `hiring worker`, a fixed command
import sys
import threading
from contextlib import contextmanager

from babel.numbers import format_decimal
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from sqlmodel import col, select

from hiring import prerender, worker
from hiring.app import create_app
from hiring.assessment import calibration, engine, pipeline
from hiring.assessment.ratings import ratings_by
from hiring.db import read_scope
from hiring.items import revisions
from hiring.logs import redact
from hiring.mail import invitations
from hiring.models import Attempt, AttemptState, utcnow
from hiring.reports import cache, pdf
from hiring.reports.build import build_profile
from hiring.scoring import aggregates
from hiring.scoring.attempts import ratings_by_response

log = logging.getLogger(__name__)

# The client, the request, the status, the bytes sent and the time taken in microseconds.
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'


class RedactingLogger(Logger):
    """gunicorn's logger, with invitation tokens in request paths replaced by "…"."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        app = create_app()
        warm(app)  # before this process takes its first request
        settle()
        where = worker.mode(app)
        if where == worker.THREAD:  # in each server process: they share the job table
            worker.start_thread(app)
        elif where == worker.PROCESS:  # the `hiring worker` that run() started renders
            app.config["JOBS_SERVER_WORKER"] = False  # PDFs: this process never does
        return app


def warm(app) -> None:
    """Compile every page's template and the profile's, hash what renders a profile and
    load the locale data, so that no first view in a new server process waits for them
    (about half a second of work a process); then the SQL of a profile page
    (warm_statements)."""
    for name in app.jinja_env.list_templates(filter_func=_page_template):
        app.jinja_env.get_template(name)
    pdf.warm(app.config["LANGUAGES"])
    cache.renderer_version()
    for language in app.config["LANGUAGES"]:  # the locale data numbers are shown with
        format_decimal(1234.5, locale=language)
    warm_statements(app)


def warm_statements(app) -> bool:
    """Build the latest closed attempt's profile, as a profile page does, and read its
    assessment's pipeline page, only to have SQLAlchemy compile their statements before
    the first request (a third of a first view's time). Only what is kept is read: a
    figure kept for an older state of the attempts (norms, precision) stops it rather
    than being computed over every attempt (aggregates.ready_only), as a database of
    33,000 attempts would hold every process up for minutes. Reads only, and never fails
    the start; True when it got through."""
    try:
        with app.app_context(), read_scope(app) as session, aggregates.ready_only():
            attempt = session.exec(select(Attempt).where(
                col(Attempt.state).in_([AttemptState.SUBMITTED, AttemptState.SCORED]))
                .order_by(col(Attempt.id).desc()).limit(1)).first()
            if attempt is None:
                return False
            responses = engine.responses(attempt, session=session)
            ids = [r.id for r in responses]
            revision_ids = [r.revision_id for r in responses]
            revisions.revision_contents(revision_ids, session=session)
            calibration.item_of_revisions(revision_ids, session=session)
            ratings_by(0, ids, session=session)
            ratings_by_response(ids, session=session)
            prerender.viewers(attempt, session=session)
            # its assessment's pipeline page, which reads indexes only
            view = pipeline.page(session=session, assessment_id=attempt.assessment_id,
                                 now=utcnow())
            invitations.latest_messages([row.attempt.id for row in view.rows],
                                        session=session)
            build_profile(attempt, session=session, blind_for=None,
                          language=attempt.language,
                          norm_min_group=app.config["NORM_MIN_GROUP"])
        return True
    except aggregates.NotReady as missing:
        log.info("warming up: the %s kept are not current; the first view builds them",
                 missing)
    except Exception:  # a warm-up, never a reason not to serve
        log.warning("could not warm up the profile page's statements", exc_info=True)
    return False


def settle() -> None:
    """Collect once, then leave every object made so far (the modules, the app, the
    compiled templates and statements) out of the garbage collector's full collections:
    otherwise the first one, which a new process reaches within its first requests,
    walks them all (a third of a second that a first view waited for)."""
    gc.collect()
    gc.freeze()


def _page_template(name: str) -> bool:
    # the profile's templates need the filters of hiring.reports.pdf's environment
    return name.endswith(".html") and not name.startswith("reports/")


def run(*, host: str, port: int, workers: int | None = None) -> None:
    """Serve until interrupted; by default with a `hiring worker` process beside the
    server's (JOBS_SERVER_WORKER None), stopped with it."""
    workers = workers or min(8, 2 * (os.cpu_count() or 1))
    with _job_worker(worker.mode(_app()) == worker.PROCESS):
        _gunicorn(host=host, port=port, workers=workers)


def _app():
    from flask import current_app, has_app_context

    return current_app._get_current_object() if has_app_context() else create_app()


def worker_command() -> list[str]:
    """The command that runs `hiring worker` with this Python."""
    found = shutil.which("hiring", path=os.path.dirname(sys.executable))
    if found:
        return [found, "worker"]
    return [sys.executable, "-c", "import sys; from hiring.cli import main; "
            "sys.exit(main(['worker']))"]


def _prctl():
    """libc's prctl, found before any fork (Linux; None elsewhere)."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()
PR_SET_PDEATHSIG = 1


# The job worker renders PDFs and loads dictionaries: seconds of CPU for each submit
# burst's profiles. It runs at a lower priority than the server processes, so that on a
# busy machine the people waiting for a page go first and the renderings wait (measured in
# README "Performance": the submit burst on two cores).
JOB_WORKER_NICENESS = 10


def _stop_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Have the kernel stop the job worker when the server that started it dies, even
    killed outright, and lower the worker's priority (JOB_WORKER_NICENESS)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)
    os.nice(JOB_WORKER_NICENESS)


class JobWorker:
    """A `hiring worker` process started by the server, and started again should it stop,
    so that PDFs and spelling dictionaries never load in a server process."""

    RESTART_AFTER = 5.0  # seconds: a worker that stops at once is not started in a loop

    def __init__(self, command: list[str] | None = None):
        self.command = command or worker_command()
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._watch: threading.Thread | None = None
        self._owner = os.getpid()

    def start(self) -> None:
        self._spawn()
        self._watch = threading.Thread(target=self._watch_loop, name="hiring-job-worker",
                                       daemon=True)
        self._watch.start()

    def _spawn(self) -> None:
        with self._lock:
            if not self.stopping.is_set():
                self.process = subprocess.Popen(  # noqa: S603  # nosec B603 - a fixed command
                    self.command, stdin=subprocess.DEVNULL, preexec_fn=_stop_with_parent)
                log.info("job worker started (process %s)", self.process.pid)

    def _watch_loop(self) -> None:
        while not self.stopping.is_set():
            process = self.process
            if process is None:
                return
            code = process.wait()
            if self.stopping.wait(self.RESTART_AFTER):
                return
            log.warning("the job worker stopped (exit %s): starting it again", code)
            self._spawn()

    def stop(self, timeout: float = 30) -> None:
        """Let the job under way finish (SIGTERM), then stop the process.

        Only in the process that started it: gunicorn's workers are forked inside the
        block that holds it, and leave through the same code when they stop."""
        if os.getpid() != self._owner:
            return
        self.stopping.set()
        with self._lock:
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _job_worker(wanted: bool):
    if not wanted:
        yield None
        return
    job_worker = JobWorker()
    job_worker.start()
    try:
        yield job_worker
    finally:
        job_worker.stop()


# How long a thread may hold the interpreter before another runnable thread gets it
# (Python's default is 5 ms). A server thread that has just written to SQLite holds its
# write lock, or its place in the writers' line, until it gets the interpreter back to
# commit: with the default, under load, each other thread ahead of it made every writer
# wait up to 5 ms more. At 1,200 saves/s the p99 went from 0.8 s to 0.28 s with 1 ms and
# 0.12 s with 0.2 ms (README, Performance).
SWITCH_INTERVAL_SECONDS = 0.0005

# How long an idle connection is kept for the client's next request (gunicorn's default
# is 2 s). A client whose next request leaves as the server closes the connection gets
# it closed or reset without an answer: with 2 s, 7 of 300 requests sent 2 s after the
# last were lost so (README, Deploying). Longer than any pause the product asks for
# (the pending PDF's Retry-After, interviewer.PENDING_RELOAD_SECONDS), so a client that
# keeps to it reuses a connection the server still keeps.
KEEPALIVE_SECONDS = 10


def _gunicorn(*, host: str, port: int, workers: int) -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)  # the forked workers inherit it
    _Server({"bind": f"{host}:{port}", "workers": workers, "threads": 4,
             "worker_class": "gthread", "accesslog": "-", "errorlog": "-",
             "access_log_format": ACCESS_LOG_FORMAT, "logger_class": RedactingLogger,
             "timeout": 60, "graceful_timeout": 20, "keepalive": KEEPALIVE_SECONDS,
             # gunicorn's control socket lives in the home folder by default, shared by
             # every server of the user: two servers would delete each other's.
             "control_socket_disable": True}).run()
