"""The candidate's feedback report: their strengths and development tips, in plain words.

What it says follows the profile's rules (hiring.reports.findings), so it never contradicts
what the interviewer saw: a score is a strength here only when the profile flags it as
one, a development tip only for a development area the profile names, and a score whose
band the rules find too wide, an indication or too few answers gets no claim either way.
It carries no numbers, no norms, nothing of how the candidate took the assessment (the
integrity facts) and nothing raters wrote.

The texts are grounded in the articles on what makes a good customer-service
representative (shared/seeds, cited by file number, as in the framework of DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hiring.catalogues import translations
from hiring.items.messages import N_
from hiring.reports import findings
from hiring.reports.profile import Profile, ScoreResult
from hiring.scoring.rules import Rules

# Per scale or behavioural dimension: what a strength means for the candidate, and a tip
# for developing it. Written to the candidate ("you"), in plain words.
TEXTS: dict[str, tuple[str, str]] = {
    # all the situational questions together (000-004)
    "judgement": (
        N_("In the situations with customers, you mostly chose what works best: you "
           "listened, kept the customer in mind and looked for a way to help."),
        N_("In customer situations, first make sure you understand the real problem, then "
           "choose the reply that solves it and keeps the customer's trust. Listening to "
           "experienced colleagues handle calls is a quick way to learn what works.")),
    # billing math, percentages, proration, refunds (002)
    "numeracy": (
        N_("You work confidently with numbers: bills, percentages and refunds."),
        N_("Practise everyday calculations such as percentages, discounts and splitting a "
           "monthly amount into days. Check each result once more before you give it to a "
           "customer.")),
    # finding the right fact on an account screen or in a message (002, 003)
    "reading": (
        N_("You read carefully and found the right facts on an account screen and in "
           "customers' messages."),
        N_("Read the whole screen or message before you answer, and look for the one fact "
           "the customer asks about. Reading it twice costs little and avoids mistakes.")),
    # careful data entry and typing (002: computer literacy; 003: orders and payments)
    "typing": (
        N_("You type quickly and accurately, which helps when you record calls and orders."),
        N_("Regular typing practice with all ten fingers builds speed; accuracy comes first, "
           "speed follows.")),
    # clear written language, spelling and grammar, professional tone (002, 004)
    "writing": (
        N_("Your written reply to the customer was clear, polite and easy to follow."),
        N_("When you write to a customer, use their name, acknowledge how they feel, say "
           "clearly what you will do and by when, and check spelling and grammar before "
           "sending.")),
    # patience, making the customer feel important, empathy, rapport (000, 002, 003)
    "customer_focus": (
        N_("You keep the customer at the centre: you show patience and understanding and "
           "make people feel that they matter."),
        N_("Show the customer that you understand how they feel before you offer a "
           "solution, for example \"I understand how annoying this is\". Use their name, "
           "and apologise for the trouble even when it was not your fault.")),
    # listen to the end, clarify and paraphrase, alternatives (000, 002, 003)
    "listening_problem_solving": (
        N_("You listen to the whole problem and look for a solution, including other "
           "options when the first request cannot be met."),
        N_("Let the customer finish, then say the problem back in your own words to check "
           "that you understood it. When you cannot give what they ask for, offer an "
           "alternative.")),
    # stay calm with a shouting customer, keep a positive attitude (000, 001, 002, 004)
    "composure": (
        N_("You stay calm and positive, even with an upset customer."),
        N_("When a customer is angry, keep your voice calm, do not take it personally and "
           "lead the conversation towards a solution. A short pause and a deep breath "
           "before you answer help.")),
    # tone, clear language, no sarcasm, no arguing with the customer (001, 002, 004)
    "communication": (
        N_("You communicate clearly and professionally, and you do not get drawn into "
           "arguments."),
        N_("Keep a friendly, professional tone, speak simply and avoid arguing with the "
           "customer, even when they are wrong.")),
    # keep promises, accurate information, escalate in time, teamwork, learning (000-002)
    "ownership": (
        N_("You take responsibility: you keep promises, give accurate information and know "
           "when to ask for help."),
        N_("Promise only what you can do, and then do it: call back when you said you "
           "would. When you are not sure, ask a supervisor rather than guess.")),
    # appropriate upselling, saving cancellations (002, 003)
    "sales_retention": (
        N_("You offer customers what really suits them and try to keep them when they want "
           "to leave."),
        N_("Before you offer something new, ask what the customer needs. When a customer "
           "wants to cancel, find out why first; often there is a way to solve it.")),
}
GENERIC = (N_("Your answers show a clear strength in this area."),
           N_("This is an area where practice will help you most."))


@dataclass(frozen=True)
class Point:
    """One thing the report says about one part of the assessment."""

    key: str
    name: str
    text: str


@dataclass(frozen=True)
class Feedback:
    """Everything the candidate's report says, in the candidate's language."""

    candidate_name: str
    assessment_name: str
    language: str
    submitted_at: datetime | None
    strengths: list[Point] = field(default_factory=list)
    tips: list[Point] = field(default_factory=list)  # for the development areas
    unclear: list[Point] = field(default_factory=list)  # measured, but no claim either way
    not_measured: list[Point] = field(default_factory=list)
    n_items: int = 0
    n_answered: int = 0
    incomplete: bool = False  # too few answers for any claim
    no_answers: bool = False


def _texts(key: str) -> tuple[str, str]:
    return TEXTS.get(key, GENERIC)


def _not_measured(result: ScoreResult, gettext) -> Point | None:
    """Say why a part of the assessment gave no score, or None when it gave one."""
    if result.score is not None:
        return None
    if result.n_pending:
        text = gettext("Not included: your answer had not been reviewed yet when this "
                       "report was made.")
    else:
        text = gettext("Could not be measured: these questions were not answered. This is "
                       "not counted against you.")
    return Point(result.key, result.name, text)


def from_profile(profile: Profile, rules: Rules) -> Feedback:
    """Word the profile's findings for the candidate.

    Strengths and development areas are those the profile flags (the same rules, the same
    scores); scales and reportable subscores only, as in the profile. An incomplete attempt
    claims nothing and says which parts could not be measured."""
    gettext = translations(profile.language).gettext
    scored = [*profile.scales_in_order, *(s for s in profile.subscores if s.reportable)]
    claims = not (profile.incomplete or profile.no_answers)
    strong, weak = findings.flags(scored, rules) if claims else ([], [])
    flagged = {(r.kind, r.key) for r in (*strong, *weak)}
    not_measured = [p for p in (_not_measured(r, gettext) for r in profile.scales_in_order)
                    if p is not None]
    unclear = []
    if claims:
        neutral = gettext("Your answers here did not show a clear strength or a clear area to "
                          "develop: the assessment cannot tell that precisely.")
        unclear = [Point(r.key, r.name, neutral) for r in profile.scales_in_order
                   if r.score is not None and (r.kind, r.key) not in flagged
                   and r.decision in ("band", "insufficient", "indication")]
    return Feedback(
        candidate_name=profile.candidate_name, assessment_name=profile.assessment_name,
        language=profile.language, submitted_at=profile.submitted_at,
        strengths=[Point(r.key, r.name, gettext(_texts(r.key)[0])) for r in strong],
        tips=[Point(r.key, r.name, gettext(_texts(r.key)[1])) for r in weak],
        unclear=unclear, not_measured=not_measured, n_items=profile.n_items,
        n_answered=profile.n_items - profile.n_unanswered,
        incomplete=profile.incomplete, no_answers=profile.no_answers)
