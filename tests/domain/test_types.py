"""Item types: answers are checked and scored by pure functions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hiring.banks.loader import load_path
from hiring.items.formula import FormulaError, evaluate
from hiring.items.messages import in_language
from hiring.items.types import ITEM_TYPES, AnswerError, get_type
from hiring.items.types.numeric import expected, parse_number

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def items():
    return {item["id"]: item for item in load_path(DATA / "mini_bank.yaml").items}


def test_sjt_best_scores_the_chosen_key(items):
    sjt, content = get_type("sjt"), items["sjt-1"]  # keys a5 b3 c2 d1
    assert sjt.score(content, None, {"best": "a"}) == 1.0
    assert sjt.score(content, None, {"best": "b"}) == 0.5
    assert sjt.score(content, None, {"best": "d"}) == 0.0
    assert sjt.score(content, None, None) == 0.0


def test_sjt_best_worst_scores_both_halves(items):
    sjt, content = get_type("sjt"), items["sjt-4"]
    assert sjt.score(content, None, {"best": "a", "worst": "d"}) == 1.0
    assert sjt.score(content, None, {"best": "d", "worst": "a"}) == 0.0
    assert sjt.score(content, None, {"best": "b", "worst": "c"}) == (2 + 3) / 8
    assert sjt.score(content, None, {"best": "a"}) == 4 / 8


def test_answers_are_described_in_the_profile_language(items):
    sjt, content = get_type("sjt"), items["sjt-4"]
    option = {o["id"]: o["text"] for o in content["options"]}
    english = sjt.describe_answer(content, None, {"best": "a", "worst": "d"}, "en")
    croatian = sjt.describe_answer(content, None, {"best": "a", "worst": "d"}, "hr")
    assert english == f"best: {option['a']['en']}; worst: {option['d']['en']}"
    assert croatian == f"najbolje: {option['a']['hr']}; najlošije: {option['d']['hr']}"
    assert sjt.describe_answer(content, None, None, "hr") == "(bez odgovora)"
    numeric, sum_item = get_type("numeric"), next(i for i in items.values()
                                                  if i["type"] == "numeric")
    params = numeric.draw_params(sum_item, random.Random(1))
    assert "(točno: " in numeric.describe_answer(sum_item, params, "12", "hr")
    assert "(correct: " in numeric.describe_answer(sum_item, params, "12", "en")


def test_sjt_rejects_foreign_options_and_same_best_and_worst(items):
    sjt = get_type("sjt")
    with pytest.raises(AnswerError):
        sjt.parse_answer(items["sjt-1"], {"best": "z"})
    with pytest.raises(AnswerError):
        sjt.parse_answer(items["sjt-4"], {"best": "a", "worst": "a"})
    with pytest.raises(AnswerError):
        sjt.parse_answer(items["sjt-1"], ["a"])
    assert sjt.parse_answer(items["sjt-1"], {"best": "b", "worst": "a"}) == {"best": "b"}


def test_numeric_parameters_follow_the_seed(items):
    numeric, content = get_type("numeric"), items["num-1"]
    first = numeric.draw_params(content, random.Random(42))
    assert first == numeric.draw_params(content, random.Random(42))
    others = {tuple(sorted(numeric.draw_params(content, random.Random(s)).items()))
              for s in range(20)}
    assert len(others) > 5
    assert 10 <= first["price"] <= 20 and (first["price"] * 2).is_integer()


def test_numeric_scores_within_tolerance(items):
    numeric, content = get_type("numeric"), items["num-1"]
    params = {"price": 12.5, "months": 3}
    assert expected(content, params) == 37.5
    assert numeric.score(content, params, "37.50") == 1.0
    assert numeric.score(content, params, "37,5") == 1.0
    assert numeric.score(content, params, "37.52") == 0.0
    assert numeric.score(content, params, None) == 0.0
    view = numeric.view(content, params, "hr")
    assert "12,5 EUR" in view["stem"] and "3 mjeseci" in view["stem"]  # a decimal comma


@pytest.mark.parametrize("typed,value", [("12.50", 12.5), ("12,50", 12.5), (" 1 234.5 ", 1234.5),
                                         ("1.234,50", 1234.5), ("7 EUR", 7.0), ("-3", -3.0)])
def test_parse_number_reads_what_people_type(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "abc", "1.2.3", "12..5", "1e400"])
def test_parse_number_refuses_non_numbers(typed):
    with pytest.raises(AnswerError):
        parse_number(typed)


def test_written_waits_for_ratings_and_averages_them(items):
    written, content = get_type("written"), items["wr-1"]
    assert written.score(content, None, "Dear Ana, I am sorry.") is None
    assert written.score(content, None, "   ") == 0.0
    ratings = [{"tone": 5, "empathy": 3}, {"tone": 4, "empathy": 4}]
    assert written.score(content, None, "Dear Ana", ratings) == pytest.approx(
        (4 + 2 + 3 + 3) / 4 / 4)
    with pytest.raises(AnswerError):
        written.parse_answer(content, {"text": "x" * 10_001})
    with pytest.raises(AnswerError):
        written.parse_answer(content, {"text": "a\x00b"})


@pytest.mark.parametrize("formula", ["a.__class__", "open('x')", "[1][0]", "a if a else 1",
                                     "lambda: 1", "2 ** 1000000", "'x'"])
def test_formula_refuses_anything_but_arithmetic(formula):
    with pytest.raises(FormulaError):
        evaluate(formula, {"a": 1.0})


def test_formula_evaluates_arithmetic():
    assert evaluate("round(price * days / 30, 2)", {"price": 10, "days": 7}) == 2.33
    assert evaluate("max(a, 2) - min(a, 2) + abs(-a)", {"a": 5}) == 8
    with pytest.raises(FormulaError):
        evaluate("a / (a - 5)", {"a": 5})


TYPING = {"id": "typ-1", "type": "typing", "dimension": "numeracy", "seed": "003",
          "duration_seconds": 60,
          "passage": {"en": "Thank you for your order.", "hr": "Hvala na narudžbi."}}
CHOICE = {"id": "ch-1", "type": "choice", "dimension": "ownership", "seed": "002",
          "multiple": True, "stem": {"en": "Which must you verify?"},
          "explanation": {"en": "Name and date of birth."},
          "options": [{"id": "a", "text": {"en": "Name"}, "correct": True},
                      {"id": "b", "text": {"en": "Date of birth"}, "correct": True},
                      {"id": "c", "text": {"en": "Favourite colour"}, "correct": False},
                      {"id": "d", "text": {"en": "Shoe size"}, "correct": False}]}


def validated(content: dict) -> dict:
    item_type = get_type(content["type"])
    return item_type.content_model.model_validate(content).model_dump(mode="json")


def test_typing_scores_match_hand_computation():
    typing = get_type("typing")
    content = validated(TYPING)
    params = typing.draw_params(content, random.Random(1), {"typing_target_wpm": 30,
                                                             "language": "en"})
    assert params == {"target_wpm": 30, "language": "en"}
    # The whole passage in 15 s with one transposition ("yuor"): 2 edits.
    answer = typing.parse_answer(content, {"text": "Thank you for yuor order.",
                                           "elapsed_ms": "15000"})
    result = typing.result(content, answer, "en")
    assert (result.typed_chars, result.errors) == (25, 2)
    assert result.minutes == pytest.approx(0.25)
    assert result.gross_wpm == pytest.approx(20.0)  # 25 / 5 / 0.25
    assert result.net_wpm == pytest.approx(12.0)  # (5 - 2) / 0.25
    assert result.accuracy == pytest.approx(0.92)  # 1 - 2 / 25
    assert typing.score(content, params, answer) == pytest.approx(12 / 30)
    # Part of the passage: the full minute counts, whatever the client says.
    partial = typing.parse_answer(content, {"text": "Thank you", "elapsed_ms": 1000})
    result = typing.result(content, partial, "en")
    assert result.minutes == 1 and result.gross_wpm == pytest.approx(9 / 5)
    assert result.accuracy == 1.0
    # The Croatian passage is the one compared for a Croatian attempt.
    hr = typing.parse_answer(content, {"text": "Hvala na narudžbi.", "elapsed_ms": 6000})
    assert typing.result(content, hr, "hr").errors == 0
    assert typing.score(content, {"target_wpm": 30, "language": "hr"}, hr) == 1.0
    assert typing.score(content, params, None) == 0.0


def test_typing_rejects_bad_answers():
    typing, content = get_type("typing"), validated(TYPING)
    for raw in ["text", {"text": "x", "elapsed_ms": "soon"}, {"text": "x", "elapsed_ms": -5},
                {"text": "a\x00"}]:
        with pytest.raises(AnswerError):
            typing.parse_answer(content, raw)


def test_choice_single_and_multiple():
    choice = get_type("choice")
    content = validated(CHOICE)
    assert choice.score(content, None, {"choice": ["a", "b"]}) == 1.0
    assert choice.score(content, None, {"choice": ["a"]}) == 0.5
    assert choice.score(content, None, {"choice": ["a", "c"]}) == 0.0
    assert choice.score(content, None, None) == 0.0
    assert choice.parse_answer(content, {"choice": ["b", "a", "a"]}) == {"choice": ["a", "b"]}
    single = validated(dict(CHOICE, multiple=False, options=[
        dict(o, correct=o["id"] == "a") for o in CHOICE["options"]]))
    assert choice.score(single, None, choice.parse_answer(single, {"choice": "a"})) == 1.0
    with pytest.raises(AnswerError):
        choice.parse_answer(single, {"choice": ["a", "b"]})
    with pytest.raises(AnswerError):
        choice.parse_answer(single, {"choice": "z"})


def test_single_choice_needs_exactly_one_correct_option():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        validated(dict(CHOICE, multiple=False))


def test_typing_says_what_its_score_was_measured_from():
    typing, content = get_type("typing"), validated(TYPING)
    params = {"target_wpm": 30, "language": "en"}
    answer = typing.parse_answer(content, {"text": "Thank you for yuor order.",
                                           "elapsed_ms": "15000"})
    speed = typing.speed(content, params, answer, "en")
    assert (speed.net_wpm, speed.errors, speed.target_wpm) == (pytest.approx(12.0), 2, 30)
    assert typing.evidence_line(content, params, answer, "en") == (
        "12 net words a minute, accuracy 92%, against a target of 30")
    assert typing.evidence_line(content, params, None, "en") is None
    assert typing.question(typing.view(content, params, "hr")) == "Hvala na narudžbi."


def test_every_type_describes_itself_for_the_pages_that_list_it():
    for item_type in ITEM_TYPES.values():
        assert item_type.label and item_type.note and item_type.minutes > 0
    assert in_language("hr", get_type("written").label) != get_type("written").label
    # Only situational answers feed the counts of options chosen in item statistics.
    assert get_type("sjt").chosen_options({"best": "a", "worst": "c"}) == {
        "best": "a", "worst": "c"}
    assert get_type("choice").chosen_options({"choice": ["a"]}) == {}
