"""Calibration: answers with agreed ratings that a new rater rates before candidates.

A rater new to an item first rates a few of its calibration answers and, after each,
sees how far they were from the ratings HR agreed on and why. Calibration ratings live
in their own table: they never reach a candidate's score or the rater agreement figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from hiring.config import Defaults
from hiring.items.messages import N_, CandidateError
from hiring.items.types import get_type, type_names
from hiring.items.types.written import LEVELS, MAX_CHARS
from hiring.models import (
    Attempt,
    Bank,
    CalibrationAnswer,
    CalibrationRating,
    Item,
    ItemRevision,
    Response,
    User,
)

DEFAULT_REQUIRED = Defaults.CALIBRATION_ANSWERS  # answers a rater rates per item before candidates'
MAX_EXPLANATION = 5000
NAME_MARK, EMAIL_MARK = "[name]", "[e-mail]"


class CalibrationError(CandidateError, ValueError):
    """The calibration answer or rating is not valid; the message says why."""


@dataclass(frozen=True)
class Draft:
    """What a calibration answer made from a candidate's response starts from."""

    item: Item
    revision: ItemRevision
    language: str
    text: str


@dataclass(frozen=True)
class Progress:
    """How far a rater is with the calibration of one item."""

    item_id: int
    done: int
    needed: int  # the setting, or fewer when the item has fewer calibration answers
    next_answer_id: int | None

    @property
    def pending(self) -> bool:
        return self.done < self.needed and self.next_answer_id is not None


@dataclass(frozen=True)
class Deviation:
    criterion: str
    name: str
    given: int
    agreed: int

    @property
    def difference(self) -> int:
        return self.given - self.agreed


@dataclass(frozen=True)
class RaterRecord:
    """A rater's calibration so far: mean absolute deviation per criterion."""

    rater: str
    answers: int  # calibration answers rated
    mad: dict[str, float]  # criterion id -> mean |given - agreed|
    bias: dict[str, float]  # criterion id -> mean (given - agreed): + lenient, - severe
    counts: dict[str, int]  # criterion id -> ratings behind the figures
    overall: float | None  # over every criterion rating


def anonymise(text: str, *, name: str, email: str, keep: Iterable[str] = ()) -> str:
    """Replace the candidate's e-mail address and name (whole and each part) in a text.

    Names the item itself uses (the customer's) are kept, so that "Dear Ana" still reads
    right when the candidate is called Ana too. HR reads the result before saving it:
    declined forms of a name ("Ani", "Anom") cannot be found this way."""
    kept = {word.casefold() for phrase in keep for word in phrase.split()}
    if email:
        text = re.sub(re.escape(email), EMAIL_MARK, text, flags=re.IGNORECASE)
    parts = [name.strip()] + [part for part in name.split() if len(part) >= 2]
    for part in sorted({p for p in parts if p}, key=len, reverse=True):
        if part.casefold() in kept:
            continue
        text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", NAME_MARK, text,
                      flags=re.IGNORECASE)
    return text


def draft_from_response(response: Response, *, session: Session) -> Draft:
    """Return the anonymised text, item and language of a candidate's written response."""
    revision = session.get(ItemRevision, response.revision_id)
    if not get_type(revision.content["type"]).needs_rating:
        raise CalibrationError(N_("Only rated (written) answers can be calibration answers."))
    if not (response.answer or "").strip():
        raise CalibrationError(N_("This response is empty."))
    attempt = session.get(Attempt, response.attempt_id)
    text = anonymise(response.answer, name=attempt.candidate_name,
                     email=attempt.candidate_email,
                     keep=[revision.content.get("customer_name") or ""])
    return Draft(session.get(Item, revision.item_id), revision, attempt.language, text)


def check_scores(content: dict, scores: Mapping[str, object]) -> dict[str, int]:
    """Return the scores if they rate every criterion of the rubric from 1 to 5."""
    criteria = [c["id"] for c in content.get("rubric", [])]
    if set(scores) != set(criteria):
        raise CalibrationError(N_("Rate every criterion of the rubric."))
    if any(isinstance(v, bool) or not isinstance(v, int) or v not in LEVELS
           for v in scores.values()):
        raise CalibrationError(N_("Each rating must be a whole number from 1 to 5."))
    return {cid: int(scores[cid]) for cid in criteria}


def add_answer(*, session: Session, item: Item, text: str, language: str,
               agreed: Mapping[str, object], explanation: str, created_by: str,
               origin: str = "sample") -> CalibrationAnswer:
    """Store a calibration answer for the item's current revision."""
    revision = session.exec(select(ItemRevision).where(
        ItemRevision.item_id == item.id, ItemRevision.number == item.current_revision)).one()
    if not get_type(revision.content["type"]).needs_rating:
        raise CalibrationError(N_("Only rated (written) items have calibration answers."))
    text, explanation = text.replace("\r\n", "\n").strip(), explanation.strip()
    if not text or len(text) > MAX_CHARS:
        raise CalibrationError(N_("The answer must have 1 to %(num)s characters."), num=MAX_CHARS)
    if not explanation or len(explanation) > MAX_EXPLANATION:
        raise CalibrationError(N_("Explain the agreed ratings (at most 5000 characters)."))
    answer = CalibrationAnswer(
        item_id=item.id, revision_id=revision.id, language=language, text=text,
        agreed=check_scores(revision.content, agreed), explanation=explanation,
        origin=origin, created_by=created_by)
    session.add(answer)
    session.flush()
    return answer


def progress(item_ids: Iterable[int], rater_id: int, *, session: Session,
             required: int = DEFAULT_REQUIRED) -> dict[int, Progress]:
    """Return the rater's calibration progress for each item."""
    item_ids = sorted(set(item_ids))
    answers = list(session.exec(select(CalibrationAnswer.id, CalibrationAnswer.item_id,
                                       CalibrationAnswer.active)
                                .where(col(CalibrationAnswer.item_id).in_(item_ids))
                                .order_by(col(CalibrationAnswer.id))))
    rated = set(session.exec(select(CalibrationRating.answer_id).where(
        CalibrationRating.rater_id == rater_id,
        col(CalibrationRating.answer_id).in_([a for a, _, _ in answers]))))
    result = {}
    for item_id in item_ids:
        mine = [(a, active) for a, item, active in answers if item == item_id]
        done = sum(1 for a, _ in mine if a in rated)
        active = [a for a, is_active in mine if is_active]
        waiting = [a for a in active if a not in rated]
        result[item_id] = Progress(item_id, done, min(required, done + len(waiting)),
                                   waiting[0] if waiting else None)
    return result


def item_of_revisions(revision_ids: Iterable[int], *, session: Session) -> dict[int, int]:
    """Return revision id -> item id."""
    return dict(session.exec(select(ItemRevision.id, ItemRevision.item_id).where(
        col(ItemRevision.id).in_(list(set(revision_ids))))).all())


def rate_answer(answer: CalibrationAnswer, *, session: Session, rater_id: int,
                scores: Mapping[str, object]) -> CalibrationRating:
    """Store a rater's one rating of a calibration answer (a second one is refused)."""
    if session.exec(select(CalibrationRating).where(
            CalibrationRating.answer_id == answer.id,
            CalibrationRating.rater_id == rater_id)).first():
        raise CalibrationError(N_("You have already rated this calibration answer."))
    revision = session.get(ItemRevision, answer.revision_id)
    rating = CalibrationRating(answer_id=answer.id, rater_id=rater_id,
                               scores=check_scores(revision.content, scores))
    session.add(rating)
    session.flush()
    return rating


def deviations(answer: CalibrationAnswer, rating: CalibrationRating,
               criteria: list[tuple[str, str]]) -> list[Deviation]:
    """Return the rater's rating beside the agreed one, criterion by criterion."""
    return [Deviation(cid, name, rating.scores[cid], answer.agreed[cid])
            for cid, name in criteria if cid in rating.scores and cid in answer.agreed]


def record(rater: str, pairs: Iterable[tuple[Mapping[str, int], Mapping[str, int]]]
           ) -> RaterRecord:
    """Summarise (given, agreed) score pairs of one rater, criterion by criterion."""
    differences: dict[str, list[int]] = {}
    answers = 0
    for given, agreed in pairs:
        answers += 1
        for cid, value in given.items():
            if cid in agreed:
                differences.setdefault(cid, []).append(value - agreed[cid])
    every = [d for values in differences.values() for d in values]
    return RaterRecord(
        rater=rater, answers=answers,
        mad={cid: sum(map(abs, ds)) / len(ds) for cid, ds in differences.items()},
        bias={cid: sum(ds) / len(ds) for cid, ds in differences.items()},
        counts={cid: len(ds) for cid, ds in differences.items()},
        overall=sum(map(abs, every)) / len(every) if every else None)


def rater_records(*, session: Session) -> list[RaterRecord]:
    """Return every rater's calibration record, by name."""
    rows = session.exec(select(User.name, User.email, CalibrationRating.scores,
                               CalibrationAnswer.agreed)
                        .join(CalibrationRating, col(CalibrationRating.rater_id) == User.id)
                        .join(CalibrationAnswer,
                              col(CalibrationAnswer.id) == CalibrationRating.answer_id)
                        .order_by(col(User.name), col(CalibrationRating.id)))
    by_rater: dict[str, list] = {}
    for name, email, given, agreed in rows:
        by_rater.setdefault(f"{name} <{email}>", []).append((given, agreed))
    return [record(rater, pairs) for rater, pairs in by_rater.items()]


def rated_counts(answer_ids: Iterable[int], *, session: Session) -> dict[int, int]:
    """Return answer id -> how many raters have rated it."""
    return dict(session.exec(
        select(CalibrationRating.answer_id, func.count(col(CalibrationRating.id)))
        .where(col(CalibrationRating.answer_id).in_(list(answer_ids)))
        .group_by(col(CalibrationRating.answer_id))).all())


def answers_with_items(*, session: Session) -> list[tuple[CalibrationAnswer, Item]]:
    """Every calibration answer with its item, by the item's key."""
    return list(session.exec(select(CalibrationAnswer, Item).join(
        Item, col(Item.id) == CalibrationAnswer.item_id).order_by(
        col(Item.key), col(CalibrationAnswer.id))))


def rated_by(rater_id: int, *, session: Session) -> set[int]:
    """The ids of the calibration answers the rater has rated."""
    return {r.answer_id for r in session.exec(select(CalibrationRating).where(
        CalibrationRating.rater_id == rater_id))}


def rating_of(answer_id: int, rater_id: int, *, session: Session) -> CalibrationRating | None:
    """The rater's rating of the calibration answer, if any."""
    return session.exec(select(CalibrationRating).where(
        CalibrationRating.answer_id == answer_id,
        CalibrationRating.rater_id == rater_id)).first()


def is_written(item: Item) -> bool:
    """Tell whether the item's answers are rated (and so may be calibration answers)."""
    return item.type in type_names(lambda t: t.needs_rating)


def written_items(*, session: Session) -> list[tuple[Item, Bank]]:
    """The items in use whose answers are rated, with their banks, by bank and key."""
    return list(session.exec(select(Item, Bank).join(Bank, col(Bank.id) == Item.bank_id)
                             .where(col(Item.type).in_(type_names(lambda t: t.needs_rating)),
                                    col(Item.retired).is_(False))
                             .order_by(col(Bank.slug), col(Item.key))))


def current_revision(item: Item, *, session: Session) -> ItemRevision:
    return session.exec(select(ItemRevision).where(
        ItemRevision.item_id == item.id, ItemRevision.number == item.current_revision)).one()
