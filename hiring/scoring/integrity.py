"""Integrity signals for the profile: facts with counts, never verdicts."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from hiring.models import Attempt, Response

# Faster than this many words per second cannot have been read (skimming is about 8).
MAX_READING_WORDS_PER_SECOND = 8
MIN_PLAUSIBLE_SECONDS = 2.0
# A focus loss is an absence from the assessment's page longer than this while the page
# stays open: another tab or window in front. Shorter ones (a glance at a notification)
# and the page's own navigation (Next, Previous, review, submit, reload) are not counted.
# The candidate page waits this long before it reports; the welcome page and the profile
# state it, so that the count is never read without its definition.
FOCUS_LOSS_SECONDS = 2


@dataclass(frozen=True)
class IntegrityFacts:
    focus_losses: int  # absences longer than focus_loss_seconds
    pastes: int
    pasted_items: list[int] = field(default_factory=list)  # positions
    fast_answers: list[int] = field(default_factory=list)  # positions answered too fast
    median_seconds_per_item: float | None = None
    ip_addresses: int = 0
    browsers: int = 0
    focus_loss_seconds: int = FOCUS_LOSS_SECONDS
    # False for attempts counted under the earlier rule, which also counted each move to
    # the next question: their number says nothing, so it is not shown.
    focus_losses_known: bool = True

    @property
    def ip_changes(self) -> int:
        return max(0, self.ip_addresses - 1)

    @property
    def browser_changes(self) -> int:
        return max(0, self.browsers - 1)


def reading_words(view: dict) -> int:
    """Count the words a candidate must read on an item page."""
    texts = [view.get("stem") or view.get("prompt") or view.get("passage") or ""]
    texts += [option["text"] for option in view.get("options", [])]
    return sum(len(text.split()) for text in texts)


def too_fast(seconds: float, words: int) -> bool:
    """Tell whether an answer came faster than the item could be read."""
    return seconds < max(MIN_PLAUSIBLE_SECONDS, words / MAX_READING_WORDS_PER_SECOND)


def integrity_facts(attempt: Attempt, responses: list[tuple[Response, dict, bool]]
                    ) -> IntegrityFacts:
    """Collect the facts; responses are (response, candidate view, answered)."""
    seconds = [r.time_spent_ms / 1000 for r, _, answered in responses if answered]
    return IntegrityFacts(
        focus_losses=attempt.focus_losses,
        # every count under the present rule sets focus_lost_at; a count without it is old
        focus_losses_known=not (attempt.focus_losses and attempt.focus_lost_at is None),
        pastes=attempt.paste_count,
        pasted_items=[r.position for r, _, _ in responses if r.paste_count],
        fast_answers=[r.position for r, view, answered in responses
                      if answered and r.time_spent_ms and
                      too_fast(r.time_spent_ms / 1000, reading_words(view))],
        median_seconds_per_item=round(statistics.median(seconds), 1) if seconds else None,
        ip_addresses=len(attempt.ip_addresses or []),
        browsers=len(attempt.user_agents or []),
    )
