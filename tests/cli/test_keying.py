"""`hiring keying ...`: open, invite, simulate, report, export, import, adopt, close."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import select

from hiring.cli import main
from hiring.models import AuditEvent, Item, ItemRevision, KeyingExpert


def run(runner, *args, **kwargs):
    return runner.invoke(main, list(args), catch_exceptions=False, **kwargs)


def current_keys(db, key):
    with db() as session:
        item = session.exec(select(Item).where(Item.key == key)).one()
        revision = session.exec(select(ItemRevision).where(
            ItemRevision.item_id == item.id,
            ItemRevision.number == item.current_revision)).one()
        return revision.number, [o["key"] for o in revision.content["options"]]


def test_open_a_round(runner, bank):
    result = run(runner, "keying", "open", "--bank", "mini", "--name", "Leads")
    assert result.exit_code == 0, result.output
    assert "round 1 “Leads” opened: 4 items (sjt-1, sjt-2, sjt-3, sjt-4)" in result.output
    chosen = run(runner, "keying", "open", "--bank", "mini", "--name", "Two",
                 "--items", "sjt-2, sjt-1")
    assert "2 items (sjt-2, sjt-1)" in chosen.output
    assert run(runner, "keying", "open", "--bank", "nope", "--name", "X").exit_code == 1
    wrong = run(runner, "keying", "open", "--bank", "mini", "--name", "X", "--items", "sjt-9")
    assert wrong.exit_code == 1 and "Not an active SJT item of the bank: sjt-9." in wrong.output


def test_invite_prints_the_link_and_emails_it_with_a_base_url(runner, app, bank):
    run(runner, "keying", "open", "--bank", "mini", "--name", "Leads")
    result = run(runner, "keying", "invite", "1", "--name", "Iva Lead",
                 "--email", "iva@example.com", "--language", "hr")
    assert result.exit_code == 0, result.output
    assert re.search(r"Iva Lead invited to round 1: /k/\S{30,}", result.output)
    assert "set MAIL_BASE_URL" in result.output
    app.config["MAIL_BASE_URL"] = "https://hiring.example.com"
    emailed = run(runner, "keying", "invite", "1", "--name", "Ana Agent",
                  "--email", "ana@example.com")
    link = re.search(r"invited to round 1: (\S+)", emailed.output)[1]
    assert link.startswith("https://hiring.example.com/k/")
    assert "e-mail: outbox" in emailed.output
    assert len(list((Path(app.instance_path) / "outbox").glob("*-keying.eml"))) == 1
    duplicate = run(runner, "keying", "invite", "1", "--name", "ana agent",
                    "--email", "x@example.com")
    assert duplicate.exit_code == 1 and "already has an expert" in duplicate.output


def test_simulate_report_and_adopt_the_agreeing_items(runner, db, bank):
    run(runner, "keying", "open", "--bank", "mini", "--name", "Trial")
    result = run(runner, "keying", "simulate", "1", "--experts", "6", "--noise", "0",
                 "--seed", "3")
    assert result.output.strip() == "added 6 simulated experts to round 1"
    report = run(runner, "keying", "report", "1").output
    assert "round 1 “Trial” (open): 4 items, 6 experts" in report
    assert "Simulated expert 1 [simulated]: 4 of 4 rated, finished" in report
    assert "sjt-1  agreeing, best clearly apart" in report
    assert "r_wg(J) = 1.00" in report
    assert "agreeing, with the best clearly apart: sjt-1, sjt-2, sjt-3, sjt-4" in report
    adopted = run(runner, "keying", "adopt", "1", "--all-agreeing", "--yes")
    assert adopted.exit_code == 0, adopted.output
    assert "sjt-1: a 5->5, b 3->3, c 2->2, d 1->1" in adopted.output
    assert "sjt-1: new revision 2" in adopted.output
    assert current_keys(db, "sjt-1") == (2, [5, 3, 2, 1])
    with db() as session:
        assert session.exec(select(AuditEvent).where(
            AuditEvent.action == "keying_adopted")).first().actor_label == "cli"


def test_adopt_is_refused_below_the_minimum_panel_and_asks_first(runner, db, bank):
    run(runner, "keying", "open", "--bank", "mini", "--name", "Small")
    run(runner, "keying", "simulate", "1", "--experts", "3", "--noise", "0.8", "--seed", "1")
    refused = run(runner, "keying", "adopt", "1", "--items", "sjt-1", "--yes")
    assert refused.exit_code == 1
    assert "sjt-1: 3 experts rated every option; adopting a panel's key takes at least 5" in (
        refused.output)
    run(runner, "keying", "simulate", "1", "--experts", "2", "--seed", "2")
    declined = run(runner, "keying", "adopt", "1", "--items", "sjt-1", input="n\n")
    assert declined.exit_code == 1 and current_keys(db, "sjt-1")[0] == 1
    accepted = run(runner, "keying", "adopt", "1", "--items", "sjt-1", input="y\n")
    assert accepted.exit_code == 0 and current_keys(db, "sjt-1")[0] == 2
    assert run(runner, "keying", "adopt", "1").exit_code == 1  # neither option


def test_export_and_import_on_paper(runner, db, bank, tmp_path):
    run(runner, "keying", "open", "--bank", "mini", "--name", "Paper", "--items", "sjt-1")
    template = tmp_path / "template.csv"
    assert "wrote 4 rows" in run(runner, "keying", "export", "1", "-o", str(template),
                                 "--template").output
    assert template.read_text().splitlines()[1] == ",sjt-1,a,,Option a of 1"
    bad = tmp_path / "bad.csv"
    bad.write_text("expert,item,option,rating\nPetra,sjt-1,a,5\nPetra,sjt-1,e,3\n")
    result = run(runner, "keying", "import", "1", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:3: item sjt-1 has no option 'e' (it has a, b, c, d)" in result.output
    assert "1 of 2 rows have problems; nothing was stored" in result.output
    good = tmp_path / "good.csv"
    good.write_text("expert,item,option,rating\n" + "".join(
        f"Petra,sjt-1,{o},{r}\n" for o, r in zip("abcd", "5321", strict=True)))
    stored = run(runner, "keying", "import", "1", str(good))
    assert stored.output.strip() == "stored 4 ratings; 1 paper experts added (Petra)"
    out = tmp_path / "ratings.csv"
    run(runner, "keying", "export", "1", "-o", str(out))
    assert out.read_text() == good.read_text()
    with db() as session:
        assert session.exec(select(KeyingExpert.kind)).all() == ["paper"]
    assert run(runner, "keying", "close", "1").output.strip() == "round 1 closed"
    closed = run(runner, "keying", "import", "1", str(good))
    assert closed.exit_code == 1 and "is closed" in closed.output
