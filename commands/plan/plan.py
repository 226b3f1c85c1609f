"""Decompose targets, derive the activity plan and score progress, as pure functions."""

# No database, no clock (callers pass `today` or counts), no Slack. Money and counts are
# Decimal; split amounts are quantized to 0.01 and always sum exactly to the total they came
# from. A ratio that would divide by zero is None, never an exception: None means "not
# meaningful yet" (no target, no working day elapsed, nothing closed).

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, Literal

import pandas as pd

from commands.core.errors import UsageError
from commands.core.periods import NO_HOLIDAYS, Period, same_period_last_year

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
BEHIND_THRESHOLD = Decimal("0.85")
DEFAULT_RAMP: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.75"))
TRAILING_DAYS = 180  # window the caller should use when collecting RateStats
MIN_CLOSED = 5

RateSource = Literal["rep", "team", "default"]


# --- decomposition ----------------------------------------------------------------------------


def split_by_working_days(
    total: Decimal, parts: Sequence[Period], holidays: Set[date] = NO_HOLIDAYS
) -> list[tuple[Period, Decimal]]:
    """Split a total across parts in proportion to their working days."""
    # A weekend day or holiday gets zero. If no part has a working day at all, fall back to
    # calendar days rather than lose the total.
    weights = [Decimal(len(p.working_days(holidays))) for p in parts]
    if parts and sum(weights) == 0:
        weights = [Decimal(len(p.days())) for p in parts]
    return list(zip(parts, _allocate(total, weights), strict=True))


def seasonal_shares(
    parts: Sequence[Period], last_year_actuals: dict[str, Decimal]
) -> list[Decimal] | None:
    """Return each part's share of last year's actuals, or None when last year is empty."""
    # Keys are last year's labels ("2025-12" for the part 2026-12, via same_period_last_year),
    # as storage reports them; a missing or negative amount counts as zero.
    amounts = [
        max(ZERO, last_year_actuals.get(same_period_last_year(p).label, ZERO)) for p in parts
    ]
    total = sum(amounts, ZERO)
    if total <= 0:
        return None
    return [a / total for a in amounts]


def split_seasonal(
    total: Decimal,
    parts: Sequence[Period],
    last_year_actuals: dict[str, Decimal],
    holidays: Set[date] = NO_HOLIDAYS,
) -> list[tuple[Period, Decimal]]:
    """Split a total by last year's shares (keyed by last year's labels), else by working days."""
    shares = seasonal_shares(parts, last_year_actuals)
    if shares is None:
        return split_by_working_days(total, parts, holidays)
    return list(zip(parts, _allocate(total, shares), strict=True))


def daily_plan(
    total: Decimal,
    period: Period,
    fixed: Sequence[tuple[Period, Decimal]] = (),
    holidays: Set[date] = NO_HOLIDAYS,
    month_shares: dict[date, Decimal] | None = None,
) -> dict[date, Decimal]:
    """Spread a target over its working days, unrounded; explicit sub-targets keep theirs.

    `fixed` are explicit targets on sub-periods (a month of a quarter, say): each is spread
    over its own working days, and what is left of the total over the remaining ones. So
    setting October to 500k re-spreads the rest of the quarter over November and December.
    `month_shares` (first day of month → share, from `seasonal_shares`) weights each month
    by last year instead of by its working days. Overlapping sub-targets: the longest wins.
    """
    plan: dict[date, Decimal] = {}
    taken: list[Period] = []
    for sub, amount in sorted(fixed, key=lambda f: (f[0].start - f[0].end, f[0].start)):
        inside = period.start <= sub.start and sub.end <= period.end and sub != period
        if not inside or any(t.start <= sub.end and sub.start <= t.end for t in taken):
            continue
        taken.append(sub)
        days = sub.working_days(holidays) or sub.days()
        for day in days:
            plan[day] = amount / len(days)
    left = max(total - sum((a for s, a in fixed if s in taken), ZERO), ZERO)
    free = [d for d in period.working_days(holidays)
            if not any(t.contains(d) for t in taken)]
    if not free:
        free = [d for d in period.days() if not any(t.contains(d) for t in taken)]
    if not free:
        return plan
    weights: list[Decimal]
    if month_shares:
        per_month: dict[date, int] = {}
        for day in free:
            per_month[day.replace(day=1)] = per_month.get(day.replace(day=1), 0) + 1
        weights = [month_shares.get(d.replace(day=1), ZERO) / per_month[d.replace(day=1)]
                   for d in free]
        if sum(weights, ZERO) <= 0:
            weights = [ONE] * len(free)
    else:
        weights = [ONE] * len(free)
    weight_sum = sum(weights, ZERO)
    for day, weight in zip(free, weights, strict=True):
        plan[day] = left * weight / weight_sum
    return plan


def planned_between(plan: dict[date, Decimal], start: date, end: date) -> Decimal:
    """Sum a daily plan over [start, end], to the cent."""
    total = sum((v for d, v in plan.items() if start <= d <= end), ZERO)
    return total.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class RepShare:
    """One rep's claim on a team target: a relative weight and the day they started."""

    name: str
    weight: Decimal = ONE
    started_on: date | None = None  # None: not new, no ramp


def ramp_factor(
    started_on: date | None, period_start: date, ramp: Sequence[Decimal] = DEFAULT_RAMP
) -> Decimal:
    """Return the fraction of a full share a rep carries in their month of tenure."""
    # Tenure months count from the start date: started 2026-10-01 is in the second month on
    # 2026-11-01 (0.75), started 2026-10-15 still in the first (0.5). Starting on or after
    # period_start is the first month.
    if started_on is None:
        return ONE
    months = (period_start.year - started_on.year) * 12 + period_start.month - started_on.month
    if period_start.day < started_on.day:
        months -= 1
    months = max(months, 0)
    return ramp[months] if months < len(ramp) else ONE


def split_across_reps(
    total: Decimal,
    reps: Sequence[RepShare],
    period_start: date,
    ramp: Sequence[Decimal] = DEFAULT_RAMP,
    unit: Decimal = CENT,
) -> list[tuple[str, Decimal]]:
    """Split a team target across reps by weight × ramp factor, summing exactly to the total.

    Shares are whole `unit`s: cents of money, whole visits or wins of a count (ONE), so a
    split never invents a fraction nobody can do.
    """
    # Equal weights give an even split. A ramped rep gets that fraction of what a full rep of
    # the same weight gets; the others' shares grow so the team total still holds.
    if not reps:
        raise UsageError("The team has no reps to split the target across. Add a rep first.")
    names = [r.name for r in reps]
    if len(set(names)) != len(names):
        raise UsageError("A rep is named twice in the split; give each rep one weight.")
    for rep in reps:
        if rep.weight < 0:
            raise UsageError(f"`{rep.name}:{rep.weight}`: a weight cannot be negative.")
    weights = [r.weight * ramp_factor(r.started_on, period_start, ramp) for r in reps]
    if sum(weights, ZERO) == 0:
        raise UsageError("Every rep has weight 0; at least one rep must carry the target.")
    return list(zip(names, allocate(total, weights, unit), strict=True))


def planned_to_date(
    plan: Sequence[tuple[Period, Decimal]], through: date, holidays: Set[date] = NO_HOLIDAYS
) -> Decimal:
    """Sum the planned amounts up to and including `through`."""
    # A part containing `through` counts pro rata by its working days up to that day, so a
    # seasonal month-by-month plan yields the seasonal expected-to-date.
    done = ZERO
    for period, amount in plan:
        if period.end <= through:
            done += amount
        elif period.start <= through:
            days = period.working_days(holidays)
            if days:
                done += amount * sum(1 for d in days if d <= through) / len(days)
    return done.quantize(CENT, ROUND_HALF_UP)


def _allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    return allocate(total, weights)


def allocate(total: Decimal, weights: Sequence[Decimal], unit: Decimal = CENT) -> list[Decimal]:
    """Split a total by weights into cents (or whole `unit`s) that sum exactly to it.

    Largest remainder in minor units: every part gets the whole cents of its exact share,
    and the cents left over go one each to the parts with the largest fractions (on a tie,
    the later part). So no part is ever off by more than a cent from its exact share, and a
    weekend day or a zero-weight rep never gets a stray cent.
    """
    if not weights:
        raise ValueError("nothing to split the total across")
    weight_sum = sum(weights, ZERO)
    if weight_sum <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative with a positive sum")
    per = Decimal(1) / unit
    cents = int(total.quantize(unit, ROUND_HALF_UP) * per)
    sign, cents = (-1 if cents < 0 else 1), abs(cents)
    exact = [Decimal(cents) * w / weight_sum for w in weights]
    whole = [int(e.to_integral_value(ROUND_FLOOR)) for e in exact]
    left = cents - sum(whole)
    by_fraction = sorted(range(len(weights)), key=lambda i: (exact[i] - whole[i], i),
                         reverse=True)
    for i in by_fraction[:left]:
        whole[i] += 1
    return [Decimal(sign * c) / per for c in whole]


# --- scorecard --------------------------------------------------------------------------------


def attainment(actual: Decimal, target: Decimal) -> Decimal | None:
    """Return actual / target; None when the target is zero."""
    if target == 0:
        return None
    return actual / target


def expected_share(elapsed_working_days: int, total_working_days: int) -> Decimal | None:
    """Return the linear share of the period expected by now; None for a period without days."""
    if total_working_days <= 0:
        return None
    return Decimal(elapsed_working_days) / total_working_days


def expected_to_date(
    target: Decimal, elapsed_working_days: int, total_working_days: int
) -> Decimal | None:
    """Return target × elapsed / total working days; None for a period without working days."""
    share = expected_share(elapsed_working_days, total_working_days)
    if share is None:
        return None
    return (target * share).quantize(CENT, ROUND_HALF_UP)


def expected_to_date_seasonal(target: Decimal, cumulative_share: Decimal) -> Decimal:
    """Return target × last year's cumulative share of the period at the same point."""
    return (target * cumulative_share).quantize(CENT, ROUND_HALF_UP)


def pace(attainment: Decimal | None, expected_share: Decimal | None) -> Decimal | None:
    """Return attainment / expected share; None when nothing is expected yet or no target."""
    if attainment is None or expected_share is None or expected_share == 0:
        return None
    return attainment / expected_share


def is_behind(pace: Decimal | None, threshold: Decimal = BEHIND_THRESHOLD) -> bool:
    """Tell whether pace is below the threshold; an unknown pace is never behind."""
    return pace is not None and pace < threshold


def required_per_working_day(
    target: Decimal, actual: Decimal, remaining_working_days: int
) -> Decimal | None:
    """Return (target − actual) / remaining working days, zero once the target is met."""
    # None when no working day remains; rounded up so following it lands the target.
    if remaining_working_days <= 0:
        return None
    gap = max(target - actual, ZERO)
    return (gap / remaining_working_days).quantize(CENT, ROUND_CEILING)


def projected(
    actual: Decimal, elapsed_working_days: int, total_working_days: int
) -> Decimal | None:
    """Return actual / elapsed × total working days; None before the first working day ends."""
    if elapsed_working_days <= 0:
        return None
    return (actual / elapsed_working_days * total_working_days).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Scorecard:
    """One target's progress: how far, how fast, and what it takes to land it."""

    target: Decimal
    actual: Decimal
    attainment: Decimal | None
    expected_share: Decimal | None
    expected_to_date: Decimal | None
    pace: Decimal | None
    behind: bool
    required_per_working_day: Decimal | None
    projected: Decimal | None


def scorecard(
    target: Decimal,
    actual: Decimal,
    *,
    elapsed_working_days: int,
    remaining_working_days: int,
    cumulative_share: Decimal | None = None,
    threshold: Decimal = BEHIND_THRESHOLD,
) -> Scorecard:
    """Score a target; pass last year's `cumulative_share` for the seasonal expectation."""
    # Counts come from working_day_progress: elapsed excludes today, remaining includes it.
    total = elapsed_working_days + remaining_working_days
    got = attainment(actual, target)
    if cumulative_share is None:
        share = expected_share(elapsed_working_days, total)
        expected = expected_to_date(target, elapsed_working_days, total)
    else:
        share = cumulative_share
        expected = expected_to_date_seasonal(target, cumulative_share)
    if cumulative_share is None and target != 0 and elapsed_working_days > 0:
        # Same formula, kept in whole numbers so a pace of exactly the threshold is not
        # pushed below it by a rounded share like 10/22.
        speed: Decimal | None = actual * total / (target * elapsed_working_days)
    else:
        speed = pace(got, share)
    return Scorecard(
        target=target,
        actual=actual,
        attainment=got,
        expected_share=share,
        expected_to_date=expected,
        pace=speed,
        behind=is_behind(speed, threshold),
        required_per_working_day=required_per_working_day(target, actual, remaining_working_days),
        projected=projected(actual, elapsed_working_days, total),
    )


# --- win rate and coverage --------------------------------------------------------------------


def win_rate(won_count: int, lost_count: int) -> Decimal | None:
    """Return won / (won + lost) by count; None when nothing has closed."""
    if won_count + lost_count <= 0:
        return None
    return Decimal(won_count) / (won_count + lost_count)


def win_rate_by_value(won_amount: Decimal, lost_amount: Decimal) -> Decimal | None:
    """Return won / (won + lost) by amount; None when nothing of value has closed."""
    if won_amount + lost_amount <= 0:
        return None
    return won_amount / (won_amount + lost_amount)


def pipeline_coverage(open_pipeline: Decimal, remaining_target: Decimal) -> Decimal | None:
    """Return open pipeline closing this period / remaining target; None once the target is met."""
    if remaining_target <= 0:
        return None
    return open_pipeline / remaining_target


def coverage_healthy(coverage: Decimal | None, win_rate: Decimal | None) -> bool:
    """Tell whether coverage is at least 1 / win rate; a met target is always healthy."""
    # With no win rate, or a zero one, no pipeline is enough.
    if coverage is None:
        return True
    if win_rate is None or win_rate <= 0:
        return False
    return coverage * win_rate >= 1


@dataclass(frozen=True)
class WinRate:
    """The one win rate a figure uses, whose history it came from, and why that one.

    Every coverage, pipeline-needed and activity figure takes its rate from pick_win_rate,
    so /plan, /pipeline, the warnings, the digest and the Home tab never disagree.
    """

    rate: Decimal
    source: RateSource
    won: int = 0  # in the sample the rate came from (0 for the default)
    closed: int = 0
    who: str = ""  # whose own rate was tried first; "" for a team's figures
    own_closed: int | None = None  # their closed deals, when their own rate was passed over
    team_closed: int | None = None  # the team's, when the default was used
    min_closed: int = MIN_CLOSED
    window_days: int = TRAILING_DAYS

    def describe(self) -> str:
        """Say which rate this is and why, in words a rep reads in any reply."""
        pct = f"{(self.rate * 100).quantize(ONE, ROUND_HALF_UP)}%"
        window = f"{self.window_days}-day"
        if self.source == "rep":
            return (f"{self.who}'s own {window} win rate {pct} "
                    f"({self.won} won of {self.closed} closed)")
        why = []
        if self.own_closed is not None:
            why.append(self._short(self.who, self.own_closed))
        if self.source == "team":
            sample = f"{self.won} won of {self.closed} closed"
            return f"the team's {window} win rate {pct} ({'; '.join([sample, *why])})"
        team = self.team_closed or 0
        if team == 0 and not self.own_closed:
            why = ["no closed deals in the team's history yet"]
        else:
            why.insert(0, self._short("the team", team))
        return f"the configured default win rate {pct} ({'; '.join(why)})"

    def _short(self, who: str, closed: int) -> str:
        if closed >= self.min_closed:
            return f"{who} has {_deals(closed)} closed in {self.window_days} days but no win"
        return (f"{who} has {_deals(closed)} closed in {self.window_days} days, "
                f"fewer than {self.min_closed}")


def _deals(count: int) -> str:
    return f"{count} deal" + ("" if count == 1 else "s")


def pick_win_rate(
    own: RateStats | None,
    team: RateStats | None,
    default: Decimal,
    *,
    who: str = "",
    min_closed: int = MIN_CLOSED,
) -> WinRate:
    """Pick the win rate: the person's own, else the team's, else the configured default.

    A trailing rate counts from `min_closed` closed deals (won + lost) with at least one
    win: fewer are too noisy to plan on (one won deal is not a 100% win rate), and a zero
    rate would make every plan infinite. `own` is None for a team's figures.
    """
    if default <= 0:
        raise ValueError("the default win rate must be positive")

    def usable(stats: RateStats | None) -> bool:
        return stats is not None and stats.closed_count >= min_closed and stats.won_count > 0

    if own is not None and usable(own):
        return WinRate(Decimal(own.won_count) / own.closed_count, "rep", own.won_count,
                       own.closed_count, who, min_closed=min_closed)
    own_closed = own.closed_count if own is not None else None
    if team is not None and usable(team):
        return WinRate(Decimal(team.won_count) / team.closed_count, "team", team.won_count,
                       team.closed_count, who, own_closed, min_closed=min_closed)
    return WinRate(default, "default", who=who, own_closed=own_closed,
                   team_closed=team.closed_count if team is not None else 0,
                   min_closed=min_closed)


# --- activity plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RateStats:
    """What one rep or team did over the trailing window (TRAILING_DAYS), as counted by storage."""

    won_count: int
    lost_count: int
    won_amount: Decimal
    opportunities_created: int
    visits: int
    # won deals `won_amount` counts: those in `currency` or converted through a rate; None: all
    valued_won: int | None = None
    currency: str = ""

    @property
    def closed_count(self) -> int:
        return self.won_count + self.lost_count

    @property
    def avg_deal_size(self) -> Decimal | None:
        """The average won deal in one currency; None when no won deal could be valued."""
        valued = self.won_count if self.valued_won is None else self.valued_won
        return self.won_amount / valued if valued > 0 else None


@dataclass(frozen=True)
class ActivityRates:
    """The funnel rates an activity plan is derived from, and whose history they came from."""

    avg_deal_size: Decimal
    win_rate: Decimal
    opportunities_per_visit: Decimal
    source: RateSource
    # where opportunities per visit came from when the source logged no visits; None: source
    visit_source: RateSource | None = None
    basis: WinRate | None = field(default=None, compare=False)  # the win rate and its reason
    # where the average deal came from when the source won no deal in the plan's currency
    # (nor one converted through a rate); None: source
    deal_source: RateSource | None = None
    deal_currency: str = ""  # the currency the source's won deals were not in

    def win(self) -> WinRate:
        """The win rate with its reason (a bare one for rates built by hand)."""
        return self.basis or WinRate(self.win_rate, self.source)


def rates_from_stats(stats: RateStats, source: RateSource) -> ActivityRates | None:
    """Turn trailing stats into rates; None when a rate would be zero or undefined."""
    avg = stats.avg_deal_size
    if avg is None or stats.visits <= 0 or stats.opportunities_created <= 0:
        return None
    return ActivityRates(
        avg_deal_size=avg,
        win_rate=Decimal(stats.won_count) / stats.closed_count,
        opportunities_per_visit=Decimal(stats.opportunities_created) / stats.visits,
        source=source,
    )


def choose_rates(
    rep_stats: RateStats | None,
    team_stats: RateStats | None,
    defaults: ActivityRates,
    min_closed: int = MIN_CLOSED,
    *,
    who: str = "",
    default_win_rate: Decimal | None = None,
) -> ActivityRates:
    """Use the rep's rates, else the team's, else the configured defaults, as pick_win_rate does."""
    # The average deal comes with the win rate (its source has won a deal). Opportunities per
    # visit come from the same history when it logged visits and opportunities, else from the
    # team's, else the default, and visit_source says so.
    win = pick_win_rate(rep_stats, team_stats, default_win_rate or defaults.win_rate, who=who,
                        min_closed=min_closed)
    if win.source == "default":
        return replace(defaults, win_rate=win.rate, source="default", visit_source=None,
                       basis=win)
    stats = rep_stats if win.source == "rep" else team_stats
    assert stats is not None
    per_visit: tuple[Decimal, RateSource | None] = (defaults.opportunities_per_visit, "default")
    candidates: tuple[tuple[RateStats | None, RateSource], ...] = (
        (stats, win.source), (team_stats, "team"))
    for candidate, source in candidates:
        if candidate is not None and candidate.visits > 0 and candidate.opportunities_created > 0:
            per_visit = (Decimal(candidate.opportunities_created) / candidate.visits,
                         None if source == win.source else source)
            break
    # The average deal counts won deals in the plan's currency (others through a rate); a
    # source that won only in other currencies without a rate takes the team's, else the default.
    deal: tuple[Decimal, RateSource | None] = (defaults.avg_deal_size, "default")
    for candidate, source in candidates:
        if candidate is not None and (avg := candidate.avg_deal_size) is not None:
            deal = (avg, None if source == win.source else source)
            break
    return ActivityRates(
        avg_deal_size=deal[0],
        win_rate=win.rate,
        opportunities_per_visit=per_visit[0],
        source=win.source,
        visit_source=per_visit[1],
        basis=win,
        deal_source=deal[1],
        deal_currency=stats.currency if deal[1] is not None else "",
    )


@dataclass(frozen=True)
class ActivityPlan:
    """What it takes to close the remaining revenue: a rep's, or a team's as its reps' sum.

    A team's figures are the sum of its reps' plans (`members`), so `/plan @rep` for each rep
    adds up to `/plan team`; a per-rep figure is the team's divided by `reps`, exactly.
    """

    remaining_revenue: Decimal
    reps: int
    wins_needed: int
    opportunities_needed: int
    visits_needed: int
    visits_per_day: Decimal | None  # per remaining working day, for everyone in the plan
    coverage_needed: Decimal  # pipeline / remaining revenue
    pipeline_needed: Decimal  # remaining revenue / win rate
    rates: ActivityRates
    members: tuple[tuple[str, ActivityPlan], ...] = ()  # each rep's own plan, for a team's

    @property
    def source(self) -> RateSource:
        return self.rates.source

    @property
    def visits_per_rep_per_day(self) -> Decimal | None:
        """The team's visits a day shared by its reps: the exact share, not rounded up again."""
        if self.visits_per_day is None:
            return None
        return self.visits_per_day / self.reps


def derive_activity_plan(
    remaining_revenue: Decimal,
    reps: int,
    rates: ActivityRates,
    remaining_working_days: int,
) -> ActivityPlan:
    """Work back from revenue to wins, opportunities and visits per remaining working day."""
    # Whole deals, opportunities and visits round up. Several reps at the same rates each
    # carry an equal share of the revenue and round up their own plan; the team's figures are
    # their sum, so 10M at 100k a deal over 10 reps at a 20% win rate is 10 wins and 50
    # opportunities each, 100 wins and 500 opportunities for the team.
    # Per-day counts round up to 0.01 and are None when no working day remains.
    if reps <= 0:
        raise UsageError("The team has no reps to plan for. Add a rep first.")
    if rates.avg_deal_size <= 0 or rates.win_rate <= 0 or rates.opportunities_per_visit <= 0:
        raise ValueError("activity rates must be positive")
    revenue = max(remaining_revenue, ZERO)
    wins = _ceil(revenue / reps / rates.avg_deal_size)
    opportunities = _ceil(wins / rates.win_rate)
    visits = _ceil(opportunities / rates.opportunities_per_visit)
    return ActivityPlan(
        remaining_revenue=revenue,
        reps=reps,
        wins_needed=wins * reps,
        opportunities_needed=opportunities * reps,
        visits_needed=visits * reps,
        visits_per_day=_per_day(visits * reps, remaining_working_days),
        coverage_needed=ONE / rates.win_rate,
        # an estimate from a rate: whole units, so a rounded target share shows no stray cent
        pipeline_needed=(revenue / rates.win_rate).quantize(ONE, ROUND_HALF_UP),
        rates=rates,
    )


def team_activity_plan(
    members: Sequence[tuple[str, ActivityPlan]],
    rates: ActivityRates,
    remaining_working_days: int,
) -> ActivityPlan:
    """Add up each rep's own plan into the team's: the team needs what its reps need."""
    # `rates` are the team's, shown beside the sum; each member keeps the rates it used.
    if not members:
        raise UsageError("The team has no reps to plan for. Add a rep first.")
    plans = [plan for _, plan in members]
    revenue = sum((p.remaining_revenue for p in plans), ZERO)
    pipeline = sum((p.pipeline_needed for p in plans), ZERO)
    visits = sum(p.visits_needed for p in plans)
    return ActivityPlan(
        remaining_revenue=revenue,
        reps=len(plans),
        wins_needed=sum(p.wins_needed for p in plans),
        opportunities_needed=sum(p.opportunities_needed for p in plans),
        visits_needed=visits,
        # the reps' own visits a day added up, as each rep's /plan shows them
        visits_per_day=(sum((p.visits_per_day or ZERO for p in plans), ZERO)
                        if remaining_working_days > 0 else None),
        coverage_needed=pipeline / revenue if revenue > 0 else ONE / rates.win_rate,
        pipeline_needed=pipeline,
        rates=rates,
        members=tuple(members),
    )


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def _per_day(count: int, days: int) -> Decimal | None:
    if days <= 0:
        return None
    return (Decimal(count) / days).quantize(CENT, ROUND_CEILING)


# --- pandas views -----------------------------------------------------------------------------


def cumulative_plan_vs_actual(
    daily_targets: pd.DataFrame, daily_actuals: pd.DataFrame, through: date | None = None
) -> pd.DataFrame:
    """Return running plan and actual totals per day (columns day, plan_cum, actual_cum)."""
    # Days are the union of both inputs, sorted; rows on the same day are summed. After
    # `through` (usually yesterday) actual_cum is None, so a chart's actual line stops there.
    targets = _sum_by_day(daily_targets, "target")
    actuals = _sum_by_day(daily_actuals, "actual")
    days = sorted(set(targets) | set(actuals))
    plan_cum: list[Decimal] = []
    actual_cum: list[Decimal | None] = []
    plan_total = actual_total = ZERO
    for day in days:
        plan_total += targets.get(day, ZERO)
        actual_total += actuals.get(day, ZERO)
        plan_cum.append(plan_total)
        actual_cum.append(None if through is not None and day > through else actual_total)
    return pd.DataFrame(
        {
            "day": pd.Series(days, dtype=object),
            "plan_cum": pd.Series(plan_cum, dtype=object),
            "actual_cum": pd.Series(actual_cum, dtype=object),
        }
    )


def leaderboard(scores: pd.DataFrame) -> pd.DataFrame:
    """Rank reps per metric by attainment, highest first, adding attainment and rank columns."""
    # Input columns: rep, metric, target, actual. Metrics keep their first-seen order; a rep
    # with no target (attainment None) ranks last; equal attainment shares a rank.
    columns = ["rep", "metric", "target", "actual", "attainment", "rank"]
    if scores.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    rows: list[dict[str, Any]] = []
    for metric in dict.fromkeys(scores["metric"]):
        group = scores[scores["metric"] == metric]
        scored = [
            {
                "rep": r["rep"],
                "metric": metric,
                "target": r["target"],
                "actual": r["actual"],
                "attainment": attainment(_decimal(r["actual"]), _decimal(r["target"])),
            }
            for r in group.to_dict("records")
        ]
        scored.sort(
            key=lambda s: (
                s["attainment"] is None,
                -(s["attainment"] or ZERO),
                -_decimal(s["actual"]),
                str(s["rep"]),
            )
        )
        previous: Decimal | None = None
        rank = 0
        for position, s in enumerate(scored, start=1):
            if position == 1 or s["attainment"] != previous or s["attainment"] is None:
                rank = position
            previous = s["attainment"]
            rows.append({**s, "rank": rank})
    return pd.DataFrame(rows, columns=columns)


def _sum_by_day(frame: pd.DataFrame, column: str) -> dict[date, Decimal]:
    out: dict[date, Decimal] = {}
    for day, value in zip(frame["day"], frame[column], strict=True):
        out[day] = out.get(day, ZERO) + _decimal(value)
    return out


def _decimal(value: Any) -> Decimal:
    # A float that slipped into a frame converts by its printed form, not its binary value.
    return value if isinstance(value, Decimal) else Decimal(str(value))
