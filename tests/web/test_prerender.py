"""Profiles rendered in the background when an attempt closes or its ratings change, and
served from the store as long as nothing they show has changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from hiring import jobs, prerender
from hiring.assessment import engine
from hiring.cli import main
from hiring.mailer import CONFIRMATION_JOB
from hiring.models import Attempt, AttemptState, Job, JobState, User
from hiring.reports import pdf
from tests.factories import PASSWORD, make_attempt, make_user
from tests.web.test_blind_ratings import pdf_to_text
from tests.web.test_profile import REPLY, complete_attempt, log_in_as, page, rate

ALPHA_SAYS = "Alpha finds the reply warm."
ALPHA_LATER = "Alpha now finds the reply curt."
BETA_SAYS = "Beta finds the reply polite."


@pytest.fixture
def prerendering(app):
    """Pre-rendering on, and jobs left in the table until the test runs them."""
    app.config.update(PROFILE_PRERENDER=True, JOBS_INLINE=False)
    yield app
    jobs.wait_for_tasks()


def run_jobs(app) -> int:
    jobs.wait_for_tasks()  # the writing indicators, which the profile job waits for
    return jobs.run_due(app)


def stored_files(app, attempt_id: int) -> list[str]:
    return sorted(p.name for p in jobs.exports_dir(app).glob(f"profile-{attempt_id}-*"))


def download(client, attempt_id: int, tmp_path, lang: str = "en") -> str:
    response = client.get(f"/attempts/{attempt_id}/profile.pdf?lang={lang}")
    assert response.status_code == 200
    return pdf_to_text(response.data, tmp_path)


def closed_attempt(app, db, assessment, clock) -> tuple[int, int]:
    """An attempt submitted, as the close paths leave it: its writing indicators and
    profiles queued."""
    attempt_id, response_id = complete_attempt(db, assessment, clock)
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
    jobs.compute_writing_indicators(app, [attempt])  # after the commit, as they do
    return attempt_id, response_id


def answered_attempt(db, assessment, clock) -> tuple[int, str]:
    """An attempt under way with its questions answered: its id and link token."""
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True)
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session, now=clock(),
                               seq=1)
        engine.save_answer(attempt, 6, {"text": REPLY}, session=session, now=clock(), seq=1)
        return attempt.id, token


def submit_as_candidate(client, db, assessment, clock) -> int:
    attempt_id, token = answered_attempt(db, assessment, clock)
    response = client.post(f"/a/{token}/submit", data={"confirm": "1"})
    assert response.status_code == 302
    return attempt_id


def test_a_submitted_attempt_is_rendered_in_the_background_and_then_served(
        prerendering, client, auth, db, assessment, clock, tmp_path):
    app = prerendering
    attempt_id = submit_as_candidate(client, db, assessment, clock)
    with db() as session:
        [job] = session.exec(select(Job).where(Job.kind == prerender.KIND)).all()
        assert job.key == prerender.key(attempt_id) and job.state == JobState.QUEUED
    jobs.compute_writing_indicators(app, [])  # nothing closed: nothing queued
    assert run_jobs(app) == 2  # the profiles, and the candidate's confirmation e-mail
    # Both languages the assessment offers, as a page fragment and a PDF, for HR's view.
    files = stored_files(app, attempt_id)
    assert sorted(f.split("-")[2:4] + [f.rsplit(".", 1)[1]] for f in files) == [
        ["en", "all", "html"], ["en", "all", "pdf"], ["hr", "all", "html"],
        ["hr", "all", "pdf"]]

    auth.login("hr")
    renders = pdf.renders
    english = download(client, attempt_id, tmp_path)
    croatian = download(client, attempt_id, tmp_path, "hr")
    assert pdf.renders == renders  # WeasyPrint was not asked again
    assert "How to read this profile" in english and "Kako čitati ovaj profil" in croatian
    [english_html] = [f for f in files if f.endswith(".html") and "-en-" in f]
    stored_html = (jobs.exports_dir(app) / english_html).read_text(encoding="utf-8")
    assert stored_html in page(client, f"/attempts/{attempt_id}")
    assert stored_files(app, attempt_id) == files  # nothing rendered anew
    with db() as session:
        job = session.exec(select(Job).where(Job.kind == prerender.KIND)).one()
        assert job.state == JobState.DONE and job.key is None


def test_a_rating_change_renders_again_and_the_old_pdf_is_never_served(
        prerendering, client, auth, db, assessment, clock, tmp_path):
    app = prerendering
    attempt_id, response_id = closed_attempt(app, db, assessment, clock)
    log_in_as(client, db, "a@example.com", "Rater Alpha")
    rate(client, attempt_id, response_id, 2, ALPHA_SAYS)
    assert run_jobs(app) == 1
    old = stored_files(app, attempt_id)

    log_in_as(client, db, "hr@example.com", "HR", role="hr")
    renders = pdf.renders
    assert ALPHA_SAYS in download(client, attempt_id, tmp_path)
    assert pdf.renders == renders

    log_in_as(client, db, "a@example.com", "Rater Alpha")
    rate(client, attempt_id, response_id, 4, ALPHA_LATER)  # edited
    log_in_as(client, db, "hr@example.com", "HR", role="hr")
    text = download(client, attempt_id, tmp_path)  # before the job: rendered on demand
    assert ALPHA_LATER in text and ALPHA_SAYS not in text
    assert pdf.renders == renders + 1
    assert run_jobs(app) >= 1
    assert not set(old) & set(stored_files(app, attempt_id))  # the stale ones are gone
    renders = pdf.renders
    text = download(client, attempt_id, tmp_path)
    assert ALPHA_LATER in text and ALPHA_SAYS not in text
    assert pdf.renders == renders


def test_a_blind_rater_never_gets_the_rendering_of_every_rating(
        prerendering, client, auth, db, assessment, clock, tmp_path):
    app = prerendering
    attempt_id, response_id = closed_attempt(app, db, assessment, clock)
    log_in_as(client, db, "a@example.com", "Rater Alpha")
    rate(client, attempt_id, response_id, 2, ALPHA_SAYS)
    log_in_as(client, db, "b@example.com", "Rater Beta")
    run_jobs(app)
    assert ALPHA_SAYS in " ".join(
        pdf_to_text(path.read_bytes(), tmp_path) for path in
        jobs.exports_dir(app).glob(f"profile-{attempt_id}-en-all-*.pdf"))

    # Beta has not rated: the rendering for every rating is not Beta's.
    assert ALPHA_SAYS not in download(client, attempt_id, tmp_path)
    assert ALPHA_SAYS not in page(client, f"/attempts/{attempt_id}")
    run_jobs(app)  # the miss queued the attempt's renderings again
    assert ALPHA_SAYS not in download(client, attempt_id, tmp_path)

    rate(client, attempt_id, response_id, 3, BETA_SAYS)
    run_jobs(app)  # renders Beta's view (and Alpha's) now that Beta has rated
    renders = pdf.renders
    text = download(client, attempt_id, tmp_path)
    assert ALPHA_SAYS in text and BETA_SAYS in text
    assert pdf.renders == renders
    with db() as session:
        ids = {u.email: u.id for u in session.exec(
            select(User))}
    views = {name.split("-")[3] for name in stored_files(app, attempt_id)}
    assert views == {"all", f"r{ids['a@example.com']}", f"r{ids['b@example.com']}"}


def test_a_language_the_assessment_does_not_offer_is_not_rendered(
        prerendering, client, auth, db, assessment, clock):
    app = prerendering
    assessment.languages = ["en"]  # the bank has English and Croatian
    with db() as session:
        session.merge(assessment)
    attempt_id, _ = closed_attempt(app, db, assessment, clock)
    assert run_jobs(app) == 1
    languages = {name.split("-")[2] for name in stored_files(app, attempt_id)}
    assert languages == {"en"}


def test_a_failed_background_render_leaves_the_download_working(
        prerendering, client, auth, db, assessment, clock, tmp_path, monkeypatch):
    app = prerendering

    def broken(*args, **kwargs):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(prerender, "render_all", broken)
    attempt_id = submit_as_candidate(client, db, assessment, clock)
    assert run_jobs(app) == 2  # the profiles (failing), and the confirmation e-mail
    with db() as session:
        job = session.exec(select(Job).where(Job.kind == prerender.KIND)).one()
        assert job.state == JobState.QUEUED and "the renderer broke" in job.error
    assert stored_files(app, attempt_id) == []

    auth.login("hr")
    renders = pdf.renders
    assert "How to read this profile" in download(client, attempt_id, tmp_path)
    assert pdf.renders == renders + 1
    assert "How to read this profile" in page(client, f"/attempts/{attempt_id}")


def test_the_job_waits_for_the_writing_indicators_and_goes_when_they_are_stored(
        prerendering, db, assessment, clock):
    app = prerendering
    attempt_id, _ = complete_attempt(db, assessment, clock)
    assert len(prerender.queue(app, [attempt_id])) == 1
    assert prerender.queue(app, [attempt_id]) == prerender.queue(app, [attempt_id])  # one
    assert jobs.run_due(app) == 1  # the indicators are not stored yet: it waits
    with db() as session:
        job = session.exec(select(Job).where(Job.kind == prerender.KIND)).one()
        assert job.state == JobState.QUEUED and job.run_after > clock()
        assert job.key == prerender.key(attempt_id)
    assert stored_files(app, attempt_id) == []

    with db() as session:
        attempt = session.get(Attempt, attempt_id)
    jobs.compute_writing_indicators(app, [attempt])  # stores them, and lets the job go
    assert run_jobs(app) == 1
    assert len(stored_files(app, attempt_id)) == 4
    with db() as session:
        assert session.exec(select(Job).where(Job.kind == prerender.KIND)).one().state == (
            JobState.DONE)


def test_every_way_an_attempt_closes_queues_its_profiles(prerendering, client, runner, db,
                                                         assessment, clock):
    long_ago = clock() - timedelta(days=2)
    with db() as session:
        overdue, _ = make_attempt(session, assessment, now=long_ago, started=True,
                                  email="late@example.com")
        revisited, token = make_attempt(session, assessment, now=long_ago, started=True,
                                        email="back@example.com")
        cancelled, _ = make_attempt(session, assessment, now=clock(), started=True,
                                    email="hr-cancels@example.com")
        make_user(session, role="hr", email="hr@example.com")
    # The candidate comes back after the deadline: that request submits the attempt.
    assert client.get(f"/a/{token}").status_code == 302
    client.post("/login", data={"email": "hr@example.com", "password": PASSWORD})
    response = client.post(f"/admin/attempts/{cancelled.id}/revoke", data={"confirm": "1"})
    assert response.status_code == 302
    result = runner.invoke(main, ["attempts", "finalize-expired"], catch_exceptions=False)
    assert "submitted 1 overdue attempts" in result.output
    with db() as session:
        keys = set(session.exec(select(Job.key).where(Job.kind == prerender.KIND)))
    assert keys == {prerender.key(a.id) for a in (overdue, revisited, cancelled)}


def test_simulated_attempts_queue_their_profiles_as_submitted_ones_do(prerendering, runner,
                                                                      db):
    assert runner.invoke(main, ["demo", "--no-serve"], catch_exceptions=False).exit_code == 0
    result = runner.invoke(main, ["simulate", "--candidates", "2", "--seed", "3"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with db() as session:
        closed = session.exec(select(Attempt.id).where(Attempt.simulated)).all()
        keys = set(session.exec(select(Job.key).where(Job.kind == prerender.KIND,
                                                      Job.state == JobState.QUEUED)))
    assert len(closed) == 2 and keys == {prerender.key(a) for a in closed}


def test_without_a_worker_in_the_server_a_pdf_is_rendered_by_the_worker_not_the_request(
        prerendering, client, auth, db, assessment, clock, tmp_path):
    """JOBS_SERVER_WORKER False: `hiring worker` renders; the download asks again."""
    app = prerendering
    app.config.update(JOBS_SERVER_WORKER=False)
    attempt_id, _response_id = closed_attempt(app, db, assessment, clock)
    with db() as session:  # rendered by none yet: the job waits for the worker
        job = session.exec(select(Job).where(Job.key == prerender.key(attempt_id))).one()
        session.delete(job)
    auth.login("hr")
    renders = pdf.renders
    waiting = client.get(f"/attempts/{attempt_id}/profile.pdf?lang=hr")
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] == "3"
    assert 'http-equiv="refresh"' in waiting.get_data(as_text=True)
    assert pdf.renders == renders  # the request rendered nothing
    with db() as session:  # and queued the job again for the worker
        session.exec(select(Job).where(Job.key == prerender.key(attempt_id))).one()
    assert run_jobs(app) >= 1  # the worker's turn
    rendered = pdf.renders
    assert rendered > renders
    assert "Kako čitati ovaj profil" in download(client, attempt_id, tmp_path, "hr")
    assert pdf.renders == rendered  # served from the store


def test_with_a_worker_in_the_server_a_missing_pdf_is_rendered_at_once(
        prerendering, client, auth, db, assessment, clock, tmp_path):
    app = prerendering
    app.config.update(JOBS_SERVER_WORKER=None)
    attempt_id, _response_id = closed_attempt(app, db, assessment, clock)
    auth.login("hr")
    renders = pdf.renders
    assert "How to read this profile" in download(client, attempt_id, tmp_path)
    assert pdf.renders == renders + 1


def test_with_the_worker_beside_the_server_a_submit_queues_its_work_in_its_own_write(
        prerendering, client, auth, db, assessment, clock, tmp_path):
    """JOBS_SERVER_WORKER False, as `hiring serve` runs: the submit's transaction holds
    the confirmation, the profile's rendering and the writing indicators as jobs, so they
    are stored with the closing or not at all, and the submit takes the write lock once.
    They are three inserts in one savepoint, with no read before them. The worker then
    does all three."""
    from sqlalchemy import event

    app = prerendering
    app.config.update(JOBS_SERVER_WORKER=False)
    db_engine = app.extensions["hiring.engine"]
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.split()[:1] in (["BEGIN"], ["SAVEPOINT"], ["INSERT"]):
            writes.append(" ".join(statement.split()[:3]))
        if statement.lstrip().startswith("SELECT") and "FROM job" in statement:
            writes.append("SELECT FROM job")

    attempt_id, token = answered_attempt(db, assessment, clock)
    event.listen(db_engine, "before_cursor_execute", record)
    try:
        assert client.post(f"/a/{token}/submit", data={"confirm": "1"}).status_code == 302
    finally:
        event.remove(db_engine, "before_cursor_execute", record)
    if db_engine.dialect.name == "sqlite":
        assert [w for w in writes if w.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]
    assert len([w for w in writes if w.startswith("INSERT INTO job")]) == 3
    assert len([w for w in writes if w.startswith("SAVEPOINT")]) == 1
    assert "SELECT FROM job" not in writes
    assert not jobs._tasks  # nothing runs in the server's own threads
    with db() as session:
        kinds = sorted(job.kind for job in session.exec(select(Job)))
        assert kinds == sorted([jobs.TASK_JOB, prerender.KIND, CONFIRMATION_JOB])
        [task] = session.exec(select(Job).where(Job.kind == jobs.TASK_JOB)).all()
        assert task.params == {"kind": jobs.WRITING_INDICATORS,
                               "params": {"attempt_ids": [attempt_id]}}
    for _ in range(3):  # the worker's turns: the profile waits for the indicators
        jobs.run_due(app)
        clock.advance(minutes=1)
    with db() as session:
        assert {job.state for job in session.exec(select(Job))} == {JobState.DONE}
    assert stored_files(app, attempt_id)
    auth.login("hr")
    renders = pdf.renders
    assert "How to read this profile" in download(client, attempt_id, tmp_path)
    assert pdf.renders == renders  # rendered by the worker, served from the store


def test_a_submit_whose_work_waits_already_keeps_one_job_of_each(
        prerendering, db, assessment, clock):
    """Asked again for an attempt whose jobs wait (a second submit of a closed attempt):
    the inserts leave the waiting jobs, and the transaction goes on."""
    from hiring.db import session_scope

    app = prerendering
    app.config.update(JOBS_SERVER_WORKER=False)
    attempt_id, _ = complete_attempt(db, assessment, clock)
    for _ in range(2):
        with app.test_request_context(), session_scope(app) as session:
            attempt = session.get(Attempt, attempt_id)
            assert jobs.queue_writing_indicators(app, [attempt], session=session)
    with db() as session:
        assert len(session.exec(select(Job).where(Job.kind == jobs.TASK_JOB)).all()) == 1
        assert len(session.exec(select(Job).where(Job.kind == prerender.KIND)).all()) == 1


def test_a_submit_goes_on_when_its_work_cannot_be_queued_with_it(
        prerendering, client, db, assessment, clock, monkeypatch):
    """Queueing the profile with the closing fails (rolled back to its savepoint): the
    candidate's submit still closes the attempt, and the work is queued after the commit
    the old way."""
    app = prerendering
    app.config.update(JOBS_SERVER_WORKER=False)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the job table is away")

    monkeypatch.setattr(prerender, "_queue_one", broken)
    attempt_id = submit_as_candidate(client, db, assessment, clock)
    with db() as session:
        assert session.get(Attempt, attempt_id).state in (AttemptState.SUBMITTED,
                                                          AttemptState.SCORED)
        [task] = session.exec(select(Job).where(Job.kind == jobs.TASK_JOB)).all()
        assert task.params["params"] == {"attempt_ids": [attempt_id]}
