"""Situational judgement: choose the best option, or the best and the worst."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from babel.dates import format_date
from babel.numbers import format_decimal
from pydantic import BaseModel, ConfigDict, Field

from hiring.items.messages import N_, catalogue, in_language
from hiring.items.types import simulated
from hiring.items.types.base import (
    KEY_PATTERN,
    AnswerError,
    ItemContent,
    ItemType,
    Text,
    duplicate_ids,
    register,
    translate,
)
from hiring.items.types.simulated import Expectation


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=KEY_PATTERN)
    text: Text
    key: int = Field(ge=1, le=5)
    rationale: Text


class KeySource(BaseModel):
    """Where an item's keys came from when they were not set by the bank's authors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    method: Literal["panel"] = "panel"
    round: int = Field(ge=1, le=2**31 - 1)  # the keying round's id
    round_name: str = Field(default="", max_length=200)
    experts: int = Field(ge=1, le=10_000)  # how many experts rated the item
    statistic: str = Field(max_length=40)  # the agreement statistic, e.g. "r_wg(J)"
    agreement: float | None = Field(default=None, ge=-1, le=1)
    adopted_at: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}")  # ISO date


class SjtContent(ItemContent):
    format: Literal["best", "best_worst"] = "best"
    stem: Text
    options: list[Option] = Field(min_length=4, max_length=5)
    # true: the options are always shown in the file's order (they refer to each other);
    # otherwise each attempt shows them in its own order, drawn from the attempt's seed.
    fixed_order: bool | None = None
    # Set when a panel of experts keyed the item (see hiring keying); None: the authors.
    keying: KeySource | None = Field(default=None, json_schema_extra={"form": False})


@register
class Sjt(ItemType):
    name = "sjt"
    label = N_("situation")
    note = N_("Situational judgement: a scenario and 4-5 responses, each keyed 1-5 for "
              "effectiveness.")
    scale = "judgement"  # with a subscore per behavioural dimension
    content_model = SjtContent
    template = "candidate/items/sjt.html"
    answer_fields = ("best", "worst")
    keyed_options = True

    def check(self, content: dict) -> list[tuple[tuple, str]]:
        return duplicate_ids([option["id"] for option in content["options"]], "options",
                             "option")

    def draw_params(self, content: dict, rng: random.Random, settings: dict | None = None
                    ) -> dict | None:
        """Draw the order this attempt shows the options in (by id), unless it is fixed.

        Candidates then cannot pass on "the first one is best", and a position an option
        happens to hold in the file does not pull choices towards it. The order comes from
        its own generator, seeded from the attempt's: drawing it takes nothing from `rng`,
        so the other items of the attempt get the same parameters as before."""
        if content.get("fixed_order"):
            return None
        order = [option["id"] for option in content["options"]]
        _order_rng(rng, content["id"]).shuffle(order)
        return {"order": order}

    def preview_params(self, content: dict, rng: random.Random, settings: dict | None = None
                       ) -> dict | None:
        return None  # HR reviews the options in the order the bank lists them

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        return {
            "stem": translate(content["stem"], language),
            "format": content.get("format", "best"),
            "options": [
                {"id": option["id"], "text": translate(option["text"], language)}
                for option in shown_options(content, params)
            ],
        }

    def parse_answer(self, content: dict, raw: Any) -> Any:
        if not isinstance(raw, dict):
            raise AnswerError(N_("Choose an option."))
        ids = {option["id"] for option in content["options"]}
        answer = {}
        for part in ("best", "worst") if content.get("format") == "best_worst" else ("best",):
            value = raw.get(part)
            if value in (None, ""):
                continue
            if not isinstance(value, str) or value not in ids:
                raise AnswerError(N_("That option is not part of this question."))
            answer[part] = value
        if answer.get("best") and answer.get("best") == answer.get("worst"):
            raise AnswerError(N_("The most effective and the least effective response must be "
                                  "different."))
        return answer or None

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = ()) -> float | None:
        keys = {option["id"]: option["key"] for option in content["options"]}
        answer = answer or {}
        best = keys.get(answer.get("best"))
        if content.get("format") != "best_worst":
            return 0.0 if best is None else (best - 1) / 4
        worst = keys.get(answer.get("worst"))
        # Each half is worth 4 points: best earns key - 1, worst earns 5 - key.
        points = (best - 1 if best else 0) + (5 - worst if worst else 0)
        return points / 8

    def keyed_answer(self, content: dict, params: dict | None, language: str) -> str:
        options = sorted(content["options"], key=lambda o: -o["key"])
        best = in_language(language, N_("best: %(text)s"),
                           text=translate(options[0]["text"], language))
        if content.get("format") != "best_worst":
            return best
        worst = in_language(language, N_("worst: %(text)s"),
                            text=translate(options[-1]["text"], language))
        return f"{best}; {worst}"

    def practice_feedback(self, content: dict, params: dict | None, answer: Any,
                          language: str) -> list[str]:
        options = sorted(content["options"], key=lambda o: -o["key"])
        lines = [in_language(language, N_("You chose %(answer)s."),
                             answer=self.describe_answer(content, params, answer, language)),
                 in_language(language, N_("The most effective response here was: %(text)s"),
                             text=translate(options[0]["text"], language)),
                 translate(options[0]["rationale"], language)]
        if content.get("format") == "best_worst":
            lines += [in_language(language, N_("The least effective was: %(text)s"),
                                  text=translate(options[-1]["text"], language)),
                      translate(options[-1]["rationale"], language)]
        return lines

    def describe_answer(self, content: dict, params: dict | None, answer: Any,
                        language: str) -> str:
        texts = {o["id"]: translate(o["text"], language) for o in content["options"]}
        answer = answer or {}
        labels = {"best": N_("best: %(text)s"), "worst": N_("worst: %(text)s")}
        parts = [in_language(language, labels[part], text=texts[answer[part]])
                 for part in ("best", "worst") if answer.get(part) in texts]
        return "; ".join(parts) or in_language(language, N_("(no answer)"))

    def key_source(self, content: dict, language: str) -> str | None:
        keying = content.get("keying")
        if not keying:
            return in_language(language, N_("keyed by the bank's authors"))
        values = {"round": keying.get("round_name") or f"#{keying['round']}",
                  "date": _date(keying["adopted_at"], language)}
        count = keying["experts"]
        values["num"] = count
        if keying.get("agreement") is None:
            return catalogue(language).ngettext(
                "keyed by a panel of %(num)d expert (round %(round)s, %(date)s)",
                "keyed by a panel of %(num)d experts (round %(round)s, %(date)s)",
                count) % values
        values["agreement"] = _decimal(keying["agreement"], language)
        values["statistic"] = keying.get("statistic") or "r_wg(J)"
        return catalogue(language).ngettext(
            "keyed by a panel of %(num)d expert (round %(round)s, %(date)s), "
            "%(statistic)s = %(agreement)s",
            "keyed by a panel of %(num)d experts (round %(round)s, %(date)s), "
            "%(statistic)s = %(agreement)s", count) % values

    def chosen_options(self, answer: Any) -> dict[str, str]:
        if not isinstance(answer, dict):
            return {}
        return {part: answer[part] for part in ("best", "worst") if answer.get(part) is not None}

    def simulate_answer(self, content: dict, params: dict | None, level: float,
                        rng: random.Random) -> tuple[Any, list[dict]]:
        return rng.choices(_answers(content), _probabilities(content, level))[0], []

    def expected_score(self, content: dict, params: dict | None, scored: dict
                       ) -> Expectation:
        # The possible answers and their scores do not depend on the level: score them once.
        scores = [self.score(scored, params, answer) for answer in _answers(content)]
        return lambda theta: sum(p * score for p, score in zip(
            _probabilities(content, theta), scores, strict=True))

    def carry_over(self, previous: dict, content: dict, *, from_form: bool
                   ) -> tuple[dict, str | None]:
        content, note = super().carry_over(previous, content, from_form=from_form)
        if content.get("keying") and _keys(content) != _keys(previous):
            content = {name: value for name, value in content.items() if name != "keying"}
            note = N_("A key was changed by hand, so the item no longer records the panel's "
                      "keying: its keys are now the bank's authors'.")
        return content, note


def _answers(content: dict) -> list[dict]:
    """Return every answer a simulated candidate can give, in a fixed order."""
    ids = [option["id"] for option in content["options"]]
    if content.get("format") != "best_worst":
        return [{"best": best} for best in ids]
    return [{"best": best, "worst": worst} for best in ids for worst in ids if worst != best]


def _probabilities(content: dict, theta: float) -> list[float]:
    """Return the probability of each of _answers at level theta."""
    options = content["options"]
    best = simulated.preferences([option["key"] for option in options], theta)
    if content.get("format") != "best_worst":
        return best
    out = []
    for index, p in enumerate(best):
        rest = [option["key"] for i, option in enumerate(options) if i != index]
        out += [p * q for q in simulated.preferences(rest, theta, reversed_keys=True)]
    return out


def _order_rng(rng: random.Random, item_id: str) -> random.Random:
    """Return a generator for one item's option order, seeded from `rng` without drawing.

    The item's id is part of the seed: two items drawn one after the other, with `rng`
    in the same state, still get orders of their own."""
    digest = hashlib.blake2b(_state_text(rng) + b"\0" + item_id.encode(),
                             digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))  # noqa: S311 - not a secret


# The last state written out, with its text: the items of an attempt's start all see the
# same state (drawing an order takes nothing from it), and writing its 625 numbers out
# cost more than the rest of the start's drawing. Comparing two states is cheap.
_last_state: tuple[tuple, bytes] = ((), b"")


def _state_text(rng: random.Random) -> bytes:
    global _last_state
    state = rng.getstate()
    known, text = _last_state  # one read: another thread may replace it meanwhile
    if known != state:
        text = repr(state).encode()
        _last_state = (state, text)
    return text


def shown_options(content: dict, params: dict | None) -> list[dict]:
    """Return the options in the order the candidate is shown them.

    That is the file's order for fixed-order items, for attempts started before orders
    were drawn (no "order" in their parameters), and for a stored order that does not
    name exactly this revision's options: an option is never lost, doubled or invented."""
    options = content["options"]
    order = params.get("order") if isinstance(params, dict) else None
    by_id = {option["id"]: option for option in options}
    if (content.get("fixed_order") or not isinstance(order, list)
            or not all(isinstance(option_id, str) for option_id in order)
            or len(order) != len(options) or set(order) != set(by_id)):
        return list(options)
    return [by_id[option_id] for option_id in order]


def _keys(content: dict) -> dict[str, int]:
    return {option.get("id"): option.get("key") for option in content.get("options") or []}


def _date(text: str, language: str) -> str:
    try:
        return format_date(date.fromisoformat(text[:10]), "long", locale=language)
    except (ValueError, LookupError):  # a language Babel does not know
        return text[:10]


def _decimal(value: float, language: str) -> str:
    try:
        return format_decimal(value, "0.00", locale=language)
    except (ValueError, LookupError):
        return f"{value:.2f}"
