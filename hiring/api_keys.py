"""Keys for the REST API: created by HR with scopes, shown once, stored hashed, revoked.

A key reads "hiring_<prefix>_<secret>": the prefix finds the row, the SHA-256 of the
secret is compared (secrets are 256 random bits, so a slow hash would add nothing). Flushes
only; the caller's transaction commits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from hiring import audit
from hiring.models import ApiKey, AuditEvent, User

RESULTS_READ = "results:read"
INVITATIONS_WRITE = "invitations:write"
SCOPES = (RESULTS_READ, INVITATIONS_WRITE)
KEY_START = "hiring_"
PREFIX_CHARS = 12
MAX_KEY_CHARS = 200
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most this often
RATE_WINDOW = timedelta(minutes=1)


class KeyProblem(ValueError):
    """A key cannot be created as asked; the message says why."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create(*, session: Session, name: str, scopes: list[str], created_by: User | None,
           now: datetime) -> tuple[ApiKey, str]:
    """Create a key; return it with the full key, which is shown once and not stored."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise KeyProblem("Give the key a name of 1 to 200 characters.")
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise KeyProblem("Choose at least one scope: " + ", ".join(SCOPES) + ".")
    prefix = secrets.token_hex(PREFIX_CHARS // 2)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(name=name, prefix=prefix, secret_hash=_hash(secret),
                 scopes=[scope for scope in SCOPES if scope in scopes], created_at=now,
                 created_by=created_by.id if created_by else None)
    session.add(key)
    session.flush()
    audit.record(session, actor=created_by, action=audit.Action.API_KEY_CREATED,
                 object_type="api_key", object_id=key.id,
                 detail={"scopes": key.scopes, "prefix": prefix}, at=now)
    return key, f"{KEY_START}{prefix}_{secret}"


def find(presented: str | None, *, session: Session) -> ApiKey | None:
    """Return the active key the caller presented, or None (unknown, malformed, revoked)."""
    if not presented or len(presented) > MAX_KEY_CHARS or not presented.startswith(KEY_START):
        return None
    prefix, _, secret = presented.removeprefix(KEY_START).partition("_")
    if len(prefix) != PREFIX_CHARS or not secret:
        return None
    key = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return None if key.revoked_at is not None else key


def revoke(key: ApiKey, *, session: Session, by: User | None, now: datetime) -> None:
    """Revoke a key: it stops working at once. Revoking a revoked key changes nothing."""
    if key.revoked_at is not None:
        return
    key.revoked_at = now
    audit.record(session, actor=by, action=audit.Action.API_KEY_REVOKED,
                 object_type="api_key", object_id=key.id, at=now)
    session.flush()


def touch(key: ApiKey, *, now: datetime) -> bool:
    """Record the key's use if the last record is a minute old or more; tell whether."""
    if key.last_used_at is not None and now - key.last_used_at < TOUCH_EVERY:
        return False
    key.last_used_at = now
    return True


def record_call(key: ApiKey, *, session: Session, method: str, path: str, status: int,
                now: datetime) -> None:
    """Add one call made with the key to the audit log: method, path and status only."""
    action = audit.Action.API_CALL_LIMITED if status == 429 else audit.Action.API_CALL
    audit.record(session, actor=f"api key {key.prefix}", action=action,
                 object_type="api_key", object_id=key.id,
                 detail={"method": method, "path": path[:300], "status": status}, at=now)


def calls_in_window(key: ApiKey, *, session: Session, now: datetime) -> int:
    """Count the key's calls in the last minute (those the limit refused are not counted).

    The audit log is the shared store: every app server writes to the same database."""
    return session.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == audit.Action.API_CALL, AuditEvent.object_type == "api_key",
        AuditEvent.object_id == key.id, col(AuditEvent.at) > now - RATE_WINDOW)).one()


def all_keys(*, session: Session) -> list[ApiKey]:
    """Return every key, active first, newest first."""
    return list(session.exec(select(ApiKey).order_by(
        col(ApiKey.revoked_at).is_not(None), col(ApiKey.created_at).desc(),
        col(ApiKey.id).desc())))
