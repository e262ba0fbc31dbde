"""Invitations in bulk: a preview shows every row's problems; nothing is created until all
rows are fine, then all are."""

from __future__ import annotations

import io

from sqlmodel import func, select

from hiring.models import Attempt
from tests.factories import make_attempt

GOOD = ("name,email,language,deadline,extra_minutes\n"
        "Ana Horvat,ana@example.com,hr,2026-04-30,\n"
        "Ivo Ivić,IVO@Example.com,,,15\n")


def upload(client, assessment_id: int, text: str):
    return client.post(f"/admin/assessments/{assessment_id}/invitations/bulk",
                       data={"file": (io.BytesIO(text.encode()), "invites.csv")},
                       content_type="multipart/form-data")


def count(db) -> int:
    with db() as session:
        return session.exec(select(func.count()).select_from(Attempt)).one()


def test_a_bad_row_is_shown_and_nothing_is_created(client, auth, db, assessment, clock):
    with db() as session:
        make_attempt(session, assessment, now=clock(), email="taken@example.com")
    auth.login("hr")
    bad = GOOD + ("Bez Maila,not-an-email,xx,2020-01-01,abc\n"
                  "Ana Again,ana@example.com,,,\n"
                  "Already,taken@example.com,,,\n")
    response = upload(client, assessment.id, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "3 of 5 rows have problems" in page
    for problem in ("not-an-email is not a valid email address", "unknown language &#39;xx&#39;",
                    "the deadline is in the past", "extra time must be a whole number",
                    "the same email as line 2",
                    "already has an open invitation to this assessment"):
        assert problem in page
    assert "Create 5 invitations" not in page
    assert count(db) == 1


def test_fixed_file_previews_then_creates_all_with_links(client, auth, db, assessment):
    auth.login("hr")
    preview = upload(client, assessment.id, GOOD)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "All 2 rows are fine." in page
    assert count(db) == 0
    created = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                          data={"csv_text": GOOD, "confirm": "1"})
    page = created.get_data(as_text=True)
    assert "Created 2 invitations" in page and page.count("/a/") >= 4
    with db() as session:
        rows = {a.candidate_email: a for a in session.exec(select(Attempt))}
        assert set(rows) == {"ana@example.com", "ivo@example.com"}
        assert rows["ana@example.com"].language == "hr"
        assert rows["ana@example.com"].expires_at.date().isoformat() == "2026-04-30"
        assert rows["ivo@example.com"].extra_minutes == 15
    again = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                        data={"csv_text": GOOD, "confirm": "1"})
    assert again.status_code == 400 and "already has an open invitation" in \
        again.get_data(as_text=True)
    assert count(db) == 2


def test_unreadable_files_get_a_clear_message(client, auth, db, assessment):
    auth.login("hr")
    for data, message in ((b"\xff\xfe\x00bad", "not UTF-8"), (b"who,what\n1,2\n", "missing"),
                          (b"name,email\n", "no invitations")):
        response = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                               data={"file": (io.BytesIO(data), "x.csv")},
                               content_type="multipart/form-data")
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(db) == 0


def test_a_time_multiplier_column_with_a_decimal_comma(client, auth, db, assessment):
    auth.login("hr")
    rows = ("name;email;time_multiplier\n"  # as a spreadsheet writes it in Croatian
            "Ana Horvat;ana@example.com;1,5\n"
            "Ivo Ivić;ivo@example.com;\n"
            "Eva;eva@example.com;2\n")
    page = upload(client, assessment.id, rows).get_data(as_text=True)
    assert "All 3 rows are fine." in page and "<th>Time multiplier</th>" in page
    client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                data={"csv_text": rows, "confirm": "1"})
    quoted = 'name,email,time_multiplier\nMia,mia@example.com,"1,25"\n'
    client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                data={"csv_text": quoted, "confirm": "1"})
    with db() as session:
        multipliers = {a.candidate_email: a.time_multiplier
                       for a in session.exec(select(Attempt))}
    assert multipliers == {"ana@example.com": 1.5, "ivo@example.com": 1.0,
                           "eva@example.com": 2.0, "mia@example.com": 1.25}


def test_a_wrong_time_multiplier_is_named_and_nothing_is_created(client, auth, db,
                                                                  assessment):
    auth.login("hr")
    rows = ("name;email;time_multiplier\n"
            "Ana Horvat;ana@example.com;1,5\n"
            "Half;half@example.com;0,5\n"
            "Ten;ten@example.com;10\n"
            "Word;word@example.com;abc\n")
    response = upload(client, assessment.id, rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "3 of 4 rows have problems" in page
    for value in ("0,5", "10", "abc"):
        assert (f"time multiplier &#39;{value}&#39;: must be a number from 1 to 3, such as "
                "1.5 or 1,5") in page
    assert "Create 4 invitations" not in page
    created = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                          data={"csv_text": rows, "confirm": "1"})
    assert created.status_code == 400
    assert count(db) == 0
