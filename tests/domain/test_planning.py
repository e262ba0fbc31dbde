"""Planning an attempt: the languages and the name it is offered in."""

from __future__ import annotations

from hiring.assessment import planning
from tests.factories import make_assessment


def test_the_assessment_is_named_in_each_language_with_the_banks_title_as_default(db, bank):
    with db() as session:
        given = make_assessment(session, bank, name="Night shift", language="en",
                                titles={"hr": "Noćna smjena"})
        plain = make_assessment(session, bank, name="Day shift", language="en", titles=None)
        assert planning.title(given, "hr", session=session) == "Noćna smjena"
        assert planning.title(given, "en", session=session) == "Night shift"
        # HR filled no Croatian name: the bank's Croatian title, never the English name.
        assert planning.title(plain, "hr", session=session) == "Mala banka"
        assert planning.title(plain, "en", session=session) == "Day shift"
        # A language the bank has no title in either: the name.
        assert planning.title(plain, "bg", session=session) == "Day shift"
