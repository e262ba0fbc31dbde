"""Rater agreement on rubric criteria: one-way intraclass correlations of written ratings.

Each written response is rated by whichever interviewers happened to rate it, so raters
differ from response to response and there is no rater effect to separate out. That is
Shrout and Fleiss's (1979) case 1, the one-way random-effects model. With N responses,
response i rated k_i times, M = sum of k_i ratings in all, response means m_i and the
grand mean m over all M ratings:

    MSB = sum_i k_i (m_i - m)^2 / (N - 1)          between responses
    MSW = sum_i sum_j (x_ij - m_i)^2 / (M - N)      within responses, between raters
    k0  = (M - sum_i k_i^2 / M) / (N - 1)           raters per response (k when equal)

    ICC(1,1) = (MSB - MSW) / (MSB + (k0 - 1) MSW)   the reliability of one rater's rating
    ICC(1,k) = (MSB - MSW) / MSB                    that of the mean of k0 raters

ICC(1,k) is ICC(1,1) stepped up by Spearman-Brown to k0 raters; k0 is the usual
adjustment for unequal numbers of raters (it equals k when every response has k).
Only responses with two or more ratings carry information on raters, so only they count.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlmodel import Session, col, select

from hiring.csv_cells import safe_cell
from hiring.models import Attempt, AttemptState, Item, ItemRevision, Rating, Response

MIN_RESPONSES = 5  # responses with two or more raters before an ICC is reported
COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)


class OneWay(NamedTuple):
    """The one-way analysis of variance behind the ICCs."""

    msb: float
    msw: float
    k0: float
    single: float | None  # ICC(1,1)
    average: float | None  # ICC(1,k)


@dataclass(frozen=True)
class Agreement:
    """One criterion's ICCs, with what they rest on; the ICCs are None below the minimum."""

    n_responses: int  # responses rated by two or more raters
    n_raters: int  # distinct raters of those responses
    n_ratings: int
    k: float  # raters per response (k0)
    single: float | None = None  # ICC(1,1)
    average: float | None = None  # ICC(1,k)
    min_responses: int = MIN_RESPONSES

    @property
    def enough(self) -> bool:
        return self.n_responses >= self.min_responses


@dataclass
class AgreementReport:
    """Per written item and criterion, and per criterion over the whole assessment."""

    items: dict[str, dict[str, Agreement]] = field(default_factory=dict)
    pooled: dict[str, Agreement] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # criterion id -> name


class RatingRow(NamedTuple):
    item_key: str
    response_id: int
    rater_id: int
    scores: dict[str, int]  # criterion id -> 1..5
    criteria: dict[str, str]  # criterion id -> name, from the revision rated


def one_way(groups: Sequence[Sequence[float]]) -> OneWay | None:
    """Return the one-way ANOVA and ICCs of ratings grouped by response (each 2+ long).

    None when there are fewer than two responses. An ICC is None where its denominator is
    zero: no spread at all (every rating alike), or, for ICC(1,k), none between responses."""
    n = len(groups)
    m = sum(len(group) for group in groups)
    if n < 2 or m <= n:
        return None
    grand = sum(sum(group) for group in groups) / m
    means = [sum(group) / len(group) for group in groups]
    ssb = sum(len(group) * (mean - grand) ** 2 for group, mean in zip(groups, means,
                                                                      strict=True))
    ssw = sum((x - mean) ** 2 for group, mean in zip(groups, means, strict=True)
              for x in group)
    msb, msw = ssb / (n - 1), ssw / (m - n)
    k0 = (m - sum(len(group) ** 2 for group in groups) / m) / (n - 1)
    denominator = msb + (k0 - 1) * msw
    single = (msb - msw) / denominator if denominator > 1e-12 else None
    average = (msb - msw) / msb if msb > 1e-12 else None
    return OneWay(msb, msw, k0, single, average)


def criterion_agreement(ratings: Mapping[int, Mapping[int, float]], *,
                        min_responses: int = MIN_RESPONSES) -> Agreement:
    """Return the agreement of raters on one criterion: response -> rater -> rating."""
    rated = {response: by_rater for response, by_rater in ratings.items()
             if len(by_rater) >= 2}
    groups = [list(by_rater.values()) for by_rater in rated.values()]
    raters = {rater for by_rater in rated.values() for rater in by_rater}
    n_ratings = sum(len(group) for group in groups)
    result = one_way(groups)
    k = result.k0 if result else (n_ratings / len(groups) if groups else 0.0)
    agreement = Agreement(len(groups), len(raters), n_ratings, k,
                          min_responses=min_responses)
    if result is None or not agreement.enough:
        return agreement
    return Agreement(len(groups), len(raters), n_ratings, k, result.single, result.average,
                     min_responses)


def rater_agreement(rows: Iterable[RatingRow], *, min_responses: int = MIN_RESPONSES
                    ) -> AgreementReport:
    """Compute the ICCs of every criterion per item and pooled over the items."""
    # item -> criterion -> response -> rater -> rating, and the pooled criterion -> ...
    by_item: dict[str, dict[str, dict[int, dict[int, int]]]] = {}
    pooled: dict[str, dict[int, dict[int, int]]] = {}
    report = AgreementReport()
    for row in rows:
        report.names.update({cid: name for cid, name in row.criteria.items()
                             if cid not in report.names})
        criteria = by_item.setdefault(row.item_key, {})
        for cid in row.criteria:
            criteria.setdefault(cid, {})
            pooled.setdefault(cid, {})
        for cid, value in row.scores.items():
            criteria.setdefault(cid, {}).setdefault(row.response_id, {})[row.rater_id] = value
            pooled.setdefault(cid, {}).setdefault(row.response_id, {})[row.rater_id] = value
    for key in sorted(by_item):
        report.items[key] = {cid: criterion_agreement(ratings, min_responses=min_responses)
                             for cid, ratings in by_item[key].items()}
    report.pooled = {cid: criterion_agreement(ratings, min_responses=min_responses)
                     for cid, ratings in pooled.items()}
    return report


def load_rating_rows(assessment_id: int, *, session: Session) -> list[RatingRow]:
    """Return every rating of the written responses of the assessment's real attempts.

    Simulated attempts are left out (their raters are simulated too), and so are
    calibration ratings, which live in a table of their own."""
    query = (
        select(Item.key, Rating.response_id, Rating.rater_id, Rating.scores,
               ItemRevision.content)
        .join(Response, col(Response.id) == col(Rating.response_id))
        .join(Attempt, col(Attempt.id) == col(Response.attempt_id))
        .join(ItemRevision, col(ItemRevision.id) == col(Response.revision_id))
        .join(Item, col(Item.id) == col(ItemRevision.item_id))
        .where(Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED),
               col(Attempt.simulated).is_(False))
        .order_by(col(Rating.response_id), col(Rating.rater_id)))
    return [RatingRow(key, response_id, rater_id, scores,
                      {c["id"]: c["name"].get("en") or next(iter(c["name"].values()))
                       for c in content.get("rubric", [])})
            for key, response_id, rater_id, scores, content in session.exec(query)]


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _text(value: str) -> str:
    # Bank text that a spreadsheet would run as a formula is quoted, also after a ";" (a
    # reader that splits on semicolons starts a new cell there), as in the attempts
    # export; numbers are not text, so a negative ICC stays a number.
    return safe_cell(str(value))


def agreement_csv(report: AgreementReport) -> str:
    """Write the report as CSV for HR: one row per item and criterion, then the pooled."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["item", "criterion", "criterion_name", "icc_1_1", "icc_1_k", "k",
                     "responses", "raters", "ratings", "enough"])
    rows = [(key, cid, agreement) for key, criteria in report.items.items()
            for cid, agreement in criteria.items()]
    rows += [("(all written items)", cid, agreement)
             for cid, agreement in report.pooled.items()]
    for key, cid, agreement in rows:
        writer.writerow([_text(key), _text(cid), _text(report.names.get(cid, cid)),
                         _number(agreement.single),
                         _number(agreement.average), _number(agreement.k, 2),
                         agreement.n_responses, agreement.n_raters, agreement.n_ratings,
                         "yes" if agreement.enough else "no"])
    return out.getvalue()
