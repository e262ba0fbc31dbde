"""Saves and a submit racing each other: no acknowledged save is lost or left unscored."""

from __future__ import annotations

import threading

from hiring.assessment import engine
from hiring.items.types import get_type
from hiring.models import Attempt, ItemRevision
from tests.factories import make_attempt


def test_a_submit_racing_saves_scores_every_acknowledged_save(app, db, assessment, clock):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True)
    results: list[tuple[int, int, dict]] = []
    barrier = threading.Barrier(9)

    def save(position: int, seq: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/a/{token}/save", json={
            "position": position, "seq": seq, "answer": {"best": "a"}})
        results.append((position, response.status_code, response.get_json()))

    def submit() -> None:
        client = app.test_client()
        barrier.wait()
        submitted = client.post(f"/a/{token}/submit", data={"confirm": "1"})
        results.append((0, submitted.status_code, {}))

    threads = [threading.Thread(target=save, args=(p, s)) for p in range(1, 5) for s in (1, 2)]
    threads.append(threading.Thread(target=submit))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(status in (200, 302, 409) for _, status, _ in results), results
    acknowledged = {p for p, status, body in results if status == 200 and body["ok"]}
    with db() as session:
        attempt = session.get(Attempt, attempt.id)
        assert attempt.state in ("submitted", "scored")
        for response in engine.responses(attempt, session=session):
            content = session.get(ItemRevision, response.revision_id).content
            # What was stored is what was scored, whichever of the two came first; what
            # was not answered has no score at all.
            item_type = get_type(content["type"])
            expected = (item_type.score(content, response.params, response.answer)
                        if item_type.is_answered(response.answer) else None)
            assert response.score == expected
            if response.position in acknowledged:
                assert response.answer == {"best": "a"}
