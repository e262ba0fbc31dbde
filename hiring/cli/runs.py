"""Demo, simulation, reports, scoring check and serving."""

from __future__ import annotations

import csv
import os
import random
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import col, select

import hiring.serve
from hiring import jobs, rights, worker
from hiring.accounts import create_user
from hiring.app import create_app
from hiring.assessment import engine, planning, simulate_decisions
from hiring.assessment.engine import finalize_expired
from hiring.assessment.simulate import add_outcomes, behavioural_dimensions, invite_and_complete
from hiring.assessment.writing import CLOSED
from hiring.banks.loader import BankInvalid, load_path
from hiring.cli import DEMO_PASSWORD, DEMO_USERS, fail, init, main
from hiring.cli.invitations import deliver
from hiring.cli.writing import compute_indicators, stored_sentence
from hiring.config import Defaults, start_line
from hiring.db import session_scope
from hiring.jobs import prerender_profiles
from hiring.mail import invitations
from hiring.mailer import links_from_request, settings
from hiring.models import Assessment, Attempt, AttemptState, Item, User, utcnow
from hiring.reports.build import build_profile
from hiring.reports.pdf import RenderError, render_profile_pdf
from hiring.scoring import check_tables
from hiring.scoring.attempts import rescore_all, rescore_outdated
from hiring.scoring.check import scoring_check
from hiring.scoring.simulation import CORRELATION, TrueProfile, parse_dif
from hiring.worker import Worker

DEFAULT_ASSESSMENT = "csr"  # the bank's "Customer Service Representative"


def _default_assessment(session):
    assessment = session.exec(select(Assessment).where(
        Assessment.key == DEFAULT_ASSESSMENT).order_by(col(Assessment.id).desc())).first()
    if assessment is None:
        fail(f"no assessment {DEFAULT_ASSESSMENT!r}; run `hiring init` first")
    return assessment


DEMO_CANDIDATE = ("Dana Demo", "dana.demo@example.com")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


def local_base(host: str, port: int) -> str:
    """Return the address links printed for a server bound to host and port start with."""
    # Not a bind: the links for a server bound to every address name this machine's own.
    if host in ("", "0.0.0.0", "::"):  # noqa: S104  # nosec B104
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@main.command()
@click.option("--serve/--no-serve", default=True, help="Serve after setting up.")
@click.option("--host", default=DEFAULT_HOST, show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True)
@click.pass_context
def demo(ctx: click.Context, serve: bool, host: str, port: int) -> None:
    """Set up demo users, an assessment and an invitation, then serve.

    Run again, it keeps one open demo invitation: an unstarted one gets a new link (the
    one printed before stops working); once it was started, the candidate is invited
    again."""
    ctx.invoke(init)
    name, email = DEMO_CANDIDATE
    with session_scope() as session:
        for staff_email, staff_name, role in DEMO_USERS:
            if not session.exec(select(User).where(User.email == staff_email)).first():
                create_user(session=session, email=staff_email, name=staff_name, role=role,
                            password=DEMO_PASSWORD)
        assessment = _default_assessment(session)
        for user in session.exec(select(User).where(User.role == "interviewer", col(
                User.email).in_([email for email, _name, _role in DEMO_USERS]))):
            # the demo interviewer sees the demo assessment (hiring.rights)
            rights.assign(user, rights.assignments_of(user.id, session=session)
                          | {assessment.id}, session=session)
        expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"])
        unstarted = [attempt for attempt in session.exec(
            select(Attempt).where(Attempt.candidate_email == email,
                                  Attempt.state == AttemptState.INVITED)
            .order_by(col(Attempt.id).desc())) if not invitations.is_cancelled(attempt)]
        if unstarted:
            token = invitations.issue_link(unstarted[0], link_for=lambda token: token)
            unstarted[0].expires_at = max(unstarted[0].expires_at, expires_at)
        else:
            _attempt, token = engine.invite(assessment, session=session, name=name,
                                            email=email, expires_at=expires_at)
    base = local_base(host, port)
    click.echo("\nDemo ready.")
    click.echo(f"  Candidate invitation: {base}/a/{token}")
    click.echo(f"  Staff login:          {base}/login")
    for staff_email, _name, role in DEMO_USERS:
        click.echo(f"    {role:<12} {staff_email} / {DEMO_PASSWORD}")
    if serve:
        # The demo is served over plain http, with the demo's development settings.
        os.environ.setdefault("HIRING_DEVELOPMENT", "1")
        _serve(create_app(), host=host, port=port, workers=None)
    else:
        options = "".join(f" --{option} {value}" for option, value, default in
                          (("host", host, DEFAULT_HOST), ("port", port, DEFAULT_PORT))
                          if value != default)
        click.echo(f"\nThese links work once the server runs: HIRING_DEVELOPMENT=1 "
                   f"hiring serve{options}")


@main.command("simulate")
@click.option("--candidates", default=20, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--assessment", "assessment_id", type=int,
              help="Default: the Customer Service Representative assessment.")
@click.option("--seed", default=None, type=int, help="For reproducible runs.")
@click.option("--model", "truth_file", type=click.Path(dir_okay=False, writable=True),
              default=None, help="Write each candidate's true levels (per behavioural "
                                 "dimension and per skill) to this CSV file.")
@click.option("--validity", type=click.FloatRange(-1, 1), default=None,
              help="Also give each attempt a job outcome that correlates this much with its "
                   "judgement score, e.g. 0.3 (for the criterion validity report).")
@click.option("--outcome", "outcome_name", default="quality_90d", show_default=True,
              help="The name of the outcome --validity adds.")
@click.option("--impact", type=click.FloatRange(0, 2), default=None,
              help="Also give each candidate a gender (self-identification) and a hiring "
                   "decision, hiring men at this ratio of women's rate (0.7: adverse impact; "
                   "1: none).")
@click.option("--languages", "language_list", default=None,
              help="Comma-separated languages the candidates take it in, in turn "
                   "(e.g. en,hr). Default: the assessment's language.")
@click.option("--dif", "planted", multiple=True, metavar="ITEM:LANGUAGE:SHIFT",
              help="Make an item harder for the candidates of one language: answered "
                   "at a level SHIFT standard deviations lower (e.g. num-refund:hr:0.8). "
                   "Repeatable.")
@with_appcontext
def simulate(candidates: int, assessment_id: int | None, seed: int | None,
             truth_file: str | None, validity: float | None, outcome_name: str,
             impact: float | None, language_list: str | None,
             planted: tuple[str, ...]) -> None:
    """Complete attempts as simulated candidates with known true levels would."""
    rng = random.Random(seed)  # noqa: S311 - simulation, not security
    with session_scope() as session:
        assessment = (session.get(Assessment, assessment_id) if assessment_id
                      else _default_assessment(session))
        if assessment is None:
            fail(f"no assessment {assessment_id}")
        dimensions = behavioural_dimensions(assessment.bank_id, session=session)
        offered = planning.languages(assessment, session=session)
        chosen = ([code.strip() for code in language_list.split(",") if code.strip()]
                  if language_list else [assessment.language])
        unknown = sorted(set(chosen) - set(offered))
        if not chosen or unknown:
            fail(f"--languages: {', '.join(unknown) or 'none given'}; the assessment is "
                 f"offered in {', '.join(offered)}")
        keys = set(session.exec(select(Item.key).where(Item.bank_id == assessment.bank_id)))
        harder: dict[str, dict[str, float]] = {code: {} for code in chosen}
        for text in planted:
            try:
                key, language, shift = parse_dif(text)
            except ValueError as error:
                fail(f"--dif {error}")
            if key not in keys:
                fail(f"--dif {text!r}: the bank has no item {key!r}")
            if language not in harder:
                fail(f"--dif {text!r}: {language!r} is not among the candidates' languages "
                     f"({', '.join(chosen)})")
            harder[language][key] = shift
        if impact is not None:  # once every option is known to be good
            simulate_decisions.ask_gender(assessment, session=session, now=utcnow())
    ids, truths = [], []
    with click.progressbar(range(candidates), label="simulating", file=sys.stderr) as bar:
        for number in bar:
            profile = TrueProfile.draw(dimensions, rng)
            language = chosen[number % len(chosen)]
            with session_scope() as session:
                attempt = invite_and_complete(session.merge(assessment), session=session,
                                              now=utcnow() - timedelta(hours=1), rng=rng,
                                              profile=profile, language=language,
                                              harder=harder[language])
                if impact is not None:
                    simulate_decisions.plant(attempt, session.get(Assessment, assessment.id),
                                             session=session, now=utcnow(), rng=rng,
                                             impact=impact)
                ids.append(attempt.id)
            truths.append((attempt.id, profile.columns()))
    compute_indicators(attempt_ids=ids)  # as the job would after a real submit
    # as a real submit does: the profiles are rendered before anyone asks (by the next
    # worker to run: a server's thread or `hiring worker`)
    prerender_profiles(current_app._get_current_object(), ids)
    if validity is not None:
        with session_scope() as session:
            added = add_outcomes(ids, name=outcome_name[:100], validity=validity,
                                 session=session, now=utcnow(), rng=rng)
        click.echo(f"added outcome {outcome_name[:100]!r} to {added} attempts, planted "
                   f"validity {validity:g}")
    if truth_file:
        with open(truth_file, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            names = list(truths[0][1])
            writer.writerow(["attempt_id", *names])
            for attempt_id, levels in truths:
                writer.writerow([attempt_id, *(f"{levels[name]:.4f}" for name in names)])
        click.echo(f"true levels written to {truth_file}")
    click.echo(f"completed {len(ids)} attempts: ids {ids[0]}..{ids[-1]}")


@main.group()
def attempts() -> None:
    """Look after attempts."""


@attempts.command("finalize-expired")
@with_appcontext
def finalize_expired_command() -> None:
    """Submit overdue attempts and expire unused invitations (safe to run from cron).

    The candidates of the attempts it submits get the confirmation that says their time
    ran out (once: not again if a page of theirs sent it), and the writing indicators of
    those attempts are computed here too."""
    now = utcnow()
    with session_scope() as session:
        open_ids = session.exec(select(Attempt.id).where(
            Attempt.state == AttemptState.IN_PROGRESS)).all()
        submitted, expired = finalize_expired(session=session, now=now)
        closed = [attempt_id for attempt_id in open_ids
                  if session.get(Attempt, attempt_id).state in CLOSED]
    click.echo(f"submitted {submitted} overdue attempts; expired {expired} invitations")
    if closed:
        failed = _confirm(closed, now=now)
        click.echo(stored_sentence(compute_indicators(attempt_ids=closed)))
        prerender_profiles(current_app._get_current_object(), closed)
        if failed:
            fail(f"{failed} confirmation{'' if failed == 1 else 's'} failed: "
                  "the Outbox page says why")


worker.periodic("finalize-expired", finalize_expired_command)


def _confirm(attempt_ids: list[int], *, now) -> int:
    """E-mail the confirmations of closed attempts that have none yet, and say so.

    Each in a transaction of its own, as a candidate's page would; the messages for an
    SMTP server are sent here, when all are written. Returns how many failed."""
    app = current_app._get_current_object()
    mail = settings(app)
    states, unwritten = {}, 0
    for attempt_id in attempt_ids:
        try:
            with session_scope(app) as session:
                record = invitations.confirm_submission(
                    session.get(Attempt, attempt_id), session=session, settings=mail, now=now)
                if record is not None:
                    states[record.id] = record.state
        except Exception as exc:  # one candidate's message must not cost the others theirs
            click.echo(f"attempt {attempt_id}: no confirmation written: "
                       f"{type(exc).__name__}: {exc}", err=True)
            unwritten += 1
    counts = deliver(app, states, mail)
    detail = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    click.echo(f"{len(states)} confirmation e-mail{'' if len(states) == 1 else 's'}"
               + (f": {detail}" if detail else ""))
    return counts["failed"] + unwritten


@attempts.command("rescore")
@click.option("--assessment", "assessment_id", type=int, help="Only this assessment's attempts.")
@click.option("--all", "everything", is_flag=True,
              help="Score every submitted attempt again, not only those scored before scales.")
@with_appcontext
def rescore_command(assessment_id: int | None, everything: bool) -> None:
    """Score submitted attempts again with the current scoring (scales, unanswered items)."""
    rescore = rescore_all if everything else rescore_outdated
    with session_scope() as session:
        count = rescore(session=session, assessment_id=assessment_id)
    click.echo(f"rescored {count} attempts")


@main.command("scoring-check", with_appcontext=False)
@click.option("--candidates", default=500, show_default=True,
              type=click.IntRange(50, 100_000),
              help="At least 50: precision is estimated from their attempts.")
@click.option("--assessment", "recipe_id", default=DEFAULT_ASSESSMENT, show_default=True,
              help="The id of an assessment the bank ships.")
@click.option("--bank", "bank_path", type=click.Path(exists=True, dir_okay=False),
              default=None, help="Default: the shipped question_banks/csr_core.yaml.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--correlation", "correlations", multiple=True, type=click.FloatRange(0, 1),
              help="Correlation of the true behavioural levels (default 0.6); give it "
                   "again for a report per value, e.g. --correlation 0.3 --correlation 0.8.")
@click.option("--scramble-keys/--no-scramble-keys", default=True, show_default=True,
              help="Also score the same answers with the situational keys permuted within "
                   "each item, and fail (exit 1) unless the check tells the two apart.")
@click.option("--items-per-dimension", type=click.IntRange(1, 50), default=None,
              help="Draw this many situations per behavioural dimension instead of the "
                   "assessment's count.")
@click.option("--markdown", is_flag=True, help="Print Markdown tables (as in the README).")
def scoring_check_command(candidates: int, recipe_id: str, bank_path: str | None, seed: int,
                          correlations: tuple[float, ...], scramble_keys: bool,
                          items_per_dimension: int | None, markdown: bool) -> None:
    """Check that reported scores recover simulated candidates' true levels, and that the
    check notices situational keys that are wrong."""
    path = Path(bank_path or Path(Defaults.BANKS_DIR) / Defaults.DEFAULT_BANK)
    try:
        bank = load_path(path)
    except BankInvalid as exc:
        fail("the bank is invalid:\n" + "\n".join(map(str, exc.problems)))
    undetected = []
    for index, correlation in enumerate(correlations or (CORRELATION,)):
        try:
            report = scoring_check(bank, recipe_id=recipe_id, candidates=candidates,
                                   seed=seed, correlation=correlation,
                                   items_per_dimension=items_per_dimension,
                                   permute=scramble_keys)
        except (KeyError, ValueError) as exc:
            fail(str(exc))
        if index:
            click.echo("")
        for line in (check_tables.markdown if markdown else check_tables.lines)(report):
            click.echo(line)
        if report.detected is False:
            undetected.append(correlation)
    if undetected:
        fail("the check did not tell permuted situational keys from the real ones "
              f"(correlation {', '.join(f'{c:g}' for c in undetected)})")


@main.command()
@click.option("--attempt", "attempt_id", type=int, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--language", default=None, help="Default: the candidate's language.")
@with_appcontext
def report(attempt_id: int, output: str, language: str | None) -> None:
    """Write an attempt's PDF profile."""
    with session_scope() as session:
        attempt = session.get(Attempt, attempt_id)
        if attempt is None:
            fail(f"no attempt {attempt_id}")
        if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
            fail(f"attempt {attempt_id} is {attempt.state}: nothing to report yet")
    compute_indicators(attempt_ids=[attempt_id])  # those still missing: a command may wait
    with session_scope() as session:
        attempt = session.get(Attempt, attempt_id)
        try:
            # Whoever runs commands on the server reads the database: every rating.
            pdf = render_profile_pdf(build_profile(attempt, session=session, blind_for=None,
                                                   language=language))
        except RenderError as exc:
            fail(str(exc))
    Path(output).write_bytes(pdf)
    click.echo(f"wrote {output} ({len(pdf)} bytes)")


@main.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs that are due, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs (PDF bundles, e-mail, ...) and the periodic work until stopped.

    Jobs wait in the database; with REDIS_URL set, new ones also arrive through Redis,
    and the worker goes on with the database alone while Redis is down. SIGTERM or
    Ctrl-C lets the job under way finish first."""
    app = current_app._get_current_object()
    worker._worker_app = app
    running = Worker(app)
    if burst:
        if app.config.get("REDIS_URL"):
            _rq_work(app, burst=True)
        click.echo(f"ran {running.run_once()} jobs")
        return
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda *_: running.stop())
    if not app.config.get("REDIS_URL"):
        running.run_forever()
        return
    threading.Thread(target=running.run_forever, name="hiring-worker", daemon=True).start()
    while not running.stopped.is_set():
        if _rq_work(app, burst=False):
            break
        running.stopped.wait(10)
    running.stop()


def _rq_work(app, *, burst: bool) -> bool:
    """Serve the RQ queue; False when Redis could not be reached."""
    from redis.exceptions import RedisError  # Redis and RQ: needed only with REDIS_URL set
    from rq import SimpleWorker


    try:
        work_queue = jobs.queue(app, for_worker=True)
        # In this process, not a forked one: the database loop's thread may hold a lock
        # (SQLite's writer queue, the connection pool) at the moment of a fork, and the
        # child would wait on it for ever. A killed worker's job is taken again anyway.
        SimpleWorker([work_queue], connection=work_queue.connection).work(burst=burst)
    except RedisError as exc:
        click.echo(f"Redis is unreachable ({exc}); running jobs from the database", err=True)
        return False
    return True


@main.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="0.0.0.0 to be reached from other machines (a LAN).")
@click.option("--port", default=DEFAULT_PORT, show_default=True)
@click.option("--workers", default=None, type=int, help="Default: 2 per core, at most 8.")
@with_appcontext
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Serve the app with gunicorn, saying first where and in what mode."""
    _serve(current_app._get_current_object(), host=host, port=port, workers=workers)


def _serve(app, *, host: str, port: int, workers: int | None) -> None:
    if not app.config["DEVELOPMENT"] and app.config["SECRET_KEY"] == Defaults.SECRET_KEY:
        fail("refusing to serve with the public default SECRET_KEY: run `hiring init` "
              f"(it writes a random one to {app.instance_path}/config.py), or set "
              "SECRET_KEY in that file or in the environment")
    if not (app.config.get("MAIL_BASE_URL") or app.config.get("SERVER_NAME")
            or links_from_request(app)):
        click.echo("warning: MAIL_BASE_URL is not set, so no invitation link can be built: "
                   "invitations are created without one, and the page says so. Set "
                   "MAIL_BASE_URL (e.g. \"https://hiring.example.com\") in "
                   f"{app.instance_path}/config.py or the environment; links never take "
                   "the address a request names (its Host header).", err=True)
    click.echo(start_line(app.config, host=host, port=port,
                          outbox=str(settings(app).outbox_dir)), err=True)
    click.echo(f"Staff login: {app.config.get('MAIL_BASE_URL') or local_base(host, port)}"
               "/login", err=True)
    hiring.serve.run(host=host, port=port, workers=workers)
