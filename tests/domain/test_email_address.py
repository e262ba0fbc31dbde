"""One spelling per e-mail address: stripped, NFC, lower case."""

from __future__ import annotations

import unicodedata

import pytest

from hiring.email_address import has_hidden_characters, normalize_email


@pytest.mark.parametrize(("typed", "stored"), [
    ("  Ana.Horvat@Example.COM \n", "ana.horvat@example.com"),
    ("ANA@EXAMPLE.COM", "ana@example.com"),
    (None, ""),
    ("", ""),
    ("   ", ""),
    # "é" typed as e + a combining accent is stored as the one character
    ("Jose\u0301@example.com", "jos\u00e9@example.com"),
    ("\u00c9LODIE@EXAMPLE.FR", "\u00e9lodie@example.fr"),
    ("\u0110URI\u0106@primjer.hr", "\u0111uri\u0107@primjer.hr"),
    ("\u0418\u0432\u0430\u043d@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
     "\u0438\u0432\u0430\u043d@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444"),
    # NFC, not NFKC: a ligature or a full-width letter is left as typed (then lowered)
    ("\ufb01le@example.com", "\ufb01le@example.com"),
    ("\uff28R@example.com", "\uff48r@example.com"),
])
def test_addresses_are_stripped_composed_and_lower_cased(typed, stored):
    assert normalize_email(typed) == stored
    assert normalize_email(stored) == stored  # already the stored spelling
    assert unicodedata.is_normalized("NFC", normalize_email(typed))


def test_decomposed_and_composed_spellings_are_one_address():
    assert normalize_email("Jose\u0301@example.com") == normalize_email("JOS\u00c9@example.com")


@pytest.mark.parametrize(("email", "hidden"), [
    ("hr@example.com", False),
    ("\u0111uri\u0107@primjer.hr", False),
    ("hr\u200b@example.com", True),  # zero-width space
    ("h\u00adr@example.com", True),  # soft hyphen
    ("hr @example.com", True),
    ("hr\u00a0@example.com", True),  # no-break space
    ("hr\t@example.com", True),
    ("hr\u2028@example.com", True),  # line separator
])
def test_hidden_characters_are_found(email, hidden):
    assert has_hidden_characters(email) is hidden
