"""Score progress against a target (attainment, pace, projection) and the pandas views
of plan against actual, as pure functions."""

# No database, no clock (callers pass `today` or counts), no Slack. Money and counts are
# Decimal; split amounts are quantized to 0.01 and always sum exactly to the total they came
# from. A ratio that would divide by zero is None, never an exception: None means "not
# meaningful yet" (no target, no working day elapsed, nothing closed).

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from commands.core.money import CENT

ZERO = Decimal(0)
BEHIND_THRESHOLD = Decimal("0.85")


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
