"""The differences between language versions as a CSV table for HR."""

from __future__ import annotations

import csv
import io

from hiring.csv_cells import safe_cell
from hiring.scoring.dif import DifReport


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def dif_csv(report: DifReport) -> str:
    """Write one row per item and focal language, flagged or not, with every statistic."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["item", "dimension", "type", "reference_language", "focal_language",
                     "method", "n_reference", "n_focal", "class", "not_judged_because",
                     "chi_square", "p", "alpha_mh", "mh_d_dif", "se_d_dif", "smd",
                     "smd_over_sd"])
    for item in report.items:
        smd_over_sd = item.effect if item.method == "mantel" else None
        writer.writerow([safe_cell(item.key), safe_cell(item.dimension), safe_cell(item.type),
                         safe_cell(item.reference), safe_cell(item.focal), item.method,
                         item.n_reference, item.n_focal, item.category or "",
                         item.reason or "", _number(item.chi_square), _number(item.p, 4),
                         _number(item.alpha), _number(item.delta), _number(item.se),
                         _number(item.smd), _number(smd_over_sd)])
    return out.getvalue()
