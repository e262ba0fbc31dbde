"""API keys: shown once, stored hashed, found only whole and unrevoked, touched sparingly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from hiring import api_keys
from hiring.models import ApiKey, AuditEvent
from tests.factories import make_user


def test_a_key_is_found_only_whole_and_until_revoked(db, clock):
    with db() as session:
        hr = make_user(session, role="hr")
        key, secret = api_keys.create(session=session, name=" ATS ", scopes=[
            api_keys.INVITATIONS_WRITE, api_keys.RESULTS_READ], created_by=hr, now=clock())
        assert key.name == "ATS" and key.scopes == list(api_keys.SCOPES)  # in a fixed order
        prefix, hidden = secret.removeprefix("hiring_").split("_", 1)
        assert prefix == key.prefix and hidden not in key.secret_hash
        assert api_keys.find(secret, session=session).id == key.id
        for wrong in (secret[:-1], secret + "x", f"hiring_{prefix}_", f"hiring_{prefix}",
                      "", None, "x" * 5000, secret.replace("hiring_", "other_")):
            assert api_keys.find(wrong, session=session) is None, wrong
        api_keys.revoke(key, session=session, by=hr, now=clock())
        api_keys.revoke(key, session=session, by=hr, now=clock())  # once is recorded
        assert api_keys.find(secret, session=session) is None
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions == ["api_key_created", "api_key_revoked"]


@pytest.mark.parametrize(("name", "scopes"), [("", ["results:read"]), ("x" * 201,
                         ["results:read"]), ("ATS", []), ("ATS", ["admin"])])
def test_a_key_needs_a_name_and_known_scopes(db, clock, name, scopes):
    with db() as session, pytest.raises(api_keys.KeyProblem):
        api_keys.create(session=session, name=name, scopes=scopes, created_by=None,
                        now=clock())
    with db() as session:
        assert session.exec(select(ApiKey)).first() is None


def test_last_use_is_written_at_most_once_a_minute(db, clock):
    with db() as session:
        key, _ = api_keys.create(session=session, name="ATS", scopes=["results:read"],
                                 created_by=None, now=clock())
        assert api_keys.touch(key, now=clock()) is True
        assert api_keys.touch(key, now=clock() + timedelta(seconds=59)) is False
        assert key.last_used_at == clock()
        assert api_keys.touch(key, now=clock() + timedelta(seconds=60)) is True


def test_the_rate_count_is_per_key_and_leaves_out_refused_calls(db, clock):
    with db() as session:
        one, _ = api_keys.create(session=session, name="one", scopes=["results:read"],
                                 created_by=None, now=clock())
        two, _ = api_keys.create(session=session, name="two", scopes=["results:read"],
                                 created_by=None, now=clock())
        for status in (200, 404, 429):
            api_keys.record_call(one, session=session, method="GET", path="/api/v1/x",
                                 status=status, now=clock())
        api_keys.record_call(two, session=session, method="GET", path="/api/v1/x",
                             status=200, now=clock())
        assert api_keys.calls_in_window(one, session=session, now=clock()) == 2
        later = clock() + timedelta(seconds=61)
        assert api_keys.calls_in_window(one, session=session, now=later) == 0
