"""Calibration answers from the command line: the same as HR's form."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlmodel import col, select

from hiring.assessment import calibration
from hiring.cli import fail, main
from hiring.db import session_scope
from hiring.models import Bank, Item, ItemRevision, Response


def parse_ratings(text: str) -> dict[str, int]:
    """Read "tone=3,empathy=4" into {"tone": 3, "empathy": 4}."""
    ratings = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        criterion, _, value = part.partition("=")
        if not value.strip().isdigit():
            raise click.BadParameter(f"{part!r} is not criterion=level", param_hint="--ratings")
        ratings[criterion.strip()] = int(value)
    return ratings


def _item(session, key: str, bank_slug: str | None) -> Item:
    query = select(Item).join(Bank, col(Bank.id) == Item.bank_id).where(Item.key == key)
    if bank_slug:
        query = query.where(Bank.slug == bank_slug)
    items = list(session.exec(query))
    if len(items) != 1:
        fail(f"no item {key!r}" if not items else
              f"several banks have {key!r}: name one with --bank")
    return items[0]


@main.group("calibration")
def calibration_group() -> None:
    """Calibration answers that new raters rate before candidates' answers."""


@calibration_group.command("add")
@click.option("--item", "key", required=True, help="The written item's id in its bank.")
@click.option("--bank", "bank_slug", help="The bank, when several have the item.")
@click.option("--from-response", "response_id", type=int,
              help="A candidate's response to the item; the name and e-mail are removed.")
@click.option("--text", help="A sample answer, instead of --from-response.")
@click.option("--language", help="The answer's language (with --text; default: the bank's "
                                 "first).")
@click.option("--ratings", required=True, help="Agreed levels: criterion=level,...")
@click.option("--note", required=True, help="Why these ratings; raters see it after rating.")
@with_appcontext
def add(key: str, bank_slug: str | None, response_id: int | None, text: str | None,
        language: str | None, ratings: str, note: str) -> None:
    """Add a calibration answer with its agreed ratings to a written item."""
    if (response_id is None) == (text is None):
        fail("give either --from-response or --text")
    agreed = parse_ratings(ratings)
    with session_scope() as session:
        item = _item(session, key, bank_slug)
        origin = "sample"
        if response_id is not None:
            response = session.get(Response, response_id)
            revision = response and session.get(ItemRevision, response.revision_id)
            if revision is None or revision.item_id != item.id:
                fail(f"response {response_id} is not an answer to {key!r}")
            try:
                draft = calibration.draft_from_response(response, session=session)
            except calibration.CalibrationError as exc:
                fail(str(exc))
            text, language, origin = draft.text, draft.language, "response"
        language = language or session.get(Bank, item.bank_id).languages[0]
        try:
            answer = calibration.add_answer(
                session=session, item=item, text=text, language=language, agreed=agreed,
                explanation=note, created_by="cli", origin=origin)
        except calibration.CalibrationError as exc:
            fail(str(exc))
        click.echo(f"calibration answer {answer.id} for {key} ({language}):")
        click.echo(answer.text)
        if origin == "response":
            click.echo("Read it: a name in another form (a signature, a declined name) "
                       "is not found automatically. Retire it in the browser if it names "
                       "the candidate.")
