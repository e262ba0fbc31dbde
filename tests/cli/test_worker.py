"""`hiring worker` as a process: killed in the middle of a job, another one finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import select

from hiring.models import Job

REPO = Path(__file__).resolve().parents[2]


def start_worker(database_url: str, instance: Path, log: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DATABASE_URL=database_url, HIRING_INSTANCE=str(instance), PYTHONPATH=str(REPO))
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "tests.slow_job", "worker"], cwd=REPO,
                                env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_for(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_job_whose_worker_is_killed_is_finished_by_another_after_the_lease(
        app, db, database_url, tmp_path):
    instance = tmp_path / "worker-instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "SECRET_KEY = 'test'\nJOBS_LEASE_SECONDS = 3\nJOBS_POLL_SECONDS = 0.2\n"
        "PERIODIC_WORK = {}\n", encoding="utf-8")
    marker, log = tmp_path / "runs.txt", tmp_path / "worker.log"
    with db() as session:
        job = Job(kind="test_hangs_once", params={"marker": str(marker)})
        session.add(job)
        session.flush()
        job_id = job.id

    def job_now() -> Job:
        with db() as session:
            return session.get(Job, job_id)

    first = start_worker(database_url, instance, log)
    try:
        wait_for(marker.exists, "the first worker to start the job")
        running = job_now()
        assert (running.state, running.attempts) == ("running", 1)
        assert running.lease_owner.split(":")[1] == str(first.pid)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
    finally:
        first.kill()
    assert job_now().state == "running"  # nobody told the table: only the lease runs out
    second = start_worker(database_url, instance, log)
    try:
        wait_for(lambda: job_now().state == "done", "the second worker to finish the job")
        second.send_signal(signal.SIGTERM)  # stops once the job under way is done
        assert second.wait(timeout=30) == 0, log.read_text(errors="replace")
    finally:
        second.kill()
    done = job_now()
    assert (done.state, done.attempts, done.error, done.lease_owner) == ("done", 2, None, None)
    assert marker.read_text().split() == [str(first.pid), str(second.pid)]


def test_worker_burst_runs_due_jobs_from_the_database_while_redis_is_down(app, db, runner):
    from hiring.cli import main
    from tests.smtp import closed_port

    app.config.update(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", PERIODIC_WORK={})
    with db() as session:
        session.add(Job(kind="mail", params={"message_ids": []}))
    result = runner.invoke(main, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "Redis is unreachable" in result.output and "ran 1 jobs" in result.output
    with db() as session:
        assert session.exec(select(Job)).one().state == "done"


def test_worker_burst_runs_the_jobs_redis_brings(app, db, runner):
    from redis import Redis

    from hiring import jobs
    from hiring.cli import main

    app.config.update(REDIS_URL="redis://127.0.0.1:6379/13", PERIODIC_WORK={},
                      JOBS_INLINE=False)
    with db() as session:
        job = Job(kind="mail", params={"message_ids": []})
        session.add(job)
        session.flush()
        job_id = job.id
    jobs.start(app, job_id)
    queue = jobs.queue(app)
    try:
        assert queue.count == 1
        result = runner.invoke(main, ["worker", "--burst"])
        assert result.exit_code == 0, result.output
        assert "ran 0 jobs" in result.output  # RQ's worker ran it first
        assert queue.count == 0
    finally:
        queue.empty()
        queue.connection.close()
        Redis.from_url(app.config["REDIS_URL"]).close()
    with db() as session:
        done = session.get(Job, job_id)
        assert (done.state, done.attempts) == ("done", 1)
