"""The cue audit: can a test-wise candidate find a situational item's key from its surface?

A candidate who knows nothing of customer service can still pick the longest option, the
politest one, or the one with the most steps. Each such strategy is played on every
situational (sjt) item, per language, and its mean item score is compared with random
answering as the excess over chance: (strategy - random) / (1 - random). 0 means the
strategy does no better than guessing; 1 means it finds the key every time."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from hiring.items.types.base import translate, type_names

WORDS_DIR = Path(__file__).resolve().parents[2] / "question_banks" / "cue_words"
STRATEGIES = ("longest", "courtesy", "combined", "shortest", "plainest", "middle", "steps")
STRATEGY_NAMES = {
    "longest": "longest option",
    # a bank written against the first three can tip over into the opposite cues
    "shortest": "shortest option",
    "plainest": "fewest courtesy and empathy words",
    "middle": "option of middle length",
    "steps": "most steps",
    "courtesy": "most courtesy and empathy words",
    "combined": "length + courtesy words + steps",
}
DEFAULT_MAX_EXCESS = 0.2
DEFAULT_MAX_LONGEST_BEST = 0.35
MIN_ITEMS = 5  # fewer situational items in a language say nothing about cues
_WORD = re.compile(r"\w+", re.UNICODE)
_STEP_MARKS = re.compile(r"[,;:]")


@dataclass(frozen=True)
class CueWords:
    """A language's courtesy and empathy word beginnings, and its step words."""

    courtesy: tuple[str, ...] = ()
    steps: frozenset[str] = frozenset()


@cache
def cue_words(language: str) -> CueWords:
    """Return the word list kept with the banks for a language (empty when there is none)."""
    path = WORDS_DIR / f"{language.split('-')[0]}.yaml"
    if not path.is_file():
        return CueWords()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return CueWords(courtesy=tuple(str(w).lower() for w in data.get("courtesy") or ()),
                    steps=frozenset(str(w).lower() for w in data.get("steps") or ()))


@dataclass(frozen=True)
class OptionCues:
    id: str
    key: int
    length: int  # characters
    courtesy: int  # courtesy and empathy words
    steps: int  # clauses: 1 + separators + step words


def option_cues(option: dict, language: str) -> OptionCues:
    text = translate(option["text"], language)
    words = cue_words(language)
    tokens = [token.lower() for token in _WORD.findall(text)]
    return OptionCues(
        id=option["id"], key=option["key"], length=len(text.strip()),
        courtesy=sum(1 for token in tokens if token.startswith(words.courtesy))
        if words.courtesy else 0,
        steps=1 + len(_STEP_MARKS.findall(text)) + sum(1 for t in tokens if t in words.steps))


def _expected(options: Sequence[OptionCues], best_set: Sequence[int],
              worst_set: Sequence[int], best_worst: bool) -> float:
    """Expected item score when best is drawn from best_set and worst from worst_set
    (minus the chosen best; any other option when nothing is left), uniformly."""
    total = 0.0
    for b in best_set:
        best_points = options[b].key - 1
        if not best_worst:
            total += best_points / 4
            continue
        worsts = [w for w in worst_set if w != b] or [w for w in range(len(options)) if w != b]
        total += sum(best_points + 5 - options[w].key for w in worsts) / len(worsts) / 8
    return total / len(best_set)


def _extremes(values: Sequence[float]) -> tuple[list[int], list[int]]:
    top, bottom = max(values), min(values)
    return ([i for i, v in enumerate(values) if v == top],
            [i for i, v in enumerate(values) if v == bottom])


def _zscores(values: Sequence[float]) -> list[float]:
    spread = statistics.pstdev(values)
    mean = statistics.fmean(values)
    return [0.0 if spread == 0 else (v - mean) / spread for v in values]


FEATURES: dict[str, Callable[[Sequence[OptionCues]], list[float]]] = {
    "longest": lambda options: [o.length for o in options],
    "shortest": lambda options: [-o.length for o in options],
    "plainest": lambda options: [-o.courtesy for o in options],
    "middle": lambda options: [-abs(o.length - statistics.median(p.length for p in options))
                               for o in options],
    "steps": lambda options: [o.steps for o in options],
    "courtesy": lambda options: [o.courtesy for o in options],
    "combined": lambda options: [sum(z) for z in zip(
        _zscores([o.length for o in options]), _zscores([o.courtesy for o in options]),
        _zscores([o.steps for o in options]), strict=True)],
}


@dataclass(frozen=True)
class ItemCues:
    """One item in one language: how each strategy and random answering score on it."""

    item_id: str
    index: int  # position in the bank's item list
    options: tuple[OptionCues, ...]
    random: float
    strategies: dict[str, float]

    @property
    def best(self) -> OptionCues:
        return max(self.options, key=lambda o: o.key)

    @property
    def best_is_longest(self) -> float:
        """1 when the keyed best is the one longest option; shared among ties."""
        longest = max(o.length for o in self.options)
        tied = [o for o in self.options if o.length == longest]
        return 1 / len(tied) if self.best in tied else 0.0

    @property
    def best_length_ratio(self) -> float:
        others = [o.length for o in self.options if o is not self.best]
        return self.best.length / statistics.fmean(others) if others else 1.0

    @property
    def length_spread(self) -> tuple[float, float]:
        """The shortest and longest option over the item's mean length."""
        mean = statistics.fmean(o.length for o in self.options) or 1
        return (min(o.length for o in self.options) / mean,
                max(o.length for o in self.options) / mean)

    def giveaway(self) -> float:
        """How much the strategies gain over chance on this item (their best gain)."""
        return max(self.strategies.values()) - self.random


def item_cues(item: dict, index: int, language: str) -> ItemCues:
    options = tuple(option_cues(option, language) for option in item["options"])
    best_worst = item.get("format") == "best_worst"
    everyone = list(range(len(options)))
    scores = {}
    for name, feature in FEATURES.items():
        top, bottom = _extremes(feature(options))
        scores[name] = _expected(options, top, bottom, best_worst)
    return ItemCues(item_id=item["id"], index=index, options=options,
                    random=_expected(options, everyone, everyone, best_worst),
                    strategies=scores)


@dataclass(frozen=True)
class LanguageAudit:
    language: str
    items: list[ItemCues]
    max_excess: float
    max_longest_best: float
    has_words: bool = True
    problems: list[tuple[int, str]] = field(default_factory=list)  # (item index, message)

    @property
    def random(self) -> float:
        return statistics.fmean(i.random for i in self.items)

    def mean(self, strategy: str) -> float:
        return statistics.fmean(i.strategies[strategy] for i in self.items)

    def excess(self, strategy: str) -> float:
        chance = self.random
        return (self.mean(strategy) - chance) / (1 - chance) if chance < 1 else 0.0

    @property
    def longest_best_share(self) -> float:
        return statistics.fmean(i.best_is_longest for i in self.items)

    @property
    def best_length_ratios(self) -> list[float]:
        return sorted(i.best_length_ratio for i in self.items)

    @property
    def audited(self) -> bool:
        return len(self.items) >= MIN_ITEMS

    def lines(self) -> list[str]:
        if not self.items:
            return [f"cue audit ({self.language}): no situational items"]
        ratios = self.best_length_ratios
        out = [f"cue audit ({self.language}), {len(self.items)} situational items:",
               f"  keyed best is the longest option: {self.longest_best_share:.0%} "
               f"(limit {self.max_longest_best:.0%})",
               f"  best option's length over the others' mean: median "
               f"{statistics.median(ratios):.2f}, range {ratios[0]:.2f}-{ratios[-1]:.2f}",
               f"  random answering: mean item score {self.random:.3f}"]
        for strategy in STRATEGIES:
            out.append(f"  {STRATEGY_NAMES[strategy]}: mean item score "
                       f"{self.mean(strategy):.3f}, excess over chance "
                       f"{self.excess(strategy):+.3f} (limit {self.max_excess:.2f})")
        if not self.has_words:
            out.append(f"  no courtesy word list for {self.language!r} "
                       f"(question_banks/cue_words/): courtesy counts are 0")
        if not self.audited:
            out.append(f"  fewer than {MIN_ITEMS} items: not held to the limits")
        return out


def audit_language(items: Sequence[dict], language: str, *, max_excess: float,
                   max_longest_best: float, indexes: Sequence[int] | None = None
                   ) -> LanguageAudit:
    """Play every strategy on the situational items in one language; list what fails."""
    indexes = list(indexes) if indexes is not None else list(range(len(items)))
    cues = [item_cues(item, index, language) for item, index in zip(items, indexes,
                                                                      strict=True)]
    audit = LanguageAudit(language, cues, max_excess, max_longest_best,
                          has_words=bool(cue_words(language).courtesy))
    if audit.audited:
        _failures(audit)
    return audit


def _failures(audit: LanguageAudit, named: int = 5) -> None:
    failing = [s for s in STRATEGIES if audit.excess(s) > audit.max_excess]
    messages = [f"{STRATEGY_NAMES[s]} beats chance by {audit.excess(s):.2f} "
                f"(limit {audit.max_excess:.2f})" for s in failing]
    if audit.longest_best_share > audit.max_longest_best:
        messages.append(f"the keyed best is the longest option in "
                        f"{audit.longest_best_share:.0%} of items "
                        f"(limit {audit.max_longest_best:.0%})")
    if not messages:
        return
    audit.problems.append((-1, f"cue audit ({audit.language}): " + "; ".join(messages)
                           + "; the items that give their key away most follow"))
    worst = sorted(audit.items, key=lambda i: (-i.giveaway(), -i.best_is_longest))[:named]
    for item in worst:
        if item.giveaway() <= 0 and not item.best_is_longest:
            continue
        gains = ", ".join(f"{STRATEGY_NAMES[s]} {item.strategies[s]:.2f}"
                          for s in STRATEGIES)
        audit.problems.append((item.index, (
            f"cue audit ({audit.language}): gives its key away: random answering scores "
            f"{item.random:.2f}, {gains}; the best option is {item.best_length_ratio:.2f} "
            f"times the others' length")))


def audit_bank(header: dict, items: Sequence[dict]) -> list[LanguageAudit]:
    """Audit a bank's situational items in each of its languages."""
    limits = header.get("cue_audit") or {}
    keyed = type_names(lambda item_type: item_type.keyed_options)
    sjt = [(index, item) for index, item in enumerate(items) if item.get("type") in keyed]
    return [audit_language([item for _, item in sjt], language,
                           max_excess=limits.get("max_excess", DEFAULT_MAX_EXCESS),
                           max_longest_best=limits.get("max_longest_best",
                                                       DEFAULT_MAX_LONGEST_BEST),
                           indexes=[index for index, _ in sjt])
            for language in header.get("languages", [])]
