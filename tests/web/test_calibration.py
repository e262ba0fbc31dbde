"""Calibration on the web: HR makes answers, a new rater calibrates before rating."""

from __future__ import annotations

import re

from sqlmodel import select

from hiring.assessment import engine
from hiring.models import (
    Attempt,
    CalibrationAnswer,
    CalibrationRating,
    Item,
    Rating,
    Response,
)
from hiring.web.calibration import bp
from tests.factories import make_attempt, make_calibration_answer

TEXT = "Dear Ana, I am so sorry about the refund.\nKind regards, Đurđa Šimić, durda@example.com"


def submitted_attempt(db, assessment, clock, name="Đurđa Šimić",
                      email="durda@example.com") -> tuple[int, int]:
    """Return the ids of a submitted attempt and of its written response."""
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True, name=name,
                                  email=email)
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session,
                               now=clock(), seq=1)
        engine.save_answer(attempt, 6, {"text": TEXT}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        return attempt.id, engine.response_at(attempt, 6, session=session).id


def two_calibration_answers(db) -> list[int]:
    with db() as session:
        first = make_calibration_answer(
            session, text="Dear Ana, sorry. Paid.", agreed={"tone": 2, "empathy": 2},
            explanation="Curt: the apology names nothing of what happened.")
        second = make_calibration_answer(
            session, text="Dear Ana, I am truly sorry you waited two weeks.",
            agreed={"tone": 5, "empathy": 4}, explanation="Warm and specific.")
        return [first.id, second.id]


def test_a_new_rater_calibrates_first_sees_deviations_then_rates_candidates(
        client, auth, db, assessment, clock):
    attempt_id, response_id = submitted_attempt(db, assessment, clock)
    first, second = two_calibration_answers(db)
    auth.login("interviewer")

    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "rate 2 more calibration answers" in page and "score_tone" not in page
    assert f"/calibration/answers/{first}?attempt={attempt_id}" in page
    refused = client.post(f"/attempts/{attempt_id}/responses/{response_id}/rate",
                          data={"score_tone": 4, "score_empathy": 4})
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith(f"/calibration/answers/{first}"
                                                f"?attempt={attempt_id}")
    with db() as session:
        assert session.exec(select(Rating)).all() == []

    form = client.get(f"/calibration/answers/{first}?attempt={attempt_id}")
    text = form.get_data(as_text=True)
    assert "Dear Ana, sorry. Paid." in text and 'name="score_tone" value="5"' in text
    assert "Curt:" not in text  # the agreed ratings and why come after rating
    rated = client.post(f"/calibration/answers/{first}?attempt={attempt_id}",
                        data={"score_tone": 4, "score_empathy": 2})
    assert rated.status_code == 302
    result = client.get(rated.headers["Location"]).get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\w+)</td><td class=\"num\">(\d)</td><td class=\"num\">(\d)"
                      r"</td>\s*<td class=\"num deviation-\d\">([+\-]?\d)</td>", result)
    assert rows == [("Tone", "4", "2", "+2"), ("Empathy", "2", "2", "0")]
    assert "Curt: the apology names nothing of what happened." in result
    assert f"/calibration/answers/{second}?attempt={attempt_id}" in result
    assert "Next calibration answer (2 of 2)" in result

    # a calibration rating is kept as given
    again = client.post(f"/calibration/answers/{first}",
                        data={"score_tone": 2, "score_empathy": 2})
    assert again.status_code == 200
    client.post(f"/calibration/answers/{second}?attempt={attempt_id}",
                data={"score_tone": 5, "score_empathy": 3})
    done = client.get(f"/calibration/answers/{second}?attempt={attempt_id}"
                      ).get_data(as_text=True)
    assert "Calibration done: rate the candidate's answer" in done
    with db() as session:
        mine = {r.answer_id: r.scores for r in session.exec(select(CalibrationRating))}
    assert mine == {first: {"tone": 4, "empathy": 2}, second: {"tone": 5, "empathy": 3}}

    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "calibration answer" not in page.split('id="answers"')[1].split("</form>")[0]
    assert 'name="score_tone"' in page
    assert client.post(f"/attempts/{attempt_id}/responses/{response_id}/rate",
                       data={"score_tone": 4, "score_empathy": 4}).status_code == 302
    with db() as session:
        assert session.get(Response, response_id).score == 0.75


def test_calibration_ratings_never_change_a_score(client, auth, db, assessment, clock):
    attempt_id, response_id = submitted_attempt(db, assessment, clock)
    auth.login("hr")  # HR rates the candidate first, then makes a calibration answer of it
    client.post(f"/attempts/{attempt_id}/responses/{response_id}/rate",
                data={"score_tone": 3, "score_empathy": 3})
    saved = client.post(f"/admin/calibration/new?response={response_id}", data={
        "language": "en", "text": "Dear Ana, I am so sorry about the refund.",
        "score_tone": 5, "score_empathy": 5, "explanation": "Model answer."})
    assert saved.status_code == 302
    with db() as session:
        before = session.get(Attempt, attempt_id).results
        answer = session.exec(select(CalibrationAnswer)).one()
    auth.logout()
    auth.login("interviewer")
    client.post(f"/calibration/answers/{answer.id}", data={"score_tone": 1, "score_empathy": 1})
    with db() as session:
        assert session.get(Attempt, attempt_id).results == before
        assert session.get(Response, response_id).score == 0.5
        assert len(session.exec(select(Rating)).all()) == 1
        assert len(session.exec(select(CalibrationRating)).all()) == 1


def test_hr_marks_a_response_anonymised_and_raters_never_see_the_candidate(
        client, auth, db, assessment, clock):
    attempt_id, response_id = submitted_attempt(db, assessment, clock)
    auth.login("hr")
    attempt_page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f"/admin/calibration/new?response={response_id}" in attempt_page
    draft = client.get(f"/admin/calibration/new?response={response_id}").get_data(as_text=True)
    textarea = draft.split('name="text"')[1].split("</textarea>")[0]
    assert "Dear Ana" in textarea and "[name]" in textarea and "[e-mail]" in textarea
    assert "Šimić" not in textarea and "durda@example.com" not in textarea
    assert 'value="4"' in draft and "Excellent" in draft and "Good" in draft  # 5 anchors

    missing = client.post(f"/admin/calibration/new?response={response_id}", data={
        "language": "en", "text": "Dear Ana, sorry.", "score_tone": 3,
        "explanation": "Generic."})
    assert missing.status_code == 400 and "Empathy" in missing.get_data(as_text=True)
    client.post(f"/admin/calibration/new?response={response_id}", data={
        "language": "en", "text": "Dear Ana, sorry. Kind regards, [name]", "score_tone": 3,
        "score_empathy": 2, "explanation": "Generic."})
    with db() as session:
        answer = session.exec(select(CalibrationAnswer)).one()
        assert (answer.origin, answer.agreed) == ("response", {"tone": 3, "empathy": 2})
    listing = client.get("/admin/calibration/").get_data(as_text=True)
    assert "from a candidate, anonymised" in listing and "Šimić" not in listing

    auth.logout()
    auth.login("interviewer")
    for url in ("/calibration/", f"/calibration/answers/{answer.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Šimić" not in page and "durda@example.com" not in page
        assert f"/attempts/{attempt_id}" not in page


def test_hr_writes_a_sample_answer_and_retires_it(client, auth, db, assessment):
    auth.login("hr")
    with db() as session:
        item = session.exec(select(Item).where(Item.key == "wr-1")).one()
    manage = client.get("/admin/calibration/").get_data(as_text=True)
    assert f"/admin/calibration/new?item={item.id}" in manage
    assert client.post(f"/admin/calibration/new?item={item.id}", data={
        "language": "hr", "text": "Poštovana Ana, ispričavamo se.", "score_tone": 3,
        "score_empathy": 3, "explanation": "Općenito."}).status_code == 302
    with db() as session:
        answer = session.exec(select(CalibrationAnswer)).one()
        assert (answer.language, answer.origin, answer.active) == ("hr", "sample", True)
    assert client.post(f"/admin/calibration/{answer.id}/retire").status_code == 302
    with db() as session:
        assert session.get(CalibrationAnswer, answer.id).active is False
    auth.logout()
    auth.login("interviewer")
    assert client.post(f"/calibration/answers/{answer.id}",
                       data={"score_tone": 3, "score_empathy": 3}).status_code == 409


def test_hr_sees_each_raters_calibration_record(client, auth, db, assessment):
    first, second = two_calibration_answers(db)
    auth.login("interviewer")
    # tone +2 and -1, empathy 0 and -2: MAD tone 1.5 (bias +0.5), empathy 1.0 (-1.0)
    client.post(f"/calibration/answers/{first}", data={"score_tone": 4, "score_empathy": 2})
    client.post(f"/calibration/answers/{second}", data={"score_tone": 4, "score_empathy": 2})
    auth.logout()
    auth.login("hr")
    page = client.get("/admin/calibration/raters").get_data(as_text=True)
    row = page.split("Interviewer &lt;interviewer@example.com&gt;")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="num">(.*?)</td>', row)
    assert cells[0] == "2"
    assert "1.00" in cells[1] and "(-1.00)" in cells[1]  # empathy
    assert "1.50" in cells[2] and "(+0.50)" in cells[2]  # tone
    assert "1.25" in cells[3]  # (2 + 1 + 0 + 2) / 4


def test_hr_is_not_sent_to_calibration_and_the_setting_sets_how_many(
        app, client, auth, db, assessment, clock):
    attempt_id, _ = submitted_attempt(db, assessment, clock)
    two_calibration_answers(db)
    auth.login("hr")
    assert 'name="score_tone"' in client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    auth.logout()
    app.config["CALIBRATION_ANSWERS"] = 1
    auth.login("interviewer")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "rate 1 more calibration answer:" in page


def test_calibration_routes_by_role(client, auth, db, assessment):
    (answer_id, _) = two_calibration_answers(db)
    hr_routes = {rule.endpoint for rule in client.application.url_map.iter_rules()
                 if rule.endpoint.startswith(bp.name + ".")
                 and "hr" == ",".join(client.application.view_functions[rule.endpoint].access)}
    assert hr_routes == {"calibration.manage", "calibration.new_answer", "calibration.retire",
                         "calibration.raters"}
    auth.login("interviewer")
    for url in ("/admin/calibration/", "/admin/calibration/new?item=1",
                "/admin/calibration/raters", "/admin/assessments/1/rater-agreement.csv"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/calibration/{answer_id}/retire").status_code == 403
    assert client.get("/calibration/").status_code == 200
    assert client.get(f"/calibration/answers/{answer_id}").status_code == 200
