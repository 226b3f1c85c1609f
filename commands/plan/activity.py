"""Win rates, pipeline coverage and the activity plan (the visits and wins a target still
needs), as pure functions."""

# No database, no clock (callers pass `today` or counts), no Slack. Money and counts are
# Decimal; split amounts are quantized to 0.01 and always sum exactly to the total they came
# from. A ratio that would divide by zero is None, never an exception: None means "not
# meaningful yet" (no target, no working day elapsed, nothing closed).

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

from commands.core.errors import UsageError
from commands.core.i18n import joined, t, tn
from commands.core.money import CENT

ZERO = Decimal(0)
ONE = Decimal(1)
TRAILING_DAYS = 180  # window the caller should use when collecting RateStats
MIN_CLOSED = 5


RateSource = Literal["rep", "team", "default"]


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
        days = self.window_days
        sample = t("{won} won of {closed} closed", won=self.won, closed=self.closed)
        if self.source == "rep":
            return t("{who}'s own {days}-day win rate {rate} ({sample})", who=self.who,
                     days=days, rate=pct, sample=sample)
        why = []
        if self.own_closed is not None:
            why.append(self._short(self.who, self.own_closed))
        if self.source == "team":
            return t("the team's {days}-day win rate {rate} ({why})", days=days, rate=pct,
                     why=joined([sample, *why]))
        team = self.team_closed or 0
        if team == 0 and not self.own_closed:
            why = [t("no closed deals in the team's history yet")]
        else:
            why.insert(0, self._short(None, team))
        return t("the configured default win rate {rate} ({why})", rate=pct,
                 why=joined(why))

    def _short(self, who: str | None, closed: int) -> str:
        """Why `who`'s (None: the team's) own rate was passed over."""
        values = {"who": who, "days": self.window_days, "min": self.min_closed}
        if closed >= self.min_closed:
            if who is None:
                return tn("the team has {n} deal closed in {days} days but no win",
                          "the team has {n} deals closed in {days} days but no win",
                          closed, **values)
            return tn("{who} has {n} deal closed in {days} days but no win",
                      "{who} has {n} deals closed in {days} days but no win", closed, **values)
        if who is None:
            return tn("the team has {n} deal closed in {days} days, fewer than {min}",
                      "the team has {n} deals closed in {days} days, fewer than {min}",
                      closed, **values)
        return tn("{who} has {n} deal closed in {days} days, fewer than {min}",
                  "{who} has {n} deals closed in {days} days, fewer than {min}", closed,
                  **values)


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
        raise UsageError(t("The team has no reps to plan for. Add a rep first."))
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
        raise UsageError(t("The team has no reps to plan for. Add a rep first."))
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
