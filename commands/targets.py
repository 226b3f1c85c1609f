"""/target and /plan: targets, their decomposition to periods and reps, and the activity
plan derived from the revenue still to win."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.actors import Actor, resolve_mention
from commands.dates import local_today
from commands.errors import PermissionDenied, UsageError
from commands.money import parse_amount
from commands.periods import (
    Period,
    parse_period,
    period_containing,
    same_period_last_year,
    working_day_progress,
)
from commands.plan import (
    ActivityPlan,
    ActivityRates,
    RepShare,
    Scorecard,
    choose_rates,
    daily_plan,
    derive_activity_plan,
    planned_between,
    scorecard,
    seasonal_shares,
    split_across_reps,
    team_activity_plan,
)
from commands.rates import default_win_rate, trailing_stats
from commands.sales import find_team
from commands.text import Mention, as_mention, choice, parse_words
from storage import repo
from storage.models import Member, PeriodLock, Target, TargetChange, Team, Workspace

METRICS = ("revenue", "wins", "visits", "new_customers", "opportunities")
PERIOD_OPTIONS = ("year", "quarter", "month", "week")
SET_OPTIONS = ("stretch", "challenge", "split", *PERIOD_OPTIONS)
DEFAULT_RATES = ActivityRates(avg_deal_size=Decimal(100_000), win_rate=Decimal("0.2"),
                              opportunities_per_visit=Decimal("0.25"), source="default")
_WEIGHT = re.compile(r"^([A-Za-z][\w.\-]*):(\d+(?:\.\d+)?)$")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TargetSet:
    scope: Mention | None  # None: the team
    metric: str
    value: Decimal
    currency: str | None
    period: Period
    stretch: Decimal | None = None
    challenge: Decimal | None = None
    split: str = "even"


@dataclass(frozen=True)
class TargetShow:
    scope: Mention | None
    is_team: bool
    period: Period | None
    metric: str = "revenue"


@dataclass(frozen=True)
class TargetLock:
    period: Period


@dataclass(frozen=True)
class PlanArgs:
    scope: Mention | None
    period: Period | None


TargetArgs = TargetSet | TargetShow | TargetLock


def _period_from(opts: dict[str, str], positionals: list[str]) -> Period | None:
    given = [f"{k}:{opts[k]}" for k in PERIOD_OPTIONS if k in opts]
    given += [p for p in positionals if re.match(r"^\d{4}", p)]
    if len(given) > 1:
        raise UsageError("Give one period, like quarter:2026-Q4 or month:2026-12.")
    return parse_period(given[0]) if given else None


def _value(metric: str, text: str, option: str) -> tuple[Decimal, str | None]:
    if metric == "revenue":
        money = parse_amount(text, option)
        return money.amount, money.currency
    try:
        value = Decimal(text.replace(",", ""))
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise UsageError(f"`{text}` is not a count for {metric}; give a number like 40.")
    return value, None


def parse_target(text: str) -> TargetArgs:
    """`/target set team revenue 1.2M quarter:2026-Q4`, `/target show @alice`, `/target lock`."""
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    words = parse_words(rest, SET_OPTIONS)
    opts, pos = words.options, words.positionals
    if verb == "set":
        if len(pos) < 3:
            raise UsageError("Use `/target set team revenue 1.2M quarter:2026-Q4` or "
                             "`/target set @alice revenue 300k month:2026-12 stretch:360k`.")
        scope = None if pos[0].lower() == "team" else as_mention(pos[0])
        if scope is None and pos[0].lower() != "team":
            raise UsageError(f"`{pos[0]}` is not `team` or a person; mention a rep like @alice.")
        metric = choice(pos[1], METRICS, "metric")
        period = _period_from(opts, pos[3:])
        if period is None:
            raise UsageError("Which period? Add year:2026, quarter:2026-Q4, month:2026-12 or "
                             "week:2026-W49.")
        value, currency = _value(metric, pos[2], "target")
        stretch = _value(metric, opts["stretch"], "stretch")[0] if "stretch" in opts else None
        challenge = _value(metric, opts["challenge"], "challenge")[0] \
            if "challenge" in opts else None
        split = _parse_split(opts.get("split"), [p for p in pos[3:] if _WEIGHT.match(p)])
        if scope is not None and split.startswith("weights"):
            raise UsageError("`split:weights` shares a team target among reps; use it with "
                             "`team`.")
        if split == "seasonal" and period.kind not in ("year", "quarter"):
            raise UsageError("`split:seasonal` spreads a year or a quarter over its months by "
                             "last year's actuals; use it with year: or quarter:.")
        return TargetSet(scope, metric, value, currency, period, stretch, challenge, split)
    if verb in ("", "show"):
        scope, is_team = None, False
        for p in pos:
            if p.lower() == "team":
                is_team = True
            elif as_mention(p):
                scope = as_mention(p)
            elif p.lower() in METRICS:
                continue
            elif not re.match(r"^\d{4}", p):
                raise UsageError(f"`{p}` is not team, a person, a metric or a period.")
        metric = next((p.lower() for p in pos if p.lower() in METRICS), "revenue")
        return TargetShow(scope, is_team, _period_from(opts, pos), metric)
    if verb == "lock":
        period = _period_from(opts, pos)
        if period is None:
            raise UsageError("Which period? `/target lock quarter:2026-Q4`.")
        return TargetLock(period)
    raise UsageError("Use `/target set`, `/target show` or `/target lock`; `/target help` "
                     "has examples.")


def _parse_split(value: str | None, weights: list[str]) -> str:
    if value is None:
        if weights:
            raise UsageError("Weights go with split:weights, like `split:weights alice:2 bob:1`.")
        return "even"
    kind = choice(value, ("even", "weights", "seasonal"), "split")
    if kind != "weights":
        return kind
    if not weights:
        raise UsageError("Give each rep a weight: `split:weights alice:2 bob:1`.")
    return "weights " + " ".join(w.lower() for w in weights)


def parse_plan(text: str) -> PlanArgs:
    """`/plan [@rep|team] [period]`."""
    words = parse_words(text, PERIOD_OPTIONS)
    scope = None
    for p in words.positionals:
        if as_mention(p):
            scope = as_mention(p)
        elif not re.match(r"^\d{4}", p) and p.lower() != "team":
            raise UsageError(
                f"`{p}` is not a person or a period; try `/plan @alice month:2026-12`."
            )
    return PlanArgs(scope, _period_from(words.options, words.positionals))


# --- running -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PyramidRow:
    label: str
    kind: str
    target: Decimal
    implied: bool
    score: Scorecard


@dataclass(frozen=True)
class TargetResult:
    message: str
    scope_name: str
    metric: str
    currency: str | None
    rows: tuple[PyramidRow, ...] = ()
    rep_shares: tuple[tuple[str, Decimal], ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanResult:
    scope_name: str
    period: Period
    target: Decimal
    actual: Decimal
    currency: str
    remaining_days: int
    plan: ActivityPlan
    reps_without_target: tuple[str, ...] = ()  # a team's reps with no revenue target


def team_for(session: Session, actor: Actor, person: Member | None) -> Team:
    """The team a target or plan is about: the person's, else as `/sales team` finds it."""
    if person is not None:
        if person.team is None:
            raise UsageError(
                f"{person.name} is not in a team yet: `/sales team add @{person.name}`."
            )
        return person.team
    return find_team(session, actor, None)


def _scope_key(team: Team, person: Member | None) -> str:
    return f"member:{person.id}" if person else f"team:{team.id}"


def period_bounds(period: Period, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    start = datetime.combine(period.start, time(), zone)
    return start, datetime.combine(period.end + timedelta(days=1), time(), zone)


def actual_for(session: Session, metric: str, ids: list[int], period: Period, tz: str) -> Decimal:
    start_at, end_at = period_bounds(period, tz)
    minor = repo.metric_actual(session, metric, ids, period.start, period.end, start_at, end_at)
    return Decimal(minor) / 100


def _reps(team: Team) -> list[Member]:
    return [m for m in team.members if m.role.value == "rep"]


def rep_shares(team_target: Target, team: Team) -> list[tuple[Member, Decimal]]:
    """Split a team target across its reps: even, by weights, ramped for new starters."""
    reps = _reps(team)
    if not reps:
        return []
    weights: dict[str, Decimal] = {}
    if team_target.split.startswith("weights"):
        for item in team_target.split.split()[1:]:
            name, _, w = item.partition(":")
            weights[name] = Decimal(w)
    shares = [RepShare(name=m.name, weight=weights.get(m.name.lower(), Decimal(0) if weights
                                                         else Decimal(1)),
                       started_on=m.started_on) for m in reps]
    total = Decimal(team_target.target_minor) / 100
    period = Period(team_target.period_kind, team_target.period_start,  # type: ignore[arg-type]
                    team_target.period_end)
    split = split_across_reps(total, shares, period.start)
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

    def expected_share(self, period: Period, through: date) -> Decimal | None:
        """Share of this period's target planned up to and including `through`."""
        if self.value == 0:
            return None
        return planned_between(self.daily, period.start, through) / self.value


def _as_period(t: Target) -> Period:
    return Period(t.period_kind, t.period_start, t.period_end)  # type: ignore[arg-type]


def _month_shares(session: Session, metric: str, ids: list[int], outer: Period,
                  tz: str) -> dict[date, Decimal] | None:
    """Last year's share of each month of `outer`, from its actuals (SQL-aggregated)."""
    months = [m for m in _months(outer)]
    last_year = {same_period_last_year(m).label:
                 actual_for(session, metric, ids, same_period_last_year(m), tz) for m in months}
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
    key = _scope_key(team, person)
    covering = [t for t in repo.targets_covering(session, ws.id, key, metric, period.start)
                if t.period_end >= period.end]
    if covering:
        outer = covering[-1]  # the shortest, so the nearest
        outer_p = _as_period(outer)
        whole = Decimal(outer.target_minor) / 100
        fixed = [(_as_period(t), Decimal(t.target_minor) / 100)
                 for t in repo.targets_within(session, ws.id, key, metric, outer_p.start,
                                              outer_p.end) if _as_period(t) != outer_p]
        seasonal = outer.split.startswith("seasonal")
        shares = None
        if seasonal:
            ids = [person.id] if person else [m.id for m in team.members]
            shares = _month_shares(session, metric, ids, outer_p, team.timezone)
        daily = daily_plan(whole, outer_p, fixed, hol, shares)
        explicit = outer_p == period
        value = whole if explicit else planned_between(daily, period.start, period.end)
        return TargetPlan(value, not explicit, outer.currency, outer_p, daily,
                          shares is not None)
    if person is None:
        return None
    team_plan = target_plan(session, ws, team, None, metric, period, hol)
    if team_plan is None:
        return None
    team_target = repo.find_target(session, ws.id, f"team:{team.id}", metric,
                                   team_plan.source.kind, team_plan.source.start)
    if team_target is None:
        return None
    mine = dict((m.id, s) for m, s in rep_shares(team_target, team)).get(person.id)
    team_whole = Decimal(team_target.target_minor) / 100
    if mine is None or not team_whole:
        return None
    ratio = mine / team_whole
    daily = {d: v * ratio for d, v in team_plan.daily.items()}
    value = (team_plan.value * ratio).quantize(CENT)
    return TargetPlan(value, True, team_plan.currency, team_plan.source, daily,
                      team_plan.seasonal)


def _pyramid(period: Period, today: date) -> list[Period]:
    rows = [period]
    p = period
    while p.kind in ("year", "quarter"):
        children = p.children()
        p = next((c for c in children if c.contains(today)), children[0])
        rows.append(p)
    if period.contains(today):
        week = period_containing("week", today)
        rows.append(week)
        rows.append(period_containing("day", today))
    return rows


def run_target(args: TargetArgs, *, session: Session, actor: Actor,
               now: datetime) -> TargetResult:
    ws = actor.workspace
    if isinstance(args, TargetLock):
        if not actor.is_admin:
            raise PermissionDenied("Only an admin can lock a period.")
        if repo.lock_covering(session, ws.id, args.period.start, args.period.end) is None:
            session.add(PeriodLock(workspace_id=ws.id, period_kind=args.period.kind,
                                   period_start=args.period.start, period_end=args.period.end,
                                   locked_by_id=actor.member.id, locked_at=now))
        return TargetResult(f"Locked targets for {args.period.label}. Only admins can change "
                            "them now, and every change is recorded.", "", "", None)
    person = resolve_mention(session, actor, args.scope, now) if args.scope else None
    team = team_for(session, actor, person)
    if isinstance(args, TargetSet):
        return _set(args, session, actor, team, person, now)
    if person is None and not args.is_team:
        person = actor.member if actor.member.role.value == "rep" else None
    today = local_today(now, team.timezone)
    period = args.period or period_containing("quarter", today)
    hol = repo.holidays(session, team.id)
    ids = [person.id] if person else [m.id for m in team.members]
    rows = []
    currency = None
    for p in _pyramid(period, today):
        found = target_plan(session, ws, team, person, args.metric, p, hol)
        if found is None:
            continue
        currency = currency or found.currency
        actual = actual_for(session, args.metric, ids, p, team.timezone)
        progress = working_day_progress(p, today, hol)
        share = (found.expected_share(p, today - timedelta(days=1)) if found.seasonal
                 else None)
        rows.append(PyramidRow(p.label, p.kind, found.value, found.implied, scorecard(
            found.value, actual, elapsed_working_days=progress.elapsed,
            remaining_working_days=progress.remaining, cumulative_share=share)))
    name = person.name if person else team.name
    if not rows:
        return TargetResult(f"No {args.metric} target for {name} covers {period.label} yet. "
                            f"Set one with `/target set {'@' + name if person else 'team'} "
                            f"{args.metric} ... {period.kind}:{period.label}`.", name,
                            args.metric, None)
    return TargetResult("", name, args.metric, currency or ws.default_currency, tuple(rows))


def _set(args: TargetSet, session: Session, actor: Actor, team: Team, person: Member | None,
         now: datetime) -> TargetResult:
    ws = actor.workspace
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(f"Only a manager of {team.name} or an admin can set its targets; "
                               "`/target show` shows them.")
    lock = repo.lock_covering(session, ws.id, args.period.start, args.period.end)
    if lock is not None and not actor.is_admin:
        raise PermissionDenied(f"Targets for {args.period.label} are locked; ask an admin.")
    key = _scope_key(team, person)
    minor = int(args.value * 100)
    currency = (args.currency or ws.default_currency) if args.metric == "revenue" else None
    target = repo.find_target(session, ws.id, key, args.metric, args.period.kind,
                              args.period.start)
    old = target.target_minor if target else None
    if target is None:
        target = Target(workspace_id=ws.id, team_id=team.id,
                        member_id=person.id if person else None, scope_key=key,
                        metric=args.metric, period_kind=args.period.kind,
                        period_start=args.period.start, period_end=args.period.end,
                        target_minor=minor, set_by_id=actor.member.id, set_at=now)
        session.add(target)
    target.target_minor = minor
    target.stretch_minor = int(args.stretch * 100) if args.stretch is not None else None
    target.challenge_minor = int(args.challenge * 100) if args.challenge is not None else None
    target.currency, target.split, target.set_by_id, target.set_at = (
        currency, args.split, actor.member.id, now)
    session.flush()
    if lock is not None:
        session.add(TargetChange(target_id=target.id, old_minor=old, new_minor=minor,
                                 changed_by_id=actor.member.id, changed_at=now))
    warnings = _sum_checks(session, ws, key, args.metric, args.period)
    name = person.name if person else team.name
    shares: tuple[tuple[str, Decimal], ...] = ()
    if person is None:
        shares = tuple((m.name, s) for m, s in rep_shares(target, team))
    tiers = "".join(f", {label} {v:,.2f}" for label, v in (("stretch", args.stretch),
                                                            ("challenge", args.challenge)) if v)
    unit = f" {currency}" if currency else ""
    message = (f"Set {name}'s {args.metric} target for {args.period.label}: "
               f"{args.value:,.2f}{unit}{tiers}." + (" (Period locked: change recorded.)"
                                                    if lock else ""))
    return TargetResult(message, name, args.metric, currency, rep_shares=shares,
                        warnings=tuple(warnings))


def _sum_checks(session: Session, ws: Workspace, key: str, metric: str,
                period: Period) -> list[str]:
    """Say how explicit sub-period targets relate to their enclosing target."""
    # All months set: do they add up? Some set: the others now share what is left.
    out = []
    for outer in repo.targets_covering(session, ws.id, key, metric, period.start):
        if outer.period_kind == period.kind or outer.period_kind not in ("year", "quarter"):
            continue
        outer_p = _as_period(outer)
        kids = outer_p.children()
        explicit = [repo.find_target(session, ws.id, key, metric, k.kind, k.start) for k in kids]
        whole = Decimal(outer.target_minor) / 100
        total = Decimal(sum(t.target_minor for t in explicit if t is not None)) / 100
        kind = kids[0].kind
        if all(t is not None for t in explicit):
            if total != whole:
                out.append(f"The {kind}s of {outer_p.label} add up to {total:,.2f}, "
                           f"not {whole:,.2f}.")
        elif any(t is not None for t in explicit):
            rest = [k.label for k, t in zip(kids, explicit, strict=True) if t is None]
            left = whole - total
            if left < 0:
                out.append(f"The {kind}s set so far add up to {total:,.2f}, more than "
                           f"{outer_p.label}'s {whole:,.2f}.")
            else:
                out.append(f"{', '.join(rest)} now share the remaining {left:,.2f} of "
                           f"{outer_p.label}.")
    return out


@dataclass(frozen=True)
class PlanFigures:
    """A scope's revenue target for a period, what is won, and the activity plan for the rest."""

    target: Decimal
    actual: Decimal
    currency: str | None
    plan: ActivityPlan
    remaining_days: int
    reps_without_target: tuple[str, ...] = ()  # a team's reps left out of its sum


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
    reps = {rep.id: planner.plan(rep) for rep in _reps(team)}
    return planner.team_plan(reps), reps


class _ActivityPlanner:
    """What every plan of one team and period shares: holidays, the team's history, defaults."""

    def __init__(self, session: Session, ws: Workspace, team: Team, period: Period,
                 now: datetime, default: Decimal | None = None) -> None:
        self.session, self.ws, self.team, self.period, self.now = session, ws, team, period, now
        self.hol = repo.holidays(session, team.id)
        self.remaining = working_day_progress(period, local_today(now, team.timezone),
                                              self.hol).remaining
        self.default = default if default is not None else default_win_rate(session, team)
        self.team_stats = trailing_stats(session, [m.id for m in team.members], team, now)

    def _target(self, person: Member | None) -> tuple[Decimal, Decimal, str | None] | None:
        found = target_for(self.session, self.ws, self.team, person, "revenue", self.period,
                           self.hol)
        if found is None:
            return None
        ids = [person.id] if person else [m.id for m in self.team.members]
        return found[0], actual_for(self.session, "revenue", ids, self.period,
                                    self.team.timezone), found[2]

    def plan(self, person: Member) -> PlanFigures | None:
        found = self._target(person)
        if found is None:
            return None
        target, actual, currency = found
        rates = choose_rates(trailing_stats(self.session, [person.id], self.team, self.now),
                             self.team_stats, DEFAULT_RATES, who=person.name,
                             default_win_rate=self.default)
        return PlanFigures(target, actual, currency,
                           derive_activity_plan(target - actual, 1, rates, self.remaining),
                           self.remaining)

    def team_plan(self, reps: dict[int, PlanFigures | None]) -> PlanFigures | None:
        found = self._target(None)
        if found is None:
            return None
        target, actual, currency = found
        team_rates = choose_rates(None, self.team_stats, DEFAULT_RATES,
                                  default_win_rate=self.default)
        members = [(rep.name, mine.plan) for rep in _reps(self.team)
                   if (mine := reps.get(rep.id)) is not None]
        missing = tuple(rep.name for rep in _reps(self.team) if reps.get(rep.id) is None)
        plan = (team_activity_plan(members, team_rates, self.remaining) if members
                else derive_activity_plan(target - actual, 1, team_rates, self.remaining))
        return PlanFigures(target, actual, currency, plan, self.remaining, missing)


def run_plan(args: PlanArgs, *, session: Session, actor: Actor, now: datetime) -> PlanResult:
    """Work back from the revenue still to win to the visits needed per working day."""
    ws = actor.workspace
    person = resolve_mention(session, actor, args.scope, now) if args.scope else None
    if person is None and actor.member.role.value == "rep":
        person = actor.member
    team = team_for(session, actor, person)
    period = args.period or period_containing("month", local_today(now, team.timezone))
    figures = activity_plan_for(session, ws, team, person, period, now)
    if figures is None:
        who = f"@{person.name}" if person else "team"
        raise UsageError(f"No revenue target covers {period.label} for "
                         f"{person.name if person else team.name}. Set one with "
                         f"`/target set {who} revenue 300k {period.kind}:{period.label}`.")
    return PlanResult(person.name if person else team.name, period, figures.target,
                      figures.actual, figures.currency or ws.default_currency,
                      figures.remaining_days, figures.plan, figures.reps_without_target)
