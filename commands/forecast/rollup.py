"""The forecast roll-up as pure functions of figures already read: per rep, then the team.

Definitions (PRODUCT.md): a category's amount is the sum of open deals in it closing in the
period; the rep's call is the commit (and best case) they submitted; an adjustment is a
manager's figure beside it, never replacing it; the roll-up is the sum of the reps' calls,
adjusted where adjusted. The deals pre-fill a call: commit = closed + commit deals, best case
= that + best-case deals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from commands.core.money import CENT
from commands.forecast.categories import BEST_CASE, COMMIT, OMITTED, PIPELINE

ZERO = Decimal(0)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class CallFigure:
    commit: Decimal
    best: Decimal | None
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class AdjustFigure:
    commit: Decimal
    best: Decimal | None
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class DealLine:
    ref: str
    name: str
    amount: Decimal  # in the forecast's currency
    category: str
    probability_pct: int
    close: date | None


@dataclass(frozen=True)
class RepInputs:
    name: str
    closed: Decimal
    deals: tuple[DealLine, ...]  # open deals closing in the period
    target: Decimal | None
    calls: tuple[CallFigure, ...]  # oldest first
    adjustment: AdjustFigure | None = None


def _sum(deals: Sequence[DealLine], category: str) -> Decimal:
    return sum((d.amount for d in deals if d.category == category), ZERO)


@dataclass(frozen=True)
class RepForecast:
    name: str
    closed: Decimal
    commit_deals: Decimal
    best_case_deals: Decimal
    pipeline_deals: Decimal
    weighted: Decimal
    target: Decimal | None
    call: CallFigure | None  # the last call
    week_ago: CallFigure | None  # the last call made a week or more before now
    adjustment: AdjustFigure | None
    deals: tuple[DealLine, ...] = ()

    @property
    def deliverable(self) -> Decimal:
        """The most the period can bring: closed plus every open deal closing in it."""
        return self.closed + self.commit_deals + self.best_case_deals + self.pipeline_deals

    @property
    def prefill_commit(self) -> Decimal:
        return self.closed + self.commit_deals

    @property
    def prefill_best(self) -> Decimal:
        return self.prefill_commit + self.best_case_deals

    @property
    def commit(self) -> Decimal | None:
        """The figure that rolls up: the adjustment where there is one, else the call."""
        if self.adjustment is not None:
            return self.adjustment.commit
        return self.call.commit if self.call is not None else None

    @property
    def best(self) -> Decimal | None:
        if self.adjustment is not None and self.adjustment.best is not None:
            return self.adjustment.best
        return self.call.best if self.call is not None else None

    @property
    def gap(self) -> Decimal | None:
        """Target less the commit: what the call leaves short (negative: above target)."""
        if self.target is None or self.commit is None:
            return None
        return self.target - self.commit

    @property
    def moved(self) -> Decimal | None:
        """How the rep's commit moved since their call of a week ago."""
        if self.call is None or self.week_ago is None:
            return None
        return self.call.commit - self.week_ago.commit

    @property
    def over_called(self) -> bool:
        """The rep commits more than their deals closing in the period could deliver."""
        return self.call is not None and self.call.commit > self.deliverable


def weighted(deals: Sequence[DealLine]) -> Decimal:
    """Σ amount × stage probability of the open deals (omitted ones count nothing)."""
    return sum(((d.amount * d.probability_pct / 100).quantize(CENT, ROUND_HALF_UP)
                for d in deals if d.category != OMITTED), ZERO)


def rep_forecast(inputs: RepInputs, now: datetime) -> RepForecast:
    """One rep's forecast figures from their deals, calls and any adjustment."""
    deals = inputs.deals
    week_ago = [c for c in inputs.calls if c.at <= now - WEEK]
    return RepForecast(
        name=inputs.name, closed=inputs.closed, commit_deals=_sum(deals, COMMIT),
        best_case_deals=_sum(deals, BEST_CASE), pipeline_deals=_sum(deals, PIPELINE),
        weighted=weighted(deals), target=inputs.target,
        call=inputs.calls[-1] if inputs.calls else None,
        week_ago=week_ago[-1] if week_ago else None, adjustment=inputs.adjustment,
        deals=deals,
    )


@dataclass(frozen=True)
class TeamForecast:
    name: str
    closed: Decimal
    called: Decimal  # Σ the reps' own calls
    rolled_up: Decimal  # Σ the reps' calls, adjusted where adjusted
    best: Decimal  # Σ best case (the commit where a rep gave no best case)
    weighted: Decimal
    target: Decimal | None
    adjustment: AdjustFigure | None  # the manager's figure for the team
    moved: Decimal  # Σ the week's movement of the reps who called both weeks
    submitted: int
    reps: int

    @property
    def commit(self) -> Decimal:
        return self.adjustment.commit if self.adjustment is not None else self.rolled_up

    @property
    def gap(self) -> Decimal | None:
        return None if self.target is None else self.target - self.commit


def team_forecast(name: str, reps: Sequence[RepForecast], target: Decimal | None,
                  adjustment: AdjustFigure | None) -> TeamForecast:
    """Roll the reps' figures up to the team."""
    called = [r for r in reps if r.call is not None]
    return TeamForecast(
        name=name, closed=sum((r.closed for r in reps), ZERO),
        called=sum((r.call.commit for r in called if r.call is not None), ZERO),
        rolled_up=sum((r.commit for r in reps if r.commit is not None), ZERO),
        best=sum(((r.best if r.best is not None else r.commit) for r in reps
                  if r.commit is not None), ZERO),
        weighted=sum((r.weighted for r in reps), ZERO), target=target,
        adjustment=adjustment, moved=sum((r.moved for r in reps if r.moved is not None), ZERO),
        submitted=len(called), reps=len(reps),
    )
