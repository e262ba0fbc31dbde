"""A small fake of Greenhouse's side of its Assessment Partner API, written from the
published contract (docs/greenhouse.md): it calls the partner's list_tests, send_test,
test_status and response_error with the customer's key as the user name of HTTP Basic
authentication (a colon appended, Base64), and checks every successful answer against
the contract, as Greenhouse does before it reports a malformed one to response_error.

It talks to the app through Flask's test client, as the REST API's tests do."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

PRIMITIVES = (str, int, float, bool, type(None))


class ContractBroken(AssertionError):
    """An answer that breaks the contract: Greenhouse would call response_error."""


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class GreenhouseClient:
    def __init__(self, client, key: str, base: str = "/integrations/greenhouse"):
        self.client, self.key, self.base = client, key, base

    def _headers(self) -> dict[str, str]:
        credentials = base64.b64encode(f"{self.key}:".encode()).decode()
        return {"Authorization": f"Basic {credentials}"}

    def _call(self, method: str, name: str, **kwargs) -> Answer:
        response = self.client.open(f"{self.base}/{name}", method=method,
                                    headers=self._headers(), **kwargs)
        body = response.get_json(silent=True)
        if response.status_code >= 400:
            check_error(body)
        return Answer(response.status_code, body, dict(response.headers))

    # ---- the four calls ----------------------------------------------------------------------

    def list_tests(self) -> Answer:
        answer = self._call("GET", "list_tests")
        if answer.status == 200:
            check_tests(answer.body)
        return answer

    def send_test(self, partner_test_id: str, *, first_name="Harry", last_name="Potter",
                  email: str | None = "hpotter@example.com", url: str | None = None,
                  profile: str = "https://app.greenhouse.io/people/17681532"
                                 "?application_id=26234709", raw: Any = None) -> Answer:
        """POST the contract's body (its example's fields); `raw` sends these bytes
        instead."""
        candidate = {"first_name": first_name, "last_name": last_name,
                     "resume_url": "https://example.com/resume", "phone_number":
                     "123-456-7890", "email": email, "greenhouse_profile_url": profile}
        body = {"partner_test_id": partner_test_id, "candidate": candidate, "url": url}
        if raw is not None:
            answer = self._call("POST", "send_test", data=raw,
                                content_type="application/json")
        else:
            answer = self._call("POST", "send_test", json=body)
        if answer.status == 200:
            check_interview(answer.body)
        return answer

    def test_status(self, partner_interview_id: str) -> Answer:
        answer = self._call("GET", "test_status",
                            query_string={"partner_interview_id": partner_interview_id})
        if answer.status == 200:
            check_status(answer.body)
        return answer

    def response_error(self, api_call: str, errors: list[str], **more) -> Answer:
        answer = self._call("POST", "response_error",
                            json={"api_call": api_call, "errors": errors, **more})
        if answer.status == 200 and answer.body != {"status": 200}:
            raise ContractBroken(f"response_error answered {answer.body!r}")
        return answer


# ---- the contract's shapes ------------------------------------------------------------------


def check_tests(body: Any) -> None:
    """list_tests: a list of {partner_test_id: String, partner_test_name: String}."""
    if not isinstance(body, list):
        raise ContractBroken("list_tests must answer a JSON list")
    for test in body:
        if not (isinstance(test, dict) and isinstance(test.get("partner_test_id"), str)
                and isinstance(test.get("partner_test_name"), str)):
            raise ContractBroken(f"a test without string id and name: {test!r}")


def check_interview(body: Any) -> None:
    """send_test: a single object with the single key partner_interview_id (String)."""
    if not (isinstance(body, dict) and set(body) == {"partner_interview_id"}
            and isinstance(body["partner_interview_id"], str)):
        raise ContractBroken(f"send_test answered {body!r}")


def check_status(body: Any) -> None:
    """test_status: partner_status (String, required); partner_profile_url (String,
    required when complete); partner_score (Number); metadata (a non-nested object of
    primitives). Absent values are null."""
    if not isinstance(body, dict) or not isinstance(body.get("partner_status"), str):
        raise ContractBroken(f"test_status without partner_status: {body!r}")
    if set(body) - {"partner_status", "partner_profile_url", "partner_score", "metadata"}:
        raise ContractBroken(f"test_status with other keys: {sorted(body)}")
    if body["partner_status"] == "complete" and not isinstance(
            body.get("partner_profile_url"), str):
        raise ContractBroken("partner_status is 'complete' but partner_profile_url is missing")
    score = body.get("partner_score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        raise ContractBroken(f"partner_score is not a number: {score!r}")
    metadata = body.get("metadata")
    if metadata is not None and not (isinstance(metadata, dict) and all(
            isinstance(value, PRIMITIVES) for value in metadata.values())):
        raise ContractBroken(f"metadata must be a non-nested object: {metadata!r}")


def check_error(body: Any) -> None:
    """An error answer of this partner: the keys Greenhouse reports errors with."""
    if not (isinstance(body, dict) and isinstance(body.get("api_call"), str)
            and isinstance(body.get("errors"), list) and body["errors"]
            and all(isinstance(error, str) for error in body["errors"])):
        raise ContractBroken(f"an error without api_call and errors: {body!r}")
