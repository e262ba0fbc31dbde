"""Numbers written and read in each language (hiring.numbers)."""

from decimal import Decimal

import pytest

from hiring.numbers import (
    NumberError,
    canonical,
    format_duration,
    format_money,
    format_number,
    parse_duration,
    parse_number,
    symbols,
)

NBSP = "\u00a0"
AMBIGUOUS = "ambiguous"
ERROR = "error"

# typed -> the value read in (en, hr, sr, bg): a number, AMBIGUOUS or ERROR
READ = [
    ("12", 12, 12, 12, 12),
    ("12.5", 12.5, 12.5, 12.5, 12.5),      # one separator, not three digits: decimals
    ("12,5", 12.5, 12.5, 12.5, 12.5),
    ("12,50 EUR", 12.5, 12.5, 12.5, 12.5),
    ("1.234,5", 1234.5, 1234.5, 1234.5, 1234.5),
    ("1,234.5", 1234.5, 1234.5, 1234.5, 1234.5),
    ("1 234,5", 1234.5, 1234.5, 1234.5, 1234.5),
    (f"1{NBSP}234,5", 1234.5, 1234.5, 1234.5, 1234.5),
    ("1.234.567", 1234567, 1234567, 1234567, 1234567),
    ("1,234,567", 1234567, 1234567, 1234567, 1234567),
    ("1.234.567,89", 1234567.89, 1234567.89, 1234567.89, 1234567.89),
    ("9,940", AMBIGUOUS, AMBIGUOUS, AMBIGUOUS, AMBIGUOUS),
    ("9.940", AMBIGUOUS, AMBIGUOUS, AMBIGUOUS, AMBIGUOUS),
    ("125.500", AMBIGUOUS, AMBIGUOUS, AMBIGUOUS, AMBIGUOUS),
    ("0,940", 0.94, 0.94, 0.94, 0.94),       # a leading 0 never groups
    ("12345,678", 12345.678, 12345.678, 12345.678, 12345.678),  # nor a head of 4 digits
    ("-3", -3, -3, -3, -3),
    ("\u22123,5", -3.5, -3.5, -3.5, -3.5),   # the minus sign Croatian writes
    ("", ERROR, ERROR, ERROR, ERROR),
    ("abc", ERROR, ERROR, ERROR, ERROR),
    ("1.2.3", ERROR, ERROR, ERROR, ERROR),
    ("12..5", ERROR, ERROR, ERROR, ERROR),
    ("1.234,5,6", ERROR, ERROR, ERROR, ERROR),
    ("1,23.4", ERROR, ERROR, ERROR, ERROR),
    ("1e400", ERROR, ERROR, ERROR, ERROR),
    (",5", ERROR, ERROR, ERROR, ERROR),
    ("1" * 51, ERROR, ERROR, ERROR, ERROR),
]
LANGUAGES = ("en", "hr", "sr", "bg")


@pytest.mark.parametrize(("typed", "language", "wanted"), [
    (row[0], language, row[1 + index]) for row in READ for index, language in enumerate(LANGUAGES)])
def test_numbers_are_read_in_the_language(typed, language, wanted):
    if wanted == ERROR:
        with pytest.raises(NumberError):
            parse_number(typed, language)
        return
    reading = parse_number(typed, language)
    if wanted == AMBIGUOUS:
        assert reading.ambiguous and reading.value is None
    else:
        assert not reading.ambiguous and reading.value == Decimal(str(wanted))


@pytest.mark.parametrize(("typed", "language", "first", "second"), [
    ("9.940", "hr", "9940", "9.94"),   # Croatian groups with a point: that reading first
    ("9,940", "hr", "9.94", "9940"),
    ("9.940", "en", "9.94", "9940"),
    ("9,940", "en", "9940", "9.94"),
    ("9,940", "bg", "9.94", "9940"),
    ("9.940", "sr", "9940", "9.94"),
])
def test_an_ambiguous_number_gives_both_readings_the_languages_own_first(
        typed, language, first, second):
    assert [canonical(v) for v in parse_number(typed, language).readings] == [first, second]


# value, places -> written in (en, hr, sr, bg)
WRITE = [
    (9940, None, "9,940", "9.940", "9.940", f"9{NBSP}940"),
    (1234567.5, None, "1,234,567.5", "1.234.567,5", "1.234.567,5", f"1{NBSP}234{NBSP}567,5"),
    (0.1, None, "0.1", "0,1", "0,1", "0,1"),
    (75.5, None, "75.5", "75,5", "75,5", "75,5"),
    (12, None, "12", "12", "12", "12"),
    (8.705, 2, "8.71", "8,71", "8,71", "8,71"),        # half up, as people round
    (-3.5, None, "-3.5", "-3,5", "-3,5", "-3,5"),
]


@pytest.mark.parametrize(("value", "places", "language", "wanted"), [
    (row[0], row[1], language, row[2 + index])
    for row in WRITE for index, language in enumerate(LANGUAGES)])
def test_numbers_are_written_in_the_language(value, places, language, wanted):
    assert format_number(value, language, places) == wanted


@pytest.mark.parametrize(("language", "wanted"), [
    ("en", "75.50"), ("hr", "75,50"), ("sr", "75,50"), ("sr-Cyrl", "75,50"), ("bg", "75,50")])
def test_money_always_has_two_decimals(language, wanted):
    assert format_money(75.5, language) == wanted
    assert format_money(0.1, language) == wanted.replace("75", "0").replace("50", "10")


def test_grouping_can_be_left_out_and_unknown_languages_are_english():
    assert format_number(9940, "hr", grouping=False) == "9940"
    assert format_number(9940.5, "bg", grouping=False) == "9940,5"
    assert format_number(1234.5, "xx") == "1,234.5"
    assert symbols("bg") == (",", NBSP, "-")


@pytest.mark.parametrize(("value", "wanted"), [
    (9940.0, "9940"), (9.94, "9.94"), (12.50, "12.5"), (0.0, "0"), (-0.0, "0"),
    (Decimal("1E+3"), "1000")])
def test_canonical_numbers_have_only_digits_and_a_point(value, wanted):
    assert canonical(value) == wanted


@pytest.mark.parametrize(("minutes", "wanted"), [
    (7.43, "7:26"), (7.5, "7:30"), (0.25, "0:15"), (62, "62:00"), (7 + 59.6 / 60, "8:00")])
def test_durations_are_written_in_minutes_and_seconds(minutes, wanted):
    assert format_duration(minutes) == wanted


@pytest.mark.parametrize(("typed", "wanted"), [
    ("7:26", "7:26"), ("7 min 26 s", "7:26"), ("7min26s", "7:26"), ("7 min", "7:00"),
    ("26 s", "0:26"), ("7 min 26 sek", "7:26"), ("7,5", "7:30"), ("7.5", "7:30"),
    ("7", "7:00"), ("7.00", "7:00"), ("7,433", AMBIGUOUS), ("7.26", AMBIGUOUS),
    ("7,50", AMBIGUOUS), ("7.75", "7:45"), ("7:60", ERROR), ("7 min 75 s", ERROR),
    ("seven", ERROR), ("", ERROR)])
def test_durations_are_read_as_minutes_and_seconds(typed, wanted):
    if wanted == ERROR:
        with pytest.raises(NumberError):
            parse_duration(typed, "hr")
        return
    reading = parse_duration(typed, "hr")
    if wanted == AMBIGUOUS:
        assert reading.ambiguous
    else:
        assert format_duration(reading.value) == wanted


def test_two_decimals_below_60_in_a_duration_may_be_seconds():
    reading = parse_duration("7.26", "en")
    assert [format_duration(value) for value in reading.readings] == ["7:26", "7:16"]
