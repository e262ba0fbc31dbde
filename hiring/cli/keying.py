"""`hiring keying ...`: rounds in which a panel of experts keys SJT items."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, select

from hiring.cli import fail, main
from hiring.db import session_scope
from hiring.keying import adopt as adoption
from hiring.keying import experts, paper, results, rounds, simulate
from hiring.keying.stats import LOW_AGREEMENT
from hiring.mail import experts as expert_mail
from hiring.mail import sending
from hiring.mailer import link_builder, send_later, settings
from hiring.models import Bank, KeyingRound, utcnow
from hiring.web.keying import EXPERT_LINK

ACTOR = "cli"


def _now():
    return current_app.config.get("CLOCK", utcnow)()


def _round(session: Session, round_id: int) -> KeyingRound:
    found = session.get(KeyingRound, round_id)
    if found is None:
        fail(f"no keying round {round_id}")
    return found


def _ids(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


@main.group("keying")
def keying_group() -> None:
    """Key SJT items by a panel of experts."""


@keying_group.command("open")
@click.option("--bank", "slug", required=True, help="The bank's id (slug).")
@click.option("--name", required=True, help="The round's name; experts see it.")
@click.option("--items", help="Item ids, comma-separated; default: every active SJT item.")
@with_appcontext
def open_command(slug: str, name: str, items: str | None) -> None:
    """Open a keying round over a bank's SJT items."""
    with session_scope() as session:
        bank = session.exec(select(Bank).where(Bank.slug == slug)).first()
        if bank is None:
            fail(f"no bank {slug!r}")
        try:
            round_ = rounds.open_round(bank, name=name, item_keys=_ids(items), session=session,
                                       actor=ACTOR, now=_now())
        except rounds.KeyingError as exc:
            fail(str(exc))
        keys = [item.key for item in rounds.round_items(round_, session=session)]
        click.echo(f"round {round_.id} “{round_.name}” opened: {len(keys)} items "
                   f"({', '.join(keys)})")


def _link(token: str) -> tuple[str, bool]:
    """Return the expert's link, and whether it is whole (MAIL_BASE_URL is set)."""
    app = current_app._get_current_object()
    if app.config.get("MAIL_BASE_URL"):
        return link_builder(app, endpoint=EXPERT_LINK)(token), True
    return f"/k/{token}", False


@keying_group.command("invite")
@click.argument("round_id", type=int)
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--language", default=None, help="One of the bank's languages; default: its first.")
@click.option("--no-email", is_flag=True, help="Only print the link; send no e-mail.")
@with_appcontext
def invite_command(round_id: int, name: str, email: str, language: str | None,
                   no_email: bool) -> None:
    """Invite an expert to a round and print their link (shown only now)."""
    app = current_app._get_current_object()
    mail = settings(app)
    with session_scope() as session:
        round_ = _round(session, round_id)
        bank = session.get(Bank, round_.bank_id)
        try:
            expert, token = experts.invite(round_, name=name, email=email,
                                           language=language or bank.languages[0],
                                           session=session, actor=ACTOR, now=_now())
        except rounds.KeyingError as exc:
            fail(str(exc))
        link, whole = _link(token)
        record = None
        if whole and not no_email:
            record = expert_mail.send_invitation(expert, session=session, settings=mail,
                                                 now=_now(), link=link)
        state, record_id = (record.state, record.id) if record else (None, None)
    click.echo(f"{expert.name} invited to round {round_id}: {link}")
    if not whole:
        click.echo("set MAIL_BASE_URL to get whole links (and e-mails); put the server's "
                   "address before this path", err=True)
    if state == sending.MessageState.QUEUED:
        outcome = sending.send_spooled([record_id], settings=mail,
                                       scope=lambda: session_scope(app),
                                       clock=app.config.get("CLOCK", utcnow))
        if outcome.get("retrying"):
            send_later(app, [record_id])
            click.echo("e-mail: not sent yet, the mail server did not answer; it is tried "
                       "again later (see the Outbox)")
        else:
            click.echo(f"e-mail: {'sent' if outcome.get('sent') else 'failed (see the Outbox)'}")
    elif state is not None:
        click.echo(f"e-mail: {state}")


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _report_item(result: results.ItemResult) -> list[str]:
    s = result.stats
    lines = [f"{result.key}  " + (", ".join(s.flags) if s.flags else
                                  "agreeing, best clearly apart" if s.rated else
                                  "no ratings yet")]
    if result.options_changed:
        lines.append("  options edited since the round opened: the key cannot be adopted")
    if not s.rated:
        return lines
    lines.append(f"  {'option':<8}{'key':>4}{'n':>4}{'mean':>7}{'sd':>7}{'panel':>7}")
    for o in s.options:
        lines.append(f"  {o.option_id:<8}{o.key:>4}{o.n:>4}{_number(o.mean):>7}"
                     f"{_number(o.sd):>7}{o.panel_key if o.panel_key else '–':>7}")
    gap = s.gap
    interval = (f" (95% interval {_number(gap.low)} to {_number(gap.high)})"
                if gap and gap.low is not None else "")
    lines.append(f"  experts who rated every option: {s.experts} of {s.raters}; "
                 f"r_wg(J) = {_number(s.rwg)}; ICC(2,k) = {_number(s.icc)}")
    if gap:
        lines.append(f"  best apart: {gap.best} - {gap.second} = {_number(gap.gap)}{interval}")
    lines.append(f"  panel's best: {', '.join(s.panel_best)}; key's best now: "
                 f"{', '.join(s.key_best)}" + (" (differs)" if s.best_differs else ""))
    return lines


@keying_group.command("report")
@click.argument("round_id", type=int)
@with_appcontext
def report_command(round_id: int) -> None:
    """Print the round's results per item, with the agreement and the flags."""
    with session_scope() as session:
        round_ = _round(session, round_id)
        items = rounds.round_items(round_, session=session)
        progress = experts.progress(round_, items, session=session)
        found = results.results(round_, session=session)
    click.echo(f"round {round_.id} “{round_.name}” ({round_.state}): {len(items)} items, "
               f"{len(progress)} experts")
    for p in progress:
        click.echo(f"  {p.expert.name} [{p.expert.kind}]: {p.rated} of {p.total} rated, "
                   f"{p.status}")
    click.echo(f"agreement: r_wg(J), uniform null on 5 points (σ²_EU = 2); low below "
               f"{LOW_AGREEMENT:.2f}")
    for result in found:
        click.echo("")
        for line in _report_item(result):
            click.echo(line)
    agreeing = results.agreeing(found)
    click.echo(f"\nagreeing, with the best clearly apart: {', '.join(agreeing) or 'none'}")


@keying_group.command("export")
@click.argument("round_id", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--template", is_flag=True, help="Write a blank form for a panel on paper.")
@with_appcontext
def export_command(round_id: int, output: Path, template: bool) -> None:
    """Write the round's ratings (or a blank template) as CSV."""
    with session_scope() as session:
        round_ = _round(session, round_id)
        body = (paper.template_csv if template else paper.export_csv)(round_, session=session)
    output.write_text(body, encoding="utf-8")
    click.echo(f"wrote {len(body.splitlines()) - 1} rows to {output}")


@keying_group.command("import")
@click.argument("round_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(round_id: int, path: Path) -> None:
    """Import ratings collected on paper; nothing is stored while any row has a problem."""
    with session_scope() as session:
        round_ = _round(session, round_id)
        try:
            imported = paper.read_csv(path.read_bytes(), round_, session=session)
        except rounds.KeyingError as exc:
            fail(str(exc))
        if imported.bad:
            for row in imported.bad:
                click.echo(f"{path}:{row.line}: {'; '.join(row.problems)}")
            fail(f"{len(imported.bad)} of {len(imported.rows)} rows have problems; nothing "
                  "was stored")
        added, stored = paper.store(imported, round_, session=session, actor=ACTOR,
                                    now=_now())
    click.echo(f"stored {stored} ratings; {added} paper experts added"
               + (f" ({', '.join(imported.new_experts)})" if imported.new_experts else ""))


@keying_group.command("adopt")
@click.argument("round_id", type=int)
@click.option("--items", help="Item ids, comma-separated.")
@click.option("--all-agreeing", is_flag=True,
              help="Every item whose panel agrees and whose best stands clearly apart.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def adopt_command(round_id: int, items: str | None, all_agreeing: bool, yes: bool) -> None:
    """Make the panel's keys the items' keys: a new revision of each item."""
    if bool(items) == all_agreeing:
        fail("give either --items or --all-agreeing")
    minimum = int(current_app.config["KEYING_MIN_PANEL"])
    with session_scope() as session:
        round_ = _round(session, round_id)
        keys = (results.agreeing(results.results(round_, session=session)) if all_agreeing
                else _ids(items))
        if not keys:
            fail("no item of the round agrees with its best clearly apart")
        try:
            changes = adoption.plan(round_, keys, session=session, min_panel=minimum)
        except adoption.AdoptRefused as exc:
            fail("nothing adopted:\n  " + "\n  ".join(exc.problems))
        for change in changes:
            click.echo(f"{change.key}: " + ", ".join(
                f"{option} {change.old[option]}->{key}" for option, key in change.new.items()))
        if not yes and not click.confirm("Adopt these keys?"):
            fail("nothing adopted")
        made = adoption.adopt(round_, keys, session=session, actor=ACTOR, now=_now(),
                              min_panel=minimum)
        keys_by_id = {change.result.item.item.id: change.key for change in changes}
        for revision in made:
            click.echo(f"{keys_by_id[revision.item_id]}: new revision {revision.number}")
    click.echo(f"adopted the panel's keys for {len(changes)} items")


@keying_group.command("simulate")
@click.argument("round_id", type=int)
@click.option("--experts", "count", default=6, show_default=True, type=int)
@click.option("--noise", default=0.8, show_default=True, type=float,
              help="Standard deviation of the noise added to each key, in scale points.")
@click.option("--seed", type=int, help="Repeat the same simulation.")
@with_appcontext
def simulate_command(round_id: int, count: int, noise: float, seed: int | None) -> None:
    """Add simulated experts who rate every option its current key plus noise (to try a
    round; they are marked simulated)."""
    with session_scope() as session:
        round_ = _round(session, round_id)
        try:
            made = simulate.simulate(round_, experts=count, noise=noise, seed=seed,
                                     session=session, actor=ACTOR, now=_now())
        except rounds.KeyingError as exc:
            fail(str(exc))
    click.echo(f"added {len(made)} simulated experts to round {round_id}")


@keying_group.command("close")
@click.argument("round_id", type=int)
@with_appcontext
def close_command(round_id: int) -> None:
    """Close a round: experts' links then take no more ratings."""
    with session_scope() as session:
        try:
            rounds.close_round(_round(session, round_id), session=session, actor=ACTOR,
                               now=_now())
        except rounds.KeyingError as exc:
            fail(str(exc))
    click.echo(f"round {round_id} closed")
