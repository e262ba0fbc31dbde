"""The item type protocol and its registry."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo

from hiring.items.messages import N_, CandidateError, in_language
from hiring.items.types.simulated import Expectation

KEY_PATTERN = r"^[A-Za-z0-9_-]{1,100}$"


def _complete(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    languages = (info.context or {}).get("languages") or []
    missing = [lang for lang in languages if not (value.get(lang) or "").strip()]
    if missing:
        raise ValueError(f"missing translation: {', '.join(missing)}")
    return value


# Text a person reads: language code -> text, complete for every language of the bank.
Text = Annotated[dict[str, str], AfterValidator(_complete)]


def translate(text: dict[str, str] | str | None, language: str, fallback: str = "en") -> str:
    """Return the text in the language, else the fallback, else any; plain text as it is."""
    if not text:
        return ""
    if isinstance(text, str):
        return text
    return text.get(language) or text.get(fallback) or next(iter(text.values()), "")


class ItemContent(BaseModel):
    """The fields every item has in a bank file."""

    # extra: a misspelt field is an error; no infinite or NaN numbers (`.inf` is YAML)
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(pattern=KEY_PATTERN)
    type: str
    dimension: str
    facets: list[str] = []
    seed: str = Field(pattern=r"^\d{3}$")
    weight: float = Field(default=1.0, gt=0, le=10)


def duplicate_ids(ids: list[str], where: str, label: str) -> list[tuple[tuple, str]]:
    """Report ids given twice in one of an item's lists (options, rubric criteria)."""
    return [((where, index, "id"), f"duplicate {label} id {value!r}")
            for index, value in enumerate(ids) if value in ids[:index]]


class AnswerError(CandidateError, ValueError):
    """The answer is not valid for the item; the message is shown to the candidate."""


@dataclass(frozen=True)
class Speed:
    """How fast and how accurately an answer was typed, for the profile's typing table."""

    net_wpm: float
    gross_wpm: float
    accuracy: float  # 0..1
    errors: int
    target_wpm: float


class ItemType:
    """Base class of item types.

    Everything the rest of the product needs to know about a type is here: nothing
    outside this package names a type or branches on one."""

    name: ClassVar[str]
    label: ClassVar[str]  # marked with N_: what the profile and HR pages call an item
    note: ClassVar[str] = ""  # for HR choosing the type of a new item
    minutes: ClassVar[float] = 1.0  # rough minutes a candidate spends on one item
    content_model: ClassVar[type[ItemContent]]
    template: ClassVar[str]  # the candidate input, under templates/candidate/items/
    needs_rating: ClassVar[bool] = False  # scored by interviewers, not automatically
    # The score the type's items feed (hiring.scoring.scales): "judgement", "numeracy", ...
    scale: ClassVar[str]
    answer_fields: ClassVar[tuple[str, ...]] = ()  # the form fields an answer is posted in
    # Options keyed 1-5 for effectiveness: a panel of experts can key them (hiring.keying),
    # and the cue audit (hiring.banks.cues) checks that their surface does not give the
    # key away.
    keyed_options: ClassVar[bool] = False

    def check(self, content: dict) -> list[tuple[tuple, str]]:
        """Return problems beyond the schema, as (field path, message)."""
        return []

    def draw_params(self, content: dict, rng: random.Random, settings: dict | None = None
                    ) -> dict | None:
        """Fix the per-attempt parameters; settings hold the assessment's and the language."""
        return None

    def preview_params(self, content: dict, rng: random.Random, settings: dict | None = None
                       ) -> dict | None:
        """Fix the parameters of HR's preview of the item: by default, drawn as for an attempt."""
        return self.draw_params(content, rng, settings)

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        """Return what the candidate page shows, in the language."""
        raise NotImplementedError

    def parse_answer(self, content: dict, raw: Any) -> Any:
        """Turn submitted form or JSON data into a stored answer, or raise AnswerError."""
        raise NotImplementedError

    def read_answer(self, content: dict, raw: Any, language: str) -> Any:
        """Turn an answer the candidate gave in a language into a stored one (numbers are
        written differently in each); by default, the same in every language."""
        return self.parse_answer(content, raw)

    def confirmation(self, content: dict, answer: Any, language: str) -> dict | None:
        """Return what the candidate must confirm about a stored answer before it counts
        as meant ({"question", "readings": [{"value", "label"}], "chosen"}), or None."""
        return None

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = ()) -> float | None:
        """Score an answer in 0..1; None while it waits for ratings. Changes nothing."""
        raise NotImplementedError

    def describe_answer(self, content: dict, params: dict | None, answer: Any,
                        language: str) -> str:
        """Return the answer as an interviewer reads it."""
        return "" if answer is None else str(answer)

    def keyed_answer(self, content: dict, params: dict | None, language: str) -> str:
        """Return what the key says is best or correct, as an interviewer reads it."""
        return ""

    def practice_feedback(self, content: dict, params: dict | None, answer: Any,
                          language: str) -> list[str]:
        """Return the lines a candidate reads after answering a practice item: what they
        answered, the key and why it is the key."""
        lines = [in_language(language, N_("Your answer: %(answer)s"),
                             answer=self.describe_answer(content, params, answer, language))]
        explanation = translate(content.get("explanation"), language)
        return lines + [explanation] if explanation else lines

    def question(self, view: dict[str, Any]) -> str:
        """Return the question's text from its view, as the profile quotes it."""
        return view.get("stem") or ""

    def chosen_options(self, answer: Any) -> dict[str, str]:
        """Return the options an answer chose, by what it chose them as ("best": id), for
        item statistics' option counts; {} for types whose options are not analysed."""
        return {}

    def evidence_line(self, content: dict, params: dict | None, answer: Any,
                      language: str) -> str | None:
        """Return a line the profile prints above the items of the answer's score (what
        the score was measured from), or None."""
        return None

    def speed(self, content: dict, params: dict | None, answer: Any, language: str
              ) -> Speed | None:
        """Return the speed and accuracy of a typed answer; None for types not timed."""
        return None

    def simulate_answer(self, content: dict, params: dict | None, level: float,
                        rng: random.Random) -> tuple[Any, list[dict]]:
        """Answer as a simulated candidate at the level would (hiring.items.types.
        simulated): the raw answer, as posted, and the ratings raters would give it."""
        raise NotImplementedError

    def expected_score(self, content: dict, params: dict | None, scored: dict
                       ) -> Expectation:
        """Return the expected score of simulate_answer's answers as a function of the
        level, scored with `scored` (the same item, perhaps with other keys)."""
        raise NotImplementedError

    def is_answered(self, answer: Any) -> bool:
        return answer not in (None, "", {}, [])

    def form_values(self, answer: Any) -> dict[str, Any]:
        """Return a stored answer as the values of the answer's form fields ("" for none).

        An answer stored as a dict holds them by field name; any other answer is the
        value of the only field."""
        if not isinstance(answer, dict):
            answer = {self.answer_fields[0]: answer} if self.answer_fields else {}
        return {name: "" if answer.get(name) is None else answer[name]
                for name in self.answer_fields}

    def key_source(self, content: dict, language: str) -> str | None:
        """Say where the item's key came from, for the item page, item health and the
        profile; None for types whose key needs no account of its origin."""
        return None

    def carry_over(self, previous: dict, content: dict, *, from_form: bool
                   ) -> tuple[dict, str | None]:
        """Carry the fields the product sets (not form fields) from the previous revision
        into an edit, as far as they still hold; return the content and a note for HR when
        one was dropped. The form cannot show such fields, so an edit made in it carries
        them over; the YAML editor shows them, so what it says stands."""
        if not from_form:
            return content, None
        kept = {name: previous[name] for name, info in self.content_model.model_fields.items()
                if not (info.json_schema_extra or {}).get("form", True) and name in previous}
        return {**content, **kept}, None


ITEM_TYPES: dict[str, ItemType] = {}


def register(cls: type[ItemType]) -> type[ItemType]:
    """Add an item type to the registry."""
    ITEM_TYPES[cls.name] = cls()
    return cls


def get_type(name: str) -> ItemType:
    """Return the registered item type, or raise KeyError."""
    return ITEM_TYPES[name]


def type_names(holds: Callable[[ItemType], bool]) -> list[str]:
    """Return the names of the registered types that something holds for, e.g.
    `type_names(lambda t: t.needs_rating)`, for queries over items."""
    return [name for name, item_type in ITEM_TYPES.items() if holds(item_type)]
