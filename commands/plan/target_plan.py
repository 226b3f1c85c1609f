"""What a target is worth in any period and for any rep: the stored targets decomposed to
periods, days and reps, the actuals they are scored against, and the checks that the reps'
targets add up to their team's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.access import require_read_person, require_read_team
from commands.core.actors import Actor, resolve_mention
from commands.core.dates import local_today
from commands.core.errors import UsageError
from commands.core.fx import Tally, won_revenue
from commands.core.i18n import joined, t
from commands.core.money import CENT, format_value
from commands.core.periods import (
    Period,
    WorkingDayProgress,
    period_containing,
    same_period_last_year,
    working_day_progress,
)
from commands.core.text import Mention, name_key
from commands.deals.tally import visit_tally
from commands.plan.decomposition import (
    RepShare,
    allocate,
    daily_plan,
    planned_between,
    seasonal_shares,
    split_across_reps,
)
from commands.plan.names import metric_name, period_name
from commands.team.sales import find_team
from storage import repo
from storage.models import (
    Member,
    Role,
    Target,
    Team,
    Workspace,
)

COUNT_UNIT = Decimal("0.1")  # a count's implied share is shown to one decimal at most


def team_for(session: Session, actor: Actor, person: Member | None) -> Team:
    """The team a target or plan is about: the person's, else as `/sales team` finds it."""
    if person is not None:
        if person.team is None:
            raise UsageError(t("{name} is not in a team yet: `/sales team add @{name}`.",
                               name=person.name))
        return person.team
    return find_team(session, actor, None)


def person_in_view(session: Session, actor: Actor, scope: Mention | None, now: datetime, *,
                   team: bool) -> Member | None:
    """The person a command is about: the one named, else the caller when they are a rep and
    did not ask for the team; None: the team."""
    if scope is not None:
        return resolve_mention(session, actor, scope, now)
    return actor.member if not team and actor.member.role == Role.REP else None


def require_read_scope(actor: Actor, team: Team, person: Member | None, what: str,
                       team_command: str) -> None:
    """Refuse unless the actor may read the person's (or, without one, the team's) `what`."""
    if person is not None:
        require_read_person(actor, person, what, team_hint=team_command)
    else:
        require_read_team(actor, team, what)


def scope_key(team: Team, person: Member | None) -> str:
    return f"member:{person.id}" if person else f"team:{team.id}"


def period_bounds(period: Period, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    start = datetime.combine(period.start, time(), zone)
    return start, datetime.combine(period.end + timedelta(days=1), time(), zone)


def actual_for(session: Session, metric: str, ids: list[int], period: Period, tz: str,
               currency: str | None = None, *, today: date | None = None) -> Decimal:
    """The actual of `metric` in `period`, read in the view's timezone `tz` up to its `today`;
    revenue in `currency` (see revenue_for), counts otherwise."""
    if metric == "revenue":
        if currency is None:
            raise ValueError("revenue is counted in one currency; say which")
        return revenue_for(session, ids, period, tz, currency).total
    if metric == "visits":  # the same count as every breakdown of visits (commands.deals.tally)
        return Decimal(visit_tally(session, ids, period, today).total)
    start_at, end_at = period_bounds(period, tz)
    minor = repo.targets.metric_actual(session, metric, ids, period.start, period.end, start_at,
                                       end_at)
    return Decimal(minor) / 100


def revenue_for(session: Session, ids: list[int], period: Period, tz: str,
                currency: str) -> Tally:
    """Revenue won in a period in one currency: other currencies count only through a rate
    an admin set, and the deals without one are left out, named."""
    start_at, end_at = period_bounds(period, tz)
    return won_revenue(session, ids, start_at, end_at, currency)


def member_ids(team: Team, person: Member | None) -> list[int]:
    """Whose deals and activities a figure counts: the person's, else every team member's."""
    return [person.id] if person else [m.id for m in team.members]


def reps_of(team: Team) -> list[Member]:
    """The team's reps (its managers and admins carry no share of its targets)."""
    return [m for m in team.members if m.role == Role.REP]


def rep_shares(team_target: Target, team: Team) -> list[tuple[Member, Decimal]]:
    """Split a team target across its reps: even, by weights, ramped for new starters."""
    reps = reps_of(team)
    if not reps:
        return []
    weights: dict[str, Decimal] = {}
    if team_target.split.startswith("weights"):
        for item in team_target.split.split()[1:]:
            name, _, w = item.rpartition(":")
            weights[name] = Decimal(w)
    shares = [RepShare(name=m.name, weight=weights.get(name_key(m.name), Decimal(0) if weights
                                                         else Decimal(1)),
                       started_on=m.started_on) for m in reps]
    total = Decimal(team_target.target_minor) / 100
    period = Period(team_target.period_kind, team_target.period_start,  # type: ignore[arg-type]
                    team_target.period_end)
    # a count (visits, wins) is split in whole units, money (or a fractional count) in cents
    unit = (Decimal(1) if team_target.metric != "revenue" and total == total.to_integral_value()
            else CENT)
    split = split_across_reps(total, shares, period.start, unit=unit)
    amounts = dict(split)
    return [(m, amounts[m.name]) for m in reps]


def target_for(session: Session, ws: Workspace, team: Team, person: Member | None, metric: str,
               period: Period, hol: set[date]) -> tuple[Decimal, bool, str | None] | None:
    """The explicit target for a period, else one implied by the nearest enclosing target."""
    found = target_plan(session, ws, team, person, metric, period, hol)
    if found is None:
        return None
    return found.value, found.implied, found.currency


@dataclass(frozen=True)
class TargetPlan:
    """A period's target and the daily plan of the target it comes from."""

    value: Decimal
    implied: bool
    currency: str | None
    source: Period  # the period of the stored target it was derived from
    daily: dict[date, Decimal]  # that target's plan per day (scaled to this scope)
    seasonal: bool
    first_set_at: datetime | None = None  # when the stored target was first set

    def expected_share(self, period: Period, through: date) -> Decimal | None:
        """Share of this period's target planned up to and including `through`."""
        if self.value == 0:
            return None
        return planned_between(self.daily, period.start, through) / self.value


@dataclass(frozen=True)
class Tracking:
    """Where a target's period stands, counted from when tracking began.

    Tracking begins on the later of the period's first day and the day the target was first
    set: a target set mid-quarter is not judged on the weeks before anyone had it.
    """

    since: date
    late_start: bool  # tracking began after the period's first day
    progress: WorkingDayProgress  # the working days from `since` to the period's end
    cumulative_share: Decimal | None  # seasonal: last year's share of that span by now


def tracking(found: TargetPlan, period: Period, today: date, hol: set[date],
             tz: str) -> Tracking:
    """The period's working-day progress (and seasonal share) from when tracking began."""
    since = period.start
    if found.first_set_at is not None:
        set_on = local_today(found.first_set_at, tz)
        if period.start < set_on <= period.end:  # set later for a past period: all of it
            since = set_on
    tracked = Period(period.kind, since, period.end)
    share = None
    if found.seasonal:
        rest = planned_between(found.daily, since, period.end)
        share = (planned_between(found.daily, since, today - timedelta(days=1)) / rest
                 if rest else None)
    return Tracking(since, since > period.start, working_day_progress(tracked, today, hol),
                    share)


def target_period(t: Target) -> Period:
    return Period(t.period_kind, t.period_start, t.period_end)  # type: ignore[arg-type]


def _month_shares(session: Session, metric: str, ids: list[int], outer: Period,
                  tz: str, currency: str | None) -> dict[date, Decimal] | None:
    """Last year's share of each month of `outer`, from its actuals (SQL-aggregated)."""
    months = [m for m in _months(outer)]
    last_year = {same_period_last_year(m).label:
                 actual_for(session, metric, ids, same_period_last_year(m), tz, currency)
                 for m in months}
    shares = seasonal_shares(months, last_year)
    if shares is None:
        return None
    return {m.start: s for m, s in zip(months, shares, strict=True)}


def _months(period: Period) -> list[Period]:
    months = []
    day = period.start.replace(day=1)
    while day <= period.end:
        months.append(period_containing("month", day))
        day = months[-1].end + timedelta(days=1)
    return months


def target_plan(session: Session, ws: Workspace, team: Team, person: Member | None,
                metric: str, period: Period, hol: set[date]) -> TargetPlan | None:
    """The target for a period with the daily plan behind it.

    An explicit target wins. Otherwise the nearest stored target enclosing the period is
    spread over its working days (by last year's monthly shares with split:seasonal), its
    explicit sub-targets keeping their own amounts, and the period gets the days it covers.
    A rep without a target of their own gets their share of the team's.
    """
    key = scope_key(team, person)
    covering = [t for t in repo.targets.targets_covering(session, ws.id, key, metric, period.start)
                if t.period_end >= period.end]
    if covering:
        outer = covering[-1]  # the shortest, so the nearest
        outer_p = target_period(outer)
        whole = Decimal(outer.target_minor) / 100
        fixed = [(target_period(t), Decimal(t.target_minor) / 100)
                 for t in repo.targets.targets_within(session, ws.id, key, metric, outer_p.start,
                                              outer_p.end) if target_period(t) != outer_p]
        seasonal = outer.split.startswith("seasonal")
        shares = None
        if seasonal:
            ids = member_ids(team, person)
            shares = _month_shares(session, metric, ids, outer_p, team.timezone,
                                   outer.currency or ws.default_currency)
        daily = daily_plan(whole, outer_p, fixed, hol, shares)
        explicit = outer_p == period
        value = whole if explicit else planned_between(daily, period.start, period.end)
        return TargetPlan(value, not explicit, outer.currency, outer_p, daily,
                          shares is not None, outer.first_set_at or outer.set_at)
    if person is None:
        return None
    return share_of_team(session, ws, team, person, metric, period, hol)


def share_of_team(session: Session, ws: Workspace, team: Team, person: Member, metric: str,
                  period: Period, hol: set[date]) -> TargetPlan | None:
    """The rep's share of the team's target for a period (their own target aside)."""
    team_plan = target_plan(session, ws, team, None, metric, period, hol)
    if team_plan is None:
        return None
    team_target = repo.targets.find_target(session, ws.id, f"team:{team.id}", metric,
                                   team_plan.source.kind, team_plan.source.start)
    if team_target is None:
        return None
    split = rep_shares(team_target, team)
    ids = [m.id for m, _ in split]
    team_whole = Decimal(team_target.target_minor) / 100
    if person.id not in ids or not team_whole or not any(s for _, s in split):
        return None
    mine = split[ids.index(person.id)][1]
    ratio = mine / team_whole
    daily = {d: v * ratio for d, v in team_plan.daily.items()}
    # The reps' parts of any period are one split of the team's, so they add up to it: in
    # cents of money, in the tenths a count is shown in (one decimal at most).
    unit = CENT if metric == "revenue" else COUNT_UNIT
    value = allocate(team_plan.value, [s for _, s in split], unit)[ids.index(person.id)]
    return TargetPlan(value, True, team_plan.currency, team_plan.source, daily,
                      team_plan.seasonal, team_plan.first_set_at)


def reps_vs_team(session: Session, ws: Workspace, team: Team, metric: str, period: Period,
                 hol: set[date]) -> list[str]:
    """Say when the reps' targets for a period do not add up to the team's, and by how much.

    A rep without a target of their own carries their share of the team's, and the shares
    add up to it; a rep with their own target carries that instead, which the team's target
    does not follow.
    """
    team_plan = target_plan(session, ws, team, None, metric, period, hol)
    if team_plan is None:
        return []
    own: list[tuple[Member, Decimal, Decimal]] = []
    for rep in reps_of(team):
        key = scope_key(team, rep)
        if not any(t.period_end >= period.end for t in
                   repo.targets.targets_covering(session, ws.id, key, metric, period.start)):
            continue
        mine = target_plan(session, ws, team, rep, metric, period, hol)
        share = share_of_team(session, ws, team, rep, metric, period, hol)
        if mine is not None:
            own.append((rep, mine.value, share.value if share else Decimal(0)))
    gap = sum((v - s for _, v, s in own), Decimal(0)).quantize(CENT)
    if not gap:
        return []
    team_value = team_plan.value.quantize(CENT)

    def fmt(value: Decimal) -> str:
        return format_value(value, metric, team_plan.currency)

    detail = joined(t("{name} has {own} of their own instead of a {share} share",
                         name=rep.name, own=fmt(v), share=fmt(s))
                       for rep, v, s in own if v != s)
    values = {"metric": metric_name(metric), "period": period_name(period),
              "sum": fmt(team_value + gap), "gap": fmt(abs(gap)), "team": team.name,
              "whole": fmt(team_value), "detail": detail}
    if gap > 0:
        return [t("The reps' {metric} targets for {period} add up to {sum}, {gap} more than "
                  "{team}'s {whole} ({detail}).", **values)]
    return [t("The reps' {metric} targets for {period} add up to {sum}, {gap} less than "
              "{team}'s {whole} ({detail}).", **values)]
