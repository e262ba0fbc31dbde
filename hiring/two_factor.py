"""Two-factor login for staff: time-based one-time codes (TOTP, RFC 6238) and recovery codes.

A staff member enrols by scanning a QR code (or typing the secret) into an authenticator app
and confirming with a first code; they then get RECOVERY_CODES single-use recovery codes,
shown once and stored only as hashes. At login, after the right password, they enter a code
from the app or a recovery code.

A code is accepted in the current 30-second step or one step either side (clocks drift), and
never twice: the step of the last accepted code is stored and no code of that step or an
earlier one is accepted again (replay). Wrong codes are counted in the same table as wrong
passwords (hiring.logins), under keys of their own: per client address, and per account
whatever the address, since whoever reaches this step has the password already.

HR may require a second factor of every account of a role (TwoFactorRequirement): staff of
that role are sent to enrol at their next login. HR can reset a member's second factor (a
lost phone); the web layer records it in the audit log.

Time and randomness are passed in. Flushes only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import pyotp
import segno
from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from hiring.logins import MAX_DELAY, WINDOW, Refusal, _key
from hiring.models import LoginFailure, RecoveryCode, TotpFactor, TwoFactorRequirement, User

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # a code of the step before or after is accepted too
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_LENGTH = 10  # about 49 bits each
USER_WINDOW = timedelta(minutes=15)
USER_FREE_FAILURES = 5  # wrong codes for one account before the delay starts
ISSUER = "Hiring"

RandomBytes = Callable[[int], bytes]


# --- enrolment -------------------------------------------------------------------------

def factor_of(user: User, *, session: Session) -> TotpFactor | None:
    return session.exec(select(TotpFactor).where(TotpFactor.user_id == user.id)).first()


def enrolled(user: User, *, session: Session) -> bool:
    factor = factor_of(user, session=session)
    return factor is not None and factor.confirmed_at is not None


def enrolled_ids(*, session: Session) -> set[int]:
    """The ids of the accounts with a confirmed second factor, in one query."""
    return set(session.exec(select(TotpFactor.user_id).where(
        col(TotpFactor.confirmed_at).is_not(None))))


def start_enrolment(user: User, *, session: Session, now: datetime,
                    random_bytes: RandomBytes = secrets.token_bytes) -> TotpFactor:
    """Return the user's unconfirmed factor, making one with a new secret if there is none.

    Opening the page again shows the same secret, so a scan already made still works."""
    factor = factor_of(user, session=session)
    if factor is not None and factor.confirmed_at is not None:
        raise ValueError("the second factor is already set up")
    if factor is None:
        secret = base64.b32encode(random_bytes(20)).decode("ascii")  # 160 bits, RFC 4226
        factor = TotpFactor(user_id=user.id, secret=secret, created_at=now)
        session.add(factor)
        session.flush()
    return factor


def provisioning_uri(factor: TotpFactor, user: User, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(factor.secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code of the URI as an inline SVG element (no XML declaration, no styles)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff",
                                                   title="QR")


def grouped(secret: str) -> str:
    """The secret in groups of four characters, for typing it by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(factor: TotpFactor, code: str, *, session: Session, now: datetime,
                      random_bytes: RandomBytes = secrets.token_bytes) -> list[str] | None:
    """Confirm the factor with a first code; return the new recovery codes, or None if the
    code is wrong. The codes are returned only here: only their hashes are kept."""
    step = _matching_step(factor, code, now=now)
    if step is None:
        return None
    factor.confirmed_at, factor.last_step = now, step
    session.add(factor)
    return new_recovery_codes(factor.user_id, session=session, random_bytes=random_bytes)


def new_recovery_codes(user_id: int, *, session: Session,
                       random_bytes: RandomBytes = secrets.token_bytes) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones; return them."""
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = random_bytes(RECOVERY_LENGTH)
        text = "".join(RECOVERY_ALPHABET[b % len(RECOVERY_ALPHABET)] for b in raw)
        code = f"{text[:5]}-{text[5:]}"
        codes.append(code)
        session.add(RecoveryCode(user_id=user_id, code_hash=_code_hash(code)))
    session.flush()
    return codes


def reset(user: User, *, session: Session) -> bool:
    """Remove the user's second factor and recovery codes; return whether there was one."""
    had = factor_of(user, session=session) is not None
    session.exec(delete(TotpFactor).where(col(TotpFactor.user_id) == user.id))
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    session.flush()
    return had


def recovery_codes_left(user: User, *, session: Session) -> int:
    return session.exec(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None))).one()


# --- login ------------------------------------------------------------------------------

def verify(user: User, code: str, *, session: Session, now: datetime) -> str | None:
    """Check a code at login: "totp" or "recovery" when accepted (and used up), else None."""
    factor = factor_of(user, session=session)
    if factor is None or factor.confirmed_at is None:
        return None
    cleaned = _clean(code)
    if cleaned.isdigit():
        step = _matching_step(factor, cleaned, now=now)
        if step is None:
            return None
        factor.last_step = step
        session.add(factor)
        session.flush()
        return "totp"
    found = session.exec(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(cleaned),
        col(RecoveryCode.used_at).is_(None))).first()
    if found is None:
        return None
    found.used_at = now
    session.add(found)
    session.flush()
    return "recovery"


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()[:40]


def _code_hash(code: str) -> str:
    # Recovery codes are random and long, so a plain hash is enough (unlike passwords).
    return hashlib.sha256(f"recovery:{_clean(code)}".encode()).hexdigest()


def _matching_step(factor: TotpFactor, code: str, *, now: datetime) -> int | None:
    """The time step whose code this is, within DRIFT_STEPS and after the last one used."""
    code = _clean(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(factor.secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if factor.last_step is not None and step <= factor.last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_at(secret: str, now: datetime) -> str:
    """The code an authenticator app shows at this time (for tests and the demo)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(now)


# --- the limit on wrong codes -----------------------------------------------------------

def check(*, session: Session, user: User, address: str, now: datetime,
          per_minute: int) -> Refusal | None:
    """Return a refusal when this address, or this account, must wait before another code."""
    address_key = _key("totp-address", address)
    count, first = session.exec(select(func.count(), func.min(LoginFailure.at)).where(
        LoginFailure.address_key == address_key, LoginFailure.at > now - WINDOW)).one()
    if count >= per_minute:
        return Refusal(max(1, int((first + WINDOW - now).total_seconds()) + 1), "address")
    count, last = session.exec(select(func.count(), func.max(LoginFailure.at)).where(
        LoginFailure.pair_key == _key("totp-user", str(user.id)),
        LoginFailure.at > now - USER_WINDOW)).one()
    if count >= USER_FREE_FAILURES:
        delay = min(timedelta(seconds=2 ** (count - USER_FREE_FAILURES + 1)), MAX_DELAY)
        if now < last + delay:
            return Refusal(max(1, int((last + delay - now).total_seconds()) + 1), "account")
    return None


def record_failure(*, session: Session, user: User, address: str, now: datetime) -> None:
    session.add(LoginFailure(at=now, address_key=_key("totp-address", address),
                             pair_key=_key("totp-user", str(user.id))))
    session.flush()


def record_success(*, session: Session, user: User) -> None:
    session.exec(delete(LoginFailure).where(
        col(LoginFailure.pair_key) == _key("totp-user", str(user.id))))
    session.flush()


# --- requirement per role ---------------------------------------------------------------

def required_roles(*, session: Session) -> set[str]:
    return set(session.exec(select(TwoFactorRequirement.role)).all())


def set_required(roles: set[str], *, session: Session, by: User | None,
                 now: datetime) -> None:
    """Require a second factor of exactly these roles."""
    current = required_roles(session=session)
    for role in current - roles:
        session.exec(delete(TwoFactorRequirement).where(
            col(TwoFactorRequirement.role) == role))
    for role in roles - current:
        session.add(TwoFactorRequirement(role=role, required_at=now,
                                         required_by=by.id if by else None))
    session.flush()


def must_enrol(user: User, *, session: Session) -> bool:
    """Whether the user's role requires a second factor they have not set up yet."""
    required = session.get(TwoFactorRequirement, user.role) is not None
    return required and not enrolled(user, session=session)
