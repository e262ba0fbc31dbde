"""A candidate's data: export, erasure, retention purge and the audit log."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

import hiring.cli.privacy  # noqa: F401 - registers `hiring purge` until hiring.cli imports it
from hiring import audit, jobs, privacy
from hiring.assessment import engine
from hiring.assessment.ratings import rate
from hiring.cli import main
from hiring.models import Attempt, AuditEvent, Job, JobState, Rating, Response
from hiring.reports.cache import cached_pdf
from hiring.reports.profile import Profile
from tests.factories import make_attempt, make_user


def make_candidate(db, assessment, clock, *, email: str = "ana@example.com",
                   name: str = "Ana Horvat", rater: str = "rater@example.com") -> int:
    """Store a submitted attempt whose written answer one interviewer has rated."""
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True, name=name,
                                  email=email)
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session, now=clock(),
                               seq=1, time_spent_ms=1500)
        engine.save_answer(attempt, 6, {"text": f"Dear customer, I am sorry. {name}"},
                           session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        attempt.focus_losses, attempt.ip_addresses = 2, ["203.0.113.7"]
        attempt.focus_lost_at = clock()
        attempt.created_at = clock()  # invited "now" on the test clock, not the real one
        user = make_user(session, role="interviewer", email=rater)
        rate(engine.response_at(attempt, 6, session=session), session=session,
             rater_id=user.id, scores={"tone": 4, "empathy": 5}, comment="Warm.")
        return attempt.id


def make_zip_job(db, app, attempt_ids: list[int]) -> tuple[int, Path]:
    """Store a finished ZIP export of the attempts, with its file."""
    with db() as session:
        job = Job(kind="profiles_zip", state=JobState.DONE, params={"attempt_ids": attempt_ids},
                  total=len(attempt_ids))
        session.add(job)
        session.flush()
        job.result_path = f"profiles-{job.id}.zip"
        path = jobs.exports_dir(app) / job.result_path
        path.write_bytes(b"PK fake zip")
        return job.id, path


def count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


# ---- audit ----------------------------------------------------------------------------


def test_record_flushes_and_never_commits(db):
    with pytest.raises(RuntimeError), db() as session:
        user = make_user(session, role="hr", email="boss@example.com")
        event = audit.record(session, actor=user, action=audit.Action.VIEWED,
                             object_type="attempt", object_id=7)
        assert event.id is not None and event.actor_label == "boss@example.com"
        raise RuntimeError("roll back")
    with db() as session:
        assert count(session, AuditEvent) == 0
        cli = audit.record(session, actor="cli", action="purged", object_type="attempt",
                           object_id=None, detail={"count": 3})
        system = audit.record(session, actor=None, action="viewed", object_type="attempt",
                              object_id=1)
        assert (cli.actor_id, cli.actor_label) == (None, "cli")
        assert system.actor_label == "system"
        with pytest.raises(ValueError, match="audit detail"):
            audit.record(session, actor=None, action="viewed", object_type="attempt",
                         object_id=1, detail={"text": "x" * 3000})


# ---- export ---------------------------------------------------------------------------


def test_export_holds_everything_but_the_token_hash(db, assessment, clock):
    attempt_id = make_candidate(db, assessment, clock)
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        document = privacy.export_attempts([attempt], session=session, now=clock())
        token_hash = attempt.token_hash
    text = json.dumps(document)
    assert token_hash not in text and "token_hash" not in text
    assert document["format"] == privacy.EXPORT_FORMAT
    (data,) = document["attempts"]
    assert data["id"] == attempt_id and data["candidate_email"] == "ana@example.com"
    assert data["candidate_name"] == "Ana Horvat" and data["state"] == "scored"
    assert data["assessment"]["name"] == "Test assessment"
    assert data["integrity"]["focus_losses"] == 2
    assert data["integrity"]["focus_lost_at"] == clock().isoformat()
    assert data["integrity"]["ip_addresses"] == ["203.0.113.7"]
    assert data["results"]["scales"]["judgement"]["score"] == data["overall_score"]
    assert data["results"]["scales"]["writing"]["score"] == 87.5
    assert data["results"]["n_unanswered"] == 1  # the math question
    assert data["submitted_at"] == clock().isoformat()
    assert [r["position"] for r in data["responses"]] == [1, 2, 3, 4, 5, 6]
    first, numeric, written = data["responses"][0], data["responses"][4], data["responses"][5]
    assert first["answer"] == {"best": "a"} and first["time_spent_ms"] == 1500
    assert first["item"]["type"] == "sjt" and first["item"]["content"]["options"]
    assert first["score"] is not None
    assert numeric["item"]["key"] == "num-1" and numeric["params"]
    assert written["answer"].startswith("Dear customer")
    assert written["ratings"] == [{"rater_email": "rater@example.com",
                                   "scores": {"tone": 4, "empathy": 5}, "comment": "Warm.",
                                   "created_at": written["ratings"][0]["created_at"]}]


def test_attempts_for_email_and_search(db, assessment, clock):
    first = make_candidate(db, assessment, clock)
    second = make_candidate(db, assessment, clock)
    make_candidate(db, assessment, clock, email="bo@example.com", name="Bo 100%")
    with db() as session:
        found = privacy.attempts_for_email(" ANA@example.com ", session=session)
        assert [a.id for a in found] == [first, second]
        assert {a.candidate_name for a, _ in privacy.search("horvat", session=session)} == {
            "Ana Horvat"}
        assert [a.candidate_email for a, _ in privacy.search("0%", session=session)] == [
            "bo@example.com"]
        assert privacy.search("_", session=session) == []  # no wildcard


# ---- erasure --------------------------------------------------------------------------


def test_erase_removes_rows_and_files_and_nothing_else(db, app, assessment, clock):
    ana = make_candidate(db, assessment, clock)
    bo = make_candidate(db, assessment, clock, email="bo@example.com", name="Bo Babić")
    both_job, both_zip = make_zip_job(db, app, [bo, ana])
    bo_job, bo_zip = make_zip_job(db, app, [bo])
    with db() as session:
        bo_before = (count(session, Response, Response.attempt_id == bo),
                     count(session, Rating))
        erasure = privacy.erase([ana], session=session, exports_dir=jobs.exports_dir(app),
                                actor="system", now=clock())
        assert both_zip.exists()  # files go only after the commit
    assert erasure.attempt_ids == [ana] and erasure.responses == 6 and erasure.ratings == 1
    assert erasure.job_ids == [both_job] and erasure.files == [both_zip.resolve()]
    assert privacy.remove_files(erasure.files) == 1
    assert not both_zip.exists() and bo_zip.exists()
    with db() as session:
        assert session.get(Attempt, ana) is None
        assert count(session, Response, Response.attempt_id == ana) == 0
        assert (count(session, Response, Response.attempt_id == bo),
                count(session, Rating)) == (bo_before[0], bo_before[1] - 1)
        assert session.get(Attempt, bo).candidate_name == "Bo Babić"
        job = session.get(Job, both_job)
        assert (job.state, job.result_path, job.error) == (JobState.FAILED, None,
                                                           privacy.JOB_ERASED)
        assert session.get(Job, bo_job).state == JobState.DONE
        (event,) = session.exec(select(AuditEvent))
        assert (event.action, event.object_type, event.object_id) == ("erased", "attempt", ana)
        assert event.detail == {"responses": 6, "ratings": 1, "jobs": [both_job]}
        logged = json.dumps(event.model_dump(), default=str)
        assert "ana@example.com" not in logged and "Ana" not in logged


def test_erase_removes_the_candidates_cached_profiles_only(db, app, assessment, clock):
    ana = make_candidate(db, assessment, clock)
    bo = make_candidate(db, assessment, clock, email="bo@example.com", name="Bo Babić")
    folder = jobs.exports_dir(app)
    for attempt_id in (ana, bo):
        profile = Profile(attempt_id=attempt_id, candidate_name="X", candidate_email="x@x.hr",
                          assessment_name="A", bank_title="B", bank_version=1, language="en",
                          state="scored", submitted_at=clock(), generated_at=clock(),
                          judgement=None)
        cached_pdf(profile, folder, lambda p: b"%PDF-1.7")
    [ana_pdf] = folder.glob(f"profile-{ana}-*.pdf")
    with db() as session:
        erasure = privacy.erase([ana], session=session, exports_dir=folder, actor="system",
                                now=clock())
    assert erasure.files == [ana_pdf]
    assert privacy.remove_files(erasure.files) == 1
    assert not ana_pdf.exists() and len(list(folder.glob(f"profile-{bo}-*.pdf"))) == 1


def test_a_failed_erasure_leaves_rows_and_files(db, app, assessment, clock):
    ana = make_candidate(db, assessment, clock)
    _job_id, path = make_zip_job(db, app, [ana])
    with pytest.raises(RuntimeError), db() as session:
        privacy.erase([ana], session=session, exports_dir=jobs.exports_dir(app), actor=None,
                      now=clock())
        raise RuntimeError("the commit never happens")
    with db() as session:
        assert session.get(Attempt, ana) is not None
        assert count(session, Response, Response.attempt_id == ana) == 6
        assert count(session, AuditEvent) == 0
        assert session.get(Job, _job_id).state == JobState.DONE
    assert path.exists()


def test_plan_changes_nothing(db, app, assessment, clock):
    ana = make_candidate(db, assessment, clock)
    with db() as session:
        erasure = privacy.plan([ana, 999], session=session, exports_dir=jobs.exports_dir(app))
        assert (erasure.attempt_ids, erasure.responses, erasure.ratings) == ([ana], 6, 1)
    with db() as session:
        assert session.get(Attempt, ana) is not None


# ---- retention ------------------------------------------------------------------------


def aged(db, assessment, clock, email: str, *, created: int, started: int | None = None,
         submitted: int | None = None) -> int:
    """Store an attempt whose timestamps lie the given numbers of days in the past."""
    def ago(days: int | None):
        return None if days is None else clock() - timedelta(days=days)

    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), email=email)
        attempt.created_at, attempt.started_at = ago(created), ago(started)
        attempt.submitted_at = ago(submitted)
        return attempt.id


@pytest.fixture
def ages(db, assessment, clock) -> dict[str, int]:
    return {
        "submitted_long_ago": aged(db, assessment, clock, "a@example.com", created=500,
                                   started=450, submitted=450),
        "abandoned": aged(db, assessment, clock, "b@example.com", created=500, started=400),
        "never_started": aged(db, assessment, clock, "c@example.com", created=366),
        "submitted_lately": aged(db, assessment, clock, "d@example.com", created=500,
                                 started=10, submitted=10),
        "at_the_cutoff": aged(db, assessment, clock, "e@example.com", created=365),
        "fresh": aged(db, assessment, clock, "f@example.com", created=1),
    }


def test_stale_attempts_go_by_last_activity(db, clock, ages):
    with db() as session:
        stale = privacy.stale_attempts(clock() - timedelta(days=365), session=session)
    assert [a.id for a in stale] == [ages["submitted_long_ago"], ages["abandoned"],
                                     ages["never_started"]]


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_purge_command_dry_run_then_purge_then_nothing(runner, db, app, ages, clock):
    job_id, path = make_zip_job(db, app, [ages["abandoned"], ages["fresh"]])
    dry = run(runner, "purge", "--older-than", "365", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("would purge 3 attempts last active before 2025-03-02")
    assert f"attempt {ages['abandoned']} " in dry.output and "example.com" not in dry.output
    with db() as session:
        assert count(session, Attempt) == 6 and count(session, AuditEvent) == 0
    assert path.exists()

    done = run(runner, "purge", "--older-than", "365")
    assert done.exit_code == 0 and done.output.startswith("purged 3 attempts"), done.output
    assert "1 exports (1 files)" in done.output and not path.exists()
    with db() as session:
        assert sorted(session.exec(select(Attempt.id))) == sorted(
            ages[k] for k in ("submitted_lately", "at_the_cutoff", "fresh"))
        (event,) = session.exec(select(AuditEvent))
        assert (event.action, event.actor_label, event.detail["count"]) == ("purged", "cli", 3)
        assert event.detail["attempt_ids"] == sorted(
            ages[k] for k in ("submitted_long_ago", "abandoned", "never_started"))
        assert session.get(Job, job_id).state == JobState.FAILED

    again = run(runner, "purge", "--older-than", "365")
    assert again.exit_code == 0 and again.output.startswith("purged 0 attempts")
    with db() as session:
        assert count(session, AuditEvent) == 1  # a run with nothing to do logs nothing


def test_purge_uses_retention_days(runner, db, app, ages):
    app.config["RETENTION_DAYS"] = 5
    result = run(runner, "purge", "--dry-run")
    assert result.exit_code == 0 and result.output.startswith("would purge 5 attempts")
    app.config["RETENTION_DAYS"] = None
    result = run(runner, "purge")
    assert result.exit_code == 0 and "retention is off" in result.output
    with db() as session:
        assert count(session, Attempt) == 6
    app.config.pop("RETENTION_DAYS")
    result = run(runner, "purge", "--dry-run")
    assert result.output.startswith("would purge 3 attempts")  # the default: 365 days
    assert run(runner, "purge", "--older-than", "0").exit_code == 2


def test_purge_of_a_large_backlog_works_in_chunks(db, app, assessment, clock, monkeypatch):
    monkeypatch.setattr(privacy, "CHUNK", 2)
    ids = [aged(db, assessment, clock, f"x{i}@example.com", created=400) for i in range(5)]
    with db() as session:
        erasure = privacy.purge(session=session, cutoff=clock() - timedelta(days=30),
                                exports_dir=jobs.exports_dir(app), now=clock())
    assert erasure.attempt_ids == ids
    with db() as session:
        assert count(session, Attempt, col(Attempt.id).in_(ids)) == 0
        (event,) = session.exec(select(AuditEvent))
        assert event.detail["count"] == 5
