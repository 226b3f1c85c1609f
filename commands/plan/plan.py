"""/plan: the activity plan (visits and wins per working day) worked back from the revenue
still to win, for a rep or a team as the sum of its reps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.aliases import shown_option
from commands.core.dates import local_today
from commands.core.errors import UsageError
from commands.core.fx import LeftOut, Tally
from commands.core.i18n import N_, t
from commands.core.periods import (
    Period,
    period_containing,
    working_day_progress,
)
from commands.core.text import Mention, as_mention, parse_words
from commands.plan.activity import (
    ActivityPlan,
    ActivityRates,
    RateStats,
    choose_rates,
    derive_activity_plan,
    team_activity_plan,
)
from commands.plan.names import period_name
from commands.plan.rates import default_win_rate, trailing_stats
from commands.plan.target_plan import (
    member_ids,
    person_in_view,
    reps_of,
    require_read_scope,
    revenue_for,
    target_for,
    team_for,
)
from commands.plan.targets import PERIOD_OPTIONS, period_from
from storage import repo
from storage.models import (
    Member,
    Team,
    Workspace,
)

DEFAULT_RATES = ActivityRates(avg_deal_size=Decimal(100_000), win_rate=Decimal("0.2"),
                              opportunities_per_visit=Decimal("0.25"), source="default")


@dataclass(frozen=True)
class PlanArgs:
    scope: Mention | None
    period: Period | None
    team: bool = False  # `/plan team`: the team's plan, also for a rep


def parse_plan(text: str) -> PlanArgs:
    """`/plan [@rep|team] [period]`."""
    words = parse_words(text, PERIOD_OPTIONS)
    scope = None
    for p in words.positionals:
        if as_mention(p):
            scope = as_mention(p)
        elif not re.match(r"^\d{4}", p) and p.lower() != "team":
            raise UsageError(t("`{word}` is not a person or a period; try "
                               "`/plan @alice month:2026-12`.", word=p))
    is_team = scope is None and any(p.lower() == "team" for p in words.positionals)
    return PlanArgs(scope, period_from(words.options, words.positionals), is_team)


@dataclass(frozen=True)
class PlanResult:
    scope_name: str
    period: Period
    target: Decimal
    actual: Decimal
    currency: str
    remaining_days: int
    plan: ActivityPlan
    left_out: tuple[LeftOut, ...] = ()  # won deals the actual could not count, and why
    reps_without_target: tuple[str, ...] = ()  # a team's reps with no revenue target


@dataclass(frozen=True)
class PlanFigures:
    """A scope's revenue target for a period, what is won, and the activity plan for the rest."""

    target: Decimal
    actual: Decimal
    currency: str | None
    plan: ActivityPlan
    remaining_days: int
    reps_without_target: tuple[str, ...] = ()  # a team's reps left out of its sum
    left_out: tuple[LeftOut, ...] = ()  # won deals the actual could not count, and why


def activity_plan_for(session: Session, ws: Workspace, team: Team, person: Member | None,
                      period: Period, now: datetime) -> PlanFigures | None:
    """The activity plan of a rep, or of a team as the sum of its reps' plans; None: no target.

    Every reply and warning that speaks of visits or wins needed comes from here, so the
    reps' plans always add up to their team's. A team without reps is planned as one unit.
    """
    if person is None:
        return team_activity_plans(session, ws, team, period, now)[0]
    return _ActivityPlanner(session, ws, team, period, now).plan(person)


def team_activity_plans(
    session: Session, ws: Workspace, team: Team, period: Period, now: datetime,
    default_win_rate: Decimal | None = None,
) -> tuple[PlanFigures | None, dict[int, PlanFigures | None]]:
    """A team's plan and each of its reps' (member id → plan; None: no target), together.

    `default_win_rate` is the team's configured one when the caller has already read it.
    """
    planner = _ActivityPlanner(session, ws, team, period, now, default_win_rate)
    reps = {rep.id: planner.plan(rep) for rep in reps_of(team)}
    return planner.team_plan(reps), reps


class _ActivityPlanner:
    """What every plan of one team and period shares: holidays, the team's history, defaults."""

    def __init__(self, session: Session, ws: Workspace, team: Team, period: Period,
                 now: datetime, default: Decimal | None = None) -> None:
        self.session, self.ws, self.team, self.period, self.now = session, ws, team, period, now
        self.hol = repo.targets.holidays(session, team.id)
        self.remaining = working_day_progress(period, local_today(now, team.timezone),
                                              self.hol).remaining
        self.default = default if default is not None else default_win_rate(session, team)
        self._team_stats: dict[str, RateStats] = {}

    def team_stats(self, currency: str) -> RateStats:
        """The team's trailing history, its average deal in `currency`."""
        if currency not in self._team_stats:
            self._team_stats[currency] = trailing_stats(
                self.session, [m.id for m in self.team.members], self.team, self.now, currency)
        return self._team_stats[currency]

    def _target(self, person: Member | None) -> tuple[Decimal, Tally, str | None] | None:
        found = target_for(self.session, self.ws, self.team, person, "revenue", self.period,
                           self.hol)
        if found is None:
            return None
        ids = member_ids(self.team, person)
        won = revenue_for(self.session, ids, self.period, self.team.timezone,
                          found[2] or self.ws.default_currency)
        return found[0], won, found[2]

    def plan(self, person: Member) -> PlanFigures | None:
        found = self._target(person)
        if found is None:
            return None
        target, won, currency = found
        actual = won.total
        cur = currency or self.ws.default_currency
        rates = choose_rates(trailing_stats(self.session, [person.id], self.team, self.now, cur),
                             self.team_stats(cur), DEFAULT_RATES, who=person.name,
                             default_win_rate=self.default)
        return PlanFigures(target, actual, currency,
                           derive_activity_plan(target - actual, 1, rates, self.remaining),
                           self.remaining, left_out=won.left_out)

    def team_plan(self, reps: dict[int, PlanFigures | None]) -> PlanFigures | None:
        found = self._target(None)
        if found is None:
            return None
        target, won, currency = found
        actual = won.total
        team_rates = choose_rates(None, self.team_stats(currency or self.ws.default_currency),
                                  DEFAULT_RATES,
                                  default_win_rate=self.default)
        members = [(rep.name, mine.plan) for rep in reps_of(self.team)
                   if (mine := reps.get(rep.id)) is not None]
        missing = tuple(rep.name for rep in reps_of(self.team) if reps.get(rep.id) is None)
        plan = (team_activity_plan(members, team_rates, self.remaining) if members
                else derive_activity_plan(target - actual, 1, team_rates, self.remaining))
        return PlanFigures(target, actual, currency, plan, self.remaining, missing,
                           won.left_out)


def run_plan(args: PlanArgs, *, session: Session, actor: Actor, now: datetime) -> PlanResult:
    """Work back from the revenue still to win to the visits needed per working day."""
    ws = actor.workspace
    person = person_in_view(session, actor, args.scope, now, team=args.team)
    team = team_for(session, actor, person)
    require_read_scope(actor, team, person, N_("plan"), "/plan team")
    period = args.period or period_containing("month", local_today(now, team.timezone))
    figures = activity_plan_for(session, ws, team, person, period, now)
    if figures is None:
        who = f"@{person.name}" if person else "team"
        raise UsageError(t("No revenue target covers {period} for {name}. Set one with "
                           "`/target set {who} revenue 300k {kind}:{label}`.",
                           period=period_name(period),
                           name=person.name if person else team.name, who=who,
                           kind=shown_option(period.kind), label=period.label))
    return PlanResult(person.name if person else team.name, period, figures.target,
                      figures.actual, figures.currency or ws.default_currency,
                      figures.remaining_days, figures.plan, left_out=figures.left_out,
                      reps_without_target=figures.reps_without_target)
