"""An item type is one module: a type defined here alone goes from a bank file through an
attempt, its scores, item statistics, a simulated candidate and the profile (HTML and PDF)
without a change anywhere else."""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from hiring.assessment import engine, simulate
from hiring.assessment.recipes import estimate_minutes
from hiring.items import revisions
from hiring.items.messages import N_
from hiring.items.types import ITEM_TYPES, get_type
from hiring.items.types.base import AnswerError, ItemContent, ItemType, Text, translate
from hiring.items.types.simulated import Expectation, p_correct
from hiring.models import Attempt, AttemptState
from hiring.reports import pdf
from hiring.reports.build import build_profile
from hiring.scoring.attempts import current_scores
from hiring.scoring.item_stats import item_statistics, load_rows
from hiring.scoring.simulation import TrueProfile, expectation
from tests.factories import DATA, make_assessment, make_attempt, make_bank

NAME = "order_code"


class OrderCodeContent(ItemContent):
    instruction: Text
    code: str


class OrderCode(ItemType):
    """Read an order number off a customer's e-mail and type it back."""

    name = NAME
    label = N_("order code")
    note = "Read an order code off a customer's e-mail and type it back."
    minutes = 0.5
    scale = "reading"
    content_model = OrderCodeContent
    template = "candidate/items/order_code.html"
    answer_fields = ("code",)

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        return {"instruction": translate(content["instruction"], language)}

    def question(self, view: dict[str, Any]) -> str:
        return view["instruction"]

    def parse_answer(self, content: dict, raw: Any) -> Any:
        code = raw.get("code") if isinstance(raw, dict) else None
        if code in (None, ""):
            return None
        if not isinstance(code, str) or len(code) > 20:
            raise AnswerError(N_("The answer must be text."))
        return code.strip().upper()

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = ()) -> float | None:
        return 1.0 if answer == content["code"] else 0.0

    def keyed_answer(self, content: dict, params: dict | None, language: str) -> str:
        return content["code"]

    def evidence_line(self, content: dict, params: dict | None, answer: Any,
                      language: str) -> str | None:
        return f"code typed back: {answer}"

    def simulate_answer(self, content: dict, params: dict | None, level: float,
                        rng: random.Random) -> tuple[Any, list[dict]]:
        right = rng.random() < p_correct(level, content["id"])
        return {"code": content["code"] if right else "XX-00"}, []

    def expected_score(self, content: dict, params: dict | None, scored: dict
                       ) -> Expectation:
        return lambda theta: p_correct(theta, content["id"])


@contextmanager
def registered(item_type: ItemType) -> Iterator[ItemType]:
    """Register a type for a while, then leave the registry as it was."""
    before = dict(ITEM_TYPES)
    ITEM_TYPES[item_type.name] = item_type
    try:
        yield item_type
    finally:
        ITEM_TYPES.clear()
        ITEM_TYPES.update(before)


@pytest.fixture
def order_code() -> Iterator[ItemType]:
    with registered(OrderCode()) as item_type:
        yield item_type


def toy_bank(folder: Path) -> Path:
    """Write a bank of order-code items, with the mini bank's header."""
    bank = yaml.safe_load((DATA / "mini_bank.yaml").read_text(encoding="utf-8"))
    bank.update(id="codes", title={"en": "Order codes", "hr": "Šifre narudžbi"}, items=[
        {"id": f"code-{n}", "type": NAME, "dimension": "numeracy", "seed": "002",
         "instruction": {"en": f"Type the order number from e-mail {n}.",
                         "hr": f"Upišite broj narudžbe iz e-pošte {n}."},
         "code": f"AB-{n}{n}"} for n in (1, 2, 3)])
    path = folder / "codes.yaml"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True), encoding="utf-8")
    return path


def test_a_type_defined_in_one_place_goes_through_the_whole_product(
        order_code, db, clock, tmp_path):
    with db() as session:
        bank = make_bank(session, toy_bank(tmp_path))
        assessment = make_assessment(session, bank, sections=[
            {"title": "Codes", "type": NAME, "count": 3}])
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        for response in engine.responses(attempt, session=session):
            content = revisions.revision_content(response.revision_id, session=session)
            typed = content["code"].lower() if content["id"] != "code-3" else "ab-99"
            engine.save_answer(attempt, response.position, {"code": typed},
                               session=session, now=clock(), seq=1, time_spent_ms=9_000)
        engine.submit(attempt, session=session, now=clock() + timedelta(minutes=2))
        attempt_id = attempt.id
        # A simulated candidate answers it too, as the type says.
        simulated, _ = make_attempt(session, assessment, now=clock(), email="sim@example.com")
        simulate.complete(simulated, session=session, now=clock(), rng=random.Random(1),
                          profile=TrueProfile.flat([], 3.0))

    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.SCORED
        scores = current_scores(attempt, session=session)
        reading = scores.scales["reading"]
        assert (reading.n_items, round(reading.score, 1)) == (3, 66.7)
        stats = {item.key: item for item in item_statistics(
            load_rows(assessment.id, session=session)).items}
        assert stats["code-1"].type == NAME and stats["code-1"].options == {}
        assert stats["code-1"].n == 2
        profile = build_profile(attempt, session=session, blind_for=None, language="en")
        croatian = build_profile(attempt, session=session, blind_for=None, language="hr")

    html = pdf.render_profile_html(profile)
    assert "order code" in html and "Type the order number from e-mail 1." in html
    assert "code typed back: AB-11" in html and "code typed back: AB-99" in html
    assert "Upišite broj narudžbe iz e-pošte 2." in pdf.render_profile_html(croatian)

    text = pdf_text(tmp_path, pdf.render_profile_pdf(profile))
    flat = " ".join(text.split())
    assert "code typed back: AB-22" in flat
    # The PDF sets the type's label in capitals, before the question the type picked out.
    assert "2. ORDER CODE Type the order number from e-mail 2." in flat

    # The registry's other users: the recipe estimate, the simulated candidates' model.
    assert estimate_minutes([{"type": NAME, "count": 2}], {(NAME, "numeracy"): 3}) == 1.0
    item = {"id": "code-1", "type": NAME, "dimension": "numeracy", "code": "AB-11"}
    assert expectation(item, None)(0.0) == pytest.approx(p_correct(0.0, "code-1"))


def test_the_registry_is_left_as_it_was():
    before = dict(ITEM_TYPES)
    with registered(OrderCode()) as item_type:
        assert get_type(NAME) is item_type
    assert ITEM_TYPES == before and NAME not in ITEM_TYPES


def pdf_text(tmp_path: Path, document: bytes) -> str:
    """Return the PDF's text as pdftotext extracts it."""
    path = shutil.which("pdftotext")
    if path is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    target = tmp_path / "profile.pdf"
    target.write_bytes(document)
    result = subprocess.run([path, "-enc", "UTF-8", str(target), "-"], capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")
