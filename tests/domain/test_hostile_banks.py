"""Hostile bank files and formulas: refused with a line, in bounded time and memory."""

from __future__ import annotations

import pytest

from hiring.banks.loader import BankInvalid, parse_text
from hiring.banks.safe_yaml import MAX_DEPTH
from hiring.items.formula import FormulaError, evaluate, parse

# 306 bytes: each level stands for five of the one below, 9 x 5**8 = 3.5 million strings
# once expanded (the line-number pass used to walk them all: 76 s and 1.5 GB).
ALIAS_BOMB = "a0: &a0 [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 5)}]\n" for i in range(1, 9)
) + "format: 1\nid: b\nversion: 1\nitems: *a8\n"


def problems(text: str) -> list[str]:
    with pytest.raises(BankInvalid) as raised:
        parse_text(text, "hostile.yaml")
    return [str(p) for p in raised.value.problems]


def test_anchors_and_aliases_are_refused_before_anything_is_expanded():
    assert len(ALIAS_BOMB) < 340
    assert problems(ALIAS_BOMB) == [
        "hostile.yaml:1: (file): anchors (&a0) are not allowed; write the value out in full"]
    assert problems("format: 1\nitems: *nowhere\n")[0].startswith("hostile.yaml:2: ")


@pytest.mark.parametrize("text", [
    "format: 1\nitems: " + "[" * 2000 + "]" * 2000 + "\n",
    "format: 1\nitems: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
    "format: 1\nitems:\n" + "".join("  " * i + "- \n" for i in range(1, 200)),
])
def test_deep_nesting_is_a_problem_with_its_line_not_a_recursion_error(text):
    found = problems(text)
    assert len(found) == 1 and f"nested more than {MAX_DEPTH} levels deep" in found[0]


def test_integer_fields_are_bounded():
    text = ("format: 1\nid: big\nversion: 1180591620717411303424\ntitle: {en: x}\n"
            "languages: [en]\ndimensions: {}\nitems: [1]\n")
    assert any(p.startswith("hostile.yaml:3: version: Input should be less than or equal to")
               for p in problems(text))


@pytest.mark.parametrize("formula, message", [
    ("round(1, -300000)", "round takes a whole number of digits from -9 to 9"),
    ("round(1, -10**7)", "only + - * / are allowed"),
    ("a * 10000000000", "constants must lie within"),
    ("min(" + ",".join(["a"] * 11) + ")", "min takes 1 to 10 arguments"),
    ("+".join(["a"] * 200), "the formula is too long"),
    ("round(a, 1, 2)", "round takes 1 to 2 arguments"),
])
def test_formulas_whose_cost_is_unbounded_are_refused(formula, message):
    with pytest.raises(FormulaError, match=message.replace("*", r"\*").replace("+", r"\+")):
        parse(formula, {"a"})


def test_round_digits_from_parameters_are_bounded_when_evaluated():
    assert evaluate("round(a, b)", {"a": 3.14159, "b": 2}) == 3.14
    with pytest.raises(FormulaError, match="round takes a whole number of digits"):
        evaluate("round(a, b)", {"a": 1, "b": -300000})


def test_a_numeric_item_with_a_costly_formula_is_a_problem_of_its_line():
    text = """format: 1
id: f
version: 1
title: {en: x}
languages: [en]
dimensions: {}
items:
  - id: n1
    type: numeric
    dimension: numeracy
    seed: "002"
    stem: {en: "{a}"}
    params: {a: {min: 1, max: 2, step: 1}}
    formula: round(a, -300000)
    explanation: {en: x}
  - id: n2
    type: numeric
    dimension: numeracy
    seed: "002"
    stem: {en: "{a}"}
    params: {a: {choices: [1e300]}}
    formula: a
    explanation: {en: x}
"""
    found = problems(text)
    assert any(p.startswith("hostile.yaml:14: items.0.formula: round takes a whole number")
               for p in found)
    assert any("items.1.params.a.choices.0" in p and "less than or equal to 1000000000" in p
               for p in found)
