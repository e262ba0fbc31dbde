"""Staff accounts: HR managers and interviewers."""

from __future__ import annotations

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from hiring.catalogues import N_
from hiring.email_address import has_hidden_characters, normalize_email
from hiring.logins import end_sessions
from hiring.models import Role, User, utcnow

MIN_PASSWORD = 8
# Compared against when the email is unknown, so both paths cost one hash.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """The account cannot be created; the message says why. `message` is the catalogue's
    text and `params` fill its %(name)s placeholders, for the page's language."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


def check_new_user(*, session: Session, email: str, role: str) -> str:
    """Return the normalised e-mail of a new account, or raise AccountError."""
    email = normalize_email(email)
    if has_hidden_characters(email):  # it would make a second account for one person
        raise AccountError(N_("The email address contains invisible characters or spaces."))
    if "@" not in email or len(email) > 254:
        raise AccountError(N_("“%(email)s” is not an email address."), email=email)
    if role not in {r.value for r in Role}:
        raise AccountError(N_("Unknown role “%(role)s”: use hr or interviewer."), role=role)
    if session.exec(select(User).where(User.email == email)).first():
        raise AccountError(N_("An account for %(email)s already exists."), email=email)
    return email


def create_user(*, session: Session, email: str, name: str, role: str, password: str) -> User:
    """Create a staff account; flush, never commit."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(N_("The password needs at least %(count)s characters."),
                           count=MIN_PASSWORD)
    email = check_new_user(session=session, email=email, role=role)
    user = User(email=email, name=name.strip() or email, role=role,
                password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def set_password(*, session: Session, email: str, password: str) -> int:
    """Change a password and end every session of the account; return how many ended."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        raise AccountError(N_("No account for %(email)s."), email=normalize_email(email))
    if len(password) < MIN_PASSWORD:
        raise AccountError(N_("The password needs at least %(count)s characters."),
                           count=MIN_PASSWORD)
    user.password_hash = generate_password_hash(password)
    return end_sessions(user, session=session, now=utcnow())


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None."""
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None or not user.active or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)  # the same cost as a real check
        return None
    return user if check_password_hash(user.password_hash, password) else None
