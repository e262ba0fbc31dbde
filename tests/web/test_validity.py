"""Criterion validity: HR imports job outcomes (preview, then all at once) and reads each
score's correlation with each outcome."""

from __future__ import annotations

import io

from sqlmodel import func, select

from hiring.models import AttemptState, AuditEvent, Outcome
from tests.factories import make_attempt


def scored(db, assessment, clock, email: str, score: float) -> int:
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), email=email)
        attempt.state = AttemptState.SCORED
        attempt.results = {"scales": {"judgement": {"score": score, "n_items": 4}},
                           "subscores": {}, "n_items": 4, "n_unanswered": 0}
        return attempt.id


def count(db) -> int:
    with db() as session:
        return session.exec(select(func.count()).select_from(Outcome)).one()


def upload(client, assessment_id: int, data: bytes):
    return client.post(f"/admin/assessments/{assessment_id}/validity/outcomes",
                       data={"file": (io.BytesIO(data), "outcomes.csv")},
                       content_type="multipart/form-data")


GOOD = ("email,outcome,value\n" + "".join(
    f"c{i}@example.com,quality_90d,{v}\n" for i, v in enumerate((2, 4, 5, 4, 5))))


def test_preview_then_import_then_report(client, auth, db, assessment, clock):
    for i, score in enumerate((40, 50, 60, 70, 80)):
        scored(db, assessment, clock, f"c{i}@example.com", score)
    auth.login("hr")
    page = client.get(f"/admin/assessments/{assessment.id}/validity").get_data(as_text=True)
    assert "No job outcomes have been imported" in page
    preview = upload(client, assessment.id, GOOD.encode())
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "All 5 rows are fine." in text
    assert "Import 5 outcomes" in text
    assert count(db) == 0
    done = client.post(f"/admin/assessments/{assessment.id}/validity/outcomes",
                       data={"csv_text": GOOD, "confirm": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/validity")
    assert count(db) == 5
    with db() as session:
        (event,) = session.exec(select(AuditEvent).where(
            AuditEvent.action == "outcomes_imported"))
        assert event.object_id == assessment.id and event.detail["rows"] == 5
        assert "example.com" not in str(event.detail)
    page = client.get(f"/admin/assessments/{assessment.id}/validity").get_data(as_text=True)
    assert "quality_90d" in page and "Customer-service judgement" in page
    assert "0.77" in page  # r = 6 / sqrt(60), as in test_fairness
    assert "−0.34 – 0.98" in page  # its interval, computed by hand there
    croatian = client.get(f"/admin/assessments/{assessment.id}/validity",
                          headers={"Accept-Language": "hr"}).get_data(as_text=True)
    assert "0,77" in croatian and "−0,34 – 0,98" in croatian  # the decimal comma
    assert "too few to conclude" in page
    assert "Thorndike" in page


def test_bad_rows_are_listed_and_nothing_is_imported(client, auth, db, assessment, clock):
    scored(db, assessment, clock, "c0@example.com", 50)
    auth.login("hr")
    bad = "email;outcome;value\nc0@example.com;quality;4,5\nnobody@example.com;quality;x\n"
    response = upload(client, assessment.id, bad.encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "1 of 2 rows has problems" in text
    assert "no completed attempt of this assessment by nobody@example.com" in text
    assert "x is not a number" in text and "Import 2 outcomes" not in text
    forced = client.post(f"/admin/assessments/{assessment.id}/validity/outcomes",
                         data={"csv_text": bad, "confirm": "1"})
    assert forced.status_code == 400
    assert count(db) == 0


def test_unreadable_files_get_a_clear_message(client, auth, db, assessment):
    auth.login("hr")
    for data, message in ((b"\xff\xfe\x00bad", "not UTF-8"),
                          (b"who,what\n1,2\n", "must name the columns"),
                          (b"email,outcome,value\n", "no outcomes")):
        response = upload(client, assessment.id, data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    empty = client.post(f"/admin/assessments/{assessment.id}/validity/outcomes",
                        data={"csv_text": " "})
    assert empty.status_code == 400 and "Choose a CSV file" in empty.get_data(as_text=True)
    assert count(db) == 0


def test_in_croatian(client, auth, db, assessment, clock):
    scored(db, assessment, clock, "c0@example.com", 50)
    auth.login("hr")
    headers = {"Accept-Language": "hr"}
    page = client.get(f"/admin/assessments/{assessment.id}/validity", headers=headers)
    assert "Kriterijska valjanost" in page.get_data(as_text=True)
    response = client.post(f"/admin/assessments/{assessment.id}/validity/outcomes",
                           data={"csv_text": "email,outcome,value\nnobody@example.com,q,1\n"},
                           headers=headers)
    text = response.get_data(as_text=True)
    assert "nema završenog pokušaja ove procjene za nobody@example.com" in text


def test_interviewers_may_not(client, auth, db, assessment):
    auth.login("interviewer")
    assert client.get(f"/admin/assessments/{assessment.id}/validity").status_code == 403
    assert upload(client, assessment.id, GOOD.encode()).status_code == 403


def test_a_version_says_its_outcomes_are_its_own(client, auth, db, assessment):
    from hiring.models import Assessment

    with db() as session:
        first = session.get(Assessment, assessment.id)
        first.key = "check"
        session.add(Assessment(bank_id=first.bank_id, key="check", name=first.name,
                               version=2, sections=first.sections))
    auth.login("hr")
    for url in (f"/admin/assessments/{assessment.id}/validity",
                f"/admin/assessments/{assessment.id}/validity/outcomes"):
        page = client.get(url).get_data(as_text=True)
        assert "This is version 1 of 2." in page


def test_a_long_preview_lists_the_problems_and_the_first_fine_rows(client, auth, db, assessment,
                                                                   clock, monkeypatch):
    from hiring.web import validity as validity_web

    for i, score in enumerate((40, 50, 60, 70, 80)):
        scored(db, assessment, clock, f"c{i}@example.com", score)
    monkeypatch.setattr(validity_web, "PREVIEW_LIMIT", 2)
    auth.login("hr")
    text = upload(client, assessment.id, (GOOD + "nobody@example.com,q,1\n").encode()
                  ).get_data(as_text=True)
    assert "the first 2 of the other rows; all 6 rows are checked" in text
    assert "<td>c0@example.com</td>" in text and "<td>c1@example.com</td>" in text
    assert "<td>c2@example.com</td>" not in text  # still in the text box, with every row
    assert "<td>nobody@example.com</td>" in text


def test_a_file_over_the_limit_is_refused_with_a_message(client, auth, db, assessment,
                                                         monkeypatch):
    from hiring.assessment import outcomes

    monkeypatch.setattr(outcomes, "MAX_BYTES", 1000)  # 2 MB in the test client spools to disk
    auth.login("hr")
    big = b"email,outcome,value\n" + b"a" * 1000
    response = upload(client, assessment.id, big)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.get_data(as_text=True)
    assert count(db) == 0
