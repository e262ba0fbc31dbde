"""Comparison, CSV export and the ZIP of profiles."""

from __future__ import annotations

import csv
import io
import time
import zipfile

from hiring import jobs, worker
from hiring.assessment import engine
from hiring.models import Job, JobState
from hiring.reports import export
from hiring.reports.export import csv_columns
from tests.factories import make_attempt


def completed(db, assessment, clock, n: int, best: str = "a") -> list[int]:
    ids = []
    with db() as session:
        for i in range(n):
            attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                      name=f"Kandidat {i} Šimić", email=f"c{i}@example.com")
            for position in range(1, 5):
                engine.save_answer(attempt, position, {"best": best if i % 2 else "b"},
                                   session=session, now=clock(), seq=1)
            engine.submit(attempt, session=session, now=clock())
            ids.append(attempt.id)
    return ids


def test_csv_has_one_row_per_attempt_with_the_documented_columns(client, auth, db, assessment,
                                                                 clock, app):
    app.config["NORM_MIN_GROUP"] = 3
    ids = completed(db, assessment, clock, 3)
    with db() as session:
        make_attempt(session, assessment, now=clock(), name="=HYPERLINK(\"x\")",
                     email="f@example.com")
    auth.login("interviewer")
    response = client.get(f"/exports/assessments/{assessment.id}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    subscores = ["customer_focus", "listening_problem_solving", "composure", "ownership"]
    assert rows[0] == csv_columns(["judgement", "numeracy", "writing"], subscores)
    assert len(rows) == 5
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    first = by_id[str(ids[0])]
    assert first["state"] == "scored" and first["candidate_name"] == "Kandidat 0 Šimić"
    assert (first["n_items"], first["n_unanswered"], first["incomplete"]) == ("6", "2", "yes")
    assert first["simulated"] == "no"
    # The judgement score over the 4 situations, with its band, counts and percentile.
    assert first["judgement_score"] == "43.8" and first["judgement_n_items"] == "4"
    assert float(first["judgement_low"]) < 43.8 < float(first["judgement_high"])
    assert first["judgement_percentile"] != ""  # the group of 3 reached the minimum
    assert first["judgement_norm_n"] == "3"
    # The math item was not answered: no score, one unanswered, never a zero.
    assert (first["numeracy_score"], first["numeracy_n_unanswered"]) == ("", "1")
    # A behavioural subscore of one item is an indication: no band, no percentile.
    assert first["sub_customer_focus_reported"] == "indication"
    assert first["sub_customer_focus_score"] == "50.0"
    assert first["sub_customer_focus_low"] == first["sub_customer_focus_percentile"] == ""
    invited = next(row for row in by_id.values() if row["state"] == "invited")
    assert invited["candidate_name"].startswith("'=")  # no formula runs in a spreadsheet
    assert invited["judgement_score"] == invited["n_items"] == ""


def test_zip_holds_one_pdf_per_reportable_attempt(client, auth, db, assessment, clock):
    ids = completed(db, assessment, clock, 3)
    with db() as session:
        unstarted, _ = make_attempt(session, assessment, now=clock(), email="u@example.com")
    auth.login("interviewer")
    response = client.post("/exports/profiles",
                           data={"attempt": [*map(str, ids), str(unstarted.id)]})
    job_url = response.headers["Location"]
    assert "/exports/jobs/" in job_url
    status = client.get(job_url + ".json").json
    assert status["state"] == "done" and status["done"] == status["total"] == 4
    with client.get(status["download"]) as download:  # a file response: close it
        assert download.mimetype == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = sorted(archive.namelist())
    assert names == [f"{i:05d}-kandidat-{n}-simic.pdf" for n, i in enumerate(ids)]
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    page = client.get(job_url).get_data(as_text=True)
    assert '<span id="job-done">4</span> / 4' in page and "Download the ZIP" in page


def test_zip_job_runs_in_the_servers_worker_thread_and_reports_progress(client, auth, db,
                                                                         assessment, clock,
                                                                         app):
    ids = completed(db, assessment, clock, 2)
    app.config.update(JOBS_INLINE=False, PERIODIC_WORK={}, JOBS_POLL_SECONDS=3600)
    worker.start_thread(app)  # as each server process does; the job wakes it
    try:
        auth.login("interviewer")
        job_url = client.post("/exports/profiles", data={"attempt": list(map(str, ids))}
                              ).headers["Location"]
        job_id = int(job_url.rsplit("/", 1)[1])
        deadline = time.monotonic() + 60
        while client.get(job_url + ".json").json["state"] != "done":
            assert time.monotonic() < deadline, "the worker thread did not run the job"
            time.sleep(0.05)
    finally:
        worker.stop_thread(app)
    with db() as session:
        job = session.get(Job, job_id)
        assert (job.state, job.done, job.total, job.attempts) == (JobState.DONE, 2, 2, 1)
        assert job.lease_owner is None and job.lease_expires_at is None


def test_jobs_belong_to_their_creator_and_hr(client, auth, db, assessment, clock):
    ids = completed(db, assessment, clock, 1)
    auth.login("interviewer", email="one@example.com")
    job_url = client.post("/exports/profiles", data={"attempt": [str(ids[0])]}
                          ).headers["Location"]
    auth.logout()
    auth.login("interviewer", email="two@example.com")
    assert client.get(job_url).status_code == 404
    auth.logout()
    auth.login("hr")
    assert client.get(job_url).status_code == 200


def test_bad_selections_get_clear_errors(client, auth, db, assessment, clock):
    auth.login("interviewer")
    assert client.post("/exports/profiles", data={}).status_code == 400
    assert client.post("/exports/profiles", data={"attempt": ["999"]}).status_code == 404
    assert client.get("/exports/compare").status_code == 400
    with db() as session:
        assert session.exec(__import__("sqlmodel").select(Job)).first() is None


def test_compare_shows_candidates_side_by_side(client, auth, db, assessment, clock):
    ids = completed(db, assessment, clock, 2)
    auth.login("interviewer")
    page = client.get("/exports/compare?" + "&".join(f"attempt={i}" for i in ids)
                      ).get_data(as_text=True)
    assert "Kandidat 0 Šimić" in page and "Kandidat 1 Šimić" in page
    assert "Customer-service judgement" in page and "Customer Focus" in page
    assert "<strong>44</strong>" in page and "<strong>88</strong>" in page  # judgement
    assert page.count("<strong>100</strong>") >= 1 and page.count("<strong>50</strong>") >= 1
    assert "indication" in page and "4 of 4 items, 0 unanswered" in page
    assert "0 of 1 item, 1 unanswered" in page  # the math question nobody answered
    assert "incomplete: 2 of 6 unanswered" in page


def test_with_redis_the_zip_job_goes_to_the_queue_and_a_worker_runs_it(client, auth, db,
                                                                       assessment, clock, app):
    from redis import Redis
    from rq import SimpleWorker

    redis_url = "redis://127.0.0.1:6379/14"
    Redis.from_url(redis_url).flushdb()
    ids = completed(db, assessment, clock, 2)
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    auth.login("interviewer")
    job_url = client.post("/exports/profiles", data={"attempt": list(map(str, ids))}
                          ).headers["Location"]
    assert client.get(job_url + ".json").json["state"] == "queued"
    queue = jobs.queue(app)
    assert queue.count == 1
    worker._worker_app = app
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        worker._worker_app = None
        queue.connection.flushdb()
        queue.connection.close()
    status = client.get(job_url + ".json").json
    assert (status["state"], status["done"], status["total"]) == ("done", 2, 2)


def test_the_csv_streams_in_batches_the_same_rows_for_every_batch_size(client, auth, db,
                                                                        assessment, clock,
                                                                        monkeypatch):
    completed(db, assessment, clock, 5)
    auth.login("hr")
    url = f"/exports/assessments/{assessment.id}.csv"
    whole = client.get(url).get_data(as_text=True)
    monkeypatch.setattr(export, "BATCH", 2)
    response = client.get(url, buffered=False)
    assert response.is_streamed
    chunks = [chunk.decode() for chunk in response.response]
    assert len(chunks) == 1 + 3  # the header, then the attempts two at a time
    assert "".join(chunks) == whole and len(whole.splitlines()) == 6
    with db() as session:  # an interviewer's export reads whole attempts: the same rows
        lines = list(export.attempts_csv_lines(session.merge(assessment), session=session,
                                               min_group=30, blind_for=None))
        blind = export.attempts_csv(session.merge(assessment), session=session,
                                    min_group=30, blind_for=-1)
    assert "".join(lines) == whole == blind


def test_a_large_assessments_csv_never_waits_for_its_precision(client, auth, db, assessment,
                                                               clock, app, monkeypatch):
    """Over the inline limit with no precision kept yet, the bands are pending and a task
    keeps the estimate; the next export has them."""
    monkeypatch.setattr("hiring.web.exports.INLINE_LIMIT", 1)
    completed(db, assessment, clock, 3)
    auth.login("interviewer")

    def rows() -> list[dict]:
        response = client.get(f"/exports/assessments/{assessment.id}.csv")
        assert response.status_code == 200
        found = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        return [dict(zip(found[0], row, strict=True)) for row in found[1:]]

    first = rows()
    assert {row["sub_customer_focus_reported"] for row in first} == {export.PENDING}
    assert {row["sub_customer_focus_score"] for row in first} == {""}  # withheld
    assert all(row["judgement_score"] != "" and row["judgement_low"] == "" for row in first)
    again = rows()  # the task kept the estimate after the first request (run inline here)
    assert {row["sub_customer_focus_reported"] for row in again} == {"indication"}
    assert all(row["judgement_low"] != "" for row in again)


def test_a_large_assessments_csv_never_computes_its_norm_groups_first(client, auth, db,
                                                                     assessment, clock, app,
                                                                     monkeypatch):
    """Over the inline limit with no norm groups kept as of now, the export reads no
    attempt to compute them before its first row: the percentiles are pending, a task
    keeps the groups, and the next export has them; a new attempt makes them pending
    again rather than showing the older groups."""
    from hiring.leases import in_background
    from hiring.scoring import aggregates, norms

    monkeypatch.setattr("hiring.web.exports.INLINE_LIMIT", 1)
    completed(db, assessment, clock, 3)
    auth.login("hr")
    with db() as session:  # as a fresh process: nothing remembered
        aggregates.MEMO._by_engine.pop(session.get_bind(), None)
    computed = []
    real = norms.norm_groups
    monkeypatch.setattr(norms, "norm_groups", lambda *a, **k: computed.append(
        "task" if in_background() else "request") or real(*a, **k))
    def rows() -> list[dict]:
        response = client.get(f"/exports/assessments/{assessment.id}.csv")
        assert response.status_code == 200
        found = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        return [dict(zip(found[0], row, strict=True)) for row in found[1:]]

    first = rows()
    assert "request" not in computed  # no norm group computed for the export itself
    assert {(row["judgement_percentile"], row["judgement_norm_n"]) for row in first} == {
        (export.PENDING, export.PENDING)}
    assert all(row["judgement_score"] != "" for row in first)  # the scores are there
    jobs.wait_for_tasks()  # the task the export asked for (inline here) kept the groups
    assert computed == ["task"]
    again = rows()
    assert {row["judgement_norm_n"] for row in again} == {"3"}
    assert all(row["judgement_percentile"] == "" for row in again)  # 3 < NORM_MIN_GROUP
    completed(db, assessment, clock, 1)  # one more: the kept groups are out of date
    with db() as session:
        aggregates.MEMO._by_engine.pop(session.get_bind(), None)
    later = rows()
    assert {row["judgement_norm_n"] for row in later} == {export.PENDING}


def test_the_csv_columns_are_the_scales_and_subscores_the_closed_attempts_hold(
        db, assessment, clock):
    """Collected by the database; an attempt scored before scales gives none."""
    from hiring.models import Attempt
    from hiring.scoring.scales import AttemptScores

    ids = completed(db, assessment, clock, 2)
    with db() as session:
        legacy = session.get(Attempt, ids[0])
        legacy.results = {"dimensions": {"old_scale": 50}}  # scored before scales
        session.flush()
        scales, subscores = set(), set()
        for attempt_id in ids[1:]:
            scores = AttemptScores.from_dict(session.get(Attempt, attempt_id).results)
            scales.update(scores.scales)
            subscores.update(scores.subscores)
        assert scales and subscores
        assert export._used_keys(assessment.id, "scales", session=session) == scales
        assert export._used_keys(assessment.id, "subscores", session=session) == subscores
