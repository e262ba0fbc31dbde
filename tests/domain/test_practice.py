"""Practice items: validated with the bank, kept apart from its items, explained."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from hiring.assessment import practice
from hiring.banks.loader import BankInvalid, load_path, parse_text
from hiring.items.types import AnswerError
from hiring.models import Assessment

SHIPPED = Path(__file__).parent.parent.parent / "question_banks" / "csr_core.yaml"


@pytest.fixture(scope="module")
def shipped():
    return load_path(SHIPPED)


def by_type(shipped, kind: str) -> dict:
    return next(item for item in shipped.header["practice"] if item["type"] == kind)


def test_shipped_bank_has_one_practice_item_of_each_kind_apart_from_its_items(shipped):
    kinds = [item["type"] for item in shipped.header["practice"]]
    assert kinds == ["sjt", "numeric", "choice", "typing"]
    practice_ids = {item["id"] for item in shipped.header["practice"]}
    assert practice_ids.isdisjoint(item["id"] for item in shipped.items)


def test_a_practice_item_is_validated_like_an_item():
    text = SHIPPED.read_text(encoding="utf-8")
    broken = text.replace("    formula: \"price * (100 - percent) / 100\"\n", "", 1)
    with pytest.raises(BankInvalid) as caught:
        parse_text(broken, "bank.yaml")
    problem, = caught.value.problems
    assert problem.field == "practice.1.formula" and "required" in problem.message.lower()
    assert broken.splitlines()[problem.line - 1].strip() == "- id: practice-numeric-discount"


def test_only_the_types_an_assessment_uses_are_offered(shipped):
    settings = {"practice": shipped.header["practice"]}

    class Banks:  # the one query practice.items makes: the bank's small fields
        def __init__(self):
            self.info = {}
            self.autoflush = False

        def connection(self):  # its plain rows (hiring.db.plain_rows)
            return self

        def execute(self, query, params):
            assert "bank.settings" in str(query) and "bank.dimensions" not in str(query)
            assert params == {"bank_id": 1}
            row = SimpleNamespace(settings=settings, languages=["en"], title={})
            return type("Rows", (), {"first": lambda rows: row})()

    sections = [{"title": "S", "type": "sjt", "count": 2}, {"title": "T", "type": "typing",
                                                           "count": 1}]
    chosen = practice.items(Assessment(bank_id=1, sections=sections), session=Banks())
    assert [item["type"] for item in chosen] == ["sjt", "typing"]
    every = practice.items(Assessment(bank_id=1, sections=[{"title": "A", "count": 3}]),
                           session=Banks())
    assert len(every) == 4


@pytest.mark.parametrize("language, best, worst", [
    ("en", "The most effective response here was: Use his name",
     "The least effective was: Tell him the fee is correct"),
    ("hr", "Najučinkovitiji odgovor ovdje bio je: Oslovite ga imenom",
     "Najmanje učinkovit bio je: Kažete mu da je naknada točna"),
])
def test_situation_feedback_names_the_best_and_worst_with_rationales(shipped, language,
                                                                     best, worst):
    result = practice.answer(by_type(shipped, "sjt"), {"best": "b", "worst": "a"},
                             Assessment(settings={}), language)
    assert result.answer == {"best": "b", "worst": "a"}
    text = "\n".join(result.feedback)
    assert best in text and worst in text
    assert ("seed 000" if language == "en" else "izvor 000") in text  # the rationale


def test_numeric_feedback_gives_the_correct_answer_and_how(shipped):
    item = by_type(shipped, "numeric")
    result = practice.answer(item, {"value": "20"}, Assessment(settings={}), "en")
    assert result.feedback[0] == "Your answer: 20.00"
    assert result.feedback[1] == "The correct answer is 18.00 EUR."
    assert "20.00 × 10 / 100" in result.feedback[2]
    with pytest.raises(AnswerError):
        practice.answer(item, {"value": "twelve"}, Assessment(settings={}), "en")


def test_choice_and_typing_feedback(shipped):
    result = practice.answer(by_type(shipped, "choice"), {"choice": "a"},
                             Assessment(settings={}), "en")
    assert "Tuesday morning (correct: Tuesday after 14:00)" in result.feedback[0]
    assert "both count" in result.feedback[1]
    typing = by_type(shipped, "typing")
    passage = typing["passage"]["en"]
    result = practice.answer(typing, {"text": passage, "elapsed_ms": "20000"},
                             Assessment(settings={}), "en")
    assert "accuracy 100%" in result.feedback[0]
