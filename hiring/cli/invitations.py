"""Invitations: reminders by e-mail (for cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from hiring import worker
from hiring.cli import fail, main
from hiring.db import session_scope
from hiring.mail import invitations, sending
from hiring.mailer import link_builder, send_later, settings
from hiring.models import utcnow


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def deliver(app, states: dict[int, str], mail) -> dict[str, int]:
    """Send now the messages a command wrote for a mail server (a job tries again those the
    server did not take yet) and count, in words, where every message went."""
    queued = [i for i, state in states.items() if state == sending.MessageState.QUEUED]
    outcome = sending.send_spooled(queued, settings=mail, scope=lambda: session_scope(app),
                                   clock=app.config.get("CLOCK", utcnow)) if queued else {}
    if outcome.get("retrying"):  # the mail server was down or busy: a job tries again
        send_later(app, queued)
    return {"in the outbox": sum(s == sending.MessageState.OUTBOX for s in states.values()),
            "sent": outcome.get("sent", 0),
            "to be tried again (the mail server did not answer)": outcome.get("retrying", 0),
            "failed": outcome.get("failed", 0) + sum(
                s == sending.MessageState.FAILED for s in states.values())}


@main.group("invitations")
def invitations_group() -> None:
    """Look after invitations."""


@invitations_group.command("remind")
@click.option("--days", default=3, show_default=True, type=click.IntRange(1, 365),
              help="Remind invitations that expire within this many days.")
@click.option("--dry-run", is_flag=True, help="Only say which invitations would be reminded.")
@with_appcontext
def remind(days: int, dry_run: bool) -> None:
    """E-mail a reminder with a new link to candidates who have not started yet.

    Only invitations that were e-mailed, have not expired and have not been reminded since
    they were last sent get one, so it is safe to run from cron twice a day. The previous
    link of a reminded candidate stops working: the reminder carries the new one. The
    output names invitations by number only.
    """
    app = current_app._get_current_object()
    if not app.config.get("MAIL_BASE_URL") and not dry_run:
        fail("set MAIL_BASE_URL (e.g. https://hiring.example.com) in instance/config.py: "
              "reminders carry links, and a command has no address of its own")
    now = app.config.get("CLOCK", utcnow)()
    mail = settings(app)
    with session_scope(app) as session:
        due = invitations.due_for_reminder(session=session, now=now, days=days)
        if dry_run:
            click.echo(f"would remind {_count(len(due), 'invitation')} expiring within "
                       f"{days} days")
            for attempt in due:
                click.echo(f"  attempt {attempt.id}  assessment {attempt.assessment_id}  "
                           f"expires {attempt.expires_at:%Y-%m-%d %H:%M} UTC")
            return
        link_for = link_builder(app)
        records = [invitations.remind(attempt, session=session, settings=mail, now=now,
                                      link_for=link_for) for attempt in due]
        states = {record.id: record.state for record in records}
    counts = deliver(app, states, mail)
    detail = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    click.echo(f"reminded {_count(len(records), 'invitation')} expiring within {days} days"
               + (f": {detail}" if detail else ""))
    if counts["failed"]:
        fail(f"{_count(counts['failed'], 'reminder')} failed: the Outbox page says why")


worker.periodic("remind", remind)
