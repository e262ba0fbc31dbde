"""The `hiring` command: setup, accounts and the database; other groups live beside."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from hiring import migrate
from hiring.accounts import AccountError, create_user, set_password
from hiring.app import create_app
from hiring.banks.loader import BankInvalid
from hiring.config import ConfigError
from hiring.db import get_engine, session_scope
from hiring.email_address import normalize_email
from hiring.scoring.attempts import rescore_outdated

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the local demo only
DEMO_USERS = [("hr@example.com", "Hana HR", "hr"),
              ("interviewer@example.com", "Ivan Interviewer", "interviewer")]


def _create_app(*_args, **_kwargs) -> Flask:
    return create_app()


def fail(message: str) -> NoReturn:
    """Print the error and end the command with exit status 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class HiringGroup(FlaskGroup):
    """Flask's command group without its generic options (--env-file, --app, --debug):
    the app is always hiring's, configured by its instance folder and the environment."""

    FLASK_OPTIONS = ("env_file", "app", "debug")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.params = [param for param in self.params if param.name not in self.FLASK_OPTIONS]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # FlaskGroup reads --app and --env-file here even without the options.
        return click.Group.parse_args(self, ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:  # a HIRING_ variable that cannot be used
            fail(str(exc))


@click.group(cls=HiringGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """Assessments for customer-service hiring."""


# ---- database and setup -------------------------------------------------------------


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Bring the database schema up to date, and the scores stored with it."""
    migrate.upgrade(get_engine())
    click.echo(f"database at revision {migrate.current(get_engine())}")
    # Attempts scored before scales existed are scored again here, once, rather than by
    # the first page that reads them.
    with session_scope() as session:
        rescored = rescore_outdated(session=session)
    if rescored:
        click.echo(f"{rescored} attempt(s) scored again on the scales")


def _ensure_secret_key(app: Flask) -> None:
    config_file = Path(app.instance_path) / "config.py"
    if not config_file.exists():
        config_file.write_text(
            "# Local settings; see hiring/config.py for what can be set here.\n"
            f"SECRET_KEY = {secrets.token_hex(32)!r}\n", encoding="utf-8")
        config_file.chmod(0o600)
        app.config.from_pyfile(str(config_file))


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
            click.echo(f"bank: {banks.import_file(default)}")
        except BankInvalid as exc:
            fail("the default bank is invalid:\n" + "\n".join(map(str, exc.problems)))


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
    try:
        with session_scope() as session:
            created = create_user(session=session, email=email, name=name, role=role,
                                  password=password)
            click.echo(f"created {created.role} {created.email}")
    except AccountError as exc:
        fail(str(exc))


@user.command("password")
@click.option("--email", required=True)
@click.option("--password", envvar="HIRING_PASSWORD", prompt=True, hide_input=True,
              confirmation_prompt=True, help="Or set HIRING_PASSWORD.")
@with_appcontext
def user_password(email: str, password: str) -> None:
    """Set a staff member's password; every session they have open ends."""
    try:
        with session_scope() as session:
            ended = set_password(session=session, email=email, password=password)
            click.echo(f"password changed for {normalize_email(email)}; "
                       f"{ended} session{'' if ended == 1 else 's'} ended")
    except AccountError as exc:
        fail(str(exc))


from hiring.cli import (  # noqa: E402,F401 - registers their commands
    banks,
    calibration,
    invitations,
    keying,
    privacy,
    runs,
    writing,
)
