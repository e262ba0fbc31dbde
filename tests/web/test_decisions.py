"""Staff record hiring decisions; HR sets the stages; the pipeline shows and filters them."""

from __future__ import annotations

from sqlmodel import select

from hiring.models import Attempt, AuditEvent, DecisionChange, DecisionStage
from tests.factories import make_attempt


def invited(db, assessment, clock, n=1) -> list[int]:
    ids = []
    with db() as session:
        for i in range(n):
            attempt, _ = make_attempt(session, assessment, now=clock(), name=f"Kandidat {i}",
                                      email=f"k{i}@example.com")
            attempt.created_at = clock()
            ids.append(attempt.id)
    return ids


def test_an_interviewer_records_a_stage_with_a_date_and_a_note(client, auth, db, assessment,
                                                               clock):
    (attempt_id,) = invited(db, assessment, clock)
    auth.login("interviewer")
    page = client.get(f"/decisions/attempts/{attempt_id}").get_data(as_text=True)
    assert "none recorded yet" in page and 'value="shortlisted"' in page
    response = client.post(f"/decisions/attempts/{attempt_id}", data={
        "stage": "shortlisted", "decided_on": "", "note": "Calm & clear <b>"})
    assert response.status_code == 302
    page = client.get(f"/decisions/attempts/{attempt_id}").get_data(as_text=True)
    assert "Current stage: <strong>Shortlisted</strong>" in page
    assert "Calm &amp; clear &lt;b&gt;" in page and clock().date().isoformat() in page
    with db() as session:
        assert session.get(Attempt, attempt_id).decision == "shortlisted"
        change = session.exec(select(DecisionChange)).one()
        assert change.actor_label == "interviewer@example.com"
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "decision_recorded")).one()
        assert event.object_id == attempt_id and event.detail["to"] == "shortlisted"


def test_bad_decisions_get_a_clear_message_and_change_nothing(client, auth, db, assessment,
                                                              clock):
    (attempt_id,) = invited(db, assessment, clock)
    auth.login("hr")
    future = clock().date().replace(year=clock().year + 1).isoformat()
    for data, message in [({"stage": "hired", "decided_on": future}, "in the future"),
                          ({"stage": "promoted"}, "Not a valid choice"),
                          ({"stage": "hired", "decided_on": "yesterday"}, "date"),
                          ({"stage": "hired", "note": "x" * 2001}, "2000")]:
        response = client.post(f"/decisions/attempts/{attempt_id}", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    with db() as session:
        assert session.get(Attempt, attempt_id).decision is None
        assert session.exec(select(DecisionChange)).all() == []
    assert client.get("/decisions/attempts/999999").status_code == 404


def test_hr_configures_the_stages(client, auth, db, assessment, clock):
    (attempt_id,) = invited(db, assessment, clock)
    auth.login("hr")
    base = f"/decisions/assessments/{assessment.id}/stages"
    assert "Withdrew" in client.get(base).get_data(as_text=True)
    assert client.post(base, data={"label": "Reference check"}).status_code == 302
    assert client.post(base, data={"label": ""}).status_code == 400
    assert client.post(f"{base}/offered/rename", data={"label": "Offer sent"}).status_code == 302
    assert client.post(f"{base}/reference_check/move", data={"step": "up"}).status_code == 302
    assert client.post(f"{base}/reference_check/move", data={"step": "sideways"}
                       ).status_code == 400
    assert client.post(f"{base}/withdrew/retire", data={"retired": "1"}).status_code == 302
    client.post(f"/decisions/attempts/{attempt_id}", data={"stage": "interviewed"})
    # A stage in use cannot be deleted; an unused one can, after confirming.
    assert client.get(f"{base}/interviewed/delete").status_code == 409
    assert client.post(f"{base}/rejected/delete", data={}).status_code == 400
    assert client.post(f"{base}/rejected/delete", data={"confirm": "1"}).status_code == 302
    assert client.post(f"{base}/nonesuch/retire").status_code == 400
    page = client.get(base).get_data(as_text=True)
    assert "Offer sent" in page and "Rejected" not in page and "(retired)" in page
    with db() as session:
        keys = [s.key for s in session.exec(select(DecisionStage).where(
            DecisionStage.assessment_id == assessment.id).order_by(DecisionStage.position))]
    assert keys == ["shortlisted", "interviewed", "offered", "hired", "reference_check",
                    "withdrew"]
    # A retired stage is no longer offered when recording.
    page = client.get(f"/decisions/attempts/{attempt_id}").get_data(as_text=True)
    assert 'value="withdrew"' not in page and 'value="reference_check"' in page


def test_interviewers_may_not_configure_stages(client, auth, assessment):
    auth.login("interviewer")
    assert client.get(f"/decisions/assessments/{assessment.id}/stages").status_code == 403
    assert client.get(f"/decisions/assessments/{assessment.id}/self-identification"
                      ).status_code == 403


def test_the_pipeline_shows_and_filters_by_decision(client, auth, db, assessment, clock):
    ids = invited(db, assessment, clock, 3)
    auth.login("hr")
    client.post(f"/decisions/attempts/{ids[0]}", data={"stage": "hired"})
    client.post(f"/decisions/attempts/{ids[1]}", data={"stage": "rejected"})
    url = f"/admin/assessments/{assessment.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Hired (1)" in page and "No decision yet (1)" in page
    hired = client.get(url + "?decision=hired").get_data(as_text=True)
    assert "Kandidat 0" in hired and "Kandidat 1" not in hired and "Kandidat 2" not in hired
    none = client.get(url + "?decision=none").get_data(as_text=True)
    assert "Kandidat 2" in none and "Kandidat 0" not in none
    ignored = client.get(url + "?decision=bogus")  # an unknown stage filters nothing
    assert ignored.status_code == 200 and "Kandidat 1" in ignored.get_data(as_text=True)


def test_built_in_stage_names_follow_the_readers_language(client, auth, db, assessment,
                                                         clock):
    (attempt_id,) = invited(db, assessment, clock)
    auth.login("hr")
    client.post(f"/decisions/attempts/{attempt_id}", data={"stage": "hired"})
    client.post(f"/decisions/assessments/{assessment.id}/stages/offered/rename",
                data={"label": "Offer sent"})
    croatian = client.get(f"/decisions/assessments/{assessment.id}/stages",
                          headers={"Accept-Language": "hr"}).get_data(as_text=True)
    assert "Zaposlen" in croatian and "U užem izboru" in croatian
    assert "Offer sent" in croatian  # HR's own name stays as HR wrote it
    english = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert "Hired" in english and "Zaposlen" not in english
