"""Cells of the CSV files the service writes: text that a spreadsheet would run as a
formula is quoted, so that opening an export never runs what a candidate or a bank wrote."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Format a value; text that a spreadsheet would run as a formula is quoted, also where
    it follows a ";" (a reader that splits on semicolons sees a new cell there)."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds")
    text = str(value)
    if isinstance(value, int | float):
        return text  # a number is a number, "-3" included
    if text[:1] in FORMULA_STARTS or any(part[:1] in FORMULA_STARTS
                                          for part in text.split(";")[1:]):
        return "'" + text.replace(";", ",")
    return text
