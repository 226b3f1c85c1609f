"""The funnel rule: the stage where deals stop moving, and whether the plan or its execution
is to blame."""

# Pure functions, like every rule: see commands.warnings.deviations.

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from commands.core.i18n import t
from commands.deals.labels import stage_label
from commands.warnings.deviations import (
    FUNNEL_COLUMNS,
    Deviation,
    Diagnosis,
    FunnelInput,
    percent,
    shortfall_severity,
    whole_number,
)
from commands.warnings.frames import as_int, frame_rows
from commands.warnings.rule_config import DEFAULT_CONFIG, RuleConfig


def diagnose(funnel: FunnelInput, config: RuleConfig = DEFAULT_CONFIG) -> Diagnosis:
    """Tell a plan problem (top of funnel below plan) from an execution one (leads on plan)."""
    # "Below plan" uses the activity threshold, so 95% of planned visits is on plan.
    known = [
        (Decimal(actual), planned)
        for actual, planned in ((funnel.visits, funnel.visits_planned),
                                (funnel.opportunities, funnel.opportunities_planned))
        if actual is not None and planned is not None and planned > 0
    ]
    if any(actual < planned * config.activity_threshold for actual, planned in known):
        return "plan"
    return "execution" if known else "unknown"


def funnel_bottleneck(
    funnels: Iterable[FunnelInput], config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each stage converting well below its trailing rate, diagnosing plan or execution."""
    out: list[Deviation] = []
    for f in funnels:
        rows = frame_rows(f.stages, FUNNEL_COLUMNS)
        diagnosis = diagnose(f, config)
        for index, row in enumerate(rows):
            reached, advanced = as_int(row["reached"]), as_int(row["advanced"])
            t_reached = as_int(row["trailing_reached"])
            t_advanced = as_int(row["trailing_advanced"])
            if reached < config.funnel_min_sample or t_reached < config.funnel_min_sample:
                continue
            trailing = Decimal(t_advanced) / t_reached
            if trailing <= 0:
                continue
            conversion = Decimal(advanced) / reached
            ratio = conversion / trailing
            if ratio >= config.funnel_ratio:
                continue
            stage = str(row["stage"])
            following = (stage_label(str(rows[index + 1]["stage"])) if index + 1 < len(rows)
                         else t("the next stage"))
            out.append(Deviation(
                rule="funnel_bottleneck",
                subject=f"{f.subject}/stage:{stage}",
                who=f.who,
                severity=shortfall_severity(ratio, config.funnel_ratio),
                message=t("{who}: {stage} → {following} converted {advanced} of {reached} "
                          "({conversion}) this period against {trailing} trailing; {diagnosis}",
                          who=f.who, stage=stage_label(stage), following=following,
                          advanced=advanced, reached=reached, conversion=percent(conversion),
                          trailing=percent(trailing),
                          diagnosis=_diagnosis_text(f, diagnosis)),
                fix=_funnel_fix(diagnosis, stage),
                numbers=(
                    ("stage", stage),
                    ("reached", reached),
                    ("advanced", advanced),
                    ("conversion", conversion),
                    ("trailing_conversion", trailing),
                    ("ratio", ratio),
                    ("diagnosis", diagnosis),
                    ("visits", f.visits),
                    ("visits_planned", f.visits_planned),
                    ("opportunities", f.opportunities),
                    ("opportunities_planned", f.opportunities_planned),
                ),
            ))
    return out


def _diagnosis_text(f: FunnelInput, diagnosis: Diagnosis) -> str:
    parts = []
    if f.visits is not None and f.visits_planned is not None and f.visits_planned > 0:
        parts.append(t("visits {actual} of {planned} planned", actual=f.visits,
                       planned=whole_number(f.visits_planned)))
    if (f.opportunities is not None and f.opportunities_planned is not None
            and f.opportunities_planned > 0):
        parts.append(t("new opportunities {actual} of {planned} planned",
                       actual=f.opportunities, planned=whole_number(f.opportunities_planned)))
    counts = t("{visits}, {opportunities}", visits=parts[0], opportunities=parts[1]) \
        if len(parts) == 2 else "".join(parts)
    if diagnosis == "plan":
        return t("looks like a PLAN problem, not enough top of funnel ({counts})", counts=counts)
    if diagnosis == "execution":
        return t("looks like an EXECUTION problem, enough leads but low conversion ({counts})",
                 counts=counts)
    return t("no activity plan to compare with, so plan or execution cannot be told apart")


def _funnel_fix(diagnosis: Diagnosis, stage: str) -> str:
    if diagnosis == "plan":
        return t("Fill the top of the funnel first: book the planned visits and open "
                 "opportunities, then look at conversion again.")
    if diagnosis == "execution":
        return t("Review the {stage} deals together in the weekly review: decision maker, "
                 "budget, next step with a date; pair reps with whoever converts best.",
                 stage=stage_label(stage))
    return t("Review the {stage} deals together, and set a visits target so the next warning "
             "can tell plan from execution.", stage=stage_label(stage))
