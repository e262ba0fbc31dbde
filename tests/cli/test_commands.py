"""The `hiring` command."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sqlmodel import func, select

from hiring.cli import main
from hiring.models import Assessment, Attempt, AttemptState, Item, ItemRevision, Response, User

DATA = Path(__file__).parent.parent / "data"


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_bank_validate_lists_each_problem_with_its_line(runner):
    result = run(runner, "bank", "validate", str(DATA / "broken_bank.yaml"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(re.search(r"broken_bank.yaml:24: items\.1\.stem: Field required", x) for x in lines)
    assert any(re.search(r"broken_bank.yaml:41: items\.2\.tolerance: ", x) for x in lines)
    assert any(re.search(r"broken_bank.yaml:43: items\.3\.id: duplicate item id", x)
               for x in lines)


def test_bank_validate_passes_the_shipped_banks(runner):
    result = run(runner, "bank", "validate", "question_banks/")
    assert result.exit_code == 0, result.output
    assert "csr_core.yaml: ok" in result.output


def test_bank_import_of_a_broken_bank_changes_nothing(runner, db):
    result = run(runner, "bank", "import", str(DATA / "broken_bank.yaml"))
    assert result.exit_code == 1
    with db() as session:
        assert session.exec(select(func.count()).select_from(Item)).one() == 0


def test_user_create_normalises_and_refuses_duplicates(runner, db):
    result = run(runner, "user", "create", "--role", "hr", "--email", " Boss@Example.COM",
                 "--password", "long enough password")
    assert result.exit_code == 0, result.output
    again = run(runner, "user", "create", "--role", "interviewer", "--email", "boss@example.com",
                "--password", "long enough password")
    assert again.exit_code == 1 and "already exists" in again.output
    short = run(runner, "user", "create", "--role", "hr", "--email", "x@example.com",
                "--password", "short")
    assert short.exit_code == 1 and "at least 8" in short.output
    with db() as session:
        assert [u.email for u in session.exec(select(User))] == ["boss@example.com"]


def test_demo_simulate_report(runner, db, tmp_path):
    result = run(runner, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    link = re.search(r"Candidate invitation: (http://127\.0\.0\.1:5000/a/\S+)", result.output)
    assert link and "hr@example.com / demo-password" in result.output
    result = run(runner, "simulate", "--candidates", "5", "--seed", "3")
    assert result.exit_code == 0, result.output
    with db() as session:
        assert session.exec(select(func.count()).select_from(Assessment)).one() == 2
        done = session.exec(select(Attempt).where(
            Attempt.state == AttemptState.SUBMITTED)).all()
        assert len(done) == 5
        attempt = done[0]
    out = tmp_path / "p.pdf"
    result = run(runner, "report", "--attempt", str(attempt.id), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert " ".join(attempt.candidate_name.split()) in flat
    for name in ("Customer focus", "Listening", "Composure", "communication", "Ownership",
                 "Numeracy"):
        assert name in flat


def test_report_refuses_unknown_and_unsubmitted_attempts(runner, tmp_path):
    result = run(runner, "report", "--attempt", "999", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "no attempt 999" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_bank_stats_counts_types_dimensions_and_languages(runner):
    result = run(runner, "bank", "stats", str(DATA / "mini_bank.yaml"))
    assert result.exit_code == 0, result.output
    assert "items by type: numeric 1, sjt 4, written 1" in result.output
    assert re.search(r"customer_focus\s+0\s+1\s+0\s+0", result.output)
    assert "items by language: en 6, hr 6" in result.output
    broken = run(runner, "bank", "stats", str(DATA / "broken_bank.yaml"))
    assert broken.exit_code == 1


def test_finalize_expired_submits_overdue_attempts_and_is_safe_to_repeat(runner, db, assessment):
    from datetime import UTC, datetime, timedelta

    from hiring.assessment import engine
    from tests.factories import make_attempt

    long_ago = datetime.now(UTC) - timedelta(days=30)
    with db() as session:
        overdue, _ = make_attempt(session, assessment, now=long_ago, started=True)
        engine.save_answer(overdue, 1, {"best": "a"}, session=session, now=long_ago, seq=1)
        unused, _ = make_attempt(session, assessment, now=long_ago, email="u@example.com")
        current, _ = make_attempt(session, assessment, email="c@example.com", started=True)
    result = run(runner, "attempts", "finalize-expired")
    assert "submitted 1 overdue attempts; expired 1 invitations" in result.output
    again = run(runner, "attempts", "finalize-expired")
    assert "submitted 0 overdue attempts; expired 0 invitations" in again.output
    with db() as session:
        assert session.get(Attempt, overdue.id).state in ("submitted", "scored")
        assert engine.response_at(session.get(Attempt, overdue.id), 1,
                                  session=session).answer == {"best": "a"}
        assert session.get(Attempt, unused.id).state == "expired"
        assert session.get(Attempt, current.id).state == "in_progress"


def test_bank_export_writes_yaml_that_validates(runner, db, bank, tmp_path):
    out = tmp_path / "mini.yaml"
    result = run(runner, "bank", "export", "mini", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert run(runner, "bank", "validate", str(out)).exit_code == 0
    assert run(runner, "bank", "export", "nope").exit_code == 1


def test_scoring_check_tells_permuted_keys_apart_and_exits_1_when_it_cannot(
        runner, tmp_path, monkeypatch):
    from hiring.scoring import check
    from tests.factories import situations_bank_text

    bank = tmp_path / "situations.yaml"
    bank.write_text(situations_bank_text(), encoding="utf-8")
    args = ["scoring-check", "--bank", str(bank), "--assessment", "check", "--candidates", "80"]
    result = run(runner, *args, "--correlation", "0.3", "--correlation", "0.8")
    assert result.exit_code == 0, result.output
    assert result.output.count("key perturbation detected: item-rest r ") == 2
    assert "behavioural dimensions correlate 0.30" in result.output
    assert "behavioural dimensions correlate 0.80" in result.output
    markdown = run(runner, *args, "--markdown", "--no-scramble-keys")
    assert markdown.exit_code == 0 and "| judgement | 12.0 |" in markdown.output
    assert "key perturbation" not in markdown.output

    monkeypatch.setattr(check, "permuted_keys",
                        lambda items, rng: {item["id"]: item for item in items})
    same = run(runner, *args)
    assert same.exit_code == 1
    assert "key perturbation NOT detected" in same.output
    assert "did not tell permuted situational keys from the real ones" in same.output


def test_simulate_writes_the_true_levels_it_answered_from(runner, db, tmp_path):
    assert run(runner, "init").exit_code == 0
    truth = tmp_path / "truth.csv"
    result = run(runner, "simulate", "--candidates", "2", "--seed", "1", "--model", str(truth))
    assert result.exit_code == 0, result.output
    header, *rows = [line.split(",") for line in truth.read_text().splitlines()]
    assert header == ["attempt_id", "communication", "composure", "customer_focus",
                      "listening_problem_solving", "ownership", "sales_retention",
                      "numeracy", "reading", "typing", "writing"]
    assert len(rows) == 2
    with db() as session:
        simulated = session.exec(select(Attempt).where(Attempt.simulated)).all()
        assert sorted(a.id for a in simulated) == sorted(int(row[0]) for row in rows)


def test_simulate_in_two_languages_with_a_planted_difference(runner, db):
    assert run(runner, "init").exit_code == 0
    with db() as session:
        numeric = sorted(session.exec(select(Item.key).where(Item.type == "numeric")).all())
    # every calculation made far harder in hr: its hr candidates get them all wrong
    planted = [arg for key in numeric for arg in ("--dif", f"{key}:hr:5")]
    result = run(runner, "simulate", "--candidates", "6", "--seed", "2", "--languages", "en,hr",
                 *planted)
    assert result.exit_code == 0, result.output
    with db() as session:
        rows = session.exec(
            select(Attempt.language, Response.score)
            .join(Response, Response.attempt_id == Attempt.id)
            .join(ItemRevision, ItemRevision.id == Response.revision_id)
            .join(Item, Item.id == ItemRevision.item_id)
            .where(Item.type == "numeric")).all()
    by_language = {language: [score for code, score in rows if code == language]
                   for language in ("en", "hr")}
    assert len(by_language["en"]) == len(by_language["hr"]) > 0  # three candidates each
    assert set(by_language["hr"]) == {0.0}
    assert 1.0 in by_language["en"]


def test_simulate_refuses_bad_languages_and_differences(runner, db):
    assert run(runner, "init").exit_code == 0
    with db() as session:
        key = session.exec(select(Item.key).where(Item.type == "numeric")).first()
    for args, message in [
            (["--languages", "en,xx"], "--languages: xx; the assessment is offered in"),
            (["--dif", f"{key}:hr:0.5"], "is not among the candidates' languages (en)"),
            (["--languages", "en,hr", "--dif", f"{key}:hr:9"], "must be within -5..5"),
            (["--languages", "en,hr", "--dif", "no-such-item:hr:0.5"],
             "the bank has no item 'no-such-item'"),
            (["--languages", "en,hr", "--dif", "nope"], "expected ITEM_KEY:LANGUAGE:SHIFT")]:
        result = run(runner, "simulate", "--candidates", "2", *args)
        assert result.exit_code == 1, args
        assert message in result.output, result.output
    with db() as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 0
