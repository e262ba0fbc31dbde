"""A ZIP of several candidates' PDF profiles, and the job that writes it."""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from hiring.assessment.ratings import blind_for
from hiring.background import Run, work
from hiring.config import Defaults
from hiring.models import Attempt, AttemptState, Job, User
from hiring.reports.build import build_profile
from hiring.reports.pdf import render_profile_pdf

REPORTABLE = (AttemptState.SUBMITTED, AttemptState.SCORED)
KIND = "profiles_zip"


def pdf_name(attempt: Attempt, shown_name: str | None = None) -> str:
    """Return a safe file name for an attempt's profile, named as its viewer sees the
    candidate (a code under blind review)."""
    name = shown_name or attempt.candidate_name
    ascii_name = unicodedata.normalize("NFKD", name.replace("đ", "dj").replace(
        "Đ", "Dj")).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60] or "candidate"
    return f"{attempt.id:05d}-{slug}.pdf"


def write_profiles_zip(attempt_ids: list[int], path: Path, *, session: Session,
                       requested_by: int | None, language: str | None = None,
                       norm_min_group: int = Defaults.NORM_MIN_GROUP,
                       on_progress: Callable[[int], None] | None = None) -> int:
    """Render each reportable attempt's profile into a ZIP; return how many it holds.

    Each profile is built for the user who asked (requested_by), blind as that user is
    to other raters' ratings; an unknown user sees no rating at all."""
    blind = blind_for(session.get(User, requested_by) if requested_by is not None else None)
    written = 0
    partial = path.with_suffix(".part")
    # 0600: the archive holds candidates' profiles
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as raw, \
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, attempt_id in enumerate(attempt_ids, start=1):
            attempt = session.get(Attempt, attempt_id)
            if attempt is not None and attempt.state in REPORTABLE:
                profile = build_profile(attempt, session=session, language=language,
                                        norm_min_group=norm_min_group, blind_for=blind)
                archive.writestr(pdf_name(attempt, profile.candidate_name),
                                 render_profile_pdf(profile))
                written += 1
            if on_progress:
                on_progress(done)
    partial.replace(path)  # a half-written archive is never offered for download
    return written


@work(KIND)
def profiles_zip(job: Job, session: Session, run: Run) -> str:
    """The job's work: the ZIP of the attempts in job.params, for the user who asked."""
    name = f"profiles-{job.id}.zip"
    write_profiles_zip(job.params["attempt_ids"], run.folder / name, session=session,
                       requested_by=job.created_by,
                       language=job.params.get("language"),
                       norm_min_group=job.params.get("norm_min_group",
                                                     run.settings.norm_min_group),
                       on_progress=run.progress)
    return name
