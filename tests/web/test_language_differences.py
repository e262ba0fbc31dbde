"""The item-health page's differences between language versions, and their CSV."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import asdict

from hiring.assessment.simulate import invite_and_complete
from hiring.scoring import aggregates
from hiring.scoring.dif import DifReport, ItemDif
from hiring.scoring.item_health import ITEM_HEALTH, health_data, item_health

HEADING = "Differences between language versions"


def simulate(db, assessment, clock, languages: list[str]) -> None:
    rng = random.Random(5)
    with db() as session:
        for language in languages:
            invite_and_complete(session.merge(assessment), session=session, now=clock(),
                                rng=rng, language=language)


def page(client, assessment, **headers) -> str:
    response = client.get(f"/admin/assessments/{assessment.id}/items", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_one_language_has_nothing_to_compare(client, auth, db, assessment, clock):
    simulate(db, assessment, clock, ["en"] * 3)
    auth.login("hr")
    html = page(client, assessment)
    assert HEADING in html
    assert ("Every completed attempt was taken in one language (English): there is no other "
            "language version") in html
    assert "language-differences.csv" not in html


def test_too_few_responses_say_so(client, auth, db, assessment, clock):
    simulate(db, assessment, clock, ["en", "hr"] * 3)
    auth.login("hr")
    html = page(client, assessment)
    assert "Too few responses to judge: an item is compared once each language has 100" in html
    response = client.get(f"/admin/assessments/{assessment.id}/language-differences.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    # the mini assessment's four situations are matched on their judgement score
    assert sorted(row["item"] for row in rows) == ["sjt-1", "sjt-2", "sjt-3", "sjt-4"]
    assert {(row["reference_language"], row["focal_language"], row["n_reference"],
             row["n_focal"], row["class"], row["not_judged_because"]) for row in rows} == {
        ("en", "hr", "3", "3", "", "too few")}


def _kept_with(db, assessment, report: DifReport) -> None:
    with db() as session:
        stamp, data = health_data(assessment.id, session=session)
        data["dif"] = asdict(report)
        aggregates.keep(assessment.id, ITEM_HEALTH, data, stamp, session=session)


FLAGGED = DifReport("en", {"en": 640, "hr": 610}, [
    ItemDif("num-refund", "numeracy", "numeric", "en", "hr", "mantel-haenszel", 640, 610,
            category="C", chi_square=58.1, p=1e-12, alpha=3.1, delta=-2.66, se=0.35,
            effect=-2.66),
    ItemDif("sjt-2", "composure", "sjt", "en", "hr", "mantel", 640, 610, category="BB",
            chi_square=9.2, p=0.002, smd=0.09, effect=0.21),
    ItemDif("sjt-3", "composure", "sjt", "en", "hr", "mantel", 640, 610, category="AA",
            chi_square=0.2, p=0.65, smd=0.01, effect=0.02),
    ItemDif("sjt-4", "composure", "sjt", "en", "hr", "mantel", 90, 80, reason="too few"),
])


def test_flagged_items_are_listed_with_their_class_and_what_it_means(client, auth, db,
                                                                      assessment, clock):
    simulate(db, assessment, clock, ["en", "hr"] * 3)
    _kept_with(db, assessment, FLAGGED)
    auth.login("hr")
    html = page(client, assessment)
    section = html[html.index(HEADING):]
    assert "2 items work differently in another language." in section
    assert section.index("num-refund") < section.index("sjt-2")  # large ones first
    assert "sjt-3" not in section  # A: negligible, not listed
    assert "MH D-DIF -2.66" in section and "SMD/SD 0.21" in section
    assert "Candidates with the same score do worse on it in Croatian than in English." in section
    assert "A large difference: check the translation" in section
    assert "do better on it in Croatian than in English." in section
    assert "A moderate difference: check the translation." in section
    assert "1 comparison had too few responses to judge." in section
    assert "610 / 640" in section


def test_in_croatian(client, auth, db, assessment, clock):
    simulate(db, assessment, clock, ["en", "hr"] * 3)
    _kept_with(db, assessment, FLAGGED)
    auth.login("hr")
    html = page(client, assessment, **{"Accept-Language": "hr"})
    assert "Razlike među jezičnim verzijama" in html
    assert "2 stavke drukčije funkcioniraju u drugom jeziku." in html
    assert "Hrvatski" not in html and "English" not in html  # languages named in Croatian


def test_nothing_flagged_says_so(client, auth, db, assessment, clock):
    simulate(db, assessment, clock, ["en", "hr"] * 3)
    _kept_with(db, assessment, DifReport("en", {"en": 640, "hr": 610}, FLAGGED.items[2:3]))
    auth.login("hr")
    html = page(client, assessment)
    assert ("The 1 comparison that had enough responses found no item that works "
            "differently between languages") in html


def test_figures_kept_without_the_differences_are_computed_again(db, assessment, clock):
    simulate(db, assessment, clock, ["en", "hr"])
    with db() as session:
        stamp, data = health_data(assessment.id, session=session)
        del data["dif"]
        aggregates.keep(assessment.id, ITEM_HEALTH, data, stamp, session=session)
    with db() as session:
        health = item_health(assessment.id, session=session, inline_limit=0)
        assert health is not None and health.dif is None  # shown as being computed
        assert aggregates.stale(session) == {(ITEM_HEALTH, assessment.id)}
        health = item_health(assessment.id, session=session)  # few: computed for the page
        assert health.dif is not None and health.dif.attempts == {"en": 1, "hr": 1}


def test_no_comparable_item_says_why(client, auth, db, assessment, clock):
    simulate(db, assessment, clock, ["en", "hr"])
    _kept_with(db, assessment, DifReport("en", {"en": 1, "hr": 1}, []))
    auth.login("hr")
    html = page(client, assessment)
    assert "No item can be compared: a candidate is matched on a scale only with 4 or more" in html


def test_the_csv_gives_what_the_page_shows(client, auth, db, assessment, clock):
    simulate(db, assessment, clock, ["en", "hr"] * 3)
    _kept_with(db, assessment, FLAGGED)
    auth.login("hr")
    response = client.get(f"/admin/assessments/{assessment.id}/language-differences.csv")
    rows = {row["item"]: row for row in csv.DictReader(io.StringIO(
        response.get_data(as_text=True)))}
    assert list(rows) == ["num-refund", "sjt-2", "sjt-3", "sjt-4"]
    assert (rows["num-refund"]["class"], rows["num-refund"]["mh_d_dif"],
            rows["num-refund"]["se_d_dif"], rows["num-refund"]["smd_over_sd"]) == (
        "C", "-2.660", "0.350", "")
    assert (rows["sjt-2"]["class"], rows["sjt-2"]["smd"], rows["sjt-2"]["smd_over_sd"],
            rows["sjt-2"]["mh_d_dif"]) == ("BB", "0.090", "0.210", "")
    assert (rows["sjt-4"]["class"], rows["sjt-4"]["not_judged_because"]) == ("", "too few")


def test_hr_only(client, auth, db, assessment):
    auth.login("interviewer")
    response = client.get(f"/admin/assessments/{assessment.id}/language-differences.csv")
    assert response.status_code == 403
    auth.login("hr")
    assert client.get("/admin/assessments/999999/language-differences.csv").status_code == 404
