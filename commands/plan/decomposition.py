"""Spread a target over working days, seasons and reps, as pure functions."""

# No database, no clock (callers pass `today` or counts), no Slack. Money and counts are
# Decimal; split amounts are quantized to 0.01 and always sum exactly to the total they came
# from. A ratio that would divide by zero is None, never an exception: None means "not
# meaningful yet" (no target, no working day elapsed, nothing closed).

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from commands.core.errors import UsageError
from commands.core.i18n import t
from commands.core.money import CENT
from commands.core.periods import NO_HOLIDAYS, Period, same_period_last_year

ZERO = Decimal(0)
ONE = Decimal(1)
DEFAULT_RAMP: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.75"))


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
        raise UsageError(t("The team has no reps to split the target across. Add a rep "
                           "first."))
    names = [r.name for r in reps]
    if len(set(names)) != len(names):
        raise UsageError(t("A rep is named twice in the split; give each rep one weight."))
    for rep in reps:
        if rep.weight < 0:
            raise UsageError(t("`{name}:{weight}`: a weight cannot be negative.",
                               name=rep.name, weight=rep.weight))
    weights = [r.weight * ramp_factor(r.started_on, period_start, ramp) for r in reps]
    if sum(weights, ZERO) == 0:
        raise UsageError(t("Every rep has weight 0; at least one rep must carry the "
                           "target."))
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
