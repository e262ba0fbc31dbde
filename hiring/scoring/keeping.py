"""The background task that keeps a figure of an assessment (hiring.scoring.aggregates)
once a page found it out of date: item health, norms, the precision of scores."""

from __future__ import annotations

import logging
import threading

from hiring.background import Run, task
from hiring.scoring import aggregates
from hiring.scoring.evidence import PRECISION, precision_now
from hiring.scoring.item_health import ITEM_HEALTH, health_data
from hiring.scoring.norms import NORMS, norms_now

log = logging.getLogger(__name__)
AGGREGATES = "aggregates"
# kind -> (fingerprint, data) of the kept figure; and whether simulated attempts count
KEPT_BY = {ITEM_HEALTH: health_data, NORMS: norms_now, PRECISION: precision_now}
REAL_ONLY = {NORMS, PRECISION}
_keeping: set[tuple[str, int]] = set()  # figures a task of this process is computing
_keeping_lock = threading.Lock()


@task(AGGREGATES)
def keep_figure(run: Run, figure: str, assessment_id: int) -> None:
    """The task's work: compute the figure again, unless another run kept it meanwhile."""
    with _keeping_lock:
        if (figure, assessment_id) in _keeping:
            return  # pages asked again while this process computes them
        _keeping.add((figure, assessment_id))
    try:
        # Read in a read transaction (at a million responses it takes a while), then
        # write the one row in a short one.
        with run.read() as session:
            current = aggregates.read(assessment_id, figure, session=session)
            stamp = aggregates.fingerprint(assessment_id, session=session,
                                           real_only=figure in REAL_ONLY)
            if current is not None and current.is_current(stamp):
                return  # another task kept them meanwhile
            stamp, data = KEPT_BY[figure](assessment_id, session=session)
        with run.write() as session:
            aggregates.keep(assessment_id, figure, data, stamp, session=session)
    finally:
        with _keeping_lock:
            _keeping.discard((figure, assessment_id))
    log.info("kept %s of assessment %s: %d attempts", figure, assessment_id, stamp.n_attempts)
