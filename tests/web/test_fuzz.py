"""Random bodies thrown at the autosave endpoint: never a 5xx, never a change unless accepted."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from sqlmodel import select

from hiring.db import session_scope
from hiring.models import Response
from tests.factories import make_attempt

# Hypothesis caches what it learns of our code even without an example database; keep
# that out of the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hiring-hypothesis")

KEYS = ["position", "seq", "answer", "time_spent_ms", "best", "worst", "value", "text",
        "choice", "elapsed_ms"]
# characters() without a codec includes lone surrogates, which JSON can carry as "\ud800".
TEXT = st.text(st.characters(), max_size=30)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.sampled_from(KEYS) | TEXT, children, max_size=4)),
    max_leaves=20,
)
ANSWERS = VALUES | st.fixed_dictionaries({}, optional={
    "best": st.sampled_from(["a", "b", "c", "d", "zz", ""]) | VALUES,
    "worst": st.sampled_from(["a", "b", "c", "d"]) | VALUES,
    "value": st.sampled_from(["12.50", "1e400", "nan", "-0", "12,5"]) | VALUES,
    "text": TEXT | st.just("x" * 10_001) | VALUES,
    "choice": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3) | VALUES,
    "elapsed_ms": st.integers(-1, 4_000_000) | VALUES,
})
EDGE_INTS = st.sampled_from([0, -1, 7, 2**31, 2**63, 10**30, -(2**63) - 1])
# Answers the mini bank's items take: situations a-d, a number, a text.
VALID_ANSWERS = st.one_of(
    st.fixed_dictionaries({"best": st.sampled_from("abcd")},
                          optional={"worst": st.sampled_from("abcd")}),
    st.fixed_dictionaries({"value": st.sampled_from(["12.50", "3", "-0.5"])}),
    st.fixed_dictionaries({"text": TEXT}),
)
# Mostly well-formed saves, so that many get past the checks to the items and the database.
PLAUSIBLE = st.fixed_dictionaries(
    {"position": st.integers(1, 6) | st.integers(1, 6) | EDGE_INTS,
     "seq": st.integers(1, 1_000), "answer": VALID_ANSWERS | VALID_ANSWERS | ANSWERS},
    optional={"time_spent_ms": st.integers(0, 10**6) | EDGE_INTS | VALUES},
)
SAVES = st.fixed_dictionaries({}, optional={
    "position": st.integers(-1, 8) | EDGE_INTS | VALUES,
    "seq": st.integers(-1, 2**31 + 1) | VALUES,
    "answer": ANSWERS,
    "time_spent_ms": st.integers() | VALUES,
})


def _encoded(payload, ensure_ascii: bool) -> bytes:
    # Without ensure_ascii a lone surrogate becomes bytes that are not UTF-8.
    return json.dumps(payload, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")


BODIES = st.one_of(
    st.builds(_encoded, PLAUSIBLE, st.booleans()),
    st.builds(_encoded, PLAUSIBLE, st.booleans()),
    st.builds(_encoded, PLAUSIBLE, st.booleans()),
    st.builds(_encoded, SAVES | VALUES, st.booleans()),
    st.binary(max_size=200),
)


@pytest.fixture
def started(app, assessment, clock):
    with session_scope(app) as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True)
    return attempt.id, token


def stored_responses(app, attempt_id: int) -> dict[int, tuple]:
    with session_scope(app) as session:
        rows = session.exec(select(Response).where(Response.attempt_id == attempt_id))
        return {r.position: (r.answer, r.client_seq, r.saved_at, r.time_spent_ms) for r in rows}


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=BODIES)
def test_random_saves_never_fail_the_server_nor_change_what_was_refused(app, started, body):
    attempt_id, token = started
    before = stored_responses(app, attempt_id)
    response = app.test_client().post(f"/a/{token}/save", data=body,
                                      headers={"Content-Type": "application/json"})
    assert response.status_code < 500, body
    after = stored_responses(app, attempt_id)
    changed = {position for position in before if before[position] != after[position]}
    if response.status_code == 200 and response.json["accepted"]:
        assert changed == {json.loads(body)["position"]}
    else:
        assert response.status_code == 200 or response.json["ok"] is False
        assert changed == set(), body
