"""The rules of two-factor login, with time and randomness passed in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from hiring import two_factor
from hiring.models import RecoveryCode
from tests.factories import make_user

T0 = datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC)  # 15 s into a 30-second step


def counting_bytes():
    state = {"n": 0}

    def random_bytes(size: int) -> bytes:
        state["n"] += 1
        return bytes((state["n"] * 7 + i) % 256 for i in range(size))

    return random_bytes


def enrolled(session):
    user = make_user(session, role="interviewer")
    factor = two_factor.start_enrolment(user, session=session, now=T0,
                                        random_bytes=counting_bytes())
    codes = two_factor.confirm_enrolment(factor, two_factor.code_at(factor.secret, T0),
                                         session=session, now=T0,
                                         random_bytes=counting_bytes())
    return user, factor, codes


def test_the_secret_comes_from_the_random_bytes_given(db):
    with db() as session:
        user = make_user(session, role="interviewer")
        factor = two_factor.start_enrolment(user, session=session, now=T0,
                                            random_bytes=lambda n: b"\x00" * n)
        assert factor.secret == "A" * 32
        assert two_factor.grouped(factor.secret) == " ".join(["AAAA"] * 8)
        uri = two_factor.provisioning_uri(factor, user)
        assert uri.startswith("otpauth://totp/Hiring:interviewer%40example.com?secret=AAAA")
        svg = two_factor.qr_svg(uri)
        assert svg.startswith("<svg") and "<?xml" not in svg and "style=" not in svg


def test_codes_one_step_either_side_are_accepted_once_and_older_ones_never(db):
    with db() as session:
        user, factor, _codes = enrolled(session)
        secret = factor.secret
        later = T0 + timedelta(minutes=10)
        too_old = two_factor.code_at(secret, later - timedelta(seconds=60))
        near = {two_factor.code_at(secret, later + timedelta(seconds=s)) for s in (-30, 0, 30)}
        if too_old not in near:
            assert two_factor.verify(user, too_old, session=session, now=later) is None
        ahead = two_factor.code_at(secret, later + timedelta(seconds=30))
        assert two_factor.verify(user, ahead, session=session, now=later) == "totp"
        # The current step is now older than the last one used: refused, as is a replay.
        current = two_factor.code_at(secret, later)
        if current != ahead:
            assert two_factor.verify(user, current, session=session, now=later) is None
        assert two_factor.verify(user, ahead, session=session, now=later) is None
        assert two_factor.verify(user, ahead, session=session,
                                 now=later + timedelta(seconds=30)) is None


def test_recovery_codes_are_hashed_distinct_and_single_use(db):
    with db() as session:
        user, _factor, codes = enrolled(session)
        assert len(codes) == two_factor.RECOVERY_CODES == len(set(codes))
        assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
        stored = set(session.exec(select(RecoveryCode.code_hash)).all())
        assert len(stored) == 10 and not stored & set(codes)
        assert two_factor.verify(user, f" {codes[0].upper()} ", session=session,
                                 now=T0) == "recovery"
        assert two_factor.verify(user, codes[0], session=session, now=T0) is None
        assert two_factor.recovery_codes_left(user, session=session) == 9
        assert two_factor.verify(user, "not-a-code", session=session, now=T0) is None


def test_an_unconfirmed_factor_logs_nobody_in_and_reset_removes_everything(db):
    with db() as session:
        user = make_user(session, role="interviewer")
        factor = two_factor.start_enrolment(user, session=session, now=T0)
        code = two_factor.code_at(factor.secret, T0)
        assert two_factor.verify(user, code, session=session, now=T0) is None
        assert not two_factor.enrolled(user, session=session)
        two_factor.confirm_enrolment(factor, code, session=session, now=T0)
        assert two_factor.enrolled(user, session=session)
        assert two_factor.reset(user, session=session) is True
        assert not two_factor.enrolled(user, session=session)
        assert two_factor.recovery_codes_left(user, session=session) == 0
        assert two_factor.reset(user, session=session) is False
