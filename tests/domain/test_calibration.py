"""Calibration: anonymised answers, who still has to calibrate, raters' records."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hiring.assessment import calibration
from hiring.models import CalibrationAnswer, Item
from tests.factories import make_calibration_answer, make_user


def test_anonymise_removes_the_candidate_but_keeps_the_customer():
    text = ("Dear Ana, I am sorry.\nBest regards,\nAna Horvat (ana.horvat@example.com)\n"
            "HORVAT")
    result = calibration.anonymise(text, name="Ana Horvat", email="ana.horvat@example.com",
                                   keep=["Ana Marić"])
    # "Ana" is also the customer's name in the question, so it stays where it stands alone.
    assert result == "Dear Ana, I am sorry.\nBest regards,\n[name] ([e-mail])\n[name]"
    assert calibration.anonymise("Ivana wrote to Ivan.", name="Ivan Babić", email="",
                                 ) == "Ivana wrote to [name]."


def test_record_gives_the_mean_absolute_and_signed_deviation_per_criterion():
    # tone: given 4, 2, 3 against agreed 3, 3, 3 -> deviations +1, -1, 0:
    #   mean absolute 2/3, mean signed 0.
    # empathy: given 5, 5 (third rating lacks it) against 3, 4 -> +2, +1: 1.5 and +1.5.
    # overall: |+1| + |-1| + 0 + 2 + 1 = 5 over 5 ratings = 1.0
    pairs = [({"tone": 4, "empathy": 5}, {"tone": 3, "empathy": 3}),
             ({"tone": 2, "empathy": 5}, {"tone": 3, "empathy": 4}),
             ({"tone": 3}, {"tone": 3, "empathy": 2})]
    record = calibration.record("Rater", pairs)
    assert record.answers == 3
    assert record.mad == {"tone": pytest.approx(2 / 3), "empathy": 1.5}
    assert record.bias == {"tone": 0, "empathy": 1.5}
    assert record.counts == {"tone": 3, "empathy": 2}
    assert record.overall == 1.0
    assert calibration.record("Nobody", []).overall is None


def test_progress_asks_for_the_setting_or_every_answer_there_is(db, bank):
    with db() as session:
        rater = make_user(session, email="new@example.com")
        first = make_calibration_answer(session)
        item_id = first.item_id
        needed = calibration.progress([item_id], rater.id, session=session, required=2)
        assert needed[item_id] == calibration.Progress(item_id, 0, 1, first.id)
        second = make_calibration_answer(session, text="Second sample.")
        third = make_calibration_answer(session, text="Third sample.")
        calibration.rate_answer(first, session=session, rater_id=rater.id,
                                scores={"tone": 3, "empathy": 3})
        after_one = calibration.progress([item_id], rater.id, session=session, required=2)
        assert after_one[item_id] == calibration.Progress(item_id, 1, 2, second.id)
        assert after_one[item_id].pending
        second.active = False  # a retired answer is given to nobody new
        session.flush()
        retired = calibration.progress([item_id], rater.id, session=session, required=2)
        assert retired[item_id].next_answer_id == third.id
        calibration.rate_answer(third, session=session, rater_id=rater.id,
                                scores={"tone": 3, "empathy": 3})
        done = calibration.progress([item_id], rater.id, session=session, required=2)
        assert not done[item_id].pending and done[item_id].done == 2


def test_a_calibration_answer_rates_every_criterion_once(db, bank):
    with db() as session:
        rater = make_user(session)
        answer = make_calibration_answer(session)
        with pytest.raises(calibration.CalibrationError, match="every criterion"):
            calibration.rate_answer(answer, session=session, rater_id=rater.id,
                                    scores={"tone": 3})
        with pytest.raises(calibration.CalibrationError, match="1 to 5"):
            calibration.rate_answer(answer, session=session, rater_id=rater.id,
                                    scores={"tone": 3, "empathy": 6})
        calibration.rate_answer(answer, session=session, rater_id=rater.id,
                                scores={"tone": 5, "empathy": 1})
        with pytest.raises(calibration.CalibrationError, match="already rated"):
            calibration.rate_answer(answer, session=session, rater_id=rater.id,
                                    scores={"tone": 4, "empathy": 3})


def test_agreed_ratings_and_an_explanation_are_required(db, bank):
    with db() as session:
        item = session.exec(select(Item).where(Item.key == "wr-1")).one()
        with pytest.raises(calibration.CalibrationError, match="every criterion"):
            make_calibration_answer(session, agreed={"tone": 3})
        with pytest.raises(calibration.CalibrationError, match="Explain"):
            make_calibration_answer(session, explanation="  ")
        sjt = session.exec(select(Item).where(Item.key == "sjt-1")).one()
        with pytest.raises(calibration.CalibrationError, match="written"):
            make_calibration_answer(session, key=sjt.key)
        assert session.exec(select(CalibrationAnswer)).all() == []
        assert item.type == "written"
