"""The candidate's pages: welcome, items, autosave, resume, deadline, submit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hiring.assessment import engine
from hiring.models import Attempt, AttemptEnd, AttemptState
from tests.factories import make_attempt


@pytest.fixture
def invitation(db, assessment, clock):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock())
    return attempt.id, token


def started(client, token):
    response = client.post(f"/a/{token}/start")
    assert response.status_code == 302
    return response


def stored(db, attempt_id):
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        return attempt, {r.position: r for r in engine.responses(attempt, session=session)}


def test_welcome_explains_and_starts(client, invitation):
    _, token = invitation
    page = client.get(f"/a/{token}").get_data(as_text=True)
    assert "Ana Horvat" in page and "6 questions" in page and "30 minutes" in page
    assert "Privacy" in page
    # What is recorded, and that it is neither a verdict nor part of a score, before Start.
    recorded = page[page.index("What is recorded"):page.index("Privacy")]
    assert "leave its page for more than 2 seconds (for another tab or window)" in recorded
    assert "paste text" in recorded and "network (IP) address and your browser" in recorded
    assert "never as a verdict, and they do not change any score" in recorded
    assert page.index("What is recorded") < page.index("Start the assessment")
    response = started(client, token)
    assert response.headers["Location"].endswith(f"/a/{token}")
    assert client.get(f"/a/{token}").headers["Location"].endswith(f"/a/{token}/q/1")


def test_unknown_token_is_404_with_a_clear_message(client, invitation):
    response = client.get("/a/not-a-real-token")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_item_page_shows_progress_and_timer(client, invitation):
    _, token = invitation
    started(client, token)
    page = client.get(f"/a/{token}/q/2").get_data(as_text=True)
    assert "Question 2 of 6" in page
    assert 'data-seconds-left="1800"' in page
    assert "Situation 2 in English." in page


def test_form_post_saves_and_moves_on_and_reload_shows_the_answer(client, db, invitation):
    attempt_id, token = invitation
    started(client, token)
    response = client.post(f"/a/{token}/q/1", data={"best": "b", "go": "next"})
    assert response.headers["Location"].endswith(f"/a/{token}/q/2")
    _, responses = stored(db, attempt_id)
    assert responses[1].answer == {"best": "b"}
    page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    assert 'value="b" checked' in page
    # Reopening the link resumes at the question last visited
    client.get(f"/a/{token}/q/3")
    assert client.get(f"/a/{token}").headers["Location"].endswith("/q/3")


def test_invalid_form_answer_is_shown_and_changes_nothing(client, db, invitation):
    attempt_id, token = invitation
    started(client, token)
    response = client.post(f"/a/{token}/q/5", data={"value": "twelve", "go": "next"})
    assert response.status_code == 400
    assert "Enter a number" in response.get_data(as_text=True)
    assert stored(db, attempt_id)[1][5].answer is None


def test_json_save_orders_by_sequence(client, db, invitation):
    attempt_id, token = invitation
    started(client, token)
    ok = client.post(f"/a/{token}/save", json={"position": 1, "seq": 3,
                                               "answer": {"best": "c"}, "time_spent_ms": 1200})
    assert ok.status_code == 200 and ok.json["accepted"] and ok.json["seq"] == 3
    stale = client.post(f"/a/{token}/save", json={"position": 1, "seq": 2,
                                                  "answer": {"best": "a"}})
    assert stale.status_code == 200 and not stale.json["accepted"]
    response = stored(db, attempt_id)[1][1]
    assert response.answer == {"best": "c"} and response.time_spent_ms == 1200


def test_json_save_based_on_a_stale_revision_is_refused_with_the_stored_answer(
        client, db, invitation):
    attempt_id, token = invitation
    started(client, token)
    page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    assert 'data-revision="0"' in page and 'name="base" value="0"' in page
    tab_b = client.post(f"/a/{token}/save", json={"position": 1, "base": 0,
                                                  "answer": {"best": "a"}})
    assert tab_b.json["accepted"] and tab_b.json["seq"] == 1
    tab_a = client.post(f"/a/{token}/save", json={"position": 1, "base": 0,
                                                  "answer": {"best": "b"}})
    assert tab_a.status_code == 200
    assert tab_a.json["accepted"] is False and tab_a.json["conflict"] is True
    assert tab_a.json["seq"] == 1 and tab_a.json["answer"] == {"best": "a", "worst": ""}
    assert stored(db, attempt_id)[1][1].answer == {"best": "a"}
    # Based on the revision it was given, the next change is stored.
    again = client.post(f"/a/{token}/save", json={"position": 1, "base": 1,
                                                  "answer": {"best": "b"}})
    assert again.json["accepted"] and again.json["seq"] == 2
    page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    assert 'data-revision="2"' in page and 'value="b" checked' in page


def test_form_post_based_on_a_stale_revision_shows_the_stored_answer(client, db, invitation):
    attempt_id, token = invitation
    started(client, token)
    client.post(f"/a/{token}/save", json={"position": 2, "base": 0, "answer": {"best": "a"}})
    response = client.post(f"/a/{token}/q/2", data={"best": "c", "base": "0", "go": "next"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "changed in another tab or on another device" in page
    assert 'value="a" checked' in page and 'name="base" value="1"' in page
    assert stored(db, attempt_id)[1][2].answer == {"best": "a"}
    moved = client.post(f"/a/{token}/q/2", data={"best": "c", "base": "1", "go": "next"})
    assert moved.headers["Location"].endswith(f"/a/{token}/q/3")
    assert stored(db, attempt_id)[1][2].answer == {"best": "c"}


def test_the_page_names_the_attempt_for_the_browser_without_its_token(client, invitation):
    _, token = invitation
    started(client, token)
    page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    key = page.split('data-attempt-key="', 1)[1].split('"', 1)[0]
    assert len(key) == 24 and key not in token and token not in key
    assert 'data-save-url="/a/' in page and "savequeue.js" in page
    assert f'data-next-url="/a/{token}/q/2"' in page and 'data-prev-url=""' in page
    review = client.get(f"/a/{token}/review").get_data(as_text=True)
    assert f'data-attempt-key="{key}"' in review and 'id="save-status"' in review


@pytest.mark.parametrize("body,status", [
    (b"not json", 400), (b"[1, 2]", 400), (b'{"position": 1}', 400),
    (b'{"position": 1, "seq": "x", "answer": {}}', 400),
    (b'{"position": 1, "base": -1, "answer": {}}', 400),
    (b'{"position": 1, "base": true, "answer": {}}', 400),
    (b'{"position": 1, "base": null, "seq": 1, "answer": {}}', 400),
    (b'{"position": 99, "seq": 1, "answer": {"best": "a"}}', 422),
    (b'{"position": 1, "seq": 1, "answer": {"best": "zz"}}', 422),
    (b'{"position": 1, "seq": 1, "answer": "a"}', 422),
])
def test_bad_save_requests_get_a_clear_4xx_and_change_nothing(client, db, invitation, body,
                                                              status):
    attempt_id, token = invitation
    started(client, token)
    response = client.post(f"/a/{token}/save", data=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json["ok"] is False and response.json["error"]
    assert all(r.answer is None for r in stored(db, attempt_id)[1].values())


def test_after_deadline_and_grace_saves_are_refused_and_attempt_submitted(client, db,
                                                                          invitation, clock):
    attempt_id, token = invitation
    started(client, token)
    client.post(f"/a/{token}/save", json={"position": 1, "seq": 1, "answer": {"best": "a"}})
    clock.advance(minutes=30, seconds=59)
    in_grace = client.post(f"/a/{token}/save", json={"position": 2, "seq": 1,
                                                     "answer": {"best": "a"}})
    assert in_grace.status_code == 200
    clock.advance(seconds=2)
    late = client.post(f"/a/{token}/save", json={"position": 3, "seq": 1,
                                                 "answer": {"best": "a"}})
    assert late.status_code == 409 and "Time is up" in late.json["error"]
    attempt, responses = stored(db, attempt_id)
    assert attempt.state == AttemptState.SCORED
    assert responses[1].answer == responses[2].answer == {"best": "a"}
    assert responses[3].answer is None
    assert attempt.ended_by == AttemptEnd.DEADLINE
    assert client.get(f"/a/{token}/q/1").headers["Location"].endswith("/done")


def time_ran_out(page: str, at: str = "2026-03-02 09:30") -> bool:
    return ("<h1>Time is up</h1>" in page and f"ran out at {at} UTC" in page
            and "submitted automatically" in page)


def test_the_done_page_says_when_the_server_closed_the_attempt_after_the_deadline(
        client, invitation, clock):
    _, token = invitation
    started(client, token)
    clock.advance(hours=5)  # the candidate closed the page; the clock ran on
    assert client.get(f"/a/{token}").headers["Location"].endswith("/done")
    page = client.get(f"/a/{token}/done").get_data(as_text=True)
    assert time_ran_out(page)  # when the time ran out, not when the server noticed
    assert "Thank you, Ana Horvat." in page


# ---- submitting: a confirmation when questions are unanswered, and the clock --------


def test_a_submit_with_unanswered_questions_asks_first_and_names_how_many(
        client, db, invitation):
    attempt_id, token = invitation
    started(client, token)
    client.post(f"/a/{token}/q/1", data={"best": "b", "go": "next"})
    client.post(f"/a/{token}/q/2", data={"best": "a", "go": "next"})
    asked = client.post(f"/a/{token}/submit")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "4 questions have no answer. Submit anyway?" in page
    assert f'href="/a/{token}/q/3">Go to question 3</a>' in page  # the first unanswered
    assert f'href="/a/{token}/review">Back to the review</a>' in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert 'id="timer"' in page  # the clock keeps running here too
    attempt, _ = stored(db, attempt_id)
    assert attempt.state == AttemptState.IN_PROGRESS and attempt.submitted_at is None

    confirmed = client.post(f"/a/{token}/submit", data={"confirm": "1"})
    assert confirmed.headers["Location"].endswith(f"/a/{token}/done")
    attempt, _ = stored(db, attempt_id)
    assert attempt.state == AttemptState.SCORED and attempt.ended_by == AttemptEnd.CANDIDATE


def test_one_unanswered_question_is_named_in_the_singular_and_in_croatian(
        client, db, assessment, clock):
    with db() as session:
        _, token = make_attempt(session, assessment, now=clock(), started=True,
                                language="hr")
    for position, answer in ((1, {"best": "a"}), (2, {"best": "a"}), (3, {"best": "a"}),
                             (4, {"best": "a"}), (5, {"value": "12"})):
        client.post(f"/a/{token}/q/{position}", data={**answer, "go": "next"})
    page = client.post(f"/a/{token}/submit").get_data(as_text=True)
    assert "1 pitanje nema odgovora. Ipak predati?" in page
    assert "Idi na pitanje 6" in page and "Ipak predaj" in page


def test_a_submit_with_every_question_answered_needs_no_confirmation(client, db, invitation):
    attempt_id, token = invitation
    started(client, token)
    for position, answer in ((1, {"best": "a"}), (2, {"best": "a"}), (3, {"best": "a"}),
                             (4, {"best": "a"}), (5, {"value": "12"}),
                             (6, {"text": "Dear Ana, sorry."})):
        client.post(f"/a/{token}/q/{position}", data={**answer, "go": "next"})
    assert "You have answered every question." in client.get(
        f"/a/{token}/review").get_data(as_text=True)
    response = client.post(f"/a/{token}/submit")
    assert response.headers["Location"].endswith("/done")
    assert stored(db, attempt_id)[0].state == AttemptState.SUBMITTED


def test_the_pages_timer_submits_without_asking_and_the_done_page_says_time_ran_out(
        client, db, invitation, clock):
    attempt_id, token = invitation
    started(client, token)
    clock.advance(minutes=29, seconds=55)  # the page's count may reach zero a little early
    response = client.post(f"/a/{token}/submit", data={"timeup": "1"})
    assert response.headers["Location"].endswith("/done")
    attempt, _ = stored(db, attempt_id)
    assert attempt.ended_by == AttemptEnd.TIMER and attempt.timed_out
    page = client.get(f"/a/{token}/done").get_data(as_text=True)
    assert time_ran_out(page) and "Thank you, Ana Horvat." in page
    # A late save is told why it is refused.
    late = client.post(f"/a/{token}/save", json={"position": 1, "seq": 5,
                                                 "answer": {"best": "a"}})
    assert late.status_code == 409 and late.json["error"].startswith("Time is up")


def test_a_timeup_long_before_the_deadline_is_the_candidates_own_submit(
        client, db, invitation, clock):
    attempt_id, token = invitation
    started(client, token)
    clock.advance(minutes=10)
    asked = client.post(f"/a/{token}/submit", data={"timeup": "1"})
    assert "6 questions have no answer" in asked.get_data(as_text=True)
    assert stored(db, attempt_id)[0].state == AttemptState.IN_PROGRESS
    client.post(f"/a/{token}/submit", data={"timeup": "1", "confirm": "1"})
    attempt, _ = stored(db, attempt_id)
    assert attempt.ended_by == AttemptEnd.CANDIDATE and not attempt.timed_out
    assert not time_ran_out(client.get(f"/a/{token}/done").get_data(as_text=True))


def test_a_submit_of_a_closed_attempt_asks_nothing(client, db, invitation):
    _, token = invitation
    started(client, token)
    client.post(f"/a/{token}/submit", data={"confirm": "1"})
    again = client.post(f"/a/{token}/submit")
    assert again.status_code == 302 and again.headers["Location"].endswith("/done")


def test_review_then_submit(client, db, invitation):
    attempt_id, token = invitation
    started(client, token)
    client.post(f"/a/{token}/q/6", data={"text": "Dear Ana, sorry.", "go": "review"})
    page = client.get(f"/a/{token}/review").get_data(as_text=True)
    assert "5 questions still without an answer" in page
    response = client.post(f"/a/{token}/submit", data={"confirm": "1"})
    assert response.headers["Location"].endswith("/done")
    done = client.get(f"/a/{token}/done").get_data(as_text=True)
    assert "Thank you, Ana Horvat" in done and "<h1>Time is up</h1>" not in done
    attempt, _ = stored(db, attempt_id)
    assert attempt.state == AttemptState.SUBMITTED  # the written answer waits for ratings
    assert attempt.ended_by == AttemptEnd.CANDIDATE and not attempt.timed_out
    again = client.post(f"/a/{token}/save", json={"position": 1, "seq": 9,
                                                  "answer": {"best": "a"}})
    assert again.status_code == 409


def test_candidate_text_is_escaped(client, db, assessment, clock):
    with db() as session:
        _, token = make_attempt(session, assessment, now=clock(),
                                name="<script>alert(1)</script>")
    page = client.get(f"/a/{token}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_integrity_events_are_counted(client, db, invitation, clock):
    attempt_id, token = invitation
    assert client.post(f"/a/{token}/event", json={"type": "focus_lost"}).json["counted"] is False
    started(client, token)
    page = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    assert 'data-event-url="/a/' in page and 'data-focus-loss-ms="2000"' in page
    for _ in range(2):
        assert client.post(f"/a/{token}/event", json={"type": "focus_lost"}).json["counted"]
        clock.advance(seconds=30)
    client.post(f"/a/{token}/event", json={"type": "paste", "position": 6, "chars": 120})
    bad = client.post(f"/a/{token}/event", json={"type": "reboot"})
    assert bad.status_code == 400
    client.get(f"/a/{token}/q/2", headers={"User-Agent": "Other browser"},
               environ_base={"REMOTE_ADDR": "10.1.2.3"})
    attempt, responses = stored(db, attempt_id)
    assert (attempt.focus_losses, attempt.paste_count) == (2, 1)
    assert (responses[6].paste_count, responses[6].pasted_chars) == (1, 120)
    assert attempt.ip_addresses == ["127.0.0.1", "10.1.2.3"]
    assert len(attempt.user_agents) == 2


def test_the_attempt_records_browsers_from_its_start_not_the_invitations_reading(
        client, db, invitation):
    """Reading the invitation on a phone and taking the assessment on a computer is no
    change of address or browser during the attempt."""
    attempt_id, token = invitation
    phone = {"headers": {"User-Agent": "Phone"}, "environ_base": {"REMOTE_ADDR": "10.9.9.9"}}
    assert client.get(f"/a/{token}", **phone).status_code == 200
    assert client.get(f"/a/{token}/practice/1", **phone).status_code in (200, 302, 404)
    attempt, _ = stored(db, attempt_id)
    assert (attempt.ip_addresses, attempt.user_agents) == (None, None)
    assert client.post(f"/a/{token}/start", headers={"User-Agent": "Desktop"}).status_code == 302
    attempt, _ = stored(db, attempt_id)
    assert (attempt.ip_addresses, attempt.user_agents) == (["127.0.0.1"], ["Desktop"])
    client.get(f"/a/{token}", **phone)  # during the attempt, the phone counts
    attempt, _ = stored(db, attempt_id)
    assert (attempt.ip_addresses, attempt.user_agents) == (
        ["127.0.0.1", "10.9.9.9"], ["Desktop", "Phone"])


def test_a_language_chosen_on_the_welcome_page_is_kept_until_the_start(
        client, db, invitation):
    attempt_id, token = invitation
    assert '<html lang="hr"' in client.get(f"/a/{token}?lang=hr").get_data(as_text=True)
    assert stored(db, attempt_id)[0].language == "hr"
    assert '<html lang="hr"' in client.get(f"/a/{token}").get_data(as_text=True)
    started(client, token)
    assert stored(db, attempt_id)[0].language == "hr"
    # a started attempt keeps its language: the link with ?lang= goes on to the questions
    assert client.get(f"/a/{token}?lang=en").headers["Location"].endswith("/q/1")
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        assert not engine.choose_language(attempt, "en", session=session)
    assert stored(db, attempt_id)[0].language == "hr"


def test_focus_losses_closer_than_the_threshold_are_one_absence(client, db, invitation, clock):
    """A page reports an absence once, after 2 s of it: a burst is one absence, counted once.

    Two open pages of the attempt (or a page that misbehaves) may report the same one."""
    attempt_id, token = invitation
    started(client, token)

    def report() -> bool:
        response = client.post(f"/a/{token}/event", json={"type": "focus_lost"})
        assert response.status_code == 200
        return response.json["counted"]

    assert report() is True
    assert report() is False
    clock.advance(seconds=1, milliseconds=999)
    assert report() is False
    clock.advance(milliseconds=1)  # 2 s after the one counted
    assert report() is True
    clock.advance(seconds=2)
    assert report() is True
    attempt, _ = stored(db, attempt_id)
    assert attempt.focus_losses == 3
    assert attempt.focus_lost_at == clock()


# ---- accommodations ---------------------------------------------------------------------


def test_the_welcome_page_tells_a_longer_time(client, db, assessment, clock):
    with db() as session:
        _, token = make_attempt(session, assessment, now=clock(), time_multiplier=1.5)
        _, usual = make_attempt(session, assessment, now=clock(), email="u@example.com")
    page = client.get(f"/a/{token}").get_data(as_text=True)
    assert "45 minutes" in page and "You have 1.5 times the usual time: 45 minutes." in page
    assert "does not lower your score" in page
    croatian = client.get(f"/a/{token}?lang=hr").get_data(as_text=True)
    assert "Imate 1,5 puta dulje vrijeme od uobičajenog: 45 minuta." in croatian
    page = client.get(f"/a/{usual}").get_data(as_text=True)
    assert "30 minutes" in page and "usual time" not in page


def test_the_larger_text_switch_is_on_every_candidate_page_and_set_before_paint(
        client, invitation):
    _, token = invitation
    for url in (f"/a/{token}", f"/a/{token}/q/1"):
        if url.endswith("/q/1"):
            started(client, token)
        page = client.get(url).get_data(as_text=True)
        head = page[:page.index("</head>")]
        # in <head>, without defer: it marks <html> before the body is drawn
        assert '<script src="/static/js/larger-text.js"></script>' in head
        assert 'href="/static/css/larger-text.css"' in head
        assert 'id="larger-text"' in page and "Larger text and high contrast" in page


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_larger_text_colours_have_a_contrast_of_at_least_7_to_1():
    css = (Path(__file__).resolve().parents[2] / "hiring/static/css/larger-text.css"
           ).read_text(encoding="utf-8")
    block = css[css.index("html.larger-text body {"):]
    block = block[:block.index("}")]
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block))
    assert colours["bg"] == colours["card"] == "#ffffff"
    assert "font-size: 125%" in css
    white = _luminance("#ffffff")
    for name in ("ink", "muted", "accent", "ok", "warn", "err"):
        ratio = (white + 0.05) / (_luminance(colours[name]) + 0.05)
        assert ratio >= 7, f"--{name} {colours[name]} has a contrast of {ratio:.1f}:1"
    accent_ink = (_luminance(colours["accent-ink"]) + 0.05) / (
        _luminance(colours["accent"]) + 0.05)
    assert accent_ink >= 7
