"""The assessment editor: check a recipe against its bank, save it, keep versions.

An assessment that candidates have taken is never changed under them (their reports are
computed from it): saving changes to it makes a new version, a new row with the same bank
and key, and the old row points at its successor. Rows with the same bank and key are the
versions of one assessment, whether the editor or a bank import (`store_recipe`) made them;
the newest is the current one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum

from sqlmodel import Session, col, func, select

from hiring import rights
from hiring.assessment.recipes import item_classes, supply, unique_key
from hiring.items.messages import N_, Message
from hiring.items.types.base import translate
from hiring.items.types.transcription import DEFAULT_TARGET_WPM
from hiring.models import Assessment, Attempt, Bank
from hiring.scoring.rules import Rules


@dataclass(frozen=True)
class Recipe:
    """What HR edits: everything of an assessment but its bank, key and version."""

    name: str
    titles: dict[str, str] | None  # language -> name for candidates
    language: str
    languages: list[str] | None  # None: every language of the bank
    time_limit_minutes: int
    grace_seconds: int
    shuffle: bool
    settings: dict
    sections: list[dict]

    @classmethod
    def of(cls, assessment: Assessment) -> Recipe:
        values = {f.name: getattr(assessment, f.name) for f in fields(cls)}
        values["settings"] = dict(assessment.settings or {})
        return cls(**values)

    def rules(self) -> Rules:
        return Rules.for_assessment(self.settings)

    def typing_target_wpm(self) -> int:
        return self.settings.get("typing_target_wpm") or DEFAULT_TARGET_WPM


def with_settings(existing: dict | None, *, typing_target_wpm: int, rules: Rules) -> dict:
    """Return settings with the typing target and thresholds set, other keys kept."""
    return {**(existing or {}), "typing_target_wpm": typing_target_wpm,
            **{f.name: getattr(rules, f.name) for f in fields(Rules)}}


@dataclass
class Problems:
    """What is wrong with a recipe: messages per field, and per section (by index)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    sections: dict[int, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.sections)


def check(recipe: Recipe, bank: Bank, *, session: Session) -> Problems:
    """Find what keeps the recipe from being saved: languages, thresholds, sections."""
    problems = Problems()
    offered = bank.languages if recipe.languages is None else recipe.languages
    unknown = [code for code in offered if code not in bank.languages]
    if not offered:
        problems.add("languages", Message(N_("Offer at least one language.")))
    elif unknown:
        problems.add("languages", Message(N_("The bank has no %(languages)s version."),
                                          languages=", ".join(unknown)))
    if recipe.language not in offered:
        problems.add("language", Message(N_(
            "The default language must be one of the languages offered.")))
    rules = recipe.rules()
    if rules.development_score >= rules.strength_score:
        problems.add("development_score", Message(N_(
            "The development threshold must be below the strength threshold.")))
    if sum(int(s["count"]) for s in recipe.sections) < 1:
        problems.add("sections", Message(N_(
            "Add at least one section with at least one item.")))
    for index, found in enumerate(supply(recipe.sections,
                                         item_classes(bank.id, session=session))):
        if (message := found.problem()) is not None:
            problems.sections.setdefault(index, []).append(message)
    return problems


def _comparable(recipe: Recipe, languages: list[str]) -> dict:
    """The recipe as candidates and reports see it, so that equal meanings compare equal."""
    rules = recipe.rules()
    return {
        "name": recipe.name,
        "titles": {code: translate(recipe.titles, code, fallback="") for code in languages},
        "language": recipe.language,
        "languages": sorted(languages if recipe.languages is None else recipe.languages),
        "time_limit_minutes": recipe.time_limit_minutes,
        "grace_seconds": recipe.grace_seconds,
        "shuffle": recipe.shuffle,
        "settings": {**recipe.settings, "typing_target_wpm": recipe.typing_target_wpm(),
                     **{f.name: getattr(rules, f.name) for f in fields(Rules)}},
        "sections": [{"title": {code: translate(s.get("title"), code) for code in languages},
                      **{k: s.get(k) for k in ("type", "dimension")}, "count": int(s["count"])}
                     for s in recipe.sections],
    }


def changed(assessment: Assessment, recipe: Recipe, bank: Bank) -> bool:
    """Tell whether saving the recipe would change what the assessment does or says."""
    return (_comparable(Recipe.of(assessment), bank.languages)
            != _comparable(recipe, bank.languages))


def attempt_count(assessment: Assessment, *, session: Session) -> int:
    return session.exec(select(func.count()).select_from(Attempt).where(
        Attempt.assessment_id == assessment.id)).one()


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # in place: nobody had taken it
    VERSIONED = "versioned"  # a new version; the old one keeps its attempts
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Saved:
    assessment: Assessment  # the row now holding the recipe
    outcome: Outcome
    previous: Assessment | None = None  # the version it replaced, when versioned


class NotCurrent(ValueError):
    """Only the current version of an assessment can be edited."""


def create(bank: Bank, recipe: Recipe, *, session: Session, author: str) -> Saved:
    """Store a new assessment with a key made from its name; flush only."""
    assessment = Assessment(bank_id=bank.id, key=unique_key(bank.id, recipe.name, session=session),
                            created_by=author, **_values(recipe))
    session.add(assessment)
    session.flush()
    return Saved(assessment, Outcome.CREATED)


def save(assessment: Assessment, recipe: Recipe, *, session: Session, author: str) -> Saved:
    """Apply an edit in place, or as a new version when candidates took this one."""
    bank = session.get(Bank, assessment.bank_id)
    successor = current(assessment, session=session)
    if successor.id != assessment.id:
        raise NotCurrent(Message(N_("Version %(version)s was replaced by version %(newest)s; "
                                    "edit that one."), version=assessment.version,
                                 newest=successor.version))
    if not changed(assessment, recipe, bank):
        return Saved(assessment, Outcome.UNCHANGED)
    if assessment.key is None:  # made before assessments had keys
        assessment.key = unique_key(bank.id, assessment.name, session=session)
    if attempt_count(assessment, session=session) == 0:
        for name, value in _values(recipe).items():
            setattr(assessment, name, value)
        session.flush()
        return Saved(assessment, Outcome.UPDATED)
    newest = max(v.version for v in versions(assessment, session=session))
    successor = Assessment(bank_id=assessment.bank_id, key=assessment.key, version=newest + 1,
                           created_by=author, **_values(recipe))
    session.add(successor)
    session.flush()
    assessment.replaced_by_id = successor.id
    rights.carry_over(assessment.id, successor.id, session=session)
    session.flush()
    return Saved(successor, Outcome.VERSIONED, previous=assessment)


def _values(recipe: Recipe) -> dict:
    values = {f.name: getattr(recipe, f.name) for f in fields(Recipe)}
    values["name"] = recipe.name.strip()
    return values


def versions(assessment: Assessment, *, session: Session) -> list[Assessment]:
    """Return every version of the assessment, oldest first."""
    if assessment.key is None:
        return [assessment]
    return list(session.exec(select(Assessment).where(
        Assessment.bank_id == assessment.bank_id, Assessment.key == assessment.key)
        .order_by(col(Assessment.id))))


def current(assessment: Assessment, *, session: Session) -> Assessment:
    """Return the version of the assessment that is edited and invited to now."""
    return versions(assessment, session=session)[-1]


def attempt_counts(assessments: list[Assessment], *, session: Session) -> dict[int, int]:
    """Count the attempts (invitations included) of each assessment."""
    ids = [a.id for a in assessments]
    return dict(session.exec(select(Attempt.assessment_id, func.count()).where(
        col(Attempt.assessment_id).in_(ids)).group_by(Attempt.assessment_id)).all())


@dataclass(frozen=True)
class Listed:
    assessment: Assessment  # the current version
    bank: Bank
    versions: int


def first_assessment(*, session: Session) -> Assessment | None:
    """The oldest assessment, if there is one (to show sample wordings with)."""
    return session.exec(select(Assessment).order_by(col(Assessment.id))).first()


def current_versions(*, session: Session) -> list[Listed]:
    """Return the current version of every assessment, newest first."""
    banks = {bank.id: bank for bank in session.exec(select(Bank))}
    groups: dict[tuple, list[Assessment]] = {}
    for assessment in session.exec(select(Assessment).order_by(col(Assessment.id))):
        group = (assessment.bank_id, assessment.key if assessment.key else assessment.id)
        groups.setdefault(group, []).append(assessment)
    listed = [Listed(rows[-1], banks[rows[-1].bank_id], len(rows)) for rows in groups.values()]
    return sorted(listed, key=lambda row: -row.assessment.id)
