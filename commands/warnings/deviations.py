"""Deviation warnings (异常预警): detect drift from plan, name who and why, suggest the fix."""

# Pure functions, like the plan engine (commands.plan): no database, no clock, no Slack.
# Callers pass `today`, a RuleConfig and what storage counted (dataclasses for per-person
# numbers, DataFrames for deals, customers and funnel stages) and get Deviation values back;
# a job decides with should_post() whether to post one again. One module per rule family
# (pace_rules, deal_rules, customer_rules, funnel_rules); rules.evaluate_all runs them all.
# Money is Decimal and is shown with two decimals.
#
# Severity is a coarse level (1 warning, 2 serious, 3 critical), not a raw number: a stale
# deal one day staler is not "worse", but one twice past its limit is. Levels compare only
# within one rule and subject (Deviation.key), which is all should_post needs.

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, get_args

import pandas as pd

from commands.plan.activity import (
    ActivityPlan,
    ActivityRates,
    WinRate,
)

Rule = Literal[
    "behind_pace",
    "activity_shortfall",
    "stale_deal",
    "close_date_passed",
    "close_date_pushed",
    "tier_cadence",
    "coverage_gap",
    "funnel_bottleneck",
    "forecast_short",  # commands.forecast.deviations
    "forecast_drop",
    "forecast_miss",
]
RULES: tuple[Rule, ...] = get_args(Rule)
Diagnosis = Literal["plan", "execution", "unknown"]
Figure = Decimal | int | str | date | None

WARNING, SERIOUS, CRITICAL = 1, 2, 3
ONE = Decimal(1)
HUNDRED = Decimal(100)
DEAL_COLUMNS = (
    "ref", "name", "owner_id", "owner", "stage", "amount", "currency",
    "expected_close", "last_activity_on", "created_on", "close_pushes",
)
# Optional in a deals frame: the day of the deal's earliest open follow-up (its next step).
NEXT_STEP_COLUMN = "next_step_on"
CUSTOMER_COLUMNS = ("customer_id", "name", "tier", "owner_id", "owner", "last_visit_on",
                    "created_on")
FUNNEL_COLUMNS = ("stage", "reached", "advanced", "trailing_reached", "trailing_advanced")


# --- what a rule reports ----------------------------------------------------------------------


@dataclass(frozen=True)
class Deviation:
    """One warning: which rule fired, about what and whom, how badly, and what to do."""

    rule: Rule
    subject: str  # "member:12", "team:3", "deal:D-7", "customer:33", "team:3/stage:proposal"
    who: str  # the display name the message starts with
    severity: int  # WARNING, SERIOUS or CRITICAL; compare only within one key
    message: str
    fix: str
    numbers: tuple[tuple[str, Figure], ...] = ()
    owner: str | None = None  # "member:12" to mention, when the subject is not that person

    @property
    def key(self) -> str:
        """Identify the warning across checks: the same key is the same warning."""
        return f"{self.rule}:{self.subject}"

    def figure(self, name: str) -> Figure:
        """Return one of the key numbers by name."""
        return dict(self.numbers)[name]


# --- when to post -----------------------------------------------------------------------------


def should_post(
    previous_severity: int | None,
    new_severity: int,
    last_posted_at: datetime | None,
    cooldown: timedelta,
    snoozed_until: datetime | None,
    now: datetime,
) -> bool:
    """Tell whether to post a warning: never while snoozed, again after its cooldown or if worse.

    Args:
        previous_severity: the severity last posted for the same Deviation.key, None if never.
        last_posted_at: when it was last posted, None if never.
    """
    for moment in (now, last_posted_at, snoozed_until):
        if moment is not None and moment.utcoffset() is None:
            raise ValueError("should_post needs aware datetimes")
    if snoozed_until is not None and now < snoozed_until:
        return False
    if previous_severity is None or last_posted_at is None:
        return True
    if new_severity > previous_severity:
        return True
    return now - last_posted_at >= cooldown


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """One rep's or team's numbers for the current period, as storage counted them.

    behind_pace needs target, actual and the working days; activity_shortfall also
    visits_logged and either rates or visits_expected; coverage_gap also
    open_pipeline_in_period (and win_rate, else the configured default).
    """

    subject: str  # "member:12" or "team:3"
    who: str
    period_name: str  # as the message says it: "December", "Q4"
    target: Decimal
    actual: Decimal
    elapsed_working_days: int  # before today, from working_day_progress
    remaining_working_days: int  # today included
    metric: str = "revenue"
    currency: str = ""  # appended to amounts when given
    reps: int = 1  # a team's head count, to derive its activity plan
    cumulative_share: Decimal | None = None  # last year's share by now: seasonal expectation
    rates: ActivityRates | None = None  # from plan.choose_rates
    visits_logged: int | None = None  # visits this period so far
    visits_expected: Decimal | None = None  # planned visits to date, instead of deriving them
    open_pipeline_in_period: Decimal | None = None  # open deals expected to close this period
    win_rate: Decimal | None = None  # trailing, by count; None when nothing closed
    tracked_since: date | None = None  # the target was set after the period began: judged
    # from this day, and the working days above count from it
    # the rate coverage is judged by (from plan.pick_win_rate, with its reason); wins over
    # win_rate and the configured default when given
    win: WinRate | None = None
    plan: ActivityPlan | None = None  # the plan for what is left, as /plan derives it

    def __post_init__(self) -> None:
        if self.elapsed_working_days < 0 or self.remaining_working_days < 0:
            raise ValueError("working day counts cannot be negative")
        if self.reps < 1:
            raise ValueError("a plan needs at least one rep")

    @property
    def total_working_days(self) -> int:
        return self.elapsed_working_days + self.remaining_working_days


@dataclass(frozen=True, eq=False)
class FunnelInput:
    """A team's or rep's stage conversions this period and over the trailing window.

    `stages` has FUNNEL_COLUMNS, one row per stage in funnel order (won and lost excluded):
    reached counts deals whose move on from the stage is decided (moved to the next stage,
    lost or stale), advanced those that moved to the next stage. The top-of-funnel counts
    and their planned-to-date values tell a plan problem from an execution problem.
    """

    subject: str
    who: str
    stages: pd.DataFrame
    visits: int | None = None
    visits_planned: Decimal | None = None
    opportunities: int | None = None
    opportunities_planned: Decimal | None = None


# --- how the rules word their figures --------------------------------------------------------


def shortfall_severity(ratio: Decimal, threshold: Decimal) -> int:
    """Grade a ratio already below its threshold: under 80% of it serious, half critical."""
    if ratio < threshold / 2:
        return CRITICAL
    if ratio < threshold * Decimal("0.8"):
        return SERIOUS
    return WARNING


def percent(value: Decimal) -> str:
    return f"{(value * HUNDRED).quantize(ONE, ROUND_HALF_UP)}%"


def whole_number(value: Decimal) -> str:
    return str(value.quantize(ONE, ROUND_HALF_UP))
