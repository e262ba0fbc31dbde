"""Retention: purge candidates' data once it is older than the deployment keeps it."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from hiring import jobs, privacy, worker
from hiring.cli import main
from hiring.db import session_scope
from hiring.models import utcnow


@main.command()
@click.option("--older-than", "days", type=click.IntRange(min=1), default=None,
              help="Days since the candidate's last activity. Default: RETENTION_DAYS.")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@with_appcontext
def purge(days: int | None, dry_run: bool) -> None:
    """Remove attempts whose last activity is older than the retention period.

    Safe to run from cron: a run with nothing to remove changes nothing and exits 0.
    The output names attempts by number only, never a candidate's name or email.
    """
    app = current_app._get_current_object()
    if days is None:
        days = app.config.get("RETENTION_DAYS", privacy.DEFAULT_RETENTION_DAYS)
        if not days:
            click.echo("retention is off (RETENTION_DAYS is empty): nothing to purge")
            return
    now = app.config.get("CLOCK", utcnow)()
    cutoff = now - timedelta(days=days)
    folder = jobs.exports_dir(app)
    with session_scope() as session:
        erasure = privacy.purge(session=session, cutoff=cutoff, exports_dir=folder,
                                actor="cli", now=now, dry_run=dry_run)
    removed = 0 if dry_run else privacy.remove_files(erasure.files)
    verb = "would purge" if dry_run else "purged"
    click.echo(f"{verb} {len(erasure.attempts)} attempts last active before "
               f"{cutoff:%Y-%m-%d %H:%M} UTC")
    for summary in erasure.attempts:
        click.echo(f"  attempt {summary.id}  assessment {summary.assessment_id}  "
                   f"{summary.state}  last active {summary.last_activity:%Y-%m-%d}")
    if erasure.attempts:
        files = len(erasure.files) if dry_run else removed
        click.echo(f"  with {erasure.responses} responses, {erasure.ratings} ratings, "
                   f"{len(erasure.job_ids)} exports ({files} files)")


worker.periodic("purge", purge)
