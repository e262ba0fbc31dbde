"""The `hiring` command."""

from __future__ import annotations

import random
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlmodel import col, select

from hiring import migrate
from hiring.banks.loader import BankInvalid, bank_paths, load_path
from hiring.db import get_engine, session_scope

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the local demo only
DEMO_USERS = [("hr@example.com", "Hana HR", "hr"),
              ("interviewer@example.com", "Ivan Interviewer", "interviewer")]
DEFAULT_ASSESSMENT = "csr"  # the bank's "Customer Service Representative"


def _create_app(*_args, **_kwargs) -> Flask:
    from hiring import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """Assessments for customer-service hiring."""


def init_app(app: Flask) -> None:
    """Nothing to attach: the commands live on the `hiring` group."""


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


# ---- database and setup -------------------------------------------------------------


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    migrate.upgrade(get_engine())
    click.echo(f"database at revision {migrate.current(get_engine())}")


def _ensure_secret_key(app: Flask) -> None:
    config_file = Path(app.instance_path) / "config.py"
    if not config_file.exists():
        config_file.write_text(
            "# Local settings; see hiring/config.py for what can be set here.\n"
            f"SECRET_KEY = {secrets.token_hex(32)!r}\n", encoding="utf-8")
        config_file.chmod(0o600)
        app.config.from_pyfile(str(config_file))


def _import(path: Path) -> str:
    from hiring.banks.importer import import_bank

    bank_file = load_path(path)
    with session_scope() as session:
        return str(import_bank(bank_file, session=session))


@main.command()
@with_appcontext
def init() -> None:
    """Create the instance folder and database and import the default bank."""
    app = current_app._get_current_object()
    _ensure_secret_key(app)
    migrate.upgrade(get_engine())
    click.echo(f"database: {app.config['DATABASE_URL']}")
    default = Path(app.config["BANKS_DIR"]) / app.config["DEFAULT_BANK"]
    if default.exists():
        try:
            click.echo(f"bank: {_import(default)}")
        except BankInvalid as exc:
            _fail("the default bank is invalid:\n" + "\n".join(map(str, exc.problems)))


@main.group()
def user() -> None:
    """Manage staff accounts."""


@user.command("create")
@click.option("--role", type=click.Choice(["hr", "interviewer"]), required=True)
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--password", envvar="HIRING_PASSWORD", prompt=True, hide_input=True,
              confirmation_prompt=True, help="Or set HIRING_PASSWORD.")
@with_appcontext
def user_create(role: str, email: str, name: str, password: str) -> None:
    """Create an HR manager or interviewer account."""
    from hiring.accounts import AccountError, create_user

    try:
        with session_scope() as session:
            created = create_user(session=session, email=email, name=name, role=role,
                                  password=password)
            click.echo(f"created {created.role} {created.email}")
    except AccountError as exc:
        _fail(str(exc))


# ---- banks -------------------------------------------------------------------------


@main.group()
def bank() -> None:
    """Validate and import question banks."""


@bank.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def bank_validate(paths: tuple[str, ...]) -> None:
    """Check bank files and list every problem with its line."""
    failed = False
    for path in [p for arg in paths for p in bank_paths(arg)]:
        try:
            bank_file = load_path(path)
        except BankInvalid as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem))
            click.echo(f"{path}: {len(exc.problems)} problem(s)", err=True)
        else:
            click.echo(f"{path}: ok ({len(bank_file.items)} items)")
    sys.exit(1 if failed else 0)


@bank.command("stats")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def bank_stats_command(paths: tuple[str, ...]) -> None:
    """Count items by type, dimension and language."""
    from hiring.banks.stats import bank_stats

    failed = False
    for path in [p for arg in paths for p in bank_paths(arg)]:
        try:
            bank_file = load_path(path)
        except BankInvalid as exc:
            failed = True
            click.echo(f"{path}: invalid ({len(exc.problems)} problem(s)); run bank validate",
                       err=True)
            continue
        click.echo(f"== {path}: {bank_file.slug} v{bank_file.header['version']}")
        for line in bank_stats(bank_file).lines():
            click.echo(line)
    sys.exit(1 if failed else 0)


@bank.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@with_appcontext
def bank_import(paths: tuple[str, ...]) -> None:
    """Import bank files; a file with any problem imports nothing."""
    failed = False
    for path in [p for arg in paths for p in bank_paths(arg)]:
        try:
            click.echo(_import(path))
        except BankInvalid as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem))
            click.echo(f"{path}: not imported ({len(exc.problems)} problem(s))", err=True)
    sys.exit(1 if failed else 0)


# ---- demo, simulation, reports -------------------------------------------------------


def _default_assessment(session):
    from hiring.models import Assessment

    assessment = session.exec(select(Assessment).where(
        Assessment.key == DEFAULT_ASSESSMENT).order_by(col(Assessment.id).desc())).first()
    if assessment is None:
        _fail(f"no assessment {DEFAULT_ASSESSMENT!r}; run `hiring init` first")
    return assessment


@main.command()
@click.option("--serve/--no-serve", default=True, help="Serve after setting up.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.pass_context
def demo(ctx: click.Context, serve: bool, host: str, port: int) -> None:
    """Set up demo users, an assessment and an invitation, then serve."""
    from hiring.accounts import create_user
    from hiring.assessment import engine
    from hiring.models import User, utcnow

    ctx.invoke(init)
    with session_scope() as session:
        for email, name, role in DEMO_USERS:
            if not session.exec(select(User).where(User.email == email)).first():
                create_user(session=session, email=email, name=name, role=role,
                            password=DEMO_PASSWORD)
        assessment = _default_assessment(session)
        _attempt, token = engine.invite(assessment, session=session, name="Dana Demo",
                                        email="dana.demo@example.com",
                                        expires_at=utcnow() + timedelta(days=14))
    base = f"http://{host}:{port}"
    click.echo("\nDemo ready.")
    click.echo(f"  Candidate invitation: {base}/a/{token}")
    click.echo(f"  Staff login:          {base}/login")
    for email, _name, role in DEMO_USERS:
        click.echo(f"    {role:<12} {email} / {DEMO_PASSWORD}")
    if serve:
        ctx.invoke(serve_command, host=host, port=port, workers=None)


@main.command("simulate")
@click.option("--candidates", default=20, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--assessment", "assessment_id", type=int,
              help="Default: the Customer Service Representative assessment.")
@click.option("--seed", default=None, type=int, help="For reproducible runs.")
@with_appcontext
def simulate(candidates: int, assessment_id: int | None, seed: int | None) -> None:
    """Complete attempts with plausible random answers."""
    from hiring.assessment.simulate import invite_and_complete
    from hiring.models import Assessment, utcnow

    rng = random.Random(seed)  # noqa: S311 - simulation, not security
    with session_scope() as session:
        assessment = (session.get(Assessment, assessment_id) if assessment_id
                      else _default_assessment(session))
        if assessment is None:
            _fail(f"no assessment {assessment_id}")
    ids = []
    with click.progressbar(range(candidates), label="simulating", file=sys.stderr) as bar:
        for _ in bar:
            with session_scope() as session:
                attempt = invite_and_complete(session.merge(assessment), session=session,
                                              now=utcnow() - timedelta(hours=1), rng=rng)
                ids.append(attempt.id)
    click.echo(f"completed {len(ids)} attempts: ids {ids[0]}..{ids[-1]}")


@main.command()
@click.option("--attempt", "attempt_id", type=int, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--language", default=None, help="Default: the candidate's language.")
@with_appcontext
def report(attempt_id: int, output: str, language: str | None) -> None:
    """Write an attempt's PDF profile."""
    from hiring.models import Attempt, AttemptState
    from hiring.reports.build import build_profile
    from hiring.reports.pdf import render_profile_pdf

    with session_scope() as session:
        attempt = session.get(Attempt, attempt_id)
        if attempt is None:
            _fail(f"no attempt {attempt_id}")
        if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
            _fail(f"attempt {attempt_id} is {attempt.state}: nothing to report yet")
        pdf = render_profile_pdf(build_profile(attempt, session=session, language=language))
    Path(output).write_bytes(pdf)
    click.echo(f"wrote {output} ({len(pdf)} bytes)")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=None, type=int, help="Default: 2 per core, at most 8.")
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Serve the app with gunicorn."""
    from hiring.serve import run

    run(host=host, port=port, workers=workers)
