"""The job table as a queue: claims, leases, retries, periodic work."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

import hiring.cli  # noqa: F401 - its commands register the periodic work with the worker
from hiring import jobs, worker
from hiring.models import Attempt, Job, JobState
from tests.factories import make_attempt

RUNS: list[int] = []


@jobs.work("test_fails")
def _fails(job, _session, _run) -> str:
    RUNS.append(job.id)
    raise RuntimeError(f"broken on run {len(RUNS)}")


@jobs.work("test_later")
def _later(job, _session, _run) -> str:
    RUNS.append(job.id)
    if len(RUNS) == 1:
        raise jobs.Retry(job.params["at"], "waiting for something")
    return ""


@pytest.fixture(autouse=True)
def runs():
    RUNS.clear()
    yield RUNS
    RUNS.clear()


def queued(db, kind: str = "test_fails", **values) -> int:
    with db() as session:
        job = Job(kind=kind, params=values.pop("params", {}), **values)
        session.add(job)
        session.flush()
        return job.id


def job_of(db, job_id: int) -> Job:
    with db() as session:
        return session.get(Job, job_id)


def test_one_worker_claims_a_job_and_another_takes_it_once_the_lease_runs_out(app, db,
                                                                             clock):
    app.config["JOBS_LEASE_SECONDS"] = 60
    job_id = queued(db)
    assert jobs.claim(app, "first") == job_id
    assert jobs.claim(app, "second") is None  # it is the first one's
    taken = job_of(db, job_id)
    assert (taken.state, taken.lease_owner, taken.attempts) == ("running", "first", 1)
    assert taken.lease_expires_at == clock() + timedelta(seconds=60)
    clock.advance(seconds=59)
    assert jobs.claim(app, "second") is None
    clock.advance(seconds=2)  # the first worker died: it renewed nothing
    assert jobs.claim(app, "second") == job_id
    again = job_of(db, job_id)
    assert (again.state, again.lease_owner, again.attempts) == ("running", "second", 2)


def test_of_many_workers_claiming_at_once_exactly_one_gets_the_job(app, db):
    job_id = queued(db)
    winners, barrier = [], threading.Barrier(6)

    def contend(name: str) -> None:
        barrier.wait()
        with app.app_context():
            winners.append((name, jobs.claim(app, name)))

    threads = [threading.Thread(target=contend, args=(f"w{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    taken = [name for name, got in winners if got == job_id]
    assert len(winners) == 6 and len(taken) == 1
    assert job_of(db, job_id).lease_owner == taken[0]


def test_a_failing_job_is_tried_again_later_then_fails_with_its_error(app, db, clock, runs):
    job_id = queued(db)
    assert jobs.run_due(app) == 1
    waiting = job_of(db, job_id)
    assert (waiting.state, waiting.attempts, waiting.error) == ("queued", 1, "broken on run 1")
    assert waiting.run_after == clock() + timedelta(minutes=1) and waiting.lease_owner is None
    assert jobs.run_due(app) == 0  # not before its time
    clock.advance(minutes=1)
    assert jobs.run_due(app) == 1
    assert job_of(db, job_id).run_after == clock() + timedelta(minutes=5)
    clock.advance(minutes=5)
    assert jobs.run_due(app) == 1
    failed = job_of(db, job_id)
    assert (failed.state, failed.attempts, failed.error) == ("failed", 3, "broken on run 3")
    assert failed.finished_at == clock() and failed.lease_owner is None
    clock.advance(days=1)
    assert jobs.run_due(app) == 0 and len(runs) == 3


def test_a_job_whose_worker_keeps_dying_ends_failed_not_running(app, db, clock, runs):
    job_id = queued(db)
    for _ in range(3):  # three workers claim it and die before finishing
        assert jobs.claim(app, "doomed") == job_id
        clock.advance(seconds=61)
    assert jobs.run_due(app) == 1
    failed = job_of(db, job_id)
    assert failed.state == "failed" and "stopped 3 times" in failed.error
    assert runs == []  # not run a fourth time


def test_a_job_running_before_leases_existed_is_taken_again(app, db, clock, runs):
    job_id = queued(db, state=JobState.RUNNING)  # its worker died before this version
    assert jobs.run_due(app) == 1 and runs == [job_id]


def test_a_job_asking_to_run_later_is_not_counted_as_failed(app, db, clock, runs):
    job_id = queued(db, kind="test_later", params={"at": None})
    with db() as session:
        job = session.get(Job, job_id)
        job.params = {"at": None}
    later = clock() + timedelta(minutes=10)
    jobs.Retry(later)  # constructible with a time alone
    RUNS.clear()

    def retry_at(job, _session, _run) -> str:
        RUNS.append(job.id)
        if len(RUNS) == 1:
            raise jobs.Retry(later, "waiting for something")
        return ""

    jobs.WORK["test_later"] = retry_at
    try:
        assert jobs.run_due(app) == 1
        waiting = job_of(db, job_id)
        assert (waiting.state, waiting.attempts, waiting.run_after, waiting.error) == (
            "queued", 0, later, "waiting for something")
        clock.advance(minutes=10)
        assert jobs.run_due(app) == 1
    finally:
        jobs.WORK["test_later"] = _later
    done = job_of(db, job_id)
    assert (done.state, done.attempts, done.error) == ("done", 1, None)


def test_an_unknown_kind_fails_instead_of_waiting_for_ever(app, db):
    job_id = queued(db, kind="gone_in_this_version")
    assert jobs.run_due(app) == 1
    assert job_of(db, job_id).state == "failed"


def test_periodic_work_is_queued_once_and_runs_the_command(app, db, clock, assessment):
    app.config["PERIODIC_WORK"] = {"finalize-expired": 5, "remind": 60, "purge": None}
    with db() as session:  # its invitation ran out long ago in real time
        attempt, _ = make_attempt(session, assessment, now=clock())
    assert worker.schedule(app) == {"finalize-expired": 5.0}  # remind needs MAIL_BASE_URL
    assert worker.plan_periodic(app, clock()) == 1
    assert worker.plan_periodic(app, clock()) == 0  # one waits already
    assert jobs.run_due(app) == 1
    with db() as session:
        assert session.get(Attempt, attempt.id).state == "expired"
        done = session.exec(select(Job)).one()
        assert (done.kind, done.state, done.key) == ("periodic:finalize-expired", "done", None)
    assert worker.plan_periodic(app, clock()) == 1
    with db() as session:
        following = session.exec(select(Job).where(Job.state == "queued")).one()
        assert following.run_after == clock() + timedelta(minutes=5)
        assert following.key == "periodic:finalize-expired"
    assert jobs.run_due(app) == 0
    clock.advance(minutes=5)
    assert jobs.run_due(app) == 1


def test_a_periodic_command_that_errs_fails_its_job_and_the_next_is_planned(app, db, clock):
    app.config.update(PERIODIC_WORK={"remind": 60}, MAIL_BASE_URL="", JOBS_MAX_ATTEMPTS=1)
    with db() as session:
        session.add(Job(kind="periodic:remind", key="periodic:remind", params={}))
    assert jobs.run_due(app) == 1  # the command refuses without MAIL_BASE_URL
    with db() as session:
        failed = session.exec(select(Job)).one()
        assert failed.state == "failed" and "hiring remind" in failed.error
        assert failed.key is None


@pytest.mark.parametrize("name", ["purge", "writing-indicators"])
def test_the_other_periodic_work_runs_its_command(app, db, clock, name):
    app.config["PERIODIC_WORK"] = {name: 60}
    assert worker.plan_periodic(app, clock()) == 1
    assert jobs.run_due(app) == 1
    with db() as session:
        done = session.exec(select(Job)).one()
        assert (done.kind, done.state, done.error) == (f"periodic:{name}", "done", None)


def test_without_a_worker_in_the_server_a_task_goes_to_the_worker_as_a_job(app, db,
                                                                            assessment, clock):
    """JOBS_SERVER_WORKER False (what `hiring serve` sets in its processes when it runs a
    `hiring worker` beside them): a task is queued for the worker, once, not run in a
    thread of the server process; the worker does it."""
    from hiring.scoring import aggregates
    from hiring.scoring.norms import NORMS

    app.config.update(JOBS_SERVER_WORKER=False, JOBS_INLINE=False)
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        from hiring.assessment import engine

        engine.submit(attempt, session=session, now=clock())
    for _ in range(2):  # asked twice before the worker ran it: one job
        assert jobs.start_task(app, jobs.AGGREGATES, figure=NORMS,
                               assessment_id=assessment.id) is None
    assert not jobs._tasks  # nothing runs in this process's pool
    with db() as session:
        [job] = session.exec(select(Job).where(Job.kind == jobs.TASK_JOB)).all()
        assert job.params == {"kind": jobs.AGGREGATES,
                              "params": {"figure": NORMS, "assessment_id": assessment.id}}
        assert aggregates.read(assessment.id, NORMS, session=session) is None
    assert jobs.run_due(app) >= 1  # the worker's turn
    with db() as session:
        kept = aggregates.read(assessment.id, NORMS, session=session)
        assert kept is not None and kept.fingerprint.n_attempts == 1
        assert session.get(Job, job.id).state == JobState.DONE
    # done: the same task may be queued again
    jobs.start_task(app, jobs.AGGREGATES, figure=NORMS, assessment_id=assessment.id)
    with db() as session:
        assert len(session.exec(select(Job).where(Job.kind == jobs.TASK_JOB)).all()) == 2


def test_with_a_worker_in_the_server_a_task_runs_in_its_pool(app, db, assessment):
    app.config.update(JOBS_SERVER_WORKER=None, JOBS_INLINE=False)
    from hiring.scoring.norms import NORMS

    future = jobs.start_task(app, jobs.AGGREGATES, figure=NORMS, assessment_id=assessment.id)
    assert future is not None
    future.result(timeout=60)
    with db() as session:
        assert not session.exec(select(Job).where(Job.kind == jobs.TASK_JOB)).all()
