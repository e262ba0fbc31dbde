"""Voluntary self-identification: a few questions asked after submitting, never before.

HR chooses, per assessment, which of the built-in questions are asked
(Assessment.settings["self_id"]). The candidate answers each with one of its fixed
options or "prefer not to say", or leaves it: a question left, or a form skipped, is
stored as not answered (None). Each answer is a SelfIdentification row of its own,
apart from responses and scores; the form is given once per attempt (answered or
skipped, it is closed). Nothing here is ever shown about one candidate: `counts` gives
the figures over many, with small cells suppressed. Flushes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, func, select

from hiring import audit
from hiring.models import Assessment, Attempt, AttemptEnd, AttemptState, SelfIdentification

PREFER_NOT = "prefer_not"
NOT_ANSWERED = "not_answered"  # the name of None in counts and exports
SETTING = "self_id"
MIN_CELL = 5

# Question key -> its option keys, in the order they are shown ("prefer not to say" last).
QUESTIONS: dict[str, tuple[str, ...]] = {
    "gender": ("woman", "man", "another"),
    "age_band": ("under_25", "25_34", "35_44", "45_54", "55_plus"),
    "first_language": ("croatian", "serbian", "bosnian", "english", "other"),
    "disability": ("yes", "no"),
    "accommodation": ("yes", "no"),
}
# The English texts; the web layer translates them (gettext on the text).
QUESTION_TEXTS = {
    "gender": "Gender",
    "age_band": "Age",
    "first_language": "First language",
    "disability": "Do you consider yourself to have a disability?",
    "accommodation": "Did you use an accommodation in this assessment, such as extra time?",
}
OPTION_TEXTS = {
    "gender": {"woman": "Woman", "man": "Man", "another": "Another gender"},
    "age_band": {"under_25": "Under 25", "25_34": "25 to 34", "35_44": "35 to 44",
                 "45_54": "45 to 54", "55_plus": "55 or over"},
    "first_language": {"croatian": "Croatian", "serbian": "Serbian", "bosnian": "Bosnian",
                       "english": "English", "other": "Another language"},
    "disability": {"yes": "Yes", "no": "No"},
    "accommodation": {"yes": "Yes", "no": "No"},
}
PREFER_NOT_TEXT = "Prefer not to say"
NOT_ANSWERED_TEXT = "Not answered"


class SelfIdError(ValueError):
    """A choice that is not one of the question's options."""


def questions(assessment: Assessment) -> list[str]:
    """Return the keys of the questions the assessment asks, in the built-in order."""
    chosen = set((assessment.settings or {}).get(SETTING) or ())
    return [key for key in QUESTIONS if key in chosen]


def set_questions(assessment: Assessment, keys: list[str], *, session: Session,
                  actor, now: datetime) -> None:
    """Choose the questions the assessment asks; unknown keys are refused."""
    unknown = set(keys) - set(QUESTIONS)
    if unknown:
        raise SelfIdError("Unknown question: " + ", ".join(sorted(unknown)))
    chosen = [key for key in QUESTIONS if key in set(keys)]
    settings = dict(assessment.settings or {})
    settings[SETTING] = chosen
    assessment.settings = settings
    flag_modified(assessment, "settings")
    session.add(assessment)
    session.flush()
    audit.record(session, actor=actor, action=audit.Action.SELF_ID_QUESTIONS,
                 object_type="assessment", object_id=assessment.id, at=now,
                 detail={"questions": chosen})


def answered(attempt_id: int, *, session: Session) -> bool:
    """Tell whether the candidate has sent or skipped the form already."""
    return session.exec(select(func.count()).select_from(SelfIdentification).where(
        SelfIdentification.attempt_id == attempt_id)).one() > 0


def offered(attempt: Attempt, assessment: Assessment, *, session: Session) -> bool:
    """Tell whether the form is open to the candidate: submitted (by them or by the clock),
    the assessment asks questions, and the form was neither sent nor skipped."""
    return (attempt.state in (AttemptState.SUBMITTED, AttemptState.SCORED)
            and attempt.submitted_at is not None
            and attempt.ended_by != AttemptEnd.CANCELLED
            and bool(questions(assessment))
            and not answered(attempt.id, session=session))


def save(attempt: Attempt, assessment: Assessment, choices: dict[str, str | None], *,
         session: Session, now: datetime) -> list[SelfIdentification]:
    """Store the candidate's answers, one row per question asked (None: not answered).

    Skipping the form is saving it with no choices. Choices for questions not asked are
    ignored; a choice that is not an option of its question is refused."""
    rows = []
    for key in questions(assessment):
        choice = choices.get(key) or None
        if choice is not None and choice not in (*QUESTIONS[key], PREFER_NOT):
            raise SelfIdError(f"Not an option of {key}: {choice}")
        rows.append(SelfIdentification(attempt_id=attempt.id, question=key, answer=choice,
                                       recorded_at=now))
    session.add_all(rows)
    session.flush()
    return rows


def of_attempt(attempt_id: int, *, session: Session) -> dict[str, str | None]:
    """Return one candidate's answers: only for their own data export, never to show."""
    return {row.question: row.answer for row in session.exec(
        select(SelfIdentification).where(SelfIdentification.attempt_id == attempt_id)
        .order_by(col(SelfIdentification.id)))}


def groups(assessment_id: int, question: str, *, session: Session) -> dict[int, str | None]:
    """Return each answering attempt's answer to one question: for computing aggregates
    (selection rates by group), never for showing one candidate."""
    return dict(session.exec(
        select(SelfIdentification.attempt_id, SelfIdentification.answer)
        .join(Attempt, col(Attempt.id) == SelfIdentification.attempt_id)
        .where(Attempt.assessment_id == assessment_id,
               SelfIdentification.question == question)).all())


@dataclass
class QuestionCounts:
    question: str
    respondents: int  # attempts that sent or skipped the form with this question
    cells: dict[str, int | None] = field(default_factory=dict)  # option -> count; None: hidden

    @property
    def suppressed(self) -> bool:
        return any(value is None for value in self.cells.values())


@dataclass
class Counts:
    questions: list[QuestionCounts]
    min_cell: int
    simulated: int  # respondents among simulated attempts (included in the counts)


def suppress(cells: dict[str, int], min_cell: int = MIN_CELL) -> dict[str, int | None]:
    """Hide every count from 1 to min_cell - 1, and, where that hides a single cell, the
    next smallest too, so that no hidden count can be found by subtraction from the total."""
    shown: dict[str, int | None] = {k: (None if 0 < v < min_cell else v)
                                    for k, v in cells.items()}
    hidden = [k for k, v in shown.items() if v is None]
    if len(hidden) == 1:
        others = sorted((v, k) for k, v in shown.items() if v)
        if others:
            shown[others[0][1]] = None
    return shown


def counts(assessment_id: int, *, session: Session, min_cell: int = MIN_CELL) -> Counts:
    """Count the answers to each question of the assessment's attempts, by option.

    Options with fewer than `min_cell` answers (but some) are hidden, with one more where
    needed (see `suppress`); with fewer than `min_cell` respondents, or all of them in one
    cell, every cell is."""
    assessment = session.get(Assessment, assessment_id)
    found: dict[str, dict[str | None, int]] = {}
    for question, answer, n in session.exec(
            select(SelfIdentification.question, SelfIdentification.answer, func.count())
            .join(Attempt, col(Attempt.id) == SelfIdentification.attempt_id)
            .where(Attempt.assessment_id == assessment_id)
            .group_by(SelfIdentification.question, SelfIdentification.answer)).all():
        found.setdefault(question, {})[answer] = n
    simulated = session.exec(
        select(func.count(func.distinct(SelfIdentification.attempt_id)))
        .join(Attempt, col(Attempt.id) == SelfIdentification.attempt_id)
        .where(Attempt.assessment_id == assessment_id, col(Attempt.simulated))).one()
    asked = questions(assessment) if assessment else []
    keys = asked + sorted(set(found) - set(asked))  # questions asked before, no longer
    result = []
    for question in keys:
        raw = found.get(question, {})
        options = (*QUESTIONS.get(question, ()), PREFER_NOT)
        cells = {option: raw.get(option, 0) for option in options}
        cells[NOT_ANSWERED] = raw.get(None, 0)
        respondents = sum(raw.values())
        # Too few to count, or all alike (each one's answer would be known): hide all.
        shown = (dict.fromkeys(cells) if respondents < min_cell
                 or max(cells.values()) == respondents else suppress(cells, min_cell))
        result.append(QuestionCounts(question, respondents, shown))
    return Counts(result, min_cell, simulated)
