"""`hiring serve` runs the background jobs in a `hiring worker` process of its own by
default, so that PDFs and dictionaries never load in a server process (hiring.serve)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from hiring import serve, worker

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_default_is_a_worker_process_beside_the_server(app):
    app.config["JOBS_SERVER_WORKER"] = None
    assert worker.mode(app) == worker.PROCESS and not worker.runs_in_server(app)
    app.config["JOBS_SERVER_WORKER"] = True
    assert worker.mode(app) == worker.THREAD and worker.runs_in_server(app)
    app.config["JOBS_SERVER_WORKER"] = False
    assert worker.mode(app) == worker.NONE and not worker.runs_in_server(app)


def test_the_worker_command_runs_hiring_worker_with_this_python():
    command = serve.worker_command()
    assert command[-1] == "worker" or command[-1].endswith("['worker']))")
    assert os.path.dirname(command[0]) == os.path.dirname(sys.executable)


def test_serve_starts_the_worker_process_and_stops_it_with_the_server(app, monkeypatch):
    app.config["JOBS_SERVER_WORKER"] = None
    monkeypatch.setattr(serve, "worker_command", lambda: SLEEPER)
    seen = {}

    def gunicorn(**options):  # the server's run: the worker process is there meanwhile
        [child] = [p for p in _children() if p not in seen.setdefault("before", set())]
        seen["child"] = child
        assert _alive(child)
        with open(f"/proc/{child}/cmdline", "rb") as cmdline:
            assert b"time.sleep(120)" in cmdline.read()

    seen["before"] = set(_children())
    monkeypatch.setattr(serve, "_gunicorn", gunicorn)
    with app.app_context():
        serve.run(host="127.0.0.1", port=0, workers=1)
    assert "child" in seen
    deadline = time.monotonic() + 10
    while _alive(seen["child"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(seen["child"])  # stopped with the server


def test_no_worker_process_when_the_server_runs_threads_or_none(app, monkeypatch):
    monkeypatch.setattr(serve, "worker_command", lambda: SLEEPER)
    for setting in (True, False):
        app.config["JOBS_SERVER_WORKER"] = setting
        before = set(_children())
        found: list[int] = []

        def gunicorn(before=before, found=found, **options):
            found.extend(set(_children()) - before)

        monkeypatch.setattr(serve, "_gunicorn", gunicorn)
        with app.app_context():
            serve.run(host="127.0.0.1", port=0, workers=1)
        assert found == []


def test_a_worker_process_that_stops_is_started_again():
    job_worker = serve.JobWorker(SLEEPER)
    job_worker.RESTART_AFTER = 0.1
    job_worker.start()
    try:
        first = job_worker.process
        first.kill()
        deadline = time.monotonic() + 10
        while job_worker.process is first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert job_worker.process is not first and job_worker.process.poll() is None
    finally:
        job_worker.stop()
    assert job_worker.process.poll() is not None


def _children() -> list[int]:
    pid = os.getpid()
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                found += [int(c) for c in children.read().split()]
        except FileNotFoundError:
            continue
    return found


def test_a_forked_server_process_leaving_does_not_stop_the_worker_process():
    """gunicorn forks its workers inside the block that holds the worker process: one
    that stops runs the same way out, and must leave the worker process alone."""
    job_worker = serve.JobWorker(SLEEPER)
    job_worker.start()
    try:
        job_worker._owner = os.getpid() + 1  # as seen from a forked process
        job_worker.stop(timeout=1)
        assert job_worker.process.poll() is None and not job_worker.stopping.is_set()
    finally:
        job_worker._owner = os.getpid()
        job_worker.stop()
    assert job_worker.process.poll() is not None


def test_the_worker_process_runs_below_the_server_processes():
    """Its PDFs wait for the people waiting for a page: its niceness is the server's
    plus JOB_WORKER_NICENESS (read from /proc, the kernel's own word)."""
    job_worker = serve.JobWorker(SLEEPER)
    job_worker.start()
    try:
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        theirs = int(Path(f"/proc/{job_worker.process.pid}/stat").read_text()
                     .rsplit(")", 1)[1].split()[16])
        assert theirs == min(19, mine + serve.JOB_WORKER_NICENESS) > mine
    finally:
        job_worker.stop()
