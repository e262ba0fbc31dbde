"""Staff administration: invitations, password resets, roles, deactivation. Flushes only.

An invitation and a reset are links with a random token whose hash is stored
(AccountToken): single use, expiring, and a newer link of the same purpose spends the
older ones. An invited account has no password until its owner sets one through the link,
or signs in with single sign-on (hiring.sso), which takes up the invitation through
`accept_invitation` and leaves the account without a password.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select
from werkzeug.security import generate_password_hash

from hiring.accounts import MIN_PASSWORD, AccountError, check_new_user
from hiring.catalogues import N_
from hiring.logins import end_sessions
from hiring.models import AccountToken, Role, User

INVITE = "invite"
RESET = "reset"
INVITE_VALID = timedelta(days=7)
RESET_VALID = timedelta(hours=1)


class TokenInvalid(ValueError):
    """The link is unknown, used, replaced or expired."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(user: User, purpose: str, *, session: Session, now: datetime, valid: timedelta,
           created_by: User | None = None) -> str:
    """Spend the user's open links of this purpose and return a new one's token."""
    session.exec(update(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose,
        col(AccountToken.used_at).is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=_hash(token),
                             created_at=now, expires_at=now + valid,
                             created_by=created_by.id if created_by else None))
    session.flush()
    return token


def invite(*, session: Session, email: str, name: str, role: str, now: datetime,
           invited_by: User) -> tuple[User, str]:
    """Create an account without a password; return it and its invitation's token."""
    email = check_new_user(session=session, email=email, role=role)
    # No password yet (an empty hash matches none): it is set through the invitation link.
    user = User(email=email, name=name.strip() or email, role=role,
                password_hash="", created_at=now)  # nosec B106
    session.add(user)
    session.flush()
    return user, _issue(user, INVITE, session=session, now=now, valid=INVITE_VALID,
                        created_by=invited_by)


def reinvite(user: User, *, session: Session, now: datetime, invited_by: User) -> str:
    """Return a new invitation's token for an account that has not set a password."""
    if user.password_hash:
        raise AccountError(N_("This account has a password already."))
    return _issue(user, INVITE, session=session, now=now, valid=INVITE_VALID,
                  created_by=invited_by)


def request_reset(*, session: Session, email: str, now: datetime,
                  every: timedelta) -> tuple[User, str] | None:
    """Return the account and a reset token, or None when no active account has the
    e-mail, or one was sent less than `every` ago (the page says the same either way:
    it tells no one which e-mails have accounts, and sends no flood of mail)."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.active or not user.password_hash:
        return None
    recent = session.exec(select(AccountToken.id).where(
        AccountToken.user_id == user.id, AccountToken.purpose == RESET,
        col(AccountToken.used_at).is_(None), AccountToken.created_at > now - every)).first()
    if recent is not None:
        return None
    return user, _issue(user, RESET, session=session, now=now, valid=RESET_VALID)


def open_token(token: str | None, *, session: Session, now: datetime) -> AccountToken:
    """Return the unused, unexpired link a token names; raise TokenInvalid otherwise."""
    if not token or len(token) > 100:
        raise TokenInvalid()
    found = session.exec(select(AccountToken).where(
        AccountToken.token_hash == _hash(token))).first()
    if found is None or found.used_at is not None or now >= found.expires_at:
        raise TokenInvalid()
    user = session.get(User, found.user_id)
    if user is None or not user.active:
        raise TokenInvalid()
    return found


def use_token(token: str, password: str, *, session: Session, now: datetime) -> User:
    """Set the password through a link and spend it; end the account's other sessions."""
    found = open_token(token, session=session, now=now)
    if len(password) < MIN_PASSWORD:
        raise AccountError(N_("The password needs at least %(count)s characters."),
                           count=MIN_PASSWORD)
    found.used_at = now
    user = session.get(User, found.user_id)
    user.password_hash = generate_password_hash(password)
    end_sessions(user, session=session, now=now)
    session.flush()
    return user


def accept_invitation(user: User, *, session: Session, now: datetime) -> AccountToken:
    """Take up the account's open invitation without a password: its owner signed in
    with single sign-on. Raise TokenInvalid when no invitation is open (none, used,
    replaced or expired)."""
    found = pending_invitation(user, session=session)
    if found is None or now >= found.expires_at or not user.active:
        raise TokenInvalid()
    found.used_at = now
    session.add(found)
    session.flush()
    return found


def change_role(user: User, role: str, *, session: Session, by: User) -> None:
    if role not in {r.value for r in Role}:
        raise AccountError(N_("Unknown role “%(role)s”: use hr or interviewer."), role=role)
    if user.id == by.id:
        raise AccountError(N_("You cannot change your own role."))
    user.role = role
    session.flush()


def deactivate(user: User, *, session: Session, now: datetime, by: User) -> int:
    """Stop the account logging in and end its sessions at once; return how many ended."""
    if user.id == by.id:
        raise AccountError(N_("You cannot deactivate your own account."))
    user.active = False
    session.exec(update(AccountToken).where(
        AccountToken.user_id == user.id, col(AccountToken.used_at).is_(None))
        .values(used_at=now))
    return end_sessions(user, session=session, now=now)


def set_language(user: User, language: str | None, *, offered: list[str],
                 session: Session) -> bool:
    """Choose the language of the account's pages and e-mail; None: the browser's.
    Return whether it changed; raise AccountError for a language not offered."""
    language = language or None
    if language is not None and language not in offered:
        raise AccountError(f"Unknown language {language!r}.")
    if user.language == language:
        return False
    user.language = language
    session.flush()
    return True


def reactivate(user: User, *, session: Session) -> None:
    user.active = True
    session.flush()


def pending_invitation(user: User, *, session: Session) -> AccountToken | None:
    """The account's invitation link not used yet, if there is one."""
    return session.exec(select(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == INVITE,
        col(AccountToken.used_at).is_(None))).first()


def invited_ids(*, session: Session) -> set[int]:
    """The ids of the accounts with an invitation not taken up yet (an account without a
    password is not always invited: one made or taken up by single sign-on has none)."""
    return set(session.exec(select(AccountToken.user_id).where(
        AccountToken.purpose == INVITE, col(AccountToken.used_at).is_(None))))


def staff_list(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.role), col(User.email))))
