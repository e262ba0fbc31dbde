"""Compose a plain-text e-mail with the headers mail servers and clients expect."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage as Message
from email.utils import format_datetime, make_msgid, parseaddr


class AddressInvalid(ValueError):
    """An address cannot be written into a message header; the message says which."""


def one_line(text: str) -> str:
    """Return the text on one line: header values must not break, whatever a name holds."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def sender_address(sender: str, organisation: str) -> Address:
    """Return the From address: MAIL_FROM, named after the organisation unless it has a name."""
    name, addr = parseaddr(sender)
    username, _, domain = addr.rpartition("@")
    if not username or not domain:
        raise AddressInvalid(f"MAIL_FROM {sender!r} is not an e-mail address.")
    return Address(display_name=one_line(name or organisation), username=username,
                   domain=domain)


def compose(*, sender: str, organisation: str, to_name: str, to_address: str, subject: str,
            body: str, now: datetime, reference: str) -> Message:
    """Build a UTF-8 plain-text message; `reference` goes into the Message-ID (no personal data)."""
    from_address = sender_address(sender, organisation)
    try:
        recipient = Address(display_name=one_line(to_name), addr_spec=to_address)
    except (ValueError, IndexError) as exc:  # the header parser's errors are ValueErrors
        raise AddressInvalid(f"{to_address!r} cannot be used as an e-mail address.") from exc
    message = Message()
    message["From"] = from_address
    message["To"] = recipient
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=reference, domain=from_address.domain)
    # Out-of-office replies and the like are not sent back to automatic messages.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    return message
