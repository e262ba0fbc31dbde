"""Security claims of docs/security.md that no other test held: tokens of both kinds of
link out of every log line, and private files beyond the database and the ZIP."""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger

from hiring import jobs
from hiring.db import make_engine
from hiring.logs import redact
from hiring.reports.cache import cached_pdf
from hiring.reports.profile import Profile
from hiring.serve import RedactingLogger


def test_expert_links_are_redacted_in_the_apps_log_lines_too(app, caplog):
    with caplog.at_level("ERROR"):
        app.logger.error("Exception on /k/exp3rt-t0ken/save [POST]")
        app.logger.error("Exception on %s [%s]", "/k/0ther-exp3rt/i/2", "POST")
    assert "exp3rt-t0ken" not in caplog.text and "0ther-exp3rt" not in caplog.text
    assert "Exception on /k/…/save [POST]" in caplog.text
    assert redact("GET /admin/assessments/3 HTTP/1.1") == "GET /admin/assessments/3 HTTP/1.1"


def test_the_access_log_redacts_both_kinds_of_token(monkeypatch):
    """gunicorn's request line, path and referrer: the e2e test checks a real server."""
    monkeypatch.setattr(Logger, "atoms", lambda *args: {
        "r": "GET /a/c4nd1date/save HTTP/1.1", "U": "/k/exp3rt/i/1",
        "f": "https://hiring.example.com/a/c4nd1date", "s": "200"})
    atoms = RedactingLogger.atoms(object.__new__(RedactingLogger), None, None, {}, None)
    assert atoms == {"r": "GET /a/…/save HTTP/1.1", "U": "/k/…/i/1",
                     "f": "https://hiring.example.com/a/…", "s": "200"}


def test_the_wal_file_cached_pdfs_and_the_exports_folder_are_private(app, tmp_path):
    path = tmp_path / "private.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        wal = tmp_path / "private.sqlite-wal"
        assert wal.exists() and wal.stat().st_mode & 0o777 == 0o600
    engine.dispose()

    folder = jobs.exports_dir(app)
    assert folder.stat().st_mode & 0o777 == 0o700
    now = datetime(2026, 3, 2, tzinfo=UTC)
    profile = Profile(attempt_id=1, candidate_name="Ana", candidate_email="a@example.com",
                      assessment_name="A", bank_title="B", bank_version=1, language="en",
                      state="scored", submitted_at=now, generated_at=now, judgement=None)
    assert cached_pdf(profile, folder, lambda p: b"%PDF-1.7") == b"%PDF-1.7"
    [cached] = list(folder.glob("profile-1-*.pdf"))
    assert os.stat(cached).st_mode & 0o777 == 0o600


def test_the_rater_agreement_csv_guards_bank_text_for_semicolon_readers_too():
    from hiring.scoring.agreement import RatingRow, agreement_csv, rater_agreement

    rows = [RatingRow("wr;=1+1", response, rater, {"tone": score}, {"tone": "Tone;@SUM(1)"})
            for response, rater, score in [(1, 1, 3), (1, 2, 4), (2, 1, 2), (2, 2, 2)]]
    lines = agreement_csv(rater_agreement(rows)).splitlines()[1:]
    cells = [cell for line in csv.reader(lines) for cell in line]
    assert "'wr,=1+1" in cells and "'Tone,@SUM(1)" in cells
    assert not any(";" in cell for cell in cells)
