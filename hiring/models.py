"""The tables: people, banks and items, assessments, attempts, responses, ratings,
and the keying rounds in which a panel of experts rates SJT options."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint, event, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import Boolean, TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _ts(**kwargs: Any) -> Any:
    """A timezone-aware timestamp column."""
    nullable = kwargs.pop("nullable", True)
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, **kwargs))


def _json(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


class Role(StrEnum):
    HR = "hr"
    INTERVIEWER = "interviewer"


class AttemptState(StrEnum):
    INVITED = "invited"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXPIRED = "expired"
    SCORED = "scored"


class AttemptEnd(StrEnum):
    """What closed a started attempt."""

    CANDIDATE = "candidate"  # the candidate submitted
    TIMER = "timer"  # the page's timer submitted when the time ran out
    DEADLINE = "deadline"  # the server closed it after the deadline and its grace period
    CANCELLED = "cancelled"  # HR cancelled the invitation while it was under way


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=254)  # normalised: lower case
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=300)  # "" until an invited user sets one
    created_at: datetime = _ts(nullable=False, default=utcnow)
    # Deactivated accounts cannot log in and their sessions are ended (hiring.accounts).
    active: bool = True
    last_login_at: datetime | None = _ts()
    # The language of the account's pages and e-mail; None: the browser's (hiring.i18n).
    language: str | None = Field(default=None, max_length=10)


class AccountToken(SQLModel, table=True):
    """A single-use, expiring link to set a password: an invitation or a reset.

    Only the token's hash is stored; using the link, or a newer link of the same
    purpose, spends it (hiring.staff)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    purpose: str = Field(max_length=20)  # "invite" or "reset"
    token_hash: str = Field(index=True, unique=True, max_length=64)
    created_at: datetime = _ts(nullable=False, default=utcnow)
    expires_at: datetime = _ts(nullable=False)
    used_at: datetime | None = _ts()
    created_by: int | None = Field(default=None, foreign_key="user.id")


class AssessmentInterviewer(SQLModel, table=True):
    """An interviewer assigned to an assessment: they see its candidates (hiring.rights)."""

    __table_args__ = (UniqueConstraint("assessment_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)


class StaffSession(SQLModel, table=True):
    """A staff login; the cookie holds a token whose hash is stored (hiring.logins)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    created_at: datetime = _ts(nullable=False, default=utcnow)
    last_seen_at: datetime = _ts(nullable=False, default=utcnow)
    ended_at: datetime | None = _ts()  # logged out, password changed, or idle too long


class LoginFailure(SQLModel, table=True):
    """A failed login, counted per address and per e-mail-and-address pair (hashed)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(nullable=False, default=utcnow, index=True)
    address_key: str = Field(index=True, max_length=40)
    pair_key: str = Field(index=True, max_length=40)


class Bank(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=100)
    version: int
    title: dict = _json(nullable=False)  # language -> text
    languages: list = _json(nullable=False)
    dimensions: dict = _json(nullable=False)  # key -> {name, definition, ...}
    source_name: str = Field(max_length=300)
    settings: dict | None = _json()  # the bank file's settings: {"cue_audit": {...}}
    imported_at: datetime = _ts(nullable=False, default=utcnow)


class Item(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("bank_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    bank_id: int = Field(foreign_key="bank.id", index=True)
    key: str = Field(max_length=100)  # the id in the bank file
    type: str = Field(max_length=30)
    dimension: str = Field(max_length=50)
    current_revision: int = 1
    retired: bool = False


class ItemRevision(SQLModel, table=True):
    """An immutable version of an item's content; responses point at the one shown."""

    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    number: int
    content: dict = _json(nullable=False)
    content_hash: str = Field(max_length=64)
    created_at: datetime = _ts(nullable=False, default=utcnow)
    created_by: str = Field(default="import", max_length=254)


class Assessment(SQLModel, table=True):
    # Versions of one assessment share bank and key; two saves can't make the same one.
    __table_args__ = (UniqueConstraint("bank_id", "key", "version",
                                       name="uq_assessment_version"),)

    id: int | None = Field(default=None, primary_key=True)
    bank_id: int = Field(foreign_key="bank.id", index=True)
    key: str | None = Field(default=None, max_length=100)  # set when the bank defines it
    name: str = Field(max_length=200)
    titles: dict | None = _json()  # language -> name, for candidates
    settings: dict | None = _json()  # typing_target_wpm, ...
    language: str = Field(default="en", max_length=10)
    time_limit_minutes: int = 40
    grace_seconds: int = 60
    shuffle: bool = True
    # [{title (text or language -> text), type?, dimension?, count}]
    sections: list = _json(nullable=False)
    created_at: datetime = _ts(nullable=False, default=utcnow)
    # Languages candidates may choose; None: every language of the bank.
    languages: list | None = _json()
    # Editing an assessment that candidates have taken makes a new version; the old one
    # keeps its attempts and points at its successor.
    version: int = 1
    replaced_by_id: int | None = Field(default=None, foreign_key="assessment.id")
    created_by: str = Field(default="import", max_length=254)


# Conditions on an attempt's stored results, written out with constants: a partial index
# serves a query only when the query states the index's condition as it is written, and
# a JSON path sent as a bound parameter would not be. The same text is the condition of
# the index (results) and a term of the queries (attempt.results): WithoutScales() and
# NoAnswers() below.
RESULTS_CONDITIONS = {
    # scored before scales existed, or not at all
    "without_scales": {
        "sqlite": "json_extract({results}, '$.scales') IS NULL",
        "postgresql": "({results} ->> 'scales') IS NULL"},
    # closed with every item unanswered
    "no_answers": {
        "sqlite": "json_extract({results}, '$.n_items') > 0 AND "
                  "json_extract({results}, '$.n_unanswered') = "
                  "json_extract({results}, '$.n_items')",
        "postgresql": "CAST(({results} ->> 'n_items') AS INTEGER) > 0 AND "
                      "CAST(({results} ->> 'n_unanswered') AS INTEGER) = "
                      "CAST(({results} ->> 'n_items') AS INTEGER)"},
}


def _index_condition(name: str) -> dict[str, Any]:
    return {f"{dialect}_where": text(condition.format(results="results"))
            for dialect, condition in RESULTS_CONDITIONS[name].items()}


class _ResultsCondition(ColumnElement):
    """SQL: a condition of RESULTS_CONDITIONS on the attempt table's results."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it stands, not "= 1" on SQLite
    name = ""


class WithoutScales(_ResultsCondition):
    name = "without_scales"
    inherit_cache = True


class NoAnswers(_ResultsCondition):
    name = "no_answers"
    inherit_cache = True


@compiles(_ResultsCondition)
def _results_condition(element: _ResultsCondition, compiler, **_kw) -> str:
    condition = RESULTS_CONDITIONS[element.name][compiler.dialect.name]
    return "(" + condition.format(results="attempt.results") + ")"


class Attempt(SQLModel, table=True):
    """An invitation and the attempt it leads to."""

    __table_args__ = (Index("ix_attempt_assessment_activity", "assessment_id",
                            "last_activity_at"),
                      Index("ix_attempt_assessment_decision", "assessment_id", "decision"),
                      # the pipeline's counts by stage and the kept figures' fingerprint
                      Index("ix_attempt_assessment_stage", "assessment_id", "state",
                            "expires_at", "scored_at"),
                      # the attempts rescore_outdated looks for, and the pipeline's
                      # attempts without answers: few rows each, found without a scan
                      Index("ix_attempt_without_scales", "assessment_id", "state",
                            **_index_condition("without_scales")),
                      Index("ix_attempt_no_answers", "assessment_id", "state",
                            **_index_condition("no_answers")))

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    candidate_name: str = Field(max_length=200)
    candidate_email: str = Field(max_length=254)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    state: str = Field(default=AttemptState.INVITED, max_length=20, index=True)
    language: str = Field(default="en", max_length=10)
    seed: int
    created_at: datetime = _ts(nullable=False, default=utcnow)
    expires_at: datetime = _ts(nullable=False)
    started_at: datetime | None = _ts()
    deadline_at: datetime | None = _ts()
    submitted_at: datetime | None = _ts()
    ended_by: str | None = Field(default=None, max_length=20)  # AttemptEnd, once closed
    current_position: int = 0
    extra_minutes: int = 0
    # An accommodation: the time limit and every timed item last this many times as long
    # (hiring.items.accommodations); 1 for most candidates.
    time_multiplier: float = 1.0
    results: dict | None = _json()  # dimension scores, filled by scoring
    overall_score: float | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id")
    # Integrity facts, shown with counts and never as verdicts.
    focus_losses: int = 0  # the candidate stayed away from the page (see scoring/integrity)
    focus_lost_at: datetime | None = _ts()  # when the last focus loss was counted
    paste_count: int = 0
    ip_addresses: list | None = _json()  # distinct, in order of first use (at most 10)
    user_agents: list | None = _json()
    # E-mail: when the last invitation (or resend) and the last reminder went out.
    invited_at: datetime | None = _ts()
    reminded_at: datetime | None = _ts()
    revoked_at: datetime | None = _ts()  # HR cancelled the invitation
    # Made by `hiring simulate` (demos, trials): never in a norm group or a reliability
    # estimate, and marked as such wherever it is listed.
    simulated: bool = False
    # The latest of its moments (created, invited, reminded, started, submitted) and of its
    # saves, kept as they happen (touch) so that the pipeline sorts by an index instead of
    # grouping every response.
    last_activity_at: datetime | None = _ts()
    scored_at: datetime | None = _ts()  # when scoring last stored its results
    # The stage HR or an interviewer last recorded after the assessment (the key of one of
    # the assessment's DecisionStage rows; hiring.assessment.decisions); None: none yet.
    decision: str | None = Field(default=None, max_length=50)
    # Set by the REST API: the caller's own id of the candidate (an ATS candidate id), and
    # the idempotency key of the request that created it: "<api key id>:<position>:<key>".
    external_ref: str | None = Field(default=None, max_length=200, index=True)
    idempotency_key: str | None = Field(default=None, max_length=220, index=True,
                                        unique=True)

    @property
    def timed_out(self) -> bool:
        """Tell whether the clock closed the attempt (the page's timer or the server)."""
        return self.ended_by in (AttemptEnd.TIMER, AttemptEnd.DEADLINE)

    def touch(self, moment: datetime | None) -> None:
        """Make a moment of the attempt its last activity, unless a later one is."""
        if moment is not None and (self.last_activity_at is None
                                   or _aware(moment) > _aware(self.last_activity_at)):
            self.last_activity_at = moment


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


MOMENTS = ("invited_at", "reminded_at", "started_at", "submitted_at")


def _touched(target: Attempt, value: datetime | None, _old, _initiator) -> None:
    target.touch(value)


def _created(target: Attempt, value: datetime | None, old, _initiator) -> None:
    if isinstance(old, datetime) and target.last_activity_at == old:
        # Nothing happened after the old creation time: the latest moment is found again.
        target.last_activity_at = None
        for moment in (value, *(getattr(target, name) for name in MOMENTS)):
            target.touch(moment)
    else:
        target.touch(value)


def _inserting(_mapper, _connection, target: Attempt) -> None:
    if target.created_at is None:
        target.created_at = utcnow()  # what the column's default would give, known here
    target.touch(target.created_at)


for _moment in MOMENTS:
    event.listen(getattr(Attempt, _moment), "set", _touched)
event.listen(Attempt.created_at, "set", _created)
event.listen(Attempt, "before_insert", _inserting)


class Response(SQLModel, table=True):
    """One item of an attempt and the candidate's latest answer to it."""

    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", index=True)
    position: int
    section: str = Field(default="", max_length=200)
    revision_id: int = Field(foreign_key="itemrevision.id")
    params: dict | None = _json()  # numeric parameters drawn for this attempt
    answer: Any = _json()
    client_seq: int = 0  # the highest sequence number stored; older saves are ignored
    saved_at: datetime | None = _ts()
    time_spent_ms: int = 0
    score: float | None = None
    paste_count: int = 0
    pasted_chars: int = 0
    # Writing indicators of a written answer, computed once by a background job after
    # the attempt closes (hiring.scoring.writing_store); None until then.
    indicators: dict | None = _json()


class DecisionStage(SQLModel, table=True):
    """A stage of an assessment's hiring decisions (shortlisted, hired, ...), in order.

    The key never changes, so reports and history keep their meaning when HR renames the
    stage; a stage in use is retired rather than deleted."""

    __table_args__ = (UniqueConstraint("assessment_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    key: str = Field(max_length=50)
    label: str | None = Field(default=None, max_length=100)  # None: the built-in name
    position: int = 0
    retired: bool = False


class DecisionChange(SQLModel, table=True):
    """One recorded move of a candidate from one decision stage to another."""

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", index=True)
    from_key: str | None = Field(default=None, max_length=50)
    to_key: str = Field(max_length=50)
    decided_on: date  # the day the decision was taken, as the person recording it said
    note: str = Field(default="", max_length=2000)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_label: str = Field(max_length=254)
    at: datetime = _ts(nullable=False, default=utcnow)


class SelfIdentification(SQLModel, table=True):
    """A candidate's voluntary answer to one self-identification question, given after
    submitting (hiring.assessment.self_id). Kept apart from answers and scores, and shown
    only in counts over many candidates."""

    __table_args__ = (UniqueConstraint("attempt_id", "question"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", index=True)
    question: str = Field(max_length=30)
    answer: str | None = Field(default=None, max_length=30)  # None: not answered
    recorded_at: datetime = _ts(nullable=False, default=utcnow)


class Rating(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("response_id", "rater_id"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    rater_id: int = Field(foreign_key="user.id")
    scores: dict = _json(nullable=False)  # criterion id -> 1..5
    comment: str = Field(default="", max_length=5000)
    created_at: datetime = _ts(nullable=False, default=utcnow)


class CalibrationAnswer(SQLModel, table=True):
    """A written answer with ratings HR agreed on, for raters to calibrate against.

    Kept apart from candidates' responses: it belongs to no attempt, names no candidate
    (HR removes names when it comes from a response) and scores nobody."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    revision_id: int = Field(foreign_key="itemrevision.id")  # the rubric agreed against
    language: str = Field(max_length=10)
    text: str = Field(max_length=10_000)
    agreed: dict = _json(nullable=False)  # criterion id -> 1..5
    explanation: str = Field(max_length=5000)
    origin: str = Field(default="sample", max_length=20)  # "sample" or "response"
    active: bool = True  # retired answers are no longer given to new raters
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = _ts(nullable=False, default=utcnow)


class CalibrationRating(SQLModel, table=True):
    """A rater's rating of a calibration answer: never a candidate's score, never changed."""

    __table_args__ = (UniqueConstraint("answer_id", "rater_id"),)

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="calibrationanswer.id", index=True)
    rater_id: int = Field(foreign_key="user.id", index=True)
    scores: dict = _json(nullable=False)  # criterion id -> 1..5
    created_at: datetime = _ts(nullable=False, default=utcnow)


class EmailTemplate(SQLModel, table=True):
    """HR's wording of a message in one language; the shipped wording is used until then."""

    __table_args__ = (UniqueConstraint("kind", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)  # invitation, reminder, confirmation
    language: str = Field(max_length=10)
    subject: str = Field(max_length=300)
    body: str = Field(max_length=20_000)
    updated_at: datetime = _ts(nullable=False, default=utcnow)
    updated_by: str = Field(default="", max_length=254)


class EmailMessage(SQLModel, table=True):
    """A message sent (or put in the outbox) to a candidate. The body, which holds the
    invitation link, is never stored here: only in the outbox file or the mail server."""

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int | None = Field(default=None, foreign_key="attempt.id", index=True)
    kind: str = Field(max_length=30)
    language: str = Field(max_length=10)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    state: str = Field(default="queued", max_length=20)  # queued, sent, outbox, failed
    error: str | None = Field(default=None, max_length=2000)
    outbox_file: str | None = Field(default=None, max_length=300)  # name in instance/outbox
    # A message to an expert of a keying round rather than to a candidate.
    expert_id: int | None = Field(default=None, foreign_key="keyingexpert.id", index=True)
    created_at: datetime = _ts(nullable=False, default=utcnow)
    sent_at: datetime | None = _ts()
    # Tries that met a mail server that was down or busy; the message stays queued until
    # next_try_at, then fails for good once the retry schedule is spent (hiring.mail.sending).
    tries: int = 0
    next_try_at: datetime | None = _ts()


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(SQLModel, table=True):
    """A long task (a ZIP of profiles, ...) that runs in the background and reports progress.

    The table is the queue (hiring.leases): a worker claims a queued job whose run_after has
    come by taking a lease, renews it while it works, and a job whose lease ran out (its
    worker died) is claimed again."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50)
    state: str = Field(default=JobState.QUEUED, max_length=20, index=True)
    params: dict = _json(nullable=False)
    total: int = 0
    done: int = 0
    result_path: str | None = Field(default=None, max_length=500)
    error: str | None = Field(default=None, max_length=2000)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts(nullable=False, default=utcnow)
    finished_at: datetime | None = _ts()
    attempts: int = 0  # runs started, including those whose worker died
    run_after: datetime | None = _ts()  # not before (a retry's back-off); None: at once
    lease_owner: str | None = Field(default=None, max_length=100)  # the worker running it
    lease_expires_at: datetime | None = _ts()  # renewed while it runs; past: its worker died
    # Set while a periodic job waits or runs, so that one of each kind is pending.
    key: str | None = Field(default=None, max_length=100, unique=True)


class AuditEvent(SQLModel, table=True):
    """Who did what with a candidate's data: viewed, rated, exported, erased, purged."""

    # An object's events in time order: an API key's calls of the last minute (its rate
    # limit) read only that minute's entries.
    __table_args__ = (Index("ix_auditevent_object", "object_type", "object_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(nullable=False, default=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")  # None: cli or system
    actor_label: str = Field(max_length=254)  # the user's email, "cli" or "system"
    action: str = Field(max_length=30, index=True)
    object_type: str = Field(max_length=30)
    object_id: int | None = None
    detail: dict | None = _json()  # small, and never the candidate's personal data


class Aggregate(SQLModel, table=True):
    """Figures computed from an assessment's attempts (hiring.scoring.aggregates), kept
    with the fingerprint of the attempts they were computed from: their number and the
    latest time one of them was scored."""

    __table_args__ = (UniqueConstraint("assessment_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id")
    kind: str = Field(max_length=30)  # "item_health", "norms"
    n_attempts: int = 0
    last_scored_at: datetime | None = _ts()
    computed_at: datetime = _ts(nullable=False, default=utcnow)
    data: dict = _json(nullable=False)


class KeyingState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ExpertKind(StrEnum):
    LINK = "link"  # rates in the browser through a personal link
    PAPER = "paper"  # rated on paper; HR imported the ratings from a CSV file
    SIMULATED = "simulated"  # made up by `hiring keying simulate`, to try the workflow


class KeyingRound(SQLModel, table=True):
    """A panel of experts rating the options of some SJT items of a bank."""

    id: int | None = Field(default=None, primary_key=True)
    bank_id: int = Field(foreign_key="bank.id", index=True)
    name: str = Field(max_length=200)
    state: str = Field(default=KeyingState.OPEN, max_length=20)
    created_by: str = Field(max_length=254)
    created_at: datetime = _ts(nullable=False, default=utcnow)
    closed_at: datetime | None = _ts()


class KeyingItem(SQLModel, table=True):
    """An item of a round and the revision every expert of the round sees."""

    __table_args__ = (UniqueConstraint("round_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="keyinground.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    revision_id: int = Field(foreign_key="itemrevision.id")
    position: int  # 1-based, the order experts go through the items


class KeyingExpert(SQLModel, table=True):
    """An expert of a round: reached by a link (token stored hashed), on paper, or simulated."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="keyinground.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    language: str = Field(default="en", max_length=10)
    kind: str = Field(default=ExpertKind.LINK, max_length=20)
    token_hash: str | None = Field(default=None, index=True, unique=True, max_length=64)
    position: int = 0  # the item the expert last opened, to resume there
    invited_at: datetime | None = _ts()
    started_at: datetime | None = _ts()
    finished_at: datetime | None = _ts()


class KeyingRating(SQLModel, table=True):
    """One expert's effectiveness rating (1-5) of one option of one item."""

    __table_args__ = (UniqueConstraint("expert_id", "item_id", "option_id"),)

    id: int | None = Field(default=None, primary_key=True)
    expert_id: int = Field(foreign_key="keyingexpert.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    revision_id: int = Field(foreign_key="itemrevision.id")
    option_id: str = Field(max_length=100)
    rating: int
    saved_at: datetime = _ts(nullable=False, default=utcnow)


class Outcome(SQLModel, table=True):
    """A job outcome of a candidate, imported by HR (a quality score after 90 days,
    retained at 6 months as 1 or 0): what criterion validity correlates scores with.
    One value per outcome name and attempt; importing it again replaces it. Erased with
    the attempt."""

    __table_args__ = (UniqueConstraint("attempt_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", index=True)
    name: str = Field(max_length=100)
    value: float
    recorded_on: date | None = None  # when the outcome was observed, if the file says
    imported_at: datetime = _ts(nullable=False, default=utcnow)
    imported_by: str = Field(max_length=254)


class FeedbackRelease(SQLModel, table=True):
    """HR released an attempt's feedback report to its candidate: who, when, and the link.

    The link's token is stored only as a hash and stops working at expires_at; a re-send
    issues a new token, and the previous link stops working."""

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", index=True, unique=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    released_at: datetime = _ts(nullable=False)
    released_by: int | None = Field(default=None, foreign_key="user.id")
    expires_at: datetime = _ts(nullable=False)
    sent_at: datetime | None = _ts()  # when the e-mail with the link last went out
    sends: int = 0  # e-mails sent with a link: 1, then one more per re-send
    opened_at: datetime | None = _ts()  # the candidate first opened the page


class TotpFactor(SQLModel, table=True):
    """A staff member's second factor: the shared secret of their authenticator app
    (hiring.two_factor). Unconfirmed until they enter a first code from it; last_step is
    the time step of the last code accepted, so that no code is accepted twice."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, unique=True)
    secret: str = Field(max_length=64)  # base32, as the authenticator app holds it
    created_at: datetime = _ts(nullable=False, default=utcnow)
    confirmed_at: datetime | None = _ts()
    last_step: int | None = None


class RecoveryCode(SQLModel, table=True):
    """A single-use code that stands in for the authenticator app; only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    used_at: datetime | None = _ts()


class TwoFactorRequirement(SQLModel, table=True):
    """HR requires a second factor of every account of this role: such staff are sent to
    enrol at their next login, and cannot open other pages until they have."""

    role: str = Field(primary_key=True, max_length=20)
    required_at: datetime = _ts(nullable=False, default=utcnow)
    required_by: int | None = Field(default=None, foreign_key="user.id")


class SsoProvider(SQLModel, table=True):
    """A single sign-on provider HR added on the Single sign-on page (hiring.sso), beside
    those of the OIDC_PROVIDERS setting. `settings` holds the keys of a setting's entry
    but the name (the client secret among them: it is sent to the provider)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=40)
    settings: dict = _json(nullable=False)
    active: bool = True
    created_at: datetime = _ts(nullable=False, default=utcnow)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime | None = _ts()


class WebhookEndpoint(SQLModel, table=True):
    """An address HR registered to be told of events (hiring.webhooks), with the secret
    its deliveries are signed with: shown once when created, kept to sign, never shown
    again."""

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=200)
    secret: str = Field(max_length=100)
    events: list = _json(nullable=False)  # the event names it receives
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts(nullable=False, default=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """One event sent (or to be sent) to one endpoint, with its tries: the latest response
    in the columns, every try in `tries`. The payload never holds the candidate's name,
    e-mail, answers, self-identification or integrity facts."""

    __table_args__ = (Index("ix_webhookdelivery_endpoint_created", "endpoint_id",
                            "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhookendpoint.id")
    event: str = Field(max_length=50)
    attempt_id: int | None = Field(default=None, index=True)  # erased with the attempt
    payload: dict = _json(nullable=False)
    state: str = Field(default="pending", max_length=20, index=True)  # DeliveryState
    attempts: int = 0  # tries made
    response_code: int | None = None
    response_body: str | None = Field(default=None, max_length=2000)  # the first 2 KB
    error: str | None = Field(default=None, max_length=500)  # no response: why
    duration_ms: int | None = None
    tries: list | None = _json()  # each try: at, code, duration_ms, error
    next_retry_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False, default=utcnow)
    delivered_at: datetime | None = _ts()


class ApiKey(SQLModel, table=True):
    """A key for the REST API, created by HR with scopes; revoked keys are kept.

    The caller holds "<prefix>_<secret>"; only the SHA-256 of the secret is stored (the
    secret is random, so a fast hash is enough). last_used_at is written at most once a
    minute."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    prefix: str = Field(index=True, unique=True, max_length=20)
    secret_hash: str = Field(max_length=64)
    scopes: list = _json(nullable=False)
    created_at: datetime = _ts(nullable=False, default=utcnow)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    revoked_at: datetime | None = _ts()
    last_used_at: datetime | None = _ts()


class GreenhouseTest(SQLModel, table=True):
    """An invitation Greenhouse asked for through its Assessment Partner API (send_test):
    the test chosen, the key that asked, and the address Greenhouse gave to be told when
    the attempt is complete (PATCH, no body), with every try of telling it. The
    invitation's id is the partner_interview_id Greenhouse polls test_status with."""

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", unique=True, index=True)
    api_key_id: int = Field(foreign_key="apikey.id")
    partner_test_id: str = Field(max_length=50)
    callback_url: str | None = Field(default=None, max_length=2000)
    # None: nothing to tell yet (or no callback_url); then pending, delivered or failed
    # (hiring.webhooks.events.DeliveryState), with each try as a webhook delivery's.
    callback_state: str | None = Field(default=None, max_length=20)
    callback_tries: list | None = _json()
    created_at: datetime = _ts(nullable=False, default=utcnow)
