"""The reliability report: what the profiles' bands rest on, per scale and subscore."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select, update

from hiring.assessment.simulate import invite_and_complete
from hiring.banks.importer import import_bank
from hiring.banks.loader import load_path
from hiring.config import Defaults
from hiring.models import Assessment, Attempt
from hiring.scoring import aggregates
from hiring.scoring.evidence import (
    PRECISION,
    Precision,
    kept_precision,
    precision_for,
    precision_from,
    precision_loaded,
    precision_now,
    scale_evidence,
)
from hiring.scoring.precision import ScaleModel, SubscoreValue
from hiring.scoring.reliability import (
    CSV_COLUMNS,
    INDICATION,
    REPORTED,
    reliability_csv,
    reliability_rows,
)


def precision() -> Precision:
    return Precision(
        scales={"typing": ScaleModel.prior("typing", items=1),
                "judgement": ScaleModel("judgement", 0.3, 0.1, "data", 80, 20, (0.6, 0.8)),
                "numeracy": ScaleModel.prior("numeracy", items=6, n_attempts=12)},
        subscores={"composure": ScaleModel("judgement", 0.3, 0.4, "data", 80, 4, (0.6, 0.8)),
                   "=cmd()": ScaleModel("judgement", 0.3, 0.2, "data", 80, 4, None),
                   "x;=cmd()": ScaleModel("judgement", 0.3, 0.2, "data", 80, 4, None)},
        reportable={"composure": True}, n_attempts=80,
        values={"composure": SubscoreValue(0.7273, 0.61, 80)},
        scale_attempts={"typing": 80, "judgement": 80, "numeracy": 12},
        subscore_attempts={"composure": 80, "=cmd()": 80, "x;=cmd()": 80})


def test_rows_put_subscores_after_the_composite_and_say_where_figures_come_from():
    rows = reliability_rows(precision())
    assert [(row.kind, row.name) for row in rows] == [
        ("scale", "judgement"), ("subscore", "=cmd()"), ("subscore", "composure"),
        ("subscore", "x;=cmd()"), ("scale", "numeracy"), ("scale", "typing")]
    judgement, odd, composure, _, numeracy, typing = rows
    # Spearman-Brown at 20 items from r = 0.1: 2 / 2.9; SEM = 100 * 0.3 * sqrt(0.9 / 20)
    assert round(judgement.reliability, 4) == round(2 / 2.9, 4)
    assert round(judgement.sem, 3) == round(30 * (0.9 / 20) ** 0.5, 3)
    assert judgement.why == "estimated from 80 attempts with two or more items"
    assert (composure.prmse_subscore, composure.prmse_composite) == (0.7273, 0.61)
    assert composure.verdict == REPORTED and odd.verdict == INDICATION
    assert odd.prmse_subscore is None
    assert numeracy.source == "prior" and numeracy.n_attempts == 12
    assert numeracy.why == "12 of the 50 attempts with two or more items the data need"
    assert typing.why == "one item per attempt: no pairs of items to estimate ICC(1) from"
    assert judgement.verdict is None


def test_csv_has_a_row_per_figure_and_quotes_what_a_spreadsheet_would_run():
    table = list(csv.reader(io.StringIO(reliability_csv(reliability_rows(precision())))))
    assert table[0] == CSV_COLUMNS
    by_name = {row[1]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in table[1:]}
    assert "'=cmd()" in by_name and "=cmd()" not in by_name
    assert "'x,=cmd()" in by_name  # after a semicolon too
    composure = by_name["composure"]
    assert (composure["icc_1"], composure["reliability_low_95"], composure["verdict"]) == (
        "0.4", "0.6", REPORTED)
    assert by_name["typing"]["reliability_low_95"] == "" and by_name["typing"]["source"] == (
        "prior")


def test_real_attempts_of_the_shipped_assessment_give_data_based_figures(db):
    """Simulated attempts never count; the same attempts marked real do."""
    rng = random.Random(11)
    with db() as session:
        # The cue audit has its own tests; this one is about the attempts' item scores.
        import_bank(load_path(Path(Defaults.BANKS_DIR) / Defaults.DEFAULT_BANK,
                              cue_audit=False), session=session)
        csr = session.exec(select(Assessment).where(Assessment.key == "csr")).one()
        for _ in range(60):
            invite_and_complete(csr, session=session, now=datetime.now(UTC), rng=rng)
        assert reliability_rows(precision_for(csr, session=session)) == []
        session.execute(update(Attempt).values(simulated=False))
        rows = {row.name: row for row in reliability_rows(precision_for(csr, session=session))}
        # Kept, it reads back exactly as estimated (every float and interval).
        stamp, data = precision_now(csr.id, session=session)
        assert precision_loaded(data) == precision_from(scale_evidence(csr.id,
                                                                       session=session))
        assert precision_loaded(data) == precision_for(csr, session=session)
        aggregates.keep(csr.id, PRECISION, data, stamp, session=session)
        assert kept_precision(csr, session=session, inline_limit=0)[1] is None  # current
        invite_and_complete(csr, session=session, now=datetime.now(UTC), rng=rng)
        session.execute(update(Attempt).values(simulated=False))
        older, computed_at = kept_precision(csr, session=session, inline_limit=0)
        assert computed_at is not None and older == precision_loaded(data)
        assert aggregates.stale(session) == {(PRECISION, csr.id)}
    for name in ("judgement", "numeracy", "reading", "customer_focus", "composure"):
        assert rows[name].source == "data" and rows[name].n_attempts >= 55, name
        assert rows[name].interval is not None and 0 < rows[name].reliability < 1, name
    assert rows["judgement"].items == 20 and rows["composure"].items == 4
    assert rows["typing"].source == "prior" and rows["typing"].n_attempts == 60
    assert "writing" not in rows  # written replies wait for ratings: no scores yet
    for dimension in ("customer_focus", "composure", "communication", "ownership"):
        assert rows[dimension].prmse_composite is not None
        assert rows[dimension].verdict in (REPORTED, INDICATION)
