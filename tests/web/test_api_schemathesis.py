"""Generated calls to every operation of the served OpenAPI description (schemathesis):
no 500, every status, header and body as described, with a key that has every scope."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from hiring import api_keys
from tests.factories import make_attempt, make_user


def test_generated_calls_to_every_operation(app, db, assessment, clock):
    with db() as session:
        hr = make_user(session, role="hr")
        _key, secret = api_keys.create(session=session, name="all", scopes=list(
            api_keys.SCOPES), created_by=hr, now=clock())
        make_attempt(session, assessment, now=clock())
    app.config["API_RATE_LIMIT"] = 100_000
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            # A schema-valid body may still break a rule the schema cannot state (an
            # assessment that does not exist, a deadline in the past): 422 is described.
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"},
                                   excluded_checks=[positive_data_acceptance])

        call()
