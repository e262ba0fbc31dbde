"""Numeric answers read in the candidate's language, confirmed when ambiguous, and scored."""

import pytest

from hiring.items.types import AnswerError, get_type

numeric = get_type("numeric")

MB = {"id": "num-mb", "type": "numeric", "dimension": "numeracy", "seed": "002",
      "stem": {"en": "{gb} GB is {gb} × {per} MB; {used} MB used. How many MB are left?",
               "hr": "{gb} GB je {gb} × {per} MB; potrošeno {used} MB. Koliko MB preostaje?"},
      "params": {"gb": {"choices": [10]}, "per": {"choices": [1024]},
                 "used": {"min": 300, "max": 1900, "step": 10}},
      "formula": "gb * per - used", "decimals": 0, "tolerance": 0.5,
      "explanation": {"en": "{gb} × {per} − {used}", "hr": "{gb} × {per} − {used}"}}
MB_PARAMS = {"gb": 10, "per": 1024, "used": 300}  # 9940 MB left
MONEY = {**MB, "id": "num-money", "format": "money", "decimals": 2, "tolerance": 0.01,
         "stem": {"en": "{price} EUR for {days} of {period} days?",
                  "hr": "{price} EUR za {days} od {period} dana?"},
         "params": {"price": {"min": 10, "max": 40, "step": 0.5, "format": "money"},
                    "days": {"min": 3, "max": 27, "step": 1}, "period": {"choices": [30]}},
         "formula": "price * days / period",
         "explanation": {"en": "{price} × {days} / {period}", "hr": "{price} × {days} / {period}"}}
MONEY_PARAMS = {"price": 75.5, "days": 10, "period": 30}  # 25.17 EUR
DURATION = {**MB, "id": "num-aht", "format": "duration", "decimals": 2, "tolerance": 0.05,
            "stem": {"en": "{calls} calls, {talk} + {wrap} minutes?",
                     "hr": "{calls} poziva, {talk} + {wrap} minuta?"},
            "params": {"calls": {"choices": [50]}, "talk": {"choices": [300]},
                       "wrap": {"choices": [71.5]}},
            "formula": "(talk + wrap) / calls"}
DURATION_PARAMS = {"calls": 50, "talk": 300, "wrap": 71.5}  # 7.43 min: 7:26


@pytest.mark.parametrize(("typed", "language", "value"), [
    ("12,5", "hr", "12.5"), ("1.234,5", "hr", "1234.5"), ("1.234,5", "bg", "1234.5"),
    ("1 234,5", "bg", "1234.5"), ("12,5", "sr", "12.5"), ("1,234.5", "en", "1234.5"),
    ("12.50 EUR", "en", "12.5")])
def test_answers_are_read_in_the_candidates_language(typed, language, value):
    assert numeric.read_answer(MB, {"value": typed}, language) == {"typed": typed,
                                                                   "value": value}


def test_an_ambiguous_answer_is_kept_as_typed_until_a_reading_is_chosen():
    pending = numeric.read_answer(MB, {"value": "9.940"}, "hr")
    assert pending == {"typed": "9.940", "readings": ["9940", "9.94"]}
    asked = numeric.confirmation(MB, pending, "hr")
    assert asked["question"] == "Jeste li mislili 9940 ili 9,94?"
    assert [r["label"] for r in asked["readings"]] == ["9940", "9,94"]
    assert asked["chosen"] is None
    assert numeric.confirmation(MB, pending, "en")["question"] == "Did you mean 9940 or 9.94?"

    chosen = numeric.read_answer(MB, {"value": "9.940", "reading": "9.94"}, "hr")
    assert chosen == {"typed": "9.940", "value": "9.94"}
    assert numeric.confirmation(MB, chosen, "hr")["chosen"] == "9.94"
    # the reading kept on the page and the one just picked: the last one counts
    assert numeric.read_answer(MB, {"value": "9.940", "reading": ["9.94", "9940"]}, "hr"
                               )["value"] == "9940"


def test_a_reading_of_another_number_is_not_taken():
    stale = numeric.read_answer(MB, {"value": "9.941", "reading": "9940"}, "hr")
    assert stale == {"typed": "9.941", "readings": ["9941", "9.941"]}
    plain = numeric.read_answer(MB, {"value": "9940", "reading": "9.94"}, "hr")
    assert plain == {"typed": "9940", "value": "9940"}
    assert numeric.confirmation(MB, plain, "hr") is None


def test_answers_that_are_not_numbers_are_refused_in_the_language():
    for typed in ("twelve", "1.2.3", "1" * 51, True, ["1"]):
        with pytest.raises(AnswerError):
            numeric.read_answer(MB, {"value": typed}, "hr")
    with pytest.raises(AnswerError, match="minutes and seconds"):
        numeric.read_answer(DURATION, {"value": "7:75"}, "en")
    assert numeric.read_answer(MB, {"value": " "}, "hr") is None
    assert numeric.read_answer(MB, {"value": 9940}, "hr") == {"typed": "9940", "value": "9940"}


def test_scores_use_the_value_read():
    assert numeric.score(MB, MB_PARAMS, numeric.read_answer(MB, {"value": "9.940"}, "hr")) == 1
    assert numeric.score(MB, MB_PARAMS, {"typed": "9.940", "value": "9940"}) == 1.0
    assert numeric.score(MB, MB_PARAMS, {"typed": "9.940", "value": "9.94"}) == 0.0
    assert numeric.score(MB, MB_PARAMS, {"typed": "9,940", "value": "9940"}) == 1.0
    # not confirmed: counts if either reading is right (both cannot be)
    assert numeric.score(MB, MB_PARAMS, {"typed": "9,940", "readings": ["9.94", "9940"]}) == 1
    assert numeric.score(MB, MB_PARAMS, {"typed": "9,941", "readings": ["9.941", "9941"]}) == 0
    assert numeric.score(MB, MB_PARAMS, None) == 0.0


@pytest.mark.parametrize(("stored", "score"), [
    # answers stored as typed, before answers were read by language: scored as then
    ("9940", 1.0), ("9,940", 0.0), ("9.940", 0.0), ("9 940", 1.0), ("9940 MB", 1.0),
    ("not a number", 0.0)])
def test_answers_stored_as_typed_keep_their_score(stored, score):
    assert numeric.score(MB, MB_PARAMS, stored) == score


def test_old_answers_keep_their_score_on_money_items():
    for stored in ("25.17", "25,17", "25.17 EUR"):
        assert numeric.score(MONEY, MONEY_PARAMS, stored) == 1.0
    assert numeric.describe_answer(MONEY, MONEY_PARAMS, "25.17", "hr") == (
        "25,17 (točno: 25,17)")


@pytest.mark.parametrize(("typed", "score", "shown"), [
    ("7:26", 1.0, "7:26"), ("7 min 26 s", 1.0, "7:26"), ("7,43", None, None),
    ("7.5", 0.0, "7:30"), ("7:16", 0.0, "7:16"), ("446 s", 1.0, "7:26")])
def test_durations_are_minutes_and_seconds(typed, score, shown):
    answer = numeric.read_answer(DURATION, {"value": typed}, "hr")
    if score is None:  # 7,43: 7:43 or 7.43 minutes (7:26), asked
        assert [r["label"] for r in numeric.confirmation(DURATION, answer, "hr")["readings"]
                ] == ["7:43", "7:26"]
        return
    assert numeric.score(DURATION, DURATION_PARAMS, answer) == score
    assert numeric.describe_answer(DURATION, DURATION_PARAMS, answer, "hr").startswith(shown)


@pytest.mark.parametrize(("content", "params", "language", "keyed"), [
    (MB, MB_PARAMS, "en", "9,940"), (MB, MB_PARAMS, "hr", "9.940"),
    (MB, MB_PARAMS, "bg", "9\u00a0940"),
    (MONEY, MONEY_PARAMS, "en", "25.17"), (MONEY, MONEY_PARAMS, "hr", "25,17"),
    (MONEY, {**MONEY_PARAMS, "days": 30}, "hr", "75,50"),
    (DURATION, DURATION_PARAMS, "en", "7:26"), (DURATION, DURATION_PARAMS, "hr", "7:26")])
def test_keyed_answers_are_written_in_the_language(content, params, language, keyed):
    assert numeric.keyed_answer(content, params, language) == keyed


def test_interviewers_read_answers_in_the_language():
    confirmed = {"typed": "9.940", "value": "9940"}
    assert numeric.describe_answer(MB, MB_PARAMS, confirmed, "hr") == "9.940 (točno: 9.940)"
    assert numeric.describe_answer(MB, MB_PARAMS, confirmed, "en") == "9,940 (correct: 9,940)"
    pending = {"typed": "9,940", "readings": ["9.94", "9940"]}
    assert numeric.describe_answer(MB, MB_PARAMS, pending, "hr") == (
        "9,940, nije potvrđeno: 9,94 ili 9940 (točno: 9.940)")
    money = {"typed": "25,2", "value": "25.2"}
    assert numeric.describe_answer(MONEY, MONEY_PARAMS, money, "hr") == "25,20 (točno: 25,17)"


def test_stems_and_explanations_show_numbers_in_the_language():
    view = numeric.view(MONEY, MONEY_PARAMS, "hr")
    assert view["stem"] == "75,50 EUR za 10 od 30 dana?"
    assert view["explanation"] == "75,50 × 10 / 30"
    assert view["hint"] == "Decimale odvojite zarezom, na primjer 1.234,50."
    assert numeric.view(MONEY, MONEY_PARAMS, "en")["stem"] == "75.50 EUR for 10 of 30 days?"
    assert numeric.view(MB, {**MB_PARAMS, "used": 1250}, "hr")["stem"].endswith(
        "potrošeno 1.250 MB. Koliko MB preostaje?")
    assert "7:26" in numeric.view(DURATION, DURATION_PARAMS, "en")["hint"]


def test_money_is_checked_to_the_cent():
    assert numeric.check(MONEY) == []
    assert numeric.check({**MONEY, "decimals": 0}) == [
        (("decimals",), "money is given to the cent: decimals must be 2")]
    fine_price = {**MONEY["params"], "price": {"min": 10, "max": 40, "step": 0.125,
                                                 "format": "money"}}
    assert numeric.check({**MONEY, "params": fine_price}) == [
        (("params", "price", "format"), "money has at most two decimals")]


def test_the_bank_says_money_or_duration_with_a_known_word():
    model = numeric.content_model
    assert model.model_validate(DURATION).format == "duration"
    with pytest.raises(ValueError, match="format"):
        model.model_validate({**MONEY, "format": "euros"})
    with pytest.raises(ValueError, match="format"):
        model.model_validate({**MONEY, "params": {"price": {"choices": [1], "format": "eur"}}})


def test_money_readings_show_two_decimals_without_grouping():
    pending = numeric.read_answer(MONEY, {"value": "9.940"}, "hr")
    assert numeric.confirmation(MONEY, pending, "hr")["question"] == (
        "Jeste li mislili 9940,00 ili 9,94?")
