"""What the REST API reads and writes: pydantic models, also its OpenAPI schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 500
MAX_LIMIT = 100
MAX_ID = 2**31 - 1  # the largest id a table holds (PostgreSQL's integer)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PageQuery(Strict):
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="Items per page (1-100).")
    cursor: str | None = Field(default=None, pattern=r"^[0-9]{1,10}$",
                               description="`next_cursor` of the previous page.")


class InvitationQuery(PageQuery):
    assessment_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    external_ref: str | None = Field(default=None, max_length=200,
                                     description="Only invitations with this reference.")


class Assessment(BaseModel):
    id: int
    name: str
    version: int
    current: bool = Field(description="False: replaced by a later version, which takes "
                                      "the new invitations.")
    replaced_by: int | None
    language: str
    languages: list[str] = Field(description="The languages a candidate may take it in.")
    time_limit_minutes: int


class AssessmentPage(BaseModel):
    items: list[Assessment]
    next_cursor: str | None


class NewCandidate(Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    external_ref: str | None = Field(default=None, max_length=200,
                                     description="Your id of the candidate, e.g. the ATS's.")
    language: str | None = Field(default=None, max_length=10,
                                 description="Default: the assessment's language.")
    deadline: date | None = Field(default=None, description="The last day (UTC) the link "
                                  "works; default: the configured number of days from now.")
    time_multiplier: float = Field(default=1.0, ge=1.0, le=3.0,
                                   description="An accommodation: 1.5 gives half as much "
                                               "time again.")
    send_email: bool = Field(default=False, description="E-mail the link to the candidate.")


class NewInvitation(NewCandidate):
    assessment_id: int = Field(ge=1, le=MAX_ID)


class NewInvitations(Strict):
    assessment_id: int = Field(ge=1, le=MAX_ID)
    invitations: list[NewCandidate] = Field(min_length=1, max_length=MAX_BATCH)


class Band(BaseModel):
    low: float
    high: float


class Score(BaseModel):
    key: str
    kind: Literal["scale", "subscore"]
    name: str
    score: float | None = Field(description="0-100 over the answered items; null without.")
    band: Band | None = Field(description="The 95% band from the SEM; null for an "
                                          "indication, which supports no band.")
    reportable: bool = Field(description="False: an indication only, not a score to "
                                         "compare.")
    decision: str = Field(description="What the profile's rules make of the band: strength, "
                                      "development, band, insufficient, indication, ...")
    note: str
    percentile: float | None = Field(description="Only against a norm group of at least "
                                                 "the configured size.")
    norm_group_size: int | None
    n_items: int
    n_unanswered: int
    n_pending: int = Field(description="Answered, waiting for ratings.")


class Results(BaseModel):
    complete: bool = Field(description="False: too many items unanswered (or none answered): "
                                       "scores rest on the answered items only and no "
                                       "strengths or development areas are claimed.")
    no_answers: bool
    n_items: int
    n_unanswered: int
    ratings_complete: bool
    scores: list[Score]
    strengths: list[str] = Field(description="Keys of the scores flagged as strengths.")
    development_areas: list[str]
    integrity: dict[str, int] = Field(description="Counts of recorded facts (leaving the "
                                                  "page, pastes): facts, not verdicts.")


class Invitation(BaseModel):
    id: int
    assessment_id: int
    candidate_name: str
    candidate_email: str
    external_ref: str | None
    language: str
    state: str = Field(description="invited, in_progress, submitted, scored or expired.")
    cancelled: bool
    created_at: datetime
    expires_at: datetime
    started_at: datetime | None
    submitted_at: datetime | None
    time_multiplier: float
    extra_minutes: int
    link: str | None = Field(default=None, description="The candidate's link: given only "
                             "in the answer that creates (or resends) it, never again.")
    results: Results | None = Field(default=None, description="Once submitted.")


class InvitationPage(BaseModel):
    items: list[Invitation]
    next_cursor: str | None


class CreatedInvitations(BaseModel):
    items: list[Invitation]


class Extension(Strict):
    deadline: date | None = Field(default=None, description="The new last day (UTC).")
    days: int | None = Field(default=None, ge=1, le=365,
                             description="Or: this many days later.")
