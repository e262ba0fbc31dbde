"""The adverse-impact page, CSV and PDF: HR only, filters, both kinds of selection, small
groups suppressed everywhere, and the empty states."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from tests.domain.test_adverse_impact import ask, completed, people
from tests.domain.test_reports import pdf_objects
from tests.web.test_blind_ratings import pdf_to_text


def url(assessment, suffix="", **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/admin/assessments/{assessment.id}/adverse-impact{suffix}" + (
        f"?{query}" if query else "")


def planted(db, assessment, clock):
    """Women 10, 8 hired; men 10, 4 hired (0.5 of women's rate); another gender 3, all."""
    ask(db, assessment, ["gender"], clock)
    with db() as session:
        n = people(session, assessment, clock, "woman", 10, 8, 0, language="hr")
        n = people(session, assessment, clock, "man", 10, 4, n)
        people(session, assessment, clock, "another", 3, 3, n)


def rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]


def test_hr_only(client, auth, db, assessment, clock):
    for suffix in ("", ".csv", ".pdf"):
        assert client.get(url(assessment, suffix)).status_code == 302  # to the login
    auth.login("interviewer")
    for suffix in ("", ".csv", ".pdf"):
        assert client.get(url(assessment, suffix)).status_code == 403
    auth.logout()
    auth.login("hr")
    assert client.get(url(assessment)).status_code == 200
    assert client.get("/admin/assessments/9999/adverse-impact").status_code == 404


def test_linked_from_the_assessment_and_self_identification_pages(client, auth, assessment):
    auth.login("hr")
    target = url(assessment)
    assert target in client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert target in client.get(
        f"/decisions/assessments/{assessment.id}/self-identification").get_data(as_text=True)


def test_page_by_stage_with_a_suppressed_group(client, auth, db, assessment, clock):
    planted(db, assessment, clock)
    auth.login("hr")
    page = client.get(url(assessment, selection="stage", stage="hired")).get_data(as_text=True)
    assert "Selected: reached “Hired”" in page
    assert "Man’s selection rate is 0.50 of Woman’s: below four-fifths. Too few to judge." \
        in page
    assert "Fewer than 5: not shown." in page
    croatian = client.get(url(assessment, selection="stage", stage="hired"),
                          headers={"Accept-Language": "hr"}).get_data(as_text=True)
    assert " 0,50 " in croatian and " 0.50 " not in croatian  # the ratio, with a comma
    assert "Another gender" in page
    # The group of 3 has no count, rate or ratio anywhere on the page: 3 of 3 is 1.00.
    row = page.split("Another gender</th>")[1].split("</tr>")[0]
    assert "1.00" not in row and ">3<" not in row
    # Each stage: one table per stage.
    every = client.get(url(assessment)).get_data(as_text=True)
    assert "Selected: reached “Rejected”" in every and "Selected: reached “Hired”" in every


def test_csv_header_rows_and_suppressed_cells(client, auth, db, assessment, clock):
    planted(db, assessment, clock)
    auth.login("hr")
    response = client.get(url(assessment, ".csv", selection="stage", stage="hired",
                              language="hr"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert "# Language: hr" in text and "# Minimum group size: 5" in text
    assert "# Generated 2026-03-02T09:00:00+00:00" in text
    assert "suppressed: their cells are blank" in text
    body = rows(text)
    assert body[0][:4] == ["selection", "pool_n", "question", "group"]
    woman = next(r for r in body if r[3] == "Woman")
    assert woman[4:7] == ["10", "8", "0.800"]  # only the Croatian attempts: women
    everyone = rows(client.get(url(assessment, ".csv", stage="hired")).get_data(as_text=True))
    another = next(r for r in everyone if r[3] == "Another gender")
    assert another[4:12] == [""] * 8 and "not shown" in another[12]
    man = next(r for r in everyone if r[3] == "Man")
    assert man[4:9] == ["10", "4", "0.400", "0.500", "yes"]


def test_csv_guards_formulas_in_stage_names(client, auth, db, assessment, clock):
    from hiring.assessment import decisions
    from hiring.models import Assessment
    planted(db, assessment, clock)
    with db() as session:
        decisions.rename(session.get(Assessment, assessment.id), "hired", "=HYPERLINK(1)",
                         session=session, actor="hr", now=clock())
    auth.login("hr")
    body = rows(client.get(url(assessment, ".csv", stage="hired")).get_data(as_text=True))
    assert any("=HYPERLINK(1)" in row[0] for row in body[1:])
    assert all(not cell.startswith("=") for row in body for cell in row)


def test_pdf_content(client, auth, db, assessment, clock, tmp_path):
    planted(db, assessment, clock)
    auth.login("hr")
    response = client.get(url(assessment, ".pdf", stage="hired"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    objects = pdf_objects(response.data)  # tagged like the profile, with its language
    assert b"/StructTreeRoot" in objects and re.search(rb"/Lang\s*\(en\)", objects)
    text = pdf_to_text(response.data, tmp_path)
    assert "Adverse impact: Test assessment" in text
    assert "Man’s selection rate is 0.50 of Woman’s: below four-fifths." in text
    assert "Fewer than 5: not shown." in text
    another = text.split("Another gender")[1].split("Man")[0]
    assert "1.00" not in another and " 3 " not in f" {another} "


def test_selection_by_cut_score(client, auth, db, assessment, clock):
    ask(db, assessment, ["gender"], clock)
    with db() as session:
        for i in range(10):
            completed(session, assessment, clock, n=i, answers={"gender": "woman"},
                      score=80 if i < 5 else 50)
            completed(session, assessment, clock, n=100 + i, answers={"gender": "man"},
                      score=70 if i < 9 else 40)
    auth.login("hr")
    page = client.get(url(assessment, selection="score", scale="judgement", cut="70"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Selected: Customer-service judgement at or above 70" in text
    assert "Woman’s selection rate is 0.56 of Man’s: below four-fifths." in text
    lower = client.get(url(assessment, selection="score", scale="judgement", cut="50"))
    assert "below four-fifths" not in lower.get_data(as_text=True).replace(
        "not below four-fifths", "")


def test_date_range_filter(client, auth, db, assessment, clock):
    ask(db, assessment, ["gender"], clock)
    with db() as session:
        n = people(session, assessment, clock, "woman", 5, 5, 0)
        n = people(session, assessment, clock, "man", 5, 0, n,
                   submitted=clock() - timedelta(days=30))
    auth.login("hr")
    today = clock().date().isoformat()
    recent = client.get(url(assessment, stage="hired", since=today, until=today))
    assert "5 completed attempts counted" in recent.get_data(as_text=True)
    assert "10 completed attempts counted" in client.get(
        url(assessment, stage="hired")).get_data(as_text=True)


def test_bad_filters_say_why_and_change_nothing(client, auth, db, assessment, clock):
    auth.login("hr")
    for args in ({"since": "2026-13-40"}, {"cut": "abc", "selection": "score"},
                 {"cut": "150", "selection": "score"}, {"min_cell": "2"},
                 {"selection": "nonsense"}, {"stage": "nosuch"},
                 {"since": "2026-03-02", "until": "2026-03-01"}):
        response = client.get(url(assessment, **args))
        assert response.status_code == 400, args
        assert "Check the filters" in response.get_data(as_text=True) or \
            "after the end date" in response.get_data(as_text=True)
        assert client.get(url(assessment, ".csv", **args)).status_code == 400


def test_empty_states(client, auth, db, assessment, clock):
    auth.login("hr")
    page = client.get(url(assessment)).get_data(as_text=True)
    assert "asks no self-identification questions" in page
    ask(db, assessment, ["gender"], clock)
    page = client.get(url(assessment)).get_data(as_text=True)
    assert "No completed attempt matches these filters yet." in page
    with db() as session:
        completed(session, assessment, clock, n=1)
    page = client.get(url(assessment)).get_data(as_text=True)
    assert "nobody has reached a stage" in page
    assert "Nobody in these candidates answered this question" in page


def test_simulated_demo_is_said(client, auth, db, assessment, clock):
    ask(db, assessment, ["gender"], clock)
    with db() as session:
        people(session, assessment, clock, "woman", 5, 2, 0, simulated=True)
    auth.login("hr")
    assert "a demonstration" in client.get(url(assessment)).get_data(as_text=True)
    with db() as session:
        people(session, assessment, clock, "man", 5, 2, 10)
    assert "5 attempts made by hiring simulate are left out" in client.get(
        url(assessment)).get_data(as_text=True)


def test_in_croatian(client, auth, db, assessment, clock, tmp_path):
    planted(db, assessment, clock)
    auth.login("hr")
    croatian = {"Accept-Language": "hr"}
    page = client.get(url(assessment, stage="hired"), headers=croatian).get_data(as_text=True)
    assert "Nepovoljan učinak" in page
    assert ("Stopa odabira skupine Muškarac iznosi 0,50 stope skupine Žena: ispod četiri "
            "petine.") in page
    document = client.get(url(assessment, ".pdf", stage="hired"), headers=croatian).data
    assert re.search(rb"/Lang\s*\(hr\)", pdf_objects(document))
    assert "Manje od 5: nije prikazano." in pdf_to_text(document, tmp_path)


def test_no_hire_yet_is_not_called_no_decision(client, auth, db, assessment, clock):
    ask(db, assessment, ["gender"], clock)
    with db() as session:
        n = people(session, assessment, clock, "woman", 5, 0, 0)
        people(session, assessment, clock, "man", 5, 0, n)
    auth.login("hr")
    page = client.get(url(assessment, stage="hired")).get_data(as_text=True)
    assert "nobody has reached a stage" not in page
    assert "Nobody in these groups was selected: there is no ratio." in page
    assert "asks no self-identification questions" not in page
