"""E-mail addresses as stored and looked up: one spelling per address."""

from __future__ import annotations

import unicodedata

# Format, control and separator characters: a zero-width space or a soft hyphen looks
# like nothing, so an address holding one reads the same as another that does not.
HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})


def normalize_email(email: str | None) -> str:
    """Return the address as stored: stripped, in Unicode NFC, in lower case.

    NFC is the form RFC 6532 asks of internationalised addresses, and the one
    email_validator returns, so a typed address and a validated one compare equal.
    The stronger NFKC would turn some characters into others and so could name a
    different mailbox. The whole address is lower-cased, local part included: stored
    addresses have always been, and no mail provider HR deals with tells case apart.
    """
    return unicodedata.normalize("NFC", (email or "").strip()).lower()


def has_hidden_characters(email: str) -> bool:
    """Tell whether the address holds a space or a character that shows as nothing."""
    return any(unicodedata.category(char) in HIDDEN_CATEGORIES for char in email)
