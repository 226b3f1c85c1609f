"""The review loop (PDCA): an action item linked to a warning, and the metric that shows
whether it worked.

A link is (rule, subject, metric, value at creation). The metric is a key this module can
measure again at any later moment from the same inputs the warnings read:
- `attainment:<subject>`  behind_pace: actual / target of the rep or team, in percent
- `visits:<subject>`      activity_shortfall: visits logged this period
- `coverage:<subject>`    coverage_gap: pipeline coverage of the remaining target
- `count:<rule>:<group>`  the other rules: how many of its warnings fire in the group (a
  rep's stale deals, B-tier customers out of cadence, the team's funnel bottlenecks)
Pure functions: callers pass the inputs and the warnings firing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from commands.core.i18n import N_, t
from commands.warnings.deviations import Deviation, Progress
from commands.warnings.rules import DeviationInputs

HUNDRED = Decimal(100)
# Metrics where more is better; for the counts of warnings fewer is better.
HIGHER_IS_BETTER = ("attainment", "visits", "coverage")
_PROGRESS_METRIC = {"behind_pace": "attainment", "activity_shortfall": "visits",
                    "coverage_gap": "coverage"}


@dataclass(frozen=True)
class LinkedMetric:
    rule: str
    subject: str
    metric: str  # the key measure() reads again
    label: str  # what it is, for people: "B-tier customers out of cadence"
    value: Decimal


@dataclass(frozen=True)
class Movement:
    """A linked action's metric then and now."""

    label: str
    then: Decimal
    now: Decimal | None  # None: it cannot be measured any more (the rep left the team)
    higher_is_better: bool

    @property
    def worse(self) -> bool:
        if self.now is None:
            return False
        return self.now < self.then if self.higher_is_better else self.now > self.then


def _group(d: Deviation) -> str:
    """Which warnings of the rule are counted together with `d`."""
    if d.rule == "tier_cadence":
        return f"tier:{d.figure('tier')}"
    if d.rule == "funnel_bottleneck":
        return "team"
    return d.owner or d.subject


# the count metrics' labels by rule (stored with the action item, in its author's language)
_COUNT_LABELS = {
    "stale_deal": N_("{who}'s stale deals"),
    "close_date_passed": N_("{who}'s close date passed warnings"),
    "close_date_pushed": N_("{who}'s close date pushed warnings"),
    "forecast_short": N_("{who}'s forecast short warnings"),
    "forecast_drop": N_("{who}'s forecast drop warnings"),
    "forecast_miss": N_("{who}'s forecast miss warnings"),
}
_PROGRESS_LABELS = {
    "attainment": N_("{who}'s attainment (%)"),
    "visits": N_("{who}'s visits this period"),
    "coverage": N_("{who}'s pipeline coverage"),
}


def _count_label(rule: str, group: str, who: str) -> str:
    if rule == "tier_cadence":
        return t("{tier}-tier customers out of cadence", tier=group.partition(':')[2])
    if rule == "funnel_bottleneck":
        return t("funnel bottlenecks")
    if rule in _COUNT_LABELS:
        return t(_COUNT_LABELS[rule], who=who)
    return t("{who}'s {rule} warnings", who=who, rule=rule.replace("_", " "))


def link_for(d: Deviation, inputs: DeviationInputs,
             firing: Sequence[Deviation]) -> LinkedMetric:
    """The metric an action on warning `d` is judged by, and its value now."""
    kind = _PROGRESS_METRIC.get(d.rule)
    if kind is not None:
        metric = f"{kind}:{d.subject}"
        label = t(_PROGRESS_LABELS[kind], who=d.who)
    else:
        group = _group(d)
        metric = f"count:{d.rule}:{group}"
        label = _count_label(d.rule, group, d.who)
    value = measure(metric, inputs, firing)
    return LinkedMetric(d.rule, d.subject, metric, label, value if value is not None
                        else Decimal(0))


def measure(metric: str, inputs: DeviationInputs,
            firing: Sequence[Deviation]) -> Decimal | None:
    """The metric's value from these inputs; None when its subject is not in them."""
    kind, _, rest = metric.partition(":")
    if kind == "count":
        rule, _, group = rest.partition(":")
        return Decimal(sum(1 for d in firing if d.rule == rule and _group(d) == group))
    progress = next((p for p in inputs.progress if p.subject == rest), None)
    return None if progress is None else _progress_value(kind, progress)


def _progress_value(kind: str, p: Progress) -> Decimal | None:
    if kind == "attainment":
        return (p.actual / p.target * HUNDRED).quantize(Decimal(1)) if p.target else None
    if kind == "visits":
        return Decimal(p.visits_logged) if p.visits_logged is not None else None
    remaining = p.target - p.actual
    if p.open_pipeline_in_period is None or remaining <= 0:
        return None
    return (p.open_pipeline_in_period / remaining).quantize(Decimal("0.01"))


def movement(label: str, metric: str, then: str, now: Decimal | None) -> Movement:
    return Movement(label, Decimal(then), now, metric.partition(":")[0] in HIGHER_IS_BETTER)
