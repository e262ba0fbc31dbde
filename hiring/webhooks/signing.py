"""Sign a delivery as a receiver checks it: HMAC-SHA256 over `{timestamp}.{body}`."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Hiring-Signature"
EVENT_HEADER = "Hiring-Event"
DELIVERY_HEADER = "Hiring-Delivery"
# A receiver refuses a signature whose timestamp is further than this from its clock, so
# that a captured delivery cannot be replayed later.
REPLAY_WINDOW_SECONDS = 300


def new_secret() -> str:
    """Return a new signing secret (shown to HR once)."""
    return "whsec_" + secrets.token_hex(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of `{timestamp}.{body}` under the secret."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    """Return the Hiring-Signature header's value: `t=<unix>,v1=<hex>`."""
    return f"t={int(timestamp)},v1={signature(secret, timestamp, body)}"


def verify(secret: str, value: str, body: bytes, now: float,
           window: int = REPLAY_WINDOW_SECONDS) -> bool:
    """Tell whether a Hiring-Signature header signs the body and is recent enough."""
    parts = dict(part.split("=", 1) for part in value.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > window:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))
