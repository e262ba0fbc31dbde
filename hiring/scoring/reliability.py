"""An assessment's reliability report: the precision its profiles' bands come from.

Per scale and per behavioural subscore: the attempts behind it, ICC(1) of item scores
within candidates, the Spearman-Brown reliability at the usual number of items with its
95% bootstrap interval, the SEM in points, and whether the figures are the data's or the
stated prior's, and why. For subscores, Haberman's criterion decides whether they are
reported as scores. Everything comes from hiring.scoring.evidence (completed, real
attempts): the page shows the estimate that scale scores' bands are built from.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from hiring.csv_cells import safe_cell
from hiring.items.messages import N_
from hiring.scoring.evidence import Precision
from hiring.scoring.precision import MIN_ATTEMPTS, ScaleModel
from hiring.scoring.scales import COMPOSITE, SCALES

REPORTED, INDICATION = N_("reported as a score"), N_("indication only")
CSV_COLUMNS = ["kind", "name", "attempts", "icc_1", "items", "reliability",
               "reliability_low_95", "reliability_high_95", "sem_points", "source", "why",
               "prmse_subscore", "prmse_composite", "verdict"]


@dataclass(frozen=True)
class ReliabilityRow:
    kind: str  # "scale" or "subscore"
    name: str
    n_attempts: int  # completed attempts with a scored item on it
    icc: float
    items: int  # the usual number of items an attempt has on it
    reliability: float  # at `items`
    interval: tuple[float, float] | None
    sem: float  # points (0-100) at `items`
    source: str  # "data" or "prior"
    why: str
    prmse_subscore: float | None = None
    prmse_composite: float | None = None
    verdict: str | None = None  # subscores: REPORTED or INDICATION
    # `why` before its values went in, for the catalogue: the page's language
    why_message: str = ""
    why_values: dict[str, int] = field(default_factory=dict)

    def cells(self) -> list:
        low, high = self.interval or (None, None)
        return [self.kind, self.name, self.n_attempts, round(self.icc, 4), self.items,
                round(self.reliability, 4), low, high, round(self.sem, 2), self.source,
                self.why, self.prmse_subscore, self.prmse_composite, self.verdict]


def why_message(model: ScaleModel) -> tuple[str, dict[str, int]]:
    """Say where a model's figures come from: the message and its values."""
    if model.source == "data":
        return (N_("estimated from %(attempts)s attempts with two or more items"),
                {"attempts": model.n_attempts})
    if model.items <= 1:
        return N_("one item per attempt: no pairs of items to estimate ICC(1) from"), {}
    if model.n_attempts < MIN_ATTEMPTS:
        return (N_("%(attempts)s of the %(needed)s attempts with two or more items the data "
                   "need"), {"attempts": model.n_attempts, "needed": MIN_ATTEMPTS})
    return N_("the item scores do not vary"), {}


def why(model: ScaleModel) -> str:
    """Say where a model's figures come from, in English."""
    message, values = why_message(model)
    return message % values if values else message


def _row(kind: str, name: str, model: ScaleModel, n_attempts: int, **haberman) -> ReliabilityRow:
    items = model.items or 1
    message, values = why_message(model)
    return ReliabilityRow(kind, name, n_attempts, model.icc, items, model.reliability(items),
                          model.interval, model.sem(items), model.source, why(model), **haberman,
                          why_message=message, why_values=values)


def reliability_rows(precision: Precision) -> list[ReliabilityRow]:
    """Return a row per scale, each behavioural subscore right after the composite."""
    rows = []
    for scale in sorted(precision.scales,
                        key=lambda s: SCALES.index(s) if s in SCALES else len(SCALES)):
        rows.append(_row("scale", scale, precision.scales[scale],
                         precision.scale_attempts.get(scale, 0)))
        if scale != COMPOSITE:
            continue
        for dimension in sorted(precision.subscores):
            value = precision.values.get(dimension)
            rows.append(_row(
                "subscore", dimension, precision.subscores[dimension],
                precision.subscore_attempts.get(dimension, 0),
                prmse_subscore=value.prmse_subscore if value else None,
                prmse_composite=value.prmse_composite if value else None,
                verdict=REPORTED if precision.reportable.get(dimension) else INDICATION))
    return rows


def reliability_csv(rows: list[ReliabilityRow]) -> str:
    """Return the report as CSV, one row per scale and subscore."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row.cells()])
    return out.getvalue()
