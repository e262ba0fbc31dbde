"""A candidate's data: find it, export it, erase it, purge it when retention ends.

Erasing deletes rows and flushes; the caller commits, and only then removes the export
files with `remove_files`, so a failed transaction leaves every file in place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, false, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col, func, select

from hiring import audit, like
from hiring.assessment import decisions, self_id
from hiring.config import Defaults
from hiring.email_address import normalize_email
from hiring.mail.sending import MailSettings, files_of
from hiring.models import (
    Assessment,
    Attempt,
    AuditEvent,
    DecisionChange,
    EmailMessage,
    FeedbackRelease,
    GreenhouseTest,
    Item,
    ItemRevision,
    Job,
    JobState,
    Outcome,
    Rating,
    Response,
    SelfIdentification,
    User,
    WebhookDelivery,
)
from hiring.scoring.attempts import current_scores

DEFAULT_RETENTION_DAYS = Defaults.RETENTION_DAYS
EXPORT_FORMAT = "hiring.candidate-export/1"
INTEGRITY_FIELDS = ("focus_losses", "focus_lost_at", "paste_count", "ip_addresses",
                    "user_agents")
JOB_ERASED = "Deleted: it held data of a candidate who has since been erased."
CHUNK = 500  # ids per statement: well under every database's limit on parameters

LAST_ACTIVITY = func.coalesce(col(Attempt.submitted_at), col(Attempt.started_at),
                              col(Attempt.created_at))


@dataclass(frozen=True)
class AttemptSummary:
    """What may be said about an erased attempt: no name, no email."""

    id: int
    assessment_id: int
    state: str
    last_activity: datetime


@dataclass
class Erasure:
    """What an erasure deletes (or, planned or dry-run, would delete)."""

    attempts: list[AttemptSummary]
    responses: int = 0
    ratings: int = 0
    outcomes: int = 0  # job outcomes imported for criterion validity
    messages: int = 0  # e-mails sent to the candidate; their outbox files are in `files`
    decisions: int = 0  # recorded moves between hiring stages
    self_identification: int = 0  # answers to the voluntary questions after submitting
    job_ids: list[int] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # those that exist

    @property
    def attempt_ids(self) -> list[int]:
        return [a.id for a in self.attempts]


def last_activity(attempt: Attempt) -> datetime:
    """Return when the candidate last did something: submitted, else started, else invited."""
    return attempt.submitted_at or attempt.started_at or attempt.created_at


def attempts_for_email(email: str, *, session: Session) -> list[Attempt]:
    """Return every attempt of the candidate with this email, oldest first."""
    return list(session.exec(select(Attempt).where(
        Attempt.candidate_email == normalize_email(email)).order_by(col(Attempt.id))))


def search(text: str, *, session: Session, limit: int = 200
           ) -> list[tuple[Attempt, Assessment]]:
    """Return attempts whose candidate's email or name contains the text."""
    query = (select(Attempt, Assessment)
             .join(Assessment, col(Assessment.id) == Attempt.assessment_id)
             .where(like.any_contains(text.strip(), Attempt.candidate_email,
                                      Attempt.candidate_name))
             .order_by(col(Attempt.candidate_email), col(Attempt.id).desc()).limit(limit))
    return list(session.exec(query))


# ---- export -------------------------------------------------------------------------


def _plain(row: SQLModel, exclude: set[str]) -> dict[str, Any]:
    return {key: _jsonable(value) for key, value in row.model_dump(exclude=exclude).items()}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value  # datetimes too


def export_attempt(attempt: Attempt, *, session: Session) -> dict[str, Any]:
    """Return everything held about one attempt, except its token's hash.

    Its results are the scale scores as the profile shows them: an attempt scored before
    scales existed is scored again first, so the export never holds the old figures."""
    current_scores(attempt, session=session)
    data = _plain(attempt, exclude={"token_hash", *INTEGRITY_FIELDS})
    data["integrity"] = {name: _jsonable(getattr(attempt, name)) for name in INTEGRITY_FIELDS}
    assessment = session.get(Assessment, attempt.assessment_id)
    data["assessment"] = {"id": assessment.id, "key": assessment.key, "name": assessment.name}
    inviter = session.get(User, attempt.created_by) if attempt.created_by else None
    data["invited_by"] = inviter.email if inviter else None
    data["last_activity"] = last_activity(attempt).isoformat()
    rows = list(session.exec(
        select(Response, ItemRevision, Item)
        .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
        .join(Item, col(Item.id) == ItemRevision.item_id)
        .where(Response.attempt_id == attempt.id).order_by(col(Response.position))))
    ratings: dict[int, list[dict]] = {}
    for rating, email in session.exec(
            select(Rating, User.email).join(User, col(User.id) == Rating.rater_id)
            .where(col(Rating.response_id).in_([r.id for r, _, _ in rows]))
            .order_by(col(Rating.id))):
        ratings.setdefault(rating.response_id, []).append(
            {"rater_email": email, "scores": rating.scores, "comment": rating.comment,
             "created_at": rating.created_at.isoformat()})
    data["responses"] = [
        {**_plain(response, exclude={"attempt_id"}),
         "item": {"key": item.key, "type": item.type, "dimension": item.dimension,
                  "revision": revision.number, "content": revision.content},
         "ratings": ratings.get(response.id, [])}
        for response, revision, item in rows]
    # What was e-mailed, and when; the bodies are not kept (they held the links).
    data["messages"] = [
        _plain(message, exclude={"id", "attempt_id", "outbox_file"})
        for message in session.exec(select(EmailMessage).where(
            EmailMessage.attempt_id == attempt.id).order_by(col(EmailMessage.id)))]
    data["outcomes"] = [
        _plain(outcome, exclude={"id", "attempt_id"})
        for outcome in session.exec(select(Outcome).where(
            Outcome.attempt_id == attempt.id).order_by(col(Outcome.name)))]
    # The feedback report's release, if HR released it; its link's token hash stays out.
    released = session.exec(select(FeedbackRelease).where(
        FeedbackRelease.attempt_id == attempt.id)).first()
    data["feedback_release"] = (_plain(released, exclude={"id", "attempt_id", "token_hash"})
                                if released else None)
    data["decisions"] = [
        _plain(change, exclude={"id", "attempt_id", "actor_id"})
        for change in decisions.history(attempt.id, session=session)]
    # The candidate's own answers to the voluntary questions: shown to no one else one by
    # one, but theirs to have (None: not answered).
    data["self_identification"] = self_id.of_attempt(attempt.id, session=session)
    return data


def export_attempts(attempts: Iterable[Attempt], *, session: Session, now: datetime
                    ) -> dict[str, Any]:
    """Return the export document for the attempts."""
    return {"format": EXPORT_FORMAT, "exported_at": now.isoformat(),
            "attempts": [export_attempt(a, session=session) for a in attempts]}


# ---- erasure ------------------------------------------------------------------------


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def jobs_holding(attempt_ids: Iterable[int], *, session: Session) -> list[Job]:
    """Return the jobs whose params name any of the attempts."""
    # JSON containment is spelled differently on SQLite and PostgreSQL; jobs are few.
    wanted = set(attempt_ids)
    return [job for job in session.exec(select(Job).order_by(col(Job.id)))
            if wanted.intersection(job.params.get("attempt_ids") or ())]


def _job_files(job: Job, exports_dir: Path) -> list[Path]:
    if not job.result_path:
        return []
    path = (exports_dir / job.result_path).resolve()
    if path.parent != exports_dir.resolve():
        return []  # never delete outside the exports folder
    return [p for p in (path, path.with_suffix(".part")) if p.exists()]


def plan(attempt_ids: Iterable[int], *, session: Session, exports_dir: Path,
         instance_path: Path | None = None) -> Erasure:
    """Describe what erasing the attempts would delete; change nothing.

    E-mails' files are looked for in the instance folder, by default the one that holds
    `exports_dir`."""
    attempts = [a for chunk in _chunks(sorted(set(attempt_ids))) for a in session.exec(
        select(Attempt).where(col(Attempt.id).in_(chunk)).order_by(col(Attempt.id)))]
    erasure = Erasure([AttemptSummary(a.id, a.assessment_id, a.state, last_activity(a))
                       for a in attempts])
    ids = erasure.attempt_ids
    for chunk in _chunks(ids):
        response_ids = select(Response.id).where(col(Response.attempt_id).in_(chunk))
        erasure.responses += session.exec(select(func.count()).select_from(Response).where(
            col(Response.attempt_id).in_(chunk))).one()
        erasure.ratings += session.exec(select(func.count()).select_from(Rating).where(
            col(Rating.response_id).in_(response_ids))).one()
        erasure.outcomes += session.exec(select(func.count()).select_from(Outcome).where(
            col(Outcome.attempt_id).in_(chunk))).one()
        erasure.decisions += session.exec(select(func.count()).select_from(DecisionChange)
                                          .where(col(DecisionChange.attempt_id).in_(chunk))).one()
        erasure.self_identification += session.exec(
            select(func.count()).select_from(SelfIdentification)
            .where(col(SelfIdentification.attempt_id).in_(chunk))).one()
    mail = MailSettings(instance_path=instance_path or exports_dir.parent)
    for chunk in _chunks(ids):
        messages = list(session.exec(select(EmailMessage).where(
            col(EmailMessage.attempt_id).in_(chunk))))
        erasure.messages += len(messages)
        erasure.files.extend(files_of(messages, mail))
    for job in jobs_holding(ids, session=session):
        erasure.job_ids.append(job.id)
        erasure.files.extend(_job_files(job, exports_dir))
    for attempt_id in ids:  # rendered profiles kept by hiring.reports.cache
        erasure.files.extend(sorted(exports_dir.glob(f"profile-{attempt_id}-*.pdf")))
        erasure.files.extend(sorted(exports_dir.glob(f"profile-{attempt_id}-*.html")))
    return erasure


def _delete(erasure: Erasure, *, session: Session, now: datetime) -> None:
    for chunk in _chunks(erasure.attempt_ids):
        response_ids = select(Response.id).where(col(Response.attempt_id).in_(chunk))
        session.exec(delete(Rating).where(col(Rating.response_id).in_(response_ids)))
        session.exec(delete(Response).where(col(Response.attempt_id).in_(chunk)))
        session.exec(delete(EmailMessage).where(col(EmailMessage.attempt_id).in_(chunk)))
        session.exec(delete(Outcome).where(col(Outcome.attempt_id).in_(chunk)))
        session.exec(delete(FeedbackRelease).where(col(FeedbackRelease.attempt_id).in_(chunk)))
        session.exec(delete(DecisionChange).where(col(DecisionChange.attempt_id).in_(chunk)))
        session.exec(delete(SelfIdentification).where(
            col(SelfIdentification.attempt_id).in_(chunk)))
        # Their payloads name no one, but the external reference may point to the person.
        session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.attempt_id).in_(chunk)))
        session.exec(delete(GreenhouseTest).where(col(GreenhouseTest.attempt_id).in_(chunk)))
        session.exec(delete(Attempt).where(col(Attempt.id).in_(chunk)))
    for job_id in erasure.job_ids:
        job = session.get(Job, job_id)
        job.state, job.error, job.result_path = JobState.FAILED, JOB_ERASED, None
        job.finished_at = job.finished_at or now
    session.flush()


def erase(attempt_ids: Iterable[int], *, session: Session, exports_dir: Path,
          actor: User | str | None, now: datetime) -> Erasure:
    """Delete the attempts, their responses and ratings, and retire the exports holding them.

    Each attempt leaves an "erased" audit event that names only its id. Call
    `remove_files(erasure.files)` after the transaction commits.
    """
    erasure = plan(attempt_ids, session=session, exports_dir=exports_dir)
    ids = erasure.attempt_ids
    responses = Counter(session.exec(select(Response.attempt_id).where(
        col(Response.attempt_id).in_(ids))))
    ratings = Counter(session.exec(select(Response.attempt_id).join(
        Rating, col(Rating.response_id) == Response.id).where(col(Response.attempt_id).in_(ids))))
    jobs = {job.id: set(job.params.get("attempt_ids") or ())
            for job in jobs_holding(ids, session=session)}
    _delete(erasure, session=session, now=now)
    for attempt_id in ids:
        audit.record(session, actor=actor, action=audit.Action.ERASED, object_type="attempt",
                     object_id=attempt_id, at=now, detail={
                         "responses": responses[attempt_id], "ratings": ratings[attempt_id],
                         "jobs": [job_id for job_id, held in jobs.items() if attempt_id in held]})
    return erasure


def stale_attempts(cutoff: datetime, *, session: Session) -> list[Attempt]:
    """Return the attempts whose last activity is older than the cutoff."""
    return list(session.exec(select(Attempt).where(LAST_ACTIVITY < cutoff)
                             .order_by(col(Attempt.id))))


def purge(*, session: Session, cutoff: datetime, exports_dir: Path,
          actor: User | str | None = "cli", now: datetime, dry_run: bool = False) -> Erasure:
    """Erase every attempt last active before the cutoff; a dry run only plans.

    One "purged" audit event records the run; a run that finds nothing records nothing,
    so a nightly cron job does not fill the log.
    """
    ids = [a.id for a in stale_attempts(cutoff, session=session)]
    erasure = plan(ids, session=session, exports_dir=exports_dir)
    if dry_run or not ids:
        return erasure
    _delete(erasure, session=session, now=now)
    audit.record(session, actor=actor, action=audit.Action.PURGED, object_type="attempt",
                 object_id=None, at=now, detail={
                     "count": len(ids), "cutoff": cutoff.isoformat(),
                     "responses": erasure.responses, "ratings": erasure.ratings,
                     "messages": erasure.messages, "jobs": len(erasure.job_ids),
                     # the ids say which attempts went, as long as they fit in the detail
                     "attempt_ids": ids if len(ids) <= 200 else None})
    return erasure


def remove_files(paths: Iterable[Path]) -> int:
    """Delete the files once the erasure is committed; return how many were there."""
    removed = 0
    for path in paths:
        if path.exists():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# ---- the audit log about one candidate ----------------------------------------------


def assessments_of(attempts: Iterable[Attempt], *, session: Session) -> dict[int, Assessment]:
    """The assessments of the attempts, by id."""
    return {a.id: a for a in session.exec(select(Assessment).where(
        col(Assessment.id).in_({attempt.assessment_id for attempt in attempts})))}


def existing_attempts(ids: Iterable[int], *, session: Session) -> set[int]:
    """The ids among these whose attempts still exist (the others were erased)."""
    return set(session.exec(select(Attempt.id).where(col(Attempt.id).in_(list(ids)))))


def audit_filter(email: str, *, session: Session) -> ColumnElement[bool]:
    """Return a condition on AuditEvent matching events about the candidate's attempts.

    That is: the attempts themselves, their responses, the export jobs that hold them,
    and CSV exports of their assessments made after they were invited.
    """
    attempts = attempts_for_email(email, session=session)
    if not attempts:
        return false()
    ids = [a.id for a in attempts]
    kind, target = col(AuditEvent.object_type), col(AuditEvent.object_id)
    clauses = [
        and_(kind == "attempt", target.in_(ids)),
        and_(kind == "response", target.in_(
            select(Response.id).where(col(Response.attempt_id).in_(ids)))),
        and_(kind == "job", target.in_([j.id for j in jobs_holding(ids, session=session)])),
    ]
    clauses += [and_(kind == "assessment", target == a.assessment_id,
                     col(AuditEvent.at) >= a.created_at) for a in attempts]
    return or_(*clauses)
