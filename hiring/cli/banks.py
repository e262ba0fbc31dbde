"""`hiring bank ...`: validate, count and import question banks."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import select

from hiring.banks.exporter import export_bank
from hiring.banks.importer import import_bank
from hiring.banks.loader import BankInvalid, bank_paths, load_path
from hiring.banks.stats import bank_stats
from hiring.cli import main
from hiring.db import session_scope
from hiring.models import Bank


def import_file(path: Path) -> str:
    """Load a bank file and import it; return what was imported, for the command's output."""
    bank_file = load_path(path)
    with session_scope() as session:
        return str(import_bank(bank_file, session=session))


@main.group()
def bank() -> None:
    """Validate and import question banks."""


@bank.command("validate", with_appcontext=False)
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


@bank.command("stats", with_appcontext=False)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def bank_stats_command(paths: tuple[str, ...]) -> None:
    """Count items by type, dimension and language, and audit situational items for cues."""
    failed = False
    for path in [p for arg in paths for p in bank_paths(arg)]:
        try:
            bank_file = load_path(path, cue_audit=False)  # printed below, with its limits
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
            click.echo(import_file(path))
        except BankInvalid as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem))
            click.echo(f"{path}: not imported ({len(exc.problems)} problem(s))", err=True)
    sys.exit(1 if failed else 0)




@bank.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default="-",
              show_default=True, help="The YAML file to write; - for standard output.")
@with_appcontext
def bank_export(slug: str, output: str) -> None:
    """Write a bank as it is now (current revisions, shipped assessments) as YAML."""
    with session_scope() as session:
        found = session.exec(select(Bank).where(Bank.slug == slug)).first()
        if found is None:
            click.echo(f"error: no bank {slug!r}", err=True)
            sys.exit(1)
        text = export_bank(found, session=session)
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
