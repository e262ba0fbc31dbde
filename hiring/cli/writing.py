"""Writing indicators: compute them for attempts closed before they existed, or again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hiring import worker
from hiring.assessment.writing import CLOSED, fill_indicators
from hiring.cli import fail, main
from hiring.db import read_scope, session_scope
from hiring.models import Attempt

PROGRESS_EVERY = 100


@main.group("writing")
def writing_group() -> None:
    """Writing indicators of written answers (they help raters; never part of a score)."""


@writing_group.command("compute")
@click.option("--attempt", "attempt_id", type=int,
              help="Compute this closed attempt's indicators, again if they exist.")
@click.option("--all-missing", is_flag=True,
              help="Every closed attempt's answers without indicators of this version.")
@with_appcontext
def compute(attempt_id: int | None, all_missing: bool) -> None:
    """Compute and store the writing indicators of written answers.

    A background job does this when an attempt closes; this fills them in for attempts
    closed before, or after a change of the indicators. Safe to run again, and from cron.
    """
    if (attempt_id is None) == (not all_missing):
        fail("give either --attempt ID or --all-missing")
    if attempt_id is not None:
        _check_closed(attempt_id)
    stored = compute_indicators(attempt_ids=None if all_missing else [attempt_id],
                                force=attempt_id is not None, show_progress=True)
    click.echo(stored_sentence(stored))


# catches up the writing indicators a server process died before computing
worker.periodic("writing-indicators", compute, all_missing=True)


def stored_sentence(stored: int) -> str:
    return f"writing indicators stored for {stored} {'answer' if stored == 1 else 'answers'}"


def compute_indicators(*, attempt_ids: list[int] | None, force: bool = False,
                       show_progress: bool = False) -> int:
    """Fill in the indicators in this process (a command, never a web request)."""

    def progress(done: int, total: int) -> None:
        if show_progress and (done % PROGRESS_EVERY == 0 or done == total):
            click.echo(f"  {done} of {total} answers", err=True)

    return fill_indicators(read=read_scope, write=session_scope, attempt_ids=attempt_ids,
                           force=force, on_progress=progress)


def _check_closed(attempt_id: int) -> None:
    with read_scope() as session:
        attempt = session.get(Attempt, attempt_id)
        if attempt is None:
            fail(f"no attempt {attempt_id}")
        if attempt.state not in CLOSED:
            fail(f"attempt {attempt_id} is {attempt.state}: its indicators are computed "
                  "when it is submitted")
