"""Writing indicators: computed by a job when an attempt closes, stored, shown on the profile;
never computed while a web request waits."""

from __future__ import annotations

import pytest
from flask import has_request_context
from sqlmodel import select

from hiring import jobs, worker
from hiring.assessment import engine
from hiring.assessment.writing import fill_indicators
from hiring.models import Attempt, AttemptState, Response
from hiring.scoring import dictionaries, writing_store
from hiring.scoring.writing_store import IndicatorState
from tests.factories import make_attempt

CROATIAN = ("Postovana Ana, zao nam je zbog kašnjenja. Mogu vam vratit novac, a poslat ćemo "
            "vam i potvrdu. Javit ćemo vam se sutra.")
ENGLISH = ("Dear Ana, we are very sorry that your refund took two weeks. We have checked "
           "your account and the money is on its way today.")
WRITTEN = 6  # the mini assessment's written item


REAL_CHECKER = dictionaries.checker  # taken before conftest's guard replaces it per test


@pytest.fixture
def loads_in_requests(monkeypatch) -> list[str]:
    """Record the dictionaries web requests use (instead of failing at once, as conftest's
    guard does); jobs run inline in tests and are exempt."""
    used: list[str] = []

    def counting(language, folder):
        if has_request_context() and not jobs.in_background():
            used.append(language)
        return REAL_CHECKER(language, folder)

    monkeypatch.setattr(dictionaries, "checker", counting)
    return used


def take(client, db, assessment, clock, text: str, *, language: str = "hr",
         email: str = "ana@example.com") -> tuple[int, str]:
    """Start an invitation on the web, write the reply and leave it unsubmitted."""
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), email=email)
    assert client.post(f"/a/{token}/start", data={"language": language}).status_code == 302
    saved = client.post(f"/a/{token}/save", json={"position": WRITTEN, "seq": 1,
                                                  "answer": {"text": text}})
    assert saved.status_code == 200
    return attempt.id, token


def stored(db, attempt_id: int) -> dict | None:
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        return engine.response_at(attempt, WRITTEN, session=session).indicators


def profile(client, attempt_id: int, language: str = "en") -> str:
    response = client.get(f"/attempts/{attempt_id}?lang={language}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_submit_stores_the_indicators_and_the_profile_shows_them(
        client, auth, db, assessment, clock, loads_in_requests):
    attempt_id, token = take(client, db, assessment, clock, CROATIAN)
    assert stored(db, attempt_id) is None  # nothing while the attempt is open
    assert client.post(f"/a/{token}/submit",
                       data={"confirm": "1"}).status_code == 302

    record = stored(db, attempt_id)
    assert writing_store.is_current(record, CROATIAN)
    auth.login("interviewer")
    page = profile(client, attempt_id)
    assert "Missing diacritics" in page
    assert "Postovana (Poštovana), zao (žao)" in page
    assert "Colloquial clipped infinitives" in page and "vratit (vratiti)" in page
    assert "“poslat ćemo”" in page and "“javit ćemo vam se”" in page
    assert "being computed" not in page
    croatian = profile(client, attempt_id, "hr")
    assert "Nedostaju dijakritički znakovi" in croatian
    assert "Razgovorni krnji infinitivi" in croatian
    pdf = client.get(f"/attempts/{attempt_id}/profile.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert loads_in_requests == []


def test_an_english_reply_to_a_croatian_attempt_is_flagged_without_a_spelling_count(
        client, auth, db, assessment, clock):
    attempt_id, token = take(client, db, assessment, clock, ENGLISH)
    client.post(f"/a/{token}/submit", data={"confirm": "1"})
    auth.login("interviewer")
    page = profile(client, attempt_id)
    assert "Written in English, not Croatian" in page
    assert "not counted: the reply is in another language" in page
    assert 'class="misspelled"' not in page  # no list of "misspelled" English words
    assert "“sorry”" in page  # what the reply does is still seen
    assert "Jezik odgovora: engleski, a ne hrvatski" in profile(client, attempt_id, "hr")


def test_the_profile_says_they_are_being_computed_until_the_job_has_run(
        client, auth, db, assessment, clock, loads_in_requests):
    with db() as session:  # submitted without the web: no job ran
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, WRITTEN, {"text": ENGLISH}, session=session, now=clock(),
                           seq=1)
        engine.submit(attempt, session=session, now=clock())
    auth.login("interviewer")
    page = profile(client, attempt.id)
    assert "Writing indicators are being computed" in page
    assert "Spelling problems" not in page
    assert "Pokazatelji pisanja upravo se izračunavaju" in profile(client, attempt.id, "hr")
    assert loads_in_requests == []

    fill_indicators(read=db, write=db)
    page = profile(client, attempt.id)
    assert "being computed" not in page and "Spelling problems" in page


def test_no_web_request_loads_a_dictionary_while_the_job_runs_beside_it(
        app, client, auth, db, assessment, clock, loads_in_requests, monkeypatch):
    app.config["JOBS_INLINE"] = False  # the job runs in the pool, as on a server
    dictionaries.clear_dictionary_cache()
    loaded: list[str] = []
    real_load = dictionaries._load

    def recording_load(base):
        loaded.append(base.name)
        return real_load(base)

    monkeypatch.setattr(dictionaries, "_load", recording_load)
    attempt_id, token = take(client, db, assessment, clock, CROATIAN)
    client.post(f"/a/{token}/submit", data={"confirm": "1"})
    jobs.wait_for_tasks()
    assert loaded == ["hr_HR"]  # by the job, in the pool
    auth.login("interviewer")
    profile(client, attempt_id)
    client.get(f"/attempts/{attempt_id}/profile.pdf")
    assert loads_in_requests == [] and loaded == ["hr_HR"]
    assert writing_store.read(stored(db, attempt_id), CROATIAN)[1] == IndicatorState.READY


def test_the_clock_and_a_cancellation_close_attempts_and_start_the_job(
        client, auth, db, assessment, clock):
    overdue, token = take(client, db, assessment, clock, CROATIAN)
    cancelled, _ = take(client, db, assessment, clock, ENGLISH, email="b@example.com")
    clock.advance(minutes=31, seconds=1)
    assert client.get(f"/a/{token}").status_code == 302  # the clock submits it
    auth.login("hr")
    assert client.post(f"/admin/attempts/{cancelled}/revoke",
                       data={"confirm": "1"}).status_code == 302
    with db() as session:
        assert session.get(Attempt, overdue).state == AttemptState.SUBMITTED
        assert session.get(Attempt, cancelled).state == AttemptState.SUBMITTED
    assert writing_store.is_current(stored(db, overdue), CROATIAN)
    assert writing_store.is_current(stored(db, cancelled), ENGLISH)


def test_only_written_answers_get_indicators(client, db, assessment, clock):
    attempt_id, token = take(client, db, assessment, clock, CROATIAN)
    client.post(f"/a/{token}/submit", data={"confirm": "1"})
    with db() as session:
        rows = session.exec(select(Response).where(Response.attempt_id == attempt_id)).all()
    assert {r.position for r in rows if r.indicators is not None} == {WRITTEN}


def test_with_redis_the_job_goes_to_the_queue_and_a_worker_runs_it(app, client, db,
                                                                   assessment, clock):
    from redis import Redis
    from rq import SimpleWorker

    redis_url = "redis://127.0.0.1:6379/12"
    Redis.from_url(redis_url).flushdb()
    attempt_id, token = take(client, db, assessment, clock, CROATIAN)
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    client.post(f"/a/{token}/submit", data={"confirm": "1"})
    assert stored(db, attempt_id) is None
    queue = jobs.queue(app)
    assert queue.count == 2  # the indicators, and the job that writes the confirmation
    worker._worker_app = app
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        worker._worker_app = None
        queue.connection.flushdb()
        queue.connection.close()
    assert writing_store.is_current(stored(db, attempt_id), CROATIAN)
