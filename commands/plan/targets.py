"""/target and /plan: targets, their decomposition to periods and reps, and the activity
plan derived from the revenue still to win."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.access import require_read_person, require_read_team
from commands.core.actors import Actor, resolve_mention, resolve_person
from commands.core.dates import local_today
from commands.core.errors import PermissionDenied, UsageError
from commands.core.fx import LeftOut, Tally, won_revenue
from commands.core.money import MAX_AMOUNT, format_value, looks_like_currency, parse_amount
from commands.core.periods import (
    Period,
    WorkingDayProgress,
    parse_period,
    period_containing,
    same_period_last_year,
    working_day_progress,
)
from commands.core.text import Mention, as_mention, choice, name_key, parse_words
from commands.deals.tally import view_timezone, visit_tally
from commands.plan.plan import (
    ActivityPlan,
    ActivityRates,
    RateStats,
    RepShare,
    Scorecard,
    allocate,
    choose_rates,
    daily_plan,
    derive_activity_plan,
    planned_between,
    scorecard,
    seasonal_shares,
    split_across_reps,
    team_activity_plan,
)
from commands.plan.rates import default_win_rate, trailing_stats
from commands.team.sales import find_team
from storage import repo
from storage.models import (
    WORKSPACE_SCOPE,
    Member,
    PeriodLock,
    Target,
    TargetChange,
    Team,
    Workspace,
)

METRICS = ("revenue", "wins", "visits", "new_customers", "opportunities")
PERIOD_OPTIONS = ("year", "quarter", "month", "week")
SET_OPTIONS = ("stretch", "challenge", "split", *PERIOD_OPTIONS)
DEFAULT_RATES = ActivityRates(avg_deal_size=Decimal(100_000), win_rate=Decimal("0.2"),
                              opportunities_per_visit=Decimal("0.25"), source="default")
# a rep's weight in split:weights: `alice:2`, `@alice:2` or a Slack mention `<@U1|alice>:2`
_WEIGHT = re.compile(r"^(<@[UW][A-Z0-9]+(?:\|[^>]*)?>|@?[^\s:<>@]+):(\d+(?:\.\d+)?)$")
CENT = Decimal("0.01")
COUNT_UNIT = Decimal("0.1")  # a count's implied share is shown to one decimal at most
MAX_SPLIT = 200  # the length of Target.split


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
    weights: tuple[tuple[Mention, Decimal], ...] = ()  # split:weights, each rep as typed


@dataclass(frozen=True)
class TargetShow:
    scope: Mention | None
    is_team: bool
    period: Period | None
    metric: str = "revenue"


@dataclass(frozen=True)
class TargetLock:
    period: Period
    scope: Mention | None = None  # a rep; None: a team (this channel's, or team:)
    team: str | None = None
    everyone: bool = False  # every team's targets (admins only)


@dataclass(frozen=True)
class PlanArgs:
    scope: Mention | None
    period: Period | None
    team: bool = False  # `/plan team`: the team's plan, also for a rep


TargetArgs = TargetSet | TargetShow | TargetLock


def _period_from(opts: dict[str, str], positionals: list[str]) -> Period | None:
    given = [f"{k}:{opts[k]}" for k in PERIOD_OPTIONS if k in opts]
    given += [p for p in positionals if re.match(r"^\d{4}", p)]
    if len(given) > 1:
        raise UsageError("Give one period, like quarter:2026-Q4 or month:2026-12.")
    return parse_period(given[0]) if given else None


def _value(metric: str, text: str, option: str) -> tuple[Decimal, str | None]:
    if metric == "revenue":
        money = parse_amount(text, option, allow_zero=option == "target")
        return money.amount, money.currency
    try:
        value = Decimal(text.replace(",", ""))
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT \
            or value != value.quantize(CENT):
        raise UsageError(f"`{text}` is not a count for {metric}; give a number like 40.")
    return value, None


def _tier(metric: str, opts: dict[str, str], option: str,
          currency: str | None) -> Decimal | None:
    """A stretch or challenge value, in the target's own currency."""
    if option not in opts:
        return None
    value, given = _value(metric, opts[option], option)
    if given and given != (currency or given):
        raise UsageError(f"`{option}:{opts[option]}` is in {given} but the target is in "
                         f"{currency}; give both in one currency.")
    return value


def parse_target(text: str) -> TargetArgs:
    """`/target set team revenue 1.2M quarter:2026-Q4`, `/target show @alice`, `/target lock`."""
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    words = parse_words(rest, SET_OPTIONS, money_options=("stretch", "challenge"))
    opts, pos = words.options, words.positionals
    if verb == "set":
        if len(pos) < 3:
            raise UsageError("Use `/target set team revenue 1.2M quarter:2026-Q4` or "
                             "`/target set @alice revenue 300k month:2026-12 stretch:360k`.")
        scope = None if pos[0].lower() == "team" else as_mention(pos[0])
        if scope is None and pos[0].lower() != "team":
            raise UsageError(f"`{pos[0]}` is not `team` or a person; mention a rep like @alice.")
        metric = choice(pos[1], METRICS, "metric")
        if metric == "revenue" and len(pos) > 3 and looks_like_currency(pos[3]):
            pos = [*pos[:2], f"{pos[2]} {pos[3]}", *pos[4:]]  # 27.9M CNY, like amount:120k EUR
        period = _period_from(opts, pos[3:])
        if period is None:
            raise UsageError("Which period? Add year:2026, quarter:2026-Q4, month:2026-12 or "
                             "week:2026-W49.")
        value, currency = _value(metric, pos[2], "target")
        stretch = _tier(metric, opts, "stretch", currency)
        challenge = _tier(metric, opts, "challenge", currency)
        weights = [p for p in pos[3:] if _WEIGHT.match(p)]
        split = _parse_split(opts.get("split"), weights)
        if scope is not None and split.startswith("weights"):
            raise UsageError("`split:weights` shares a team target among reps; use it with "
                             "`team`.")
        if split == "seasonal" and period.kind not in ("year", "quarter"):
            raise UsageError("`split:seasonal` spreads a year or a quarter over its months by "
                             "last year's actuals; use it with year: or quarter:.")
        return TargetSet(scope, metric, value, currency, period, stretch, challenge, split,
                         tuple(_weight(w) for w in weights))
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
        return _parse_lock(rest)
    raise UsageError("Use `/target set`, `/target show` or `/target lock`; `/target help` "
                     "has examples.")


def _parse_lock(rest: str) -> TargetLock:
    """`/target lock [team|@alice|all] quarter:2026-Q4 [team:"East"]`."""
    words = parse_words(rest, (*PERIOD_OPTIONS, "team"))
    opts, pos = words.options, words.positionals
    period = _period_from(opts, pos)
    if period is None:
        raise UsageError("Which period? `/target lock quarter:2026-Q4` locks your team's "
                         "targets for it.")
    scope, everyone = None, False
    for p in pos:
        if p.lower() in ("all", "everyone", "workspace"):
            everyone = True
        elif as_mention(p):
            scope = as_mention(p)
        elif p.lower() != "team" and not re.match(r"^\d{4}", p):
            raise UsageError(f"`{p}` is not team, a rep, `all` or a period: `/target lock "
                             "quarter:2026-Q4` (your team), `/target lock @alice ...` or "
                             "`/target lock all ...` (every team; admins).")
    if sum((everyone, scope is not None, "team" in opts)) > 1:
        raise UsageError("Lock one thing at a time: a team, a rep, or `all`.")
    return TargetLock(period, scope, opts.get("team") or None, everyone)


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
    return "weights"


def _weight(word: str) -> tuple[Mention, Decimal]:
    """`alice:2` as (the rep named, their weight); who they are is settled when it runs."""
    m = _WEIGHT.match(word)
    assert m is not None
    who = m.group(1)
    return as_mention(who) or Mention(None, who), Decimal(m.group(2))


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
    is_team = scope is None and any(p.lower() == "team" for p in words.positionals)
    return PlanArgs(scope, _period_from(words.options, words.positionals), is_team)


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
    left_out: tuple[LeftOut, ...] = ()  # won deals the revenue actuals could not count


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


def team_for(session: Session, actor: Actor, person: Member | None) -> Team:
    """The team a target or plan is about: the person's, else as `/sales team` finds it."""
    if person is not None:
        if person.team is None:
            raise UsageError(
                f"{person.name} is not in a team yet: `/sales team add @{person.name}`."
            )
        return person.team
    return find_team(session, actor, None)


def _require_read(actor: Actor, team: Team, person: Member | None, what: str,
                  team_command: str) -> None:
    """Refuse unless the actor may read the person's (or, without one, the team's) `what`."""
    if person is not None:
        require_read_person(actor, person, what, team_hint=team_command)
    else:
        require_read_team(actor, team, what)


def _scope_key(team: Team, person: Member | None) -> str:
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


def _as_period(t: Target) -> Period:
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
    key = _scope_key(team, person)
    covering = [t for t in repo.targets.targets_covering(session, ws.id, key, metric, period.start)
                if t.period_end >= period.end]
    if covering:
        outer = covering[-1]  # the shortest, so the nearest
        outer_p = _as_period(outer)
        whole = Decimal(outer.target_minor) / 100
        fixed = [(_as_period(t), Decimal(t.target_minor) / 100)
                 for t in repo.targets.targets_within(session, ws.id, key, metric, outer_p.start,
                                              outer_p.end) if _as_period(t) != outer_p]
        seasonal = outer.split.startswith("seasonal")
        shares = None
        if seasonal:
            ids = [person.id] if person else [m.id for m in team.members]
            shares = _month_shares(session, metric, ids, outer_p, team.timezone,
                                   outer.currency or ws.default_currency)
        daily = daily_plan(whole, outer_p, fixed, hol, shares)
        explicit = outer_p == period
        value = whole if explicit else planned_between(daily, period.start, period.end)
        return TargetPlan(value, not explicit, outer.currency, outer_p, daily,
                          shares is not None, outer.first_set_at or outer.set_at)
    if person is None:
        return None
    return _share_of_team(session, ws, team, person, metric, period, hol)


def _share_of_team(session: Session, ws: Workspace, team: Team, person: Member, metric: str,
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
        return _lock(args, session, actor, now)
    person = resolve_mention(session, actor, args.scope, now) if args.scope else None
    if isinstance(args, TargetSet):
        return _set(args, session, actor, team_for(session, actor, person), person, now)
    if person is None and not args.is_team:
        person = actor.member if actor.member.role.value == "rep" else None
    # a person's figures always come from their own team, wherever the command is run
    team = team_for(session, actor, person)
    _require_read(actor, team, person, "targets", "/target show team")
    tz = view_timezone(team, person)
    today = local_today(now, tz)
    period = args.period or period_containing("quarter", today)
    hol = repo.targets.holidays(session, team.id)
    ids = [person.id] if person else [m.id for m in team.members]
    rows = []
    currency = None
    left_out: tuple[LeftOut, ...] = ()
    for p in _pyramid(period, today):
        found = target_plan(session, ws, team, person, args.metric, p, hol)
        if found is None:
            continue
        currency = currency or found.currency
        if args.metric == "revenue":
            revenue = revenue_for(session, ids, p, tz, currency or ws.default_currency)
            actual = revenue.total
            left_out = left_out or revenue.left_out  # the longest period holds the others
        else:
            actual = actual_for(session, args.metric, ids, p, tz, today=today)
        tracked = tracking(found, p, today, hol, tz)
        rows.append(PyramidRow(p.label, p.kind, found.value, found.implied, scorecard(
            found.value, actual, elapsed_working_days=tracked.progress.elapsed,
            remaining_working_days=tracked.progress.remaining,
            cumulative_share=tracked.cumulative_share)))
    name = person.name if person else team.name
    if not rows:
        return TargetResult(f"No {args.metric} target for {name} covers {period.label} yet. "
                            f"Set one with `/target set {'@' + name if person else 'team'} "
                            f"{args.metric} ... {period.kind}:{period.label}`.", name,
                            args.metric, None)
    warnings: list[str] = []
    if person is None or actor.is_admin or actor.manages(team):
        for p in _pyramid(period, today):
            if p.kind in ("year", "quarter", "month"):
                warnings += reps_vs_team(session, ws, team, args.metric, p, hol)
    return TargetResult("", name, args.metric, currency or ws.default_currency, tuple(rows),
                        warnings=tuple(warnings), left_out=left_out)


def _set(args: TargetSet, session: Session, actor: Actor, team: Team, person: Member | None,
         now: datetime) -> TargetResult:
    ws = actor.workspace
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(f"Only a manager of {team.name} or an admin can set its targets; "
                               "`/target show` shows them.")
    lock = repo.targets.lock_covering(session, ws.id, args.period.start, args.period.end,
                              _lock_scopes(team, person))
    if lock is not None and not actor.is_admin:
        raise PermissionDenied(f"{_locked_name(session, lock)} targets for {args.period.label} "
                               "are locked; ask an admin.")
    split = _weights(session, actor, team, args, now) if args.weights else args.split
    key = _scope_key(team, person)
    minor = int(args.value * 100)
    currency = (args.currency or ws.default_currency) if args.metric == "revenue" else None
    if currency is not None:
        _one_currency(session, ws, team, person, args, currency)
    target = repo.targets.find_target(session, ws.id, key, args.metric, args.period.kind,
                              args.period.start)
    old = target.target_minor if target else None
    if target is None:
        target = Target(workspace_id=ws.id, team_id=team.id,
                        member_id=person.id if person else None, scope_key=key,
                        metric=args.metric, period_kind=args.period.kind,
                        period_start=args.period.start, period_end=args.period.end,
                        target_minor=minor, set_by_id=actor.member.id, set_at=now,
                        first_set_at=now)
        session.add(target)
    target.target_minor = minor
    target.stretch_minor = int(args.stretch * 100) if args.stretch is not None else None
    target.challenge_minor = int(args.challenge * 100) if args.challenge is not None else None
    target.currency, target.split, target.set_by_id, target.set_at = (
        currency, split, actor.member.id, now)
    session.flush()
    if lock is not None:
        session.add(TargetChange(target_id=target.id, old_minor=old, new_minor=minor,
                                 changed_by_id=actor.member.id, changed_at=now))
    warnings = _sum_checks(session, ws, key, args.metric, args.period)
    warnings += reps_vs_team(session, ws, team, args.metric, args.period,
                             repo.targets.holidays(session, team.id))
    name = person.name if person else team.name
    shares: tuple[tuple[str, Decimal], ...] = ()
    if person is None:
        shares = tuple((m.name, s) for m, s in rep_shares(target, team))
    tiers = "".join(f", {label} {format_value(v, args.metric, currency)}"
                    for label, v in (("stretch", args.stretch), ("challenge", args.challenge))
                    if v)
    message = (f"Set {name}'s {args.metric} target for {args.period.label}: "
               f"{format_value(args.value, args.metric, currency)}{tiers}."
               + (" (Period locked: change recorded.)" if lock else ""))
    return TargetResult(message, name, args.metric, currency, rep_shares=shares,
                        warnings=tuple(warnings))


def _one_currency(session: Session, ws: Workspace, team: Team, person: Member | None,
                  args: TargetSet, currency: str) -> None:
    """Refuse a revenue target in another currency than the team's and its reps' targets
    for an overlapping period: a team's figures add up its reps', and never two currencies."""
    keys = [_scope_key(team, None), *(_scope_key(team, rep) for rep in _reps(team))]
    me = _scope_key(team, person)
    for other in repo.targets.targets_overlapping(session, ws.id, keys, "revenue",
                                                  args.period.start,
                                          args.period.end):
        if other.currency is None or other.currency == currency:
            continue
        if (other.scope_key, other.period_kind, other.period_start) == (
                me, args.period.kind, args.period.start):
            continue  # the target this one replaces
        rep = session.get(Member, other.member_id) if other.member_id is not None else None
        whose = rep.name if rep is not None else team.name
        who = f"@{person.name}" if person else "team"
        value = args.value.to_integral_value() if args.value == args.value.to_integral_value() \
            else args.value
        raise UsageError(
            f"{whose}'s revenue target for {_as_period(other).label} is in {other.currency}, so "
            f"this one must be too: {team.name}'s figures add up its reps' in one currency. Set "
            f"it in {other.currency} (`/target set {who} revenue {value:f} {other.currency} "
            f"{args.period.kind}:{args.period.label}`), or change {whose}'s first.")


def _lock(args: TargetLock, session: Session, actor: Actor, now: datetime) -> TargetResult:
    """Freeze one team's (or rep's) targets for a period; every team's only when asked."""
    ws = actor.workspace
    if args.everyone:
        if not actor.is_admin:
            raise PermissionDenied("Only an admin can lock every team's targets; "
                                   "`/target lock quarter:2026-Q4` locks your team's.")
        key, name = WORKSPACE_SCOPE, "every team's"
    else:
        person = resolve_mention(session, actor, args.scope, now) if args.scope else None
        team = team_for(session, actor, person) if person else find_team(session, actor,
                                                                          args.team)
        if not (actor.is_admin or actor.manages(team)):
            raise PermissionDenied(f"Only a manager of {team.name} or an admin can lock its "
                                   "targets.")
        key, name = _scope_key(team, person), f"{person.name if person else team.name}'s"
    p = args.period
    if repo.targets.lock_covering(session, ws.id, p.start, p.end, [key]) is not None:
        return TargetResult(f"{name[0].upper()}{name[1:]} targets for {p.label} are already "
                            "locked.", "", "", None)
    session.add(PeriodLock(workspace_id=ws.id, scope_key=key, period_kind=p.kind,
                           period_start=p.start, period_end=p.end,
                           locked_by_id=actor.member.id, locked_at=now))
    session.flush()
    return TargetResult(f"Locked {name} targets for {p.label}. Only admins can change them "
                        "now, and every change is recorded.", "", "", None)


def _lock_scopes(team: Team, person: Member | None) -> list[str]:
    """The locks that freeze a target: the workspace's, its team's, and its rep's own."""
    return [WORKSPACE_SCOPE, f"team:{team.id}", *([f"member:{person.id}"] if person else [])]


def _locked_name(session: Session, lock: PeriodLock) -> str:
    kind, _, ident = lock.scope_key.partition(":")
    if kind == "team":
        found = session.get(Team, int(ident))
        return f"{found.name}'s" if found else "These"
    if kind == "member":
        who = session.get(Member, int(ident))
        return f"{who.name}'s" if who else "These"
    return "Every team's"


def _weights(session: Session, actor: Actor, team: Team, args: TargetSet,
             now: datetime) -> str:
    """`split:weights` as stored: every rep of the team, each named once, with a weight.

    A name that is not one of the team's reps is refused, and so is a rep left out: either
    would silently give someone a share of 0.
    """
    reps = _reps(team)
    given: dict[int, tuple[Member, Decimal]] = {}
    for mention, weight in args.weights:
        rep = resolve_person(session, actor, mention, now, among=reps,
                             where=f"a rep of {team.name}")
        if rep.id in given:
            raise UsageError(f"{rep.name} is given two weights; give each rep one.")
        given[rep.id] = (rep, weight)
    missing = [m.name for m in reps if m.id not in given]
    if missing:
        raise UsageError(f"Give every rep of {team.name} a weight: {', '.join(missing)} "
                         f"{'has' if len(missing) == 1 else 'have'} none (`{missing[0]}:0` "
                         "leaves a rep out).")
    split = "weights " + " ".join(f"{name_key(m.name)}:{w}" for m, w in given.values())
    if len(split) > MAX_SPLIT:
        raise UsageError(f"These weights are too long to keep ({len(split)} characters; at "
                         f"most {MAX_SPLIT}). Use shorter weights, or split evenly.")
    return split


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
    for rep in _reps(team):
        key = _scope_key(team, rep)
        if not any(t.period_end >= period.end for t in
                   repo.targets.targets_covering(session, ws.id, key, metric, period.start)):
            continue
        mine = target_plan(session, ws, team, rep, metric, period, hol)
        share = _share_of_team(session, ws, team, rep, metric, period, hol)
        if mine is not None:
            own.append((rep, mine.value, share.value if share else Decimal(0)))
    gap = sum((v - s for _, v, s in own), Decimal(0)).quantize(CENT)
    if not gap:
        return []
    team_value = team_plan.value.quantize(CENT)

    def fmt(value: Decimal) -> str:
        return format_value(value, metric, team_plan.currency)

    detail = "; ".join(f"{rep.name} has {fmt(v)} of their own instead of a {fmt(s)} share"
                       for rep, v, s in own if v != s)
    return [f"The reps' {metric} targets for {period.label} add up to "
            f"{fmt(team_value + gap)}, {fmt(abs(gap))} {'more' if gap > 0 else 'less'} than "
            f"{team.name}'s {fmt(team_value)} ({detail})."]


def _sum_checks(session: Session, ws: Workspace, key: str, metric: str,
                period: Period) -> list[str]:
    """Say how explicit sub-period targets relate to their enclosing target."""
    # All months set: do they add up? Some set: the others now share what is left.
    out = []
    for outer in repo.targets.targets_covering(session, ws.id, key, metric, period.start):
        if outer.period_kind == period.kind or outer.period_kind not in ("year", "quarter"):
            continue
        # amounts with their currency, as every other reply writes them ("500,000 USD")
        currency = outer.currency or ws.default_currency

        def fmt(value: Decimal, currency: str = currency) -> str:
            return format_value(value, metric, currency)

        outer_p = _as_period(outer)
        kids = outer_p.children()
        explicit = [repo.targets.find_target(session, ws.id, key, metric, k.kind,
                                             k.start) for k in kids]
        whole = Decimal(outer.target_minor) / 100
        total = Decimal(sum(t.target_minor for t in explicit if t is not None)) / 100
        kind = kids[0].kind
        if all(t is not None for t in explicit):
            if total != whole:
                out.append(f"The {kind}s of {outer_p.label} add up to {fmt(total)}, "
                           f"not {fmt(whole)}.")
        elif any(t is not None for t in explicit):
            rest = [k.label for k, t in zip(kids, explicit, strict=True) if t is None]
            left = whole - total
            if left < 0:
                out.append(f"The {kind}s set so far add up to {fmt(total)}, more than "
                           f"{outer_p.label}'s {fmt(whole)}.")
            else:
                out.append(f"{', '.join(rest)} now share the remaining {fmt(left)} of "
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
    reps = {rep.id: planner.plan(rep) for rep in _reps(team)}
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
        ids = [person.id] if person else [m.id for m in self.team.members]
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
        members = [(rep.name, mine.plan) for rep in _reps(self.team)
                   if (mine := reps.get(rep.id)) is not None]
        missing = tuple(rep.name for rep in _reps(self.team) if reps.get(rep.id) is None)
        plan = (team_activity_plan(members, team_rates, self.remaining) if members
                else derive_activity_plan(target - actual, 1, team_rates, self.remaining))
        return PlanFigures(target, actual, currency, plan, self.remaining, missing,
                           won.left_out)


def run_plan(args: PlanArgs, *, session: Session, actor: Actor, now: datetime) -> PlanResult:
    """Work back from the revenue still to win to the visits needed per working day."""
    ws = actor.workspace
    person = resolve_mention(session, actor, args.scope, now) if args.scope else None
    if person is None and not args.team and actor.member.role.value == "rep":
        person = actor.member
    team = team_for(session, actor, person)
    _require_read(actor, team, person, "plan", "/plan team")
    period = args.period or period_containing("month", local_today(now, team.timezone))
    figures = activity_plan_for(session, ws, team, person, period, now)
    if figures is None:
        who = f"@{person.name}" if person else "team"
        raise UsageError(f"No revenue target covers {period.label} for "
                         f"{person.name if person else team.name}. Set one with "
                         f"`/target set {who} revenue 300k {period.kind}:{period.label}`.")
    return PlanResult(person.name if person else team.name, period, figures.target,
                      figures.actual, figures.currency or ws.default_currency,
                      figures.remaining_days, figures.plan, left_out=figures.left_out,
                      reps_without_target=figures.reps_without_target)
