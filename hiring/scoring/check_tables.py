"""The scoring check as text: a table per run for the terminal, or Markdown for the README.

Both come from the same rows, so the README's tables can be regenerated with
`hiring scoring-check --markdown` and compared with the terminal's."""

from __future__ import annotations

from collections.abc import Callable

from hiring.scoring.check import DETECTED_BELOW, QUARTER, CheckReport, CheckRun, Flags, ScaleCheck
from hiring.scoring.precision import MIN_ATTEMPTS, MIN_SUBSCORE_RELIABILITY
from hiring.scoring.rules import Rules
from hiring.scoring.simulation import SKILL_CORRELATION

FULL = ("scale / subscore", "items", "r", "rel", "95% interval", "item-rest", "band",
        "cover", "strength p / r", "development p / r", "Haberman")
PAIRED = ("scale / subscore", "r", "rel", "item-rest", "cover", "strength p",
          "development p")
PAIRED_FIGURES: tuple[Callable[[ScaleCheck], float | None], ...] = (
    lambda c: c.correlation, lambda c: c.model.reliability(), lambda c: c.item_rest,
    lambda c: c.coverage, lambda c: c.strength.precision, lambda c: c.development.precision)


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    text = f"{value:.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text  # no "-0.00"


def _flags(flags: Flags) -> str:
    return f"{_number(flags.precision)} / {_number(flags.recall)}"


def _reliability(check: ScaleCheck) -> str:
    return _number(check.model.reliability()) + ("" if check.model.source == "data" else "*")


def _haberman(check: ScaleCheck) -> str:
    if not check.subscore:
        return ""
    if check.value is None:
        return "indication (prior)"
    verdict = "score" if check.value.adds_value else "indication"
    return (f"{verdict} ({check.value.prmse_subscore:.2f} vs "
            f"{check.value.prmse_composite:.2f})")


def _ordered(run: CheckRun) -> list[ScaleCheck]:
    """The scales, each behavioural subscore right after the composite it belongs to."""
    out = []
    for check in run.scales:
        out.append(check)
        if check.name == "judgement":
            out += run.subscores
    return out


def _name(check: ScaleCheck) -> str:
    return ("  " if check.subscore else "") + check.name


def full_rows(run: CheckRun) -> list[tuple[str, ...]]:
    return [(_name(c), f"{c.items:.1f}", _number(c.correlation), _reliability(c),
             "-" if c.model.interval is None else "{:.2f}-{:.2f}".format(*c.model.interval),
             _number(c.item_rest), f"{c.band_width:.1f}", _number(c.coverage),
             _flags(c.strength), _flags(c.development), _haberman(c)) for c in _ordered(run)]


def paired_rows(report: CheckReport) -> list[tuple[str, ...]]:
    """Judgement and its subscores, real keys -> permuted keys (the other scales have no
    situational keys and do not change)."""
    rows = []
    for real in _ordered(report.real):
        other = report.permuted.row(real) if report.permuted else None
        if other is None or not (real.subscore or real.name == "judgement"):
            continue
        rows.append((_name(real), *(f"{_number(get(real))} -> {_number(get(other))}"
                                    for get in PAIRED_FIGURES)))
    return rows


def verdict(report: CheckReport) -> str | None:
    """The line that says whether the permuted keys were told apart."""
    figures = report.perturbation()
    if figures is None:
        return None
    rest_real, rest_permuted, reliability_real, reliability_permuted = figures
    said = "detected" if report.detected else "NOT detected"
    return (f"key perturbation {said}: item-rest r {_number(rest_real)} -> "
            f"{_number(rest_permuted)}, reliability {_number(reliability_real)} -> "
            f"{_number(reliability_permuted)}"
            + ("" if report.detected else
               f" (both must fall to {DETECTED_BELOW:g} of the real keys' or less)"))


def header(report: CheckReport) -> list[str]:
    k = (f", {report.items_per_dimension} situations per behavioural dimension"
         if report.items_per_dimension else "")
    return [f"Scoring check: assessment {report.recipe_id!r} of {report.bank}{k}; "
            f"{report.candidates} simulated candidates, seed {report.seed}.",
            f"True levels: behavioural dimensions correlate {report.correlation:.2f}; the "
            f"skills share a general factor ({SKILL_CORRELATION:.2f}) with them.",
            "Bands and reliability come from the precision estimated on the simulated "
            "attempts themselves, as the product estimates it once an assessment has "
            f"{MIN_ATTEMPTS} completed attempts."]


def legend(rules: Rules) -> list[str]:
    return [
        "r: correlation of the true level with the reported score (judgement: the mean of "
        "the behavioural levels).",
        "rel: reliability at the usual number of items (Spearman-Brown from ICC(1) of item "
        "scores within candidates), with its 95% bootstrap interval; * a stated prior "
        "(one item per attempt: no pairs to estimate ICC(1) from).",
        "item-rest: mean corrected item-rest correlation of the items (each item against "
        "the rest of its scale or subscore).",
        "band: mean width of the 95% band; cover: share of candidates whose true score (the "
        "expected score at the true level over the items the assessment draws) is in it.",
        f"strength / development p / r: precision / recall of the flags (band's low end "
        f">= {rules.strength_score:g}, high end < {rules.development_score:g}) against the "
        f"true top / bottom {QUARTER:.0%} on that scale; random flags are right "
        f"{QUARTER:.2f} of the time. Subscores are flagged as if reported; '-': nothing "
        f"flagged (a score of fewer than {rules.min_items} items never is).",
        "Haberman: PRMSE of the subscore vs the composite's for the subscore's true score; "
        f"a score when the subscore's is higher and at least {MIN_SUBSCORE_RELIABILITY:.2f}, "
        "else an indication.",
    ]


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                         for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
    return [line(head), *map(line, rows)]


def lines(report: CheckReport) -> list[str]:
    """Return the report for the terminal."""
    out = [*header(report), "", "Real keys", *_table(FULL, full_rows(report.real))]
    if report.permuted is not None:
        out += ["", "Real keys -> situational keys permuted within each item (the same "
                "answers; the other scales do not change)",
                *_table(PAIRED, paired_rows(report)), "", verdict(report)]
    return [*out, "", *legend(report.rules)]


def _markdown_table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(cell.strip().replace("|", "\\|") or " " for cell in row) + " |"
    align = "|---|" + "---:|" * (len(head) - 1)
    return [line(head), align,
            *(line((f"↳ {row[0].strip()}" if row[0].startswith("  ") else row[0], *row[1:]))
              for row in rows)]


def markdown(report: CheckReport) -> list[str]:
    """Return the report as Markdown, as the README shows it."""
    out = [" ".join(header(report)), "", *_markdown_table(FULL, full_rows(report.real))]
    if report.permuted is not None:
        out += ["", "Real keys -> situational keys permuted within each item:", "",
                *_markdown_table(PAIRED, paired_rows(report)), "", f"`{verdict(report)}`"]
    return out
