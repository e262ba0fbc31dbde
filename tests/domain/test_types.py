"""Item types: answers are checked and scored by pure functions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hiring.assessment.types import AnswerError, get_type
from hiring.assessment.types.numeric import expected, parse_number
from hiring.banks.formula import FormulaError, evaluate
from hiring.banks.loader import load_path

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
    assert "12.5 EUR" in view["stem"] and "3 mjeseci" in view["stem"]


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
