"""The wording of candidates' (and keying experts') e-mails: shipped defaults, HR's edits,
placeholders.

A message's text is looked up in the candidate's language, then in English: HR's wording
(an EmailTemplate row) first, then the shipped default (`defaults/<kind>.<language>.txt`,
whose first line is `Subject: ...`). Placeholders are `{name}` and the like, nothing
more: no format specs, no attributes, so a template can only insert the values below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from sqlmodel import Session, select

from hiring.items.messages import N_
from hiring.models import EmailTemplate

KINDS = ("invitation", "reminder", "confirmation", "time_up", "keying", "feedback")
# Names and meanings in English, marked for the catalogue: the web layer translates them.
KIND_LABELS = {"invitation": N_("Invitation"), "reminder": N_("Reminder"),
               "confirmation": N_("Confirmation after submitting"),
               "time_up": N_("Confirmation when time ran out (submitted by the clock)"),
               "keying": N_("Invitation to rate for a keying panel (experts)"),
               "feedback": N_("Feedback report released to the candidate")}
NEEDS_LINK = frozenset({"invitation", "reminder", "keying", "feedback"})
PLACEHOLDERS = {
    "name": N_("the candidate's name"),
    "assessment": N_("the assessment's title as candidates see it, in their language"),
    "link": N_("the candidate's personal link (a new one for every invitation and reminder; "
               "in the feedback message, the link to their report)"),
    "deadline": N_("when the invitation expires (in the feedback message: when the link to "
                   "the report expires), written for the language"),
    "minutes": N_("the time limit, with any extra time"),
    "organisation": N_("your organisation (MAIL_ORGANISATION)"),
}
# Experts of a keying round get their own message, with what they need to know.
EXPERT_PLACEHOLDERS = {
    "name": N_("the expert's name"),
    "round": N_("the keying round's name"),
    "items": N_("how many situations the round asks them to rate"),
    "link": N_("the expert's personal link (a new one for every invitation)"),
    "organisation": N_("your organisation (MAIL_ORGANISATION)"),
}
FALLBACK_LANGUAGE = "en"
DEFAULTS_DIR = Path(__file__).parent / "defaults"
MAX_SUBJECT = 300
MAX_BODY = 20_000
_FIELD = re.compile(r"\{([^{}\n]*)\}")


@dataclass(frozen=True)
class Wording:
    """The subject and body of one kind of message in one language, before rendering."""

    kind: str
    language: str
    subject: str
    body: str
    customised: bool = False  # HR's wording, not the shipped one
    updated_at: datetime | None = None
    updated_by: str = ""


class TemplateInvalid(ValueError):
    """HR's wording cannot be saved; `problems` maps a field to its messages."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(p for messages in problems.values() for p in messages))
        self.problems = problems


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise KeyError(f"unknown kind of message {kind!r}")


@cache
def _default(kind: str, language: str) -> Wording | None:
    path = DEFAULTS_DIR / f"{kind}.{language}.txt"
    if not path.is_file():
        return None
    first, _, body = path.read_text(encoding="utf-8").partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"{path.name}: the first line must be 'Subject: ...'")
    return Wording(kind, language, first.removeprefix("Subject: ").strip(),
                   body.strip("\n") + "\n")


def default(kind: str, language: str) -> Wording | None:
    """Return the shipped wording, if there is one in that language."""
    _check_kind(kind)
    return _default(kind, language)


def default_languages() -> list[str]:
    """Return the languages the shipped wording covers (every kind), English first."""
    found = {path.name.split(".")[1] for path in DEFAULTS_DIR.glob("*.*.txt")}
    complete = [lang for lang in sorted(found) if all(_default(k, lang) for k in KINDS)]
    return sorted(complete, key=lambda lang: lang != FALLBACK_LANGUAGE)


def stored(kind: str, language: str, *, session: Session) -> EmailTemplate | None:
    """Return HR's wording of a kind of message in a language, if they wrote one."""
    return session.exec(select(EmailTemplate).where(
        EmailTemplate.kind == kind, EmailTemplate.language == language)).first()


def wording(kind: str, language: str, *, session: Session) -> Wording:
    """Return the wording to send in a language: HR's, else the shipped one; else English."""
    _check_kind(kind)
    for lang in dict.fromkeys((language, FALLBACK_LANGUAGE)):
        row = stored(kind, lang, session=session)
        if row is not None:
            return Wording(kind, lang, row.subject, row.body, customised=True,
                           updated_at=row.updated_at, updated_by=row.updated_by)
        shipped = default(kind, lang)
        if shipped is not None:
            return shipped
    raise LookupError(f"no wording for {kind} messages")  # the English files ship


def placeholders_in(text: str) -> list[str]:
    """Return the placeholder names a text uses, in order of first use."""
    return list(dict.fromkeys(match.group(1) for match in _FIELD.finditer(text)))


def placeholders_for(kind: str) -> dict[str, str]:
    """Return the placeholders a kind of message may use, with what each stands for."""
    _check_kind(kind)
    return EXPERT_PLACEHOLDERS if kind == "keying" else PLACEHOLDERS


def _english(message: str, **values: object) -> str:
    return message % values if values else message


def _unknown(text: str, kind: str, gettext: Callable[..., str]) -> list[str]:
    allowed = placeholders_for(kind)
    known = ", ".join(f"{{{name}}}" for name in allowed)
    unknown = ["{" + name + "}" for name in placeholders_in(text) if name not in allowed]
    return [gettext("Unknown placeholder %(placeholder)s: use only %(known)s.",
                    placeholder=placeholder, known=known) for placeholder in unknown]


def problems(kind: str, subject: str, body: str,
             gettext: Callable[..., str] = _english) -> dict[str, list[str]]:
    """Check HR's wording; return the problems by field ("subject", "body"), if any, in
    English or through the gettext given (the page's language)."""
    _check_kind(kind)
    found: dict[str, list[str]] = {"subject": [], "body": []}
    if not subject.strip():
        found["subject"].append(gettext("The subject is required."))
    elif "\n" in subject.strip() or "\r" in subject.strip():
        found["subject"].append(gettext("The subject must be one line."))
    elif len(subject.strip()) > MAX_SUBJECT:
        found["subject"].append(gettext("The subject is longer than %(max)d characters.",
                                        max=MAX_SUBJECT))
    if not body.strip():
        found["body"].append(gettext("The message is required."))
    elif len(body) > MAX_BODY:
        found["body"].append(gettext("The message is longer than %(max)d characters.",
                                     max=MAX_BODY))
    found["subject"] += _unknown(subject, kind, gettext)
    found["body"] += _unknown(body, kind, gettext)
    if kind in NEEDS_LINK and "link" not in placeholders_in(body):
        found["body"].append(gettext("The message must contain {link}: without it the expert "
                                     "cannot open the ratings.") if kind == "keying" else
                             gettext("The message must contain {link}: without it the "
                                     "candidate cannot open the report.")
                             if kind == "feedback" else
                             gettext("The message must contain {link}: without it the "
                                     "candidate cannot open the assessment."))
    return {name: messages for name, messages in found.items() if messages}


def save(kind: str, language: str, subject: str, body: str, *, session: Session,
         author: str, now: datetime) -> EmailTemplate:
    """Store HR's wording after checking it; raise TemplateInvalid and change nothing if bad."""
    found = problems(kind, subject, body)
    if found:
        raise TemplateInvalid(found)
    body = body.replace("\r\n", "\n").strip("\n") + "\n"
    row = stored(kind, language, session=session)
    if row is None:
        row = EmailTemplate(kind=kind, language=language, subject="", body="")
        session.add(row)
    row.subject, row.body = subject.strip(), body
    row.updated_at, row.updated_by = now, author
    session.flush()
    return row


def restore_default(kind: str, language: str, *, session: Session) -> bool:
    """Forget HR's wording so the shipped one is used again; tell whether there was one."""
    row = stored(kind, language, session=session)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def render(text: str, values: dict[str, str]) -> str:
    """Put the values in for the placeholders; anything else in braces stays as it is."""
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def format_deadline(moment: datetime, language: str, timezone: str = "UTC") -> str:
    """Write a moment for a candidate: date and time in the language, with the time zone.

    An unknown time zone (a typo in MAIL_TIMEZONE) gives UTC, which the text then says."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    try:
        date_text = format_date(local, "long", locale=language)
        time_text = format_time(local, "short", locale=language)
    except (ValueError, LookupError):  # a language Babel does not know
        date_text, time_text = f"{local:%Y-%m-%d}", f"{local:%H:%M}"
    return f"{date_text}, {time_text} {local.tzname()}"
