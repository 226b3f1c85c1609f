"""Deviation warnings (异常预警): detect drift from plan, name who and why, suggest the fix."""

# Pure functions, like commands.plan.plan: no database, no clock, no Slack. Callers pass `today`,
# a RuleConfig and what storage counted (dataclasses for per-person numbers, DataFrames for
# deals, customers and funnel stages) and get Deviation values back; a job decides with
# should_post() whether to post one again. Money is Decimal and is shown with two decimals.
#
# Severity is a coarse level (1 warning, 2 serious, 3 critical), not a raw number: a stale
# deal one day staler is not "worse", but one twice past its limit is. Levels compare only
# within one rule and subject (Deviation.key), which is all should_post needs.

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal, get_args

import pandas as pd

from commands.core.errors import UsageError
from commands.core.fx import LeftOut
from commands.core.money import format_amount, format_money
from commands.core.text import closest, plural
from commands.plan.plan import (
    BEHIND_THRESHOLD,
    ActivityPlan,
    ActivityRates,
    WinRate,
    coverage_healthy,
    derive_activity_plan,
    pipeline_coverage,
    scorecard,
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
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

DEAL_COLUMNS = (
    "ref", "name", "owner_id", "owner", "stage", "amount", "currency",
    "expected_close", "last_activity_on", "created_on", "close_pushes",
)
CUSTOMER_COLUMNS = ("customer_id", "name", "tier", "owner_id", "owner", "last_visit_on",
                    "created_on")
FUNNEL_COLUMNS = ("stage", "reached", "advanced", "trailing_reached", "trailing_advanced")
METRIC_UNITS = {"wins": "wins", "visits": "visits", "new_customers": "new customers",
                "opportunities": "opportunities"}


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


# --- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleConfig:
    """The thresholds every rule checks against; `/sales config warnings` changes them."""

    pace_threshold: Decimal = BEHIND_THRESHOLD  # behind when pace is below this
    pace_after_days: int = 3  # pace and activity are judged from this many working days on
    activity_threshold: Decimal = Decimal("0.8")  # short when visits < this × planned
    stale_days: int = 14  # no activity for this many days makes a deal stale
    stale_by_stage: tuple[tuple[str, int], ...] = ()  # per-stage limits, overriding stale_days
    push_limit: int = 2  # close date pushed this many times or more
    cadence_a: int = 30  # days between visits, per customer tier
    cadence_b: int = 60
    cadence_c: int = 90
    default_win_rate: Decimal = Decimal("0.2")  # for coverage when there is no history
    funnel_ratio: Decimal = Decimal("0.7")  # bottleneck below this × the trailing conversion
    funnel_min_sample: int = 5  # deals reaching the stage, this period and trailing
    cooldown_days: int = 7  # the same warning, no worse, waits this long
    off: frozenset[str] = frozenset()  # rules not checked
    forecast_short_share: Decimal = Decimal("0.2")  # commit this far below target, half gone
    forecast_drop_share: Decimal = Decimal("0.2")  # a call down this much week over week
    forecast_miss_share: Decimal = Decimal("0.2")  # calls off by this much, three running

    @property
    def cooldown(self) -> timedelta:
        return timedelta(days=self.cooldown_days)

    def stale_limit(self, stage: str) -> int:
        """Return the days without activity after which a deal in this stage is stale."""
        return dict(self.stale_by_stage).get(stage.lower(), self.stale_days)

    def cadence_days(self, tier: str) -> int | None:
        """Return the visit cadence of tier A, B or C; None for anything else."""
        return {"A": self.cadence_a, "B": self.cadence_b, "C": self.cadence_c}.get(tier.upper())

    def is_on(self, rule: Rule) -> bool:
        return rule not in self.off


DEFAULT_CONFIG = RuleConfig()

_RATIO_KEYS = ("pace_threshold", "activity_threshold", "default_win_rate", "funnel_ratio",
               "forecast_short_share", "forecast_drop_share", "forecast_miss_share")
_DAY_KEYS = ("stale_days", "cadence_a", "cadence_b", "cadence_c")
_COUNT_KEYS = ("push_limit", "funnel_min_sample", "pace_after_days")
CONFIG_KEYS = (*_RATIO_KEYS, *_DAY_KEYS, "stale_by_stage", *_COUNT_KEYS, "cooldown_days", "off")
_EXAMPLES = {
    "pace_threshold": "pace_threshold:0.85",
    "activity_threshold": "activity_threshold:0.8",
    "default_win_rate": "default_win_rate:20%",
    "funnel_ratio": "funnel_ratio:0.7",
    "stale_days": "stale_days:14",
    "cadence_a": "cadence_a:30",
    "cadence_b": "cadence_b:60",
    "cadence_c": "cadence_c:90",
    "stale_by_stage": "stale_by_stage:proposal=7,negotiation=5",
    "push_limit": "push_limit:2",
    "pace_after_days": "pace_after_days:3",
    "funnel_min_sample": "funnel_min_sample:5",
    "cooldown_days": "cooldown_days:7",
    "off": "off:tier_cadence,stale_deal",
    "forecast_short_share": "forecast_short_share:20%",
    "forecast_drop_share": "forecast_drop_share:20%",
    "forecast_miss_share": "forecast_miss_share:20%",
}
_DIGITS = re.compile(r"^\d+$")
_STAGE = re.compile(r"^[a-z][a-z0-9_-]*$")
MAX_DAYS = 3650


def parse_rule_config(options: dict[str, str], base: RuleConfig | None = None) -> RuleConfig:
    """Apply `key:value` settings (as parse_words returns them) to `base` or the defaults."""
    # Ratios take 0.85 or 85%; day counts whole days; `off:none` turns every rule back on.
    config = base or DEFAULT_CONFIG
    changes: dict[str, Any] = {}
    for raw_key, raw_value in options.items():
        key = raw_key.strip().lower()
        value = raw_value.strip()
        if key not in CONFIG_KEYS:
            guess = closest(key, CONFIG_KEYS)
            hint = f" Did you mean `{guess}:`?" if guess else ""
            raise UsageError(
                f"`{raw_key}:` is not a warning setting.{hint} "
                f"Settings: {', '.join(CONFIG_KEYS)}."
            )
        if key in _RATIO_KEYS:
            changes[key] = _parse_ratio(key, value)
        elif key in _DAY_KEYS:
            changes[key] = _parse_count(key, value, low=1, high=MAX_DAYS, unit="days")
        elif key in _COUNT_KEYS:
            changes[key] = _parse_count(key, value, low=1, high=1000, unit="count")
        elif key == "cooldown_days":
            changes[key] = _parse_count(key, value, low=0, high=365, unit="days")
        elif key == "stale_by_stage":
            changes[key] = _parse_stage_limits(value)
        else:
            changes[key] = _parse_rules(value)
    return replace(config, **changes)


def format_rule_config(config: RuleConfig) -> dict[str, str]:
    """Write every setting as parse_rule_config reads it, to store or to show."""
    out: dict[str, str] = {}
    for key in CONFIG_KEYS:
        value = getattr(config, key)
        if key == "stale_by_stage":
            out[key] = ",".join(f"{s}={d}" for s, d in value) or "none"
        elif key == "off":
            out[key] = ",".join(r for r in RULES if r in value) or "none"
        else:
            out[key] = str(value)
    return out


def _parse_ratio(key: str, text: str) -> Decimal:
    number = text[:-1].strip() if text.endswith("%") else text
    try:
        value = Decimal(number)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise UsageError(f"`{key}:{text}` is not a number. Try {_EXAMPLES[key]}.")
    if text.endswith("%"):
        value /= HUNDRED
    if not ZERO < value <= ONE:
        raise UsageError(
            f"`{key}:{text}` must be above 0 and at most 1 (100%). Try {_EXAMPLES[key]}."
        )
    return value


def _parse_count(key: str, text: str, *, low: int, high: int, unit: str) -> int:
    what = "a whole number of days" if unit == "days" else "a whole number"
    if not _DIGITS.match(text):
        raise UsageError(f"`{key}:{text}` is not {what}. Try {_EXAMPLES[key]}.")
    value = int(text) if len(text) <= 9 else high + 1  # past any limit, however long
    if not low <= value <= high:
        raise UsageError(f"`{key}:{text}` must be from {low} to {high}. Try {_EXAMPLES[key]}.")
    return value


def _parse_stage_limits(text: str) -> tuple[tuple[str, int], ...]:
    if text.lower() in ("", "none"):
        return ()
    limits: dict[str, int] = {}
    for item in text.split(","):
        stage, sep, days = item.strip().partition("=")
        stage = stage.strip().lower()
        if not sep or not _STAGE.match(stage):
            raise UsageError(
                f"`stale_by_stage:{text}`: `{item.strip()}` is not stage=days. "
                f"Try {_EXAMPLES['stale_by_stage']}."
            )
        if stage in limits:
            raise UsageError(f"`stale_by_stage:{text}` names {stage} twice; give it once.")
        limits[stage] = _parse_count("stale_by_stage", days.strip(), low=1, high=MAX_DAYS,
                                     unit="days")
    return tuple(sorted(limits.items()))


def _parse_rules(text: str) -> frozenset[str]:
    if text.lower() in ("", "none"):
        return frozenset()
    rules: set[str] = set()
    for item in text.split(","):
        name = item.strip().lower()
        if name not in RULES:
            guess = closest(name, RULES)
            hint = f" Did you mean `{guess}`?" if guess else ""
            raise UsageError(
                f"`off:{text}`: `{item.strip()}` is not a warning rule.{hint} "
                f"Rules: {', '.join(RULES)}."
            )
        rules.add(name)
    return frozenset(rules)


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


@dataclass(frozen=True, eq=False)
class DeviationInputs:
    """Everything one check looks at; a missing input skips the rules that need it."""

    today: date
    config: RuleConfig = field(default_factory=RuleConfig)
    progress: Sequence[Progress] = ()
    open_deals: pd.DataFrame | None = None  # DEAL_COLUMNS
    customers: pd.DataFrame | None = None  # CUSTOMER_COLUMNS
    funnels: Sequence[FunnelInput] = ()
    # deals the revenue and pipeline figures above could not count (another currency, no rate)
    left_out: Sequence[LeftOut] = ()


# --- pace, activity and coverage --------------------------------------------------------------


def behind_pace(
    progress: Iterable[Progress], config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each team or rep whose pace is below the threshold, with the run rate to recover."""
    # Nothing to say without a target or before the first working day has ended.
    out: list[Deviation] = []
    for p in progress:
        if p.elapsed_working_days < config.pace_after_days:
            continue  # two days into a month, everyone is "behind": too early to say
        card = scorecard(
            p.target, p.actual,
            elapsed_working_days=p.elapsed_working_days,
            remaining_working_days=p.remaining_working_days,
            cumulative_share=p.cumulative_share,
            threshold=config.pace_threshold,
        )
        if not card.behind or card.pace is None or card.attainment is None:
            continue
        share = card.expected_share or ZERO
        gone = (f"where last year had {_pct(share)} done by now" if p.cumulative_share is not None
                else f"with {_pct(share)} of working days gone")
        if p.tracked_since is not None:
            gone += f" since the target was set on {p.tracked_since:%a %d %b}"
        message = f"{p.who}: {_pct(card.attainment)} of {p.period_name}'s target {gone}"
        plan = _remaining_activity_plan(p)
        visits = plan.visits_per_day if plan else None
        required = card.required_per_working_day
        if required is None:
            message += "; no working days left"
            fix = (f"{p.period_name} is over: carry the gap of {_amount(p, p.target - p.actual)} "
                   "into the next plan and review why in the weekly review.")
        else:
            message += f"; needs {_amount(p, required)} per working day"
            fix = (f"Close {_amount(p, required)} per working day for the "
                   f"{_days(p.remaining_working_days)} left")
            if plan is not None and visits is not None:
                per_rep = _per_rep(plan)
                message += f", {_visits(visits)} a day{per_rep}"
                fix += f": about {_visits(visits)} a day{per_rep} at {_rate_source(p)}"
            fix += "; review the deals closing this period first."
        out.append(Deviation(
            rule="behind_pace",
            subject=p.subject,
            who=p.who,
            severity=_shortfall_severity(card.pace, config.pace_threshold),
            message=message,
            fix=fix,
            numbers=(
                ("target", p.target),
                ("actual", p.actual),
                ("attainment", card.attainment),
                ("expected_share", card.expected_share),
                ("pace", card.pace),
                ("required_per_working_day", required),
                ("visits_per_day", visits),
                ("visits_per_rep_per_day", plan.visits_per_rep_per_day if plan else None),
                ("projected", card.projected),
                ("remaining_working_days", p.remaining_working_days),
            ),
        ))
    return out


def expected_visits_to_date(
    target: Decimal, reps: int, rates: ActivityRates, elapsed_working_days: int,
    total_working_days: int,
) -> Decimal | None:
    """Return the visits the period's derived activity plan expects by now, linearly."""
    # The plan is derived from the whole period's target, as it stood on day one, so catching
    # up on revenue does not lower the visits expected so far.
    if total_working_days <= 0 or target <= 0:
        return None
    plan = derive_activity_plan(target, reps, rates, total_working_days)
    return Decimal(plan.visits_needed) * elapsed_working_days / total_working_days


def activity_shortfall(
    progress: Iterable[Progress], config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each team or rep that logged fewer visits than the activity plan expects by now."""
    # The fix quotes the visits a day the remaining target needs (what /plan says) when rates
    # are known, else the linear catch-up to the period's planned visits.
    out: list[Deviation] = []
    for p in progress:
        if p.visits_logged is None or p.elapsed_working_days < max(config.pace_after_days, 1):
            continue
        if p.metric == "revenue" and p.actual >= p.target:
            continue  # the target is met: no visits are owed to it any more
        expected = p.visits_expected
        if expected is None and p.rates is not None and p.metric == "revenue":
            expected = expected_visits_to_date(p.target, p.reps, p.rates,
                                               p.elapsed_working_days, p.total_working_days)
        if expected is None or expected <= 0:
            continue
        ratio = Decimal(p.visits_logged) / expected
        if ratio >= config.activity_threshold:
            continue
        planned_total = expected * p.total_working_days / p.elapsed_working_days
        plan = _remaining_activity_plan(p)
        per_day: Decimal | None = None
        if plan is not None and plan.visits_per_day is not None:
            per_day = plan.visits_per_day
            fix = (f"Book {_visits(per_day)} a working day for the "
                   f"{_days(p.remaining_working_days)} left{_per_rep(plan)}: what the rest of "
                   f"the target needs at {_rate_source(p)}.")
        elif p.remaining_working_days > 0:
            per_day = max(planned_total - p.visits_logged, ZERO) / p.remaining_working_days
            fix = (f"Book {_visits(per_day)} a working day for the "
                   f"{_days(p.remaining_working_days)} left to get back on plan.")
        else:
            fix = (f"{p.period_name} is over: plan the missing visits into the next period "
                   "and ask what kept them off the calendar.")
        out.append(Deviation(
            rule="activity_shortfall",
            subject=p.subject,
            who=p.who,
            severity=_shortfall_severity(ratio, config.activity_threshold),
            message=(f"{p.who}: {plural(p.visits_logged, 'visit')} logged in "
                     f"{p.period_name}, the activity plan expected {_whole(expected)} by now "
                     f"({_pct(ratio)})"),
            fix=fix,
            numbers=(
                ("visits_logged", p.visits_logged),
                ("visits_expected", expected),
                ("ratio", ratio),
                ("visits_per_day_needed", per_day),
            ),
        ))
    return out


def coverage_gap(
    progress: Iterable[Progress], config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each team or rep whose pipeline closing this period is below 1 / win rate."""
    out: list[Deviation] = []
    for p in progress:
        if p.open_pipeline_in_period is None or p.remaining_working_days <= 0:
            continue
        remaining = p.target - p.actual
        coverage = pipeline_coverage(p.open_pipeline_in_period, remaining)
        if p.win is not None:
            rate, which = p.win.rate, p.win.describe()
        elif p.win_rate is None or p.win_rate <= 0:
            rate = config.default_win_rate
            which = f"the configured default win rate {_pct(rate)} (no closed deals)"
        else:
            rate, which = p.win_rate, f"a {_pct(p.win_rate)} win rate"
        if p.target <= 0 or coverage is None or coverage_healthy(coverage, rate):
            continue
        # estimates from a rate: whole units, so a rounded target share shows no stray cent
        needed = (remaining / rate).quantize(ONE, ROUND_HALF_UP)
        gap = needed - p.open_pipeline_in_period
        out.append(Deviation(
            rule="coverage_gap",
            subject=p.subject,
            who=p.who,
            severity=_shortfall_severity(coverage * rate, ONE),
            # the coverage as /pipeline and the digest show it (two decimals), so "covers
            # 2.75×" never reads "covers 2.8×" next to a need of 2.8×
            message=(f"{p.who}: pipeline closing in {p.period_name} covers "
                     f"{coverage:.2f}× the {_amount(p, remaining)} still to win; it needs "
                     f"{_times(ONE / rate)} at {which}"),
            fix=(f"Add {_amount(p, gap)} of pipeline expected to close in {p.period_name}, "
                 "or pull later deals forward."),
            numbers=(
                ("open_pipeline_in_period", p.open_pipeline_in_period),
                ("remaining_target", remaining),
                ("coverage", coverage),
                ("win_rate", rate),
                ("coverage_needed", ONE / rate),
                ("pipeline_needed", needed.quantize(CENT, ROUND_HALF_UP)),
                ("pipeline_gap", gap.quantize(CENT, ROUND_HALF_UP)),
            ),
        ))
    return out


def _remaining_activity_plan(p: Progress) -> ActivityPlan | None:
    if p.metric != "revenue" or p.remaining_working_days <= 0:
        return None
    if p.plan is not None:
        return p.plan
    if p.rates is None:
        return None
    return derive_activity_plan(p.target - p.actual, p.reps, p.rates, p.remaining_working_days)


# --- deals ------------------------------------------------------------------------------------


def stale_deal(
    open_deals: pd.DataFrame, today: date, config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each open deal with no activity for its stage's limit of days or more."""
    # A deal never worked on counts from the day it was created.
    out: list[Deviation] = []
    for deal in _records(open_deals, DEAL_COLUMNS):
        last = _day(deal["last_activity_on"]) or _day(deal["created_on"])
        if last is None:
            continue
        idle = (today - last).days
        limit = config.stale_limit(str(deal["stage"]))
        if idle < limit:
            continue
        owner = _text(deal["owner"])
        out.append(_deal_deviation(
            "stale_deal", deal, min(CRITICAL, idle // limit),
            message=(f"{_deal_label(deal)}, {owner}: no activity for {plural(idle, 'day')} "
                     f"(limit {limit} in {deal['stage']})"),
            fix=(f"{owner}: log the next step with the customer (`/visit`), or close "
                 f"{deal['ref']} as lost if it is dead."),
            numbers=(("days_idle", idle), ("limit", limit), ("last_activity_on", last)),
        ))
    return out


def close_date_passed(open_deals: pd.DataFrame, today: date) -> list[Deviation]:
    """Warn for each open deal whose expected close date is before today."""
    out: list[Deviation] = []
    for deal in _records(open_deals, DEAL_COLUMNS):
        close = _day(deal["expected_close"])
        if close is None or close >= today:
            continue
        late = (today - close).days
        severity = WARNING if late < 14 else SERIOUS if late < 30 else CRITICAL
        out.append(_deal_deviation(
            "close_date_passed", deal, severity,
            message=(f"{_deal_label(deal)}, {_text(deal['owner'])}: expected to close "
                     f"{close.isoformat()}, {_days(late, 'day')} ago, still in {deal['stage']}"),
            fix=(f"Set a date you believe (`/deal {deal['ref']} close:YYYY-MM-DD`), or close it "
                 f"with `/deal {deal['ref']} won` or `lost`."),
            numbers=(("expected_close", close), ("days_late", late)),
        ))
    return out


def close_date_pushed(
    open_deals: pd.DataFrame, config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each open deal whose close date was postponed push_limit times or more."""
    # Each push past the limit is worse, so it is posted again.
    out: list[Deviation] = []
    for deal in _records(open_deals, DEAL_COLUMNS):
        pushes = _int(deal["close_pushes"])
        if pushes < config.push_limit:
            continue
        close = _day(deal["expected_close"])
        now_on = f", now {close.isoformat()}" if close else ""
        out.append(_deal_deviation(
            "close_date_pushed", deal, min(CRITICAL, pushes - config.push_limit + 1),
            message=(f"{_deal_label(deal)}, {_text(deal['owner'])}: close date pushed "
                     f"{plural(pushes, 'time')}{now_on}"),
            fix=("Ask what the customer is really waiting for and agree the next step "
                 "with a date; if nobody can say, qualify the deal out."),
            numbers=(("pushes", pushes), ("expected_close", close)),
        ))
    return out


def _deal_deviation(
    rule: Rule, deal: dict[str, Any], severity: int, *, message: str, fix: str,
    numbers: tuple[tuple[str, Figure], ...],
) -> Deviation:
    owner_id = _opt(deal["owner_id"])
    return Deviation(
        rule=rule,
        subject=f"deal:{deal['ref']}",
        who=_text(deal["owner"]),
        severity=severity,
        message=message,
        fix=fix,
        numbers=(("amount", _money(deal["amount"])), ("stage", str(deal["stage"])), *numbers),
        owner=None if owner_id is None else f"member:{int(owner_id)}",
    )


def _deal_label(deal: dict[str, Any]) -> str:
    currency = _opt(deal["currency"])
    amount = format_money(_money(deal["amount"]), currency) if currency \
        else format_amount(_money(deal["amount"]))
    return f"{deal['ref']} {deal['name']} ({deal['stage']}, {amount})"


# --- customers --------------------------------------------------------------------------------


def tier_cadence(
    customers: pd.DataFrame, today: date, config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each A/B/C customer not visited within its tier's cadence."""
    # Visited exactly `cadence` days ago is still within it; a customer never visited counts
    # from the day it was created.
    out: list[Deviation] = []
    for c in _records(customers, CUSTOMER_COLUMNS):
        tier = str(_opt(c["tier"]) or "").upper()
        cadence = config.cadence_days(tier)
        last = _day(c["last_visit_on"])
        since = last or _day(c["created_on"])
        if cadence is None or since is None:
            continue
        days = (today - since).days
        if days <= cadence:
            continue
        owner = _text(c["owner"])
        owner_id = _opt(c["owner_id"])
        seen = f"last visited {_days(days, 'day')} ago" if last else "never visited"
        out.append(Deviation(
            rule="tier_cadence",
            subject=f"customer:{int(c['customer_id'])}",
            who=owner,
            severity=min(CRITICAL, days // cadence),
            message=(f"{c['name']} (tier {tier}), {owner}: {seen}; tier {tier} is visited "
                     f"every {plural(cadence, 'day')}"),
            fix=f"{owner}: book a visit with {c['name']} this week.",
            numbers=(("tier", tier), ("days_since_visit", days), ("cadence", cadence),
                     ("last_visit_on", last)),
            owner=None if owner_id is None else f"member:{int(owner_id)}",
        ))
    return out


# --- funnel -----------------------------------------------------------------------------------


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
        rows = _records(f.stages, FUNNEL_COLUMNS)
        diagnosis = diagnose(f, config)
        for index, row in enumerate(rows):
            reached, advanced = _int(row["reached"]), _int(row["advanced"])
            t_reached, t_advanced = _int(row["trailing_reached"]), _int(row["trailing_advanced"])
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
            following = (str(rows[index + 1]["stage"]) if index + 1 < len(rows)
                         else "the next stage")
            out.append(Deviation(
                rule="funnel_bottleneck",
                subject=f"{f.subject}/stage:{stage}",
                who=f.who,
                severity=_shortfall_severity(ratio, config.funnel_ratio),
                message=(f"{f.who}: {stage} → {following} converted {advanced} of {reached} "
                         f"({_pct(conversion)}) this period against {_pct(trailing)} trailing; "
                         f"{_diagnosis_text(f, diagnosis)}"),
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
        parts.append(f"visits {f.visits} of {_whole(f.visits_planned)} planned")
    if (f.opportunities is not None and f.opportunities_planned is not None
            and f.opportunities_planned > 0):
        parts.append(f"new opportunities {f.opportunities} of "
                     f"{_whole(f.opportunities_planned)} planned")
    counts = ", ".join(parts)
    if diagnosis == "plan":
        return f"looks like a PLAN problem, not enough top of funnel ({counts})"
    if diagnosis == "execution":
        return f"looks like an EXECUTION problem, enough leads but low conversion ({counts})"
    return "no activity plan to compare with, so plan or execution cannot be told apart"


def _funnel_fix(diagnosis: Diagnosis, stage: str) -> str:
    if diagnosis == "plan":
        return ("Fill the top of the funnel first: book the planned visits and open "
                "opportunities, then look at conversion again.")
    if diagnosis == "execution":
        return (f"Review the {stage} deals together in the weekly review: decision maker, "
                "budget, next step with a date; pair reps with whoever converts best.")
    return (f"Review the {stage} deals together, and set a visits target so the next warning "
            "can tell plan from execution.")


# --- all rules --------------------------------------------------------------------------------


def evaluate_all(inputs: DeviationInputs) -> list[Deviation]:
    """Run every rule that is on and has its input, in RULES order, worst first within a rule."""
    config = inputs.config
    found: dict[Rule, list[Deviation]] = {
        "behind_pace": behind_pace(inputs.progress, config),
        "activity_shortfall": activity_shortfall(inputs.progress, config),
        "coverage_gap": coverage_gap(inputs.progress, config),
        "funnel_bottleneck": funnel_bottleneck(inputs.funnels, config),
    }
    if inputs.open_deals is not None:
        found["stale_deal"] = stale_deal(inputs.open_deals, inputs.today, config)
        found["close_date_passed"] = close_date_passed(inputs.open_deals, inputs.today)
        found["close_date_pushed"] = close_date_pushed(inputs.open_deals, config)
    if inputs.customers is not None:
        found["tier_cadence"] = tier_cadence(inputs.customers, inputs.today, config)
    out: list[Deviation] = []
    for rule in RULES:
        if config.is_on(rule):
            out.extend(sorted(found.get(rule, []), key=lambda d: (-d.severity, d.subject)))
    return out


# --- helpers ----------------------------------------------------------------------------------


def _shortfall_severity(ratio: Decimal, threshold: Decimal) -> int:
    """Grade a ratio already below its threshold: under 80% of it serious, half critical."""
    if ratio < threshold / 2:
        return CRITICAL
    if ratio < threshold * Decimal("0.8"):
        return SERIOUS
    return WARNING


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame is missing columns: {', '.join(missing)}")
    return list(frame.to_dict("records"))


def _opt(value: Any) -> Any:
    """Return None for None, NaN and NaT, which pandas puts in for missing values."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or (isinstance(value, Decimal) and value.is_nan()):
        return None
    return value


def _day(value: Any) -> date | None:
    value = _opt(value)
    if value is None:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"not a date: {value!r}")


def _int(value: Any) -> int:
    value = _opt(value)
    return 0 if value is None else int(value)


def _text(value: Any) -> str:
    value = _opt(value)
    return "no owner" if value is None else str(value)


def _money(value: Any) -> Decimal:
    value = _opt(value)
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _amount(p: Progress, value: Decimal) -> str:
    if p.metric != "revenue":
        unit = METRIC_UNITS.get(p.metric, p.metric)
        return f"{_tenth_up(value)} {unit}"
    return format_money(value, p.currency) if p.currency else format_amount(value)


def _pct(value: Decimal) -> str:
    return f"{(value * HUNDRED).quantize(ONE, ROUND_HALF_UP)}%"


def _times(value: Decimal) -> str:
    return f"{value.quantize(TENTH, ROUND_HALF_UP)}×"


def _tenth_up(value: Decimal) -> str:
    """Show a count needed per day to one decimal, rounded up: 2.25 visits is 2.3, 3.0 is 3."""
    tenths = value.quantize(TENTH, ROUND_CEILING)
    return str(tenths.quantize(ONE)) if tenths == tenths.to_integral_value() else str(tenths)


def _visits(value: Decimal) -> str:
    count = _tenth_up(value)
    return f"{count} visit" + ("" if count == "1" else "s")


def _whole(value: Decimal) -> str:
    return str(value.quantize(ONE, ROUND_HALF_UP))


def _days(count: int, word: str = "working day") -> str:
    return plural(count, word)


def _per_rep(plan: ActivityPlan | None) -> str:
    """The team's visits a day shared by its reps, the exact share shown rounded up."""
    each = plan.visits_per_rep_per_day if plan is not None else None
    if plan is None or plan.reps <= 1 or not each:
        return ""
    return f" ({_tenth_up(each)} per rep on average, {plan.reps} reps)"


def _rate_source(p: Progress) -> str:
    """Which rates a plan figure came from and why, as pick_win_rate chose them."""
    if p.plan is not None and p.plan.members:
        return "each rep's own rates (the team's figures are their reps' plans added up)"
    rates = p.plan.rates if p.plan is not None else p.rates
    if rates is None:
        return "the default rates"
    if rates.basis is None:
        source = {"rep": f"{p.who}'s own", "team": "the team's", "default": "the default"}
        return f"{source[rates.source]} rates"
    return rates.basis.describe()
