"""Rows written as "a | b | c" in an item's text are shown as a table."""

from __future__ import annotations

from pathlib import Path

import yaml
from flask import render_template

from hiring.items.types import get_type
from hiring.web.text_blocks import text_blocks

BANK = Path(__file__).resolve().parents[2] / "question_banks" / "csr_core.yaml"

SCREEN = ("His account screen shows these invoices:\n\n"
          "R-0112 | issued 1 Jan 2025 | 34.90 EUR | paid\n"
          "R-0421 | issued 1 Feb 2025 | 36.40 EUR | not paid\n\n"
          "Which invoice is overdue today?")


def test_runs_of_rows_become_a_table_between_paragraphs():
    blocks = text_blocks(SCREEN)
    assert [block.is_table for block in blocks] == [False, True, False]
    assert blocks[0].text == "His account screen shows these invoices:"
    assert blocks[1].rows == [["R-0112", "issued 1 Jan 2025", "34.90 EUR", "paid"],
                              ["R-0421", "issued 1 Feb 2025", "36.40 EUR", "not paid"]]
    assert blocks[2].text == "Which invoice is overdue today?"


def test_text_without_rows_stays_one_paragraph_with_its_line_breaks():
    text = "From: a@example.com\nSubject: router | photo\n\nWhere is the photo?"
    assert [(b.text, b.rows) for b in text_blocks(text)] == [(text, [])]
    assert text_blocks("") == [] and text_blocks(None) == []


def test_rows_must_agree_on_their_cells_and_have_none_empty():
    assert not any(b.is_table for b in text_blocks("a | b\nc | d | e"))
    assert not any(b.is_table for b in text_blocks("a | b\nc |"))
    assert [b.is_table for b in text_blocks("a | b\nc | d\ne | f | g")] == [True, False]


def test_the_account_screen_item_shows_a_table_with_row_headers(app):
    bank = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    content = next(item for item in bank["items"] if item["id"] == "ch-overdue-invoice")
    choice = get_type("choice")
    questions = {"en": "Which invoice is overdue today?", "hr": "Koji je račun danas u kašnjenju?"}
    for language, question in questions.items():
        view = choice.view(content, None, language)
        with app.test_request_context("/"):
            html = render_template("candidate/items/choice.html", view=view, answer={})
        assert html.count('<th scope="row" role="rowheader">R-0') == 4
        assert html.count('<td role="cell">') == 16
        assert " | " not in html
        assert f"<p>{question}</p>" in html
