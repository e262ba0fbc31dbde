"""The rating page: every criterion with its five anchored levels, checked by WTForms."""

from __future__ import annotations

from hiring.assessment import engine
from tests.factories import make_attempt


def submitted(db, assessment, clock) -> tuple[int, int]:
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.save_answer(attempt, 6, {"text": "Dear Ana, sorry."}, session=session,
                           now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        return attempt.id, engine.response_at(attempt, 6, session=session).id


def test_the_rating_page_shows_all_five_anchors_of_every_criterion(
        client, auth, db, assessment, clock):
    attempt_id, _ = submitted(db, assessment, clock)
    auth.login("interviewer")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    for criterion in ("Tone", "Empathy"):
        fieldset = page.split(f"<legend>{criterion}</legend>")[1].split("</fieldset>")[0]
        anchors = [part.split("</span>")[0]
                   for part in fieldset.split('<span class="level-anchor">')[1:]]
        assert anchors == ["Poor", "Weak", "Fair", "Good", "Excellent"]
        assert fieldset.count('type="radio"') == 5


def test_a_rating_needs_every_criterion_and_a_level_from_1_to_5(
        client, auth, db, assessment, clock):
    attempt_id, response_id = submitted(db, assessment, clock)
    auth.login("interviewer")
    url = f"/attempts/{attempt_id}/responses/{response_id}/rate"
    assert client.post(url, data={"score_tone": 4}).status_code == 400
    too_high = client.post(url, data={"score_tone": 6, "score_empathy": 3})
    assert too_high.status_code == 400 and "Not a valid choice" in too_high.get_data(
        as_text=True)
    assert client.post(url, data={"score_tone": 5, "score_empathy": 3}).status_code == 302
