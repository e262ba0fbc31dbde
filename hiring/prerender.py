"""Profiles rendered before anyone asks.

When an attempt closes or one of its ratings changes, a background job (one pending job
an attempt: the job table's unique key) builds its profile in every language the
assessment offers and stores the page fragment and the PDF (hiring.reports.cache). The
interviewer's page and the PDF download then serve the stored rendering whenever the
profile they build for their viewer has its fingerprint, and render on demand otherwise.

Views: the job renders the view of every rating (HR's), and the view of each rater who
rated an answer of the attempt, as that rater may see it: a rater's view withholds the
ratings of answers they have not rated and rests the raters' agreement on their own
answers only, so it is rendered for them alone and never taken from HR's. A blind viewer
who has rated nothing of the attempt gets a rendering on demand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from flask import Flask
from sqlalchemy import update
from sqlmodel import Session, col, select

from hiring import leases
from hiring.assessment import planning
from hiring.assessment.ratings import blind_for
from hiring.background import Retry, Run, Settings, work
from hiring.config import Defaults
from hiring.db import insert_or_keep, session_scope
from hiring.items.types import get_type
from hiring.models import (
    Assessment,
    Attempt,
    AttemptState,
    ItemRevision,
    Job,
    JobState,
    Rating,
    Response,
    User,
    utcnow,
)
from hiring.reports.build import build_profile
from hiring.reports.cache import cached_html, cached_pdf, pdf_settings, view_name
from hiring.reports.pdf import render_profile_html, render_profile_pdf
from hiring.scoring import writing_store

log = logging.getLogger(__name__)
KIND = "profile_prerender"
REPORTABLE = (AttemptState.SUBMITTED, AttemptState.SCORED)
# A job that finds writing indicators still being computed waits for them this long.
WAIT_FOR_INDICATORS = timedelta(minutes=5)
RETRY_AFTER = timedelta(seconds=15)


def key(attempt_id: int) -> str:
    return f"profile:{attempt_id}"


def enabled(app: Flask) -> bool:
    return bool(app.config.get("PROFILE_PRERENDER", Defaults.PROFILE_PRERENDER))


def _now(app: Flask) -> datetime:
    return app.config.get("CLOCK", utcnow)()


def queue(app: Flask, attempt_ids: Iterable[int]) -> list[int]:
    """Queue the pre-rendering of the attempts' profiles and start it; return the jobs.

    Call it after the commit that changed them (on SQLite a request's open write would
    hold the job's insert up). An attempt that has a queued job keeps it, due at once;
    a running job has given up its key, so a change during its run queues another.
    Never raises: without a stored rendering, pages render on demand."""
    if not enabled(app):
        return []
    due: list[int] = []
    for attempt_id in dict.fromkeys(attempt_ids):
        try:
            with session_scope(app) as session:
                due += _queue_one(app, attempt_id, session=session)
        except Exception:  # the page renders on demand instead
            log.warning("could not queue the profile of attempt %s", attempt_id,
                        exc_info=True)
    for job_id in due:
        leases.start(app, job_id)
    return due


def queue_within(app: Flask, attempt_ids: Iterable[int], *, session: Session) -> list[int]:
    """Queue the pre-rendering of the attempts' profiles in the transaction that closed
    them (a submit), so that the jobs are stored with the closing or not at all; return
    the jobs, to hand to a worker (leases.start) after the commit."""
    if not enabled(app):
        return []
    due: list[int] = []
    for attempt_id in dict.fromkeys(attempt_ids):
        due += _queue_one(app, attempt_id, session=session)
    return due


def _queue_one(app: Flask, attempt_id: int, *, session: Session) -> list[int]:
    """One statement: a new job; or the attempt's queued one, due at once (what it waited
    for may have come); or none, when its job is under way or done (a running job has
    given up its key, so a change during its run queues another)."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.state not in REPORTABLE:
        return []
    job_id = insert_or_keep(session, Job(kind=KIND, key=key(attempt_id), total=1,
                                         params={"attempt_ids": [attempt_id]},
                                         created_at=_now(app)),
                            unique="key", renew={"run_after": None},
                            renew_where=col(Job.state) == JobState.QUEUED)
    return [] if job_id is None else [job_id]


def indicators_pending(attempt_id: int, *, session: Session) -> bool:
    """Tell whether a written answer of the attempt waits for its writing indicators."""
    rows = session.exec(
        select(Response.answer, Response.indicators, ItemRevision.content)
        .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
        .where(Response.attempt_id == attempt_id))
    return any(get_type(content["type"]).needs_rating
               and writing_store.read(indicators, answer)[1]
               == writing_store.IndicatorState.COMPUTING
               for answer, indicators, content in rows)


def viewers(attempt: Attempt, *, session: Session) -> list[int | None]:
    """The views to render: every rating (None), then each blind rater of the attempt."""
    raters = session.exec(
        select(User).where(col(User.id).in_(
            select(Rating.rater_id).join(Response, col(Response.id) == Rating.response_id)
            .where(Response.attempt_id == attempt.id))).order_by(col(User.id)))
    blind = [blind_for(user) for user in raters]
    return [None, *dict.fromkeys(b for b in blind if b is not None)]


def render_all(settings: Settings, attempt: Attempt, *, session: Session,
               folder: Path) -> int:
    """Store the page fragment and the PDF of each language and view that has none
    current; return how many renderings there are. Raises the first failure after
    trying the others."""
    render_pdf = partial(render_profile_pdf, time_limit=settings.pdf_time_limit,
                         max_text_chars=settings.pdf_max_text_chars)
    render_html = partial(render_profile_html, standalone=False)
    assessment = session.get(Assessment, attempt.assessment_id)
    failure: Exception | None = None
    count = 0
    for language in planning.languages(assessment, session=session):
        for blind in viewers(attempt, session=session):
            try:
                profile = build_profile(attempt, session=session, blind_for=blind,
                                        language=language,
                                        norm_min_group=settings.norm_min_group)
                cached_html(profile, folder, render_html, view=view_name(blind))
                cached_pdf(profile, folder, render_pdf, view=view_name(blind),
                           settings=pdf_settings(settings.pdf_max_text_chars))
                count += 1
            except Exception as exc:  # the other languages and views are still worth it
                log.exception("could not pre-render the profile of attempt %s (%s, %s)",
                              attempt.id, language, view_name(blind))
                failure = failure or exc
    if failure is not None:
        raise failure
    return count


@work(KIND)
def prerender(job: Job, session: Session, run: Run) -> str:
    """The job's work: render the attempt's profiles, unless it is gone or not closed."""
    now = run.settings.now()
    attempt_id = job.params["attempt_ids"][0]
    attempt = session.get(Attempt, attempt_id)
    if attempt is not None and attempt.state in REPORTABLE and indicators_pending(
            attempt_id, session=session) and now - job.created_at < WAIT_FOR_INDICATORS:
        raise Retry(now + RETRY_AFTER, "waiting for the writing indicators")
    # From here on a change queues a new job: this run may have read the data before it.
    with run.write() as writing:
        writing.execute(update(Job).where(col(Job.id) == job.id).values(key=None)
                        .execution_options(synchronize_session=False))
    if attempt is None or attempt.state not in REPORTABLE:
        return ""
    with run.read() as fresh:  # read after giving up the key
        attempt = fresh.get(Attempt, attempt_id)
        if attempt is None:
            return ""
        render_all(run.settings, attempt, session=fresh, folder=run.folder)
    with run.read() as check:
        if check.get(Attempt, attempt_id) is None:  # erased while it rendered
            for path in run.folder.glob(f"profile-{attempt_id}-*.*"):
                path.unlink(missing_ok=True)
    run.progress(1)
    return ""
