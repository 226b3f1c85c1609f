"""/target: set, show and lock targets (the pyramid of a period down to today)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.actors import Actor, resolve_mention, resolve_person
from commands.core.aliases import shown_option, shown_value
from commands.core.dates import local_today
from commands.core.errors import PermissionDenied, UsageError
from commands.core.fx import LeftOut
from commands.core.i18n import N_, listed, t, tn
from commands.core.money import CENT, MAX_AMOUNT, format_value, looks_like_currency, parse_amount
from commands.core.periods import (
    Period,
    parse_period,
    period_containing,
)
from commands.core.text import Mention, as_mention, choice, name_key, parse_words
from commands.deals.tally import view_timezone
from commands.plan.names import metric_name, period_name
from commands.plan.scorecard import Scorecard, scorecard
from commands.plan.target_plan import (
    actual_for,
    member_ids,
    person_in_view,
    rep_shares,
    reps_of,
    reps_vs_team,
    require_read_scope,
    revenue_for,
    scope_key,
    target_period,
    target_plan,
    team_for,
    tracking,
)
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
# a rep's weight in split:weights: `alice:2`, `@alice:2` or a Slack mention `<@U1|alice>:2`
_WEIGHT = re.compile(r"^(<@[UW][A-Z0-9]+(?:\|[^>]*)?>|@?[^\s:<>@]+):(\d+(?:\.\d+)?)$")
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


TargetArgs = TargetSet | TargetShow | TargetLock


def period_from(opts: dict[str, str], positionals: list[str]) -> Period | None:
    given = [f"{k}:{opts[k]}" for k in PERIOD_OPTIONS if k in opts]
    given += [p for p in positionals if re.match(r"^\d{4}", p)]
    if len(given) > 1:
        raise UsageError(t("Give one period, like quarter:2026-Q4 or month:2026-12."))
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
        raise UsageError(t("`{text}` is not a count for {metric}; give a number like 40.",
                           text=text, metric=metric_name(metric)))
    return value, None


def _tier(metric: str, opts: dict[str, str], option: str,
          currency: str | None) -> Decimal | None:
    """A stretch or challenge value, in the target's own currency."""
    if option not in opts:
        return None
    value, given = _value(metric, opts[option], option)
    if given and given != (currency or given):
        raise UsageError(t("`{option}:{value}` is in {given} but the target is in "
                           "{currency}; give both in one currency.",
                           option=shown_option(option),
                           value=opts[option], given=given, currency=currency))
    return value


def parse_target(text: str) -> TargetArgs:
    """`/target set team revenue 1.2M quarter:2026-Q4`, `/target show @alice`, `/target lock`."""
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    words = parse_words(rest, SET_OPTIONS, money_options=("stretch", "challenge"))
    opts, pos = words.options, words.positionals
    if verb == "set":
        if len(pos) < 3:
            raise UsageError(t("Use `/target set team revenue 1.2M quarter:2026-Q4` or "
                               "`/target set @alice revenue 300k month:2026-12 stretch:360k`."))
        scope = None if pos[0].lower() == "team" else as_mention(pos[0])
        if scope is None and pos[0].lower() != "team":
            raise UsageError(t("`{word}` is not `team` or a person; mention a rep like @alice.",
                               word=pos[0]))
        metric = choice(pos[1], METRICS, "metric")
        if metric == "revenue" and len(pos) > 3 and looks_like_currency(pos[3]):
            pos = [*pos[:2], f"{pos[2]} {pos[3]}", *pos[4:]]  # 27.9M CNY, like amount:120k EUR
        period = period_from(opts, pos[3:])
        if period is None:
            raise UsageError(t("Which period? Add year:2026, quarter:2026-Q4, month:2026-12 or "
                               "week:2026-W49."))
        value, currency = _value(metric, pos[2], "target")
        stretch = _tier(metric, opts, "stretch", currency)
        challenge = _tier(metric, opts, "challenge", currency)
        weights = [p for p in pos[3:] if _WEIGHT.match(p)]
        split = _parse_split(opts.get("split"), weights)
        if scope is not None and split.startswith("weights"):
            raise UsageError(t("`split:weights` shares a team target among reps; use it with "
                               "`team`."))
        if split == "seasonal" and period.kind not in ("year", "quarter"):
            raise UsageError(t("`split:seasonal` spreads a year or a quarter over its months "
                               "by last year's actuals; use it with year: or quarter:."))
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
                raise UsageError(t("`{word}` is not team, a person, a metric or a period.",
                                   word=p))
        metric = next((p.lower() for p in pos if p.lower() in METRICS), "revenue")
        return TargetShow(scope, is_team, period_from(opts, pos), metric)
    if verb == "lock":
        return _parse_lock(rest)
    raise UsageError(t("Use `/target set`, `/target show` or `/target lock`; `/target help` "
                       "has examples."))


def _parse_lock(rest: str) -> TargetLock:
    """`/target lock [team|@alice|all] quarter:2026-Q4 [team:"East"]`."""
    words = parse_words(rest, (*PERIOD_OPTIONS, "team"))
    opts, pos = words.options, words.positionals
    period = period_from(opts, pos)
    if period is None:
        raise UsageError(t("Which period? `/target lock quarter:2026-Q4` locks your team's "
                           "targets for it."))
    scope, everyone = None, False
    for p in pos:
        if p.lower() in ("all", "everyone", "workspace"):
            everyone = True
        elif as_mention(p):
            scope = as_mention(p)
        elif p.lower() != "team" and not re.match(r"^\d{4}", p):
            raise UsageError(t("`{word}` is not team, a rep, `all` or a period: `/target lock "
                               "quarter:2026-Q4` (your team), `/target lock @alice ...` or "
                               "`/target lock all ...` (every team; admins).", word=p))
    if sum((everyone, scope is not None, "team" in opts)) > 1:
        raise UsageError(t("Lock one thing at a time: a team, a rep, or `all`."))
    return TargetLock(period, scope, opts.get("team") or None, everyone)


def _parse_split(value: str | None, weights: list[str]) -> str:
    if value is None:
        if weights:
            raise UsageError(t("Weights go with split:weights, like "
                               "`split:weights alice:2 bob:1`."))
        return "even"
    kind = choice(value, ("even", "weights", "seasonal"), "split")
    if kind != "weights":
        return kind
    if not weights:
        raise UsageError(t("Give each rep a weight: `split:weights alice:2 bob:1`."))
    return "weights"


def _weight(word: str) -> tuple[Mention, Decimal]:
    """`alice:2` as (the rep named, their weight); who they are is settled when it runs."""
    m = _WEIGHT.match(word)
    assert m is not None
    who = m.group(1)
    return as_mention(who) or Mention(None, who), Decimal(m.group(2))


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
    if isinstance(args, TargetSet):
        person = resolve_mention(session, actor, args.scope, now) if args.scope else None
        return _set(args, session, actor, team_for(session, actor, person), person, now)
    person = person_in_view(session, actor, args.scope, now, team=args.is_team)
    # a person's figures always come from their own team, wherever the command is run
    team = team_for(session, actor, person)
    require_read_scope(actor, team, person, N_("targets"), "/target show team")
    tz = view_timezone(team, person)
    today = local_today(now, tz)
    period = args.period or period_containing("quarter", today)
    hol = repo.targets.holidays(session, team.id)
    ids = member_ids(team, person)
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
        rows.append(PyramidRow(period_name(p), p.kind, found.value, found.implied, scorecard(
            found.value, actual, elapsed_working_days=tracked.progress.elapsed,
            remaining_working_days=tracked.progress.remaining,
            cumulative_share=tracked.cumulative_share)))
    name = person.name if person else team.name
    if not rows:
        return TargetResult(t("No {metric} target for {name} covers {period} yet. Set one "
                              "with `/target set {who} {key} ... {kind}:{label}`.",
                              metric=metric_name(args.metric), name=name,
                              period=period_name(period), who='@' + name if person else 'team',
                              key=shown_value('metric', args.metric),
                              kind=shown_option(period.kind), label=period.label), name,
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
        raise PermissionDenied(t("Only a manager of {team} or an admin can set its targets; "
                                 "`/target show` shows them.", team=team.name))
    lock = repo.targets.lock_covering(session, ws.id, args.period.start, args.period.end,
                              _lock_scopes(team, person))
    if lock is not None and not actor.is_admin:
        raise PermissionDenied(_locked_message(session, lock, args.period))
    split = _weights(session, actor, team, args, now) if args.weights else args.split
    key = scope_key(team, person)
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
    tiers = "".join(tier.format(value=format_value(v, args.metric, currency))
                    for tier, v in ((t(", stretch {value}"), args.stretch),
                                    (t(", challenge {value}"), args.challenge))
                    if v)
    message = (t("Set {name}'s {metric} target for {period}: {value}{tiers}.", name=name,
                 metric=metric_name(args.metric), period=period_name(args.period),
                 value=format_value(args.value, args.metric, currency), tiers=tiers)
               + (t(" (Period locked: change recorded.)") if lock else ""))
    return TargetResult(message, name, args.metric, currency, rep_shares=shares,
                        warnings=tuple(warnings))


def _one_currency(session: Session, ws: Workspace, team: Team, person: Member | None,
                  args: TargetSet, currency: str) -> None:
    """Refuse a revenue target in another currency than the team's and its reps' targets
    for an overlapping period: a team's figures add up its reps', and never two currencies."""
    keys = [scope_key(team, None), *(scope_key(team, rep) for rep in reps_of(team))]
    me = scope_key(team, person)
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
        raise UsageError(t(
            "{whose}'s revenue target for {period} is in {currency}, so this one must be too: "
            "{team}'s figures add up its reps' in one currency. Set it in {currency} "
            "(`/target set {who} revenue {value} {currency} {kind}:{label}`), or change "
            "{whose}'s first.", whose=whose, period=period_name(target_period(other)),
            currency=other.currency, team=team.name, who=who, value=f"{value:f}",
            kind=shown_option(args.period.kind), label=args.period.label))


def _lock(args: TargetLock, session: Session, actor: Actor, now: datetime) -> TargetResult:
    """Freeze one team's (or rep's) targets for a period; every team's only when asked."""
    ws = actor.workspace
    if args.everyone:
        if not actor.is_admin:
            raise PermissionDenied(t("Only an admin can lock every team's targets; "
                                     "`/target lock quarter:2026-Q4` locks your team's."))
        key, whose = WORKSPACE_SCOPE, None
    else:
        person = resolve_mention(session, actor, args.scope, now) if args.scope else None
        team = team_for(session, actor, person) if person else find_team(session, actor,
                                                                          args.team)
        if not (actor.is_admin or actor.manages(team)):
            raise PermissionDenied(t("Only a manager of {team} or an admin can lock its "
                                     "targets.", team=team.name))
        key, whose = scope_key(team, person), person.name if person else team.name
    p = args.period
    if repo.targets.lock_covering(session, ws.id, p.start, p.end, [key]) is not None:
        return TargetResult(t("Every team's targets for {period} are already locked.",
                              period=period_name(p)) if whose is None else
                            t("{name}'s targets for {period} are already locked.",
                              name=_capitalized(whose), period=period_name(p)), "", "", None)
    session.add(PeriodLock(workspace_id=ws.id, scope_key=key, period_kind=p.kind,
                           period_start=p.start, period_end=p.end,
                           locked_by_id=actor.member.id, locked_at=now))
    session.flush()
    return TargetResult(t("Locked every team's targets for {period}. Only admins can change "
                          "them now, and every change is recorded.", period=period_name(p))
                        if whose is None else
                        t("Locked {name}'s targets for {period}. Only admins can change them "
                          "now, and every change is recorded.", name=whose,
                          period=period_name(p)), "", "", None)


def _capitalized(name: str) -> str:
    return f"{name[0].upper()}{name[1:]}"


def _lock_scopes(team: Team, person: Member | None) -> list[str]:
    """The locks that freeze a target: the workspace's, its team's, and its rep's own."""
    return [WORKSPACE_SCOPE, f"team:{team.id}", *([f"member:{person.id}"] if person else [])]


def _locked_message(session: Session, lock: PeriodLock, period: Period) -> str:
    """Why a target cannot be set: whose targets for the period are locked."""
    kind, _, ident = lock.scope_key.partition(":")
    found = session.get(Team, int(ident)) if kind == "team" else \
        session.get(Member, int(ident)) if kind == "member" else None
    if found is not None:
        return t("{name}'s targets for {period} are locked; ask an admin.", name=found.name,
                 period=period_name(period))
    if kind in ("team", "member"):
        return t("These targets for {period} are locked; ask an admin.",
                 period=period_name(period))
    return t("Every team's targets for {period} are locked; ask an admin.",
             period=period_name(period))


def _weights(session: Session, actor: Actor, team: Team, args: TargetSet,
             now: datetime) -> str:
    """`split:weights` as stored: every rep of the team, each named once, with a weight.

    A name that is not one of the team's reps is refused, and so is a rep left out: either
    would silently give someone a share of 0.
    """
    reps = reps_of(team)
    given: dict[int, tuple[Member, Decimal]] = {}
    for mention, weight in args.weights:
        rep = resolve_person(session, actor, mention, now, among=reps,
                             where=t("a rep of {team}", team=team.name))
        if rep.id in given:
            raise UsageError(t("{name} is given two weights; give each rep one.",
                               name=rep.name))
        given[rep.id] = (rep, weight)
    missing = [m.name for m in reps if m.id not in given]
    if missing:
        raise UsageError(tn("Give every rep of {team} a weight: {names} has none "
                            "(`{first}:0` leaves a rep out).",
                            "Give every rep of {team} a weight: {names} have none "
                            "(`{first}:0` leaves a rep out).", len(missing), team=team.name,
                            names=_names(missing), first=missing[0]))
    split = "weights " + " ".join(f"{name_key(m.name)}:{w}" for m, w in given.values())
    if len(split) > MAX_SPLIT:
        raise UsageError(t("These weights are too long to keep ({length} characters; at "
                           "most {limit}). Use shorter weights, or split evenly.",
                           length=len(split), limit=MAX_SPLIT))
    return split


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

        outer_p = target_period(outer)
        kids = outer_p.children()
        explicit = [repo.targets.find_target(session, ws.id, key, metric, k.kind,
                                             k.start) for k in kids]
        whole = Decimal(outer.target_minor) / 100
        total = Decimal(sum(t.target_minor for t in explicit if t is not None)) / 100
        months = kids[0].kind == "month"
        if all(x is not None for x in explicit):
            if total != whole:
                out.append((t("The months of {period} add up to {total}, not {whole}.")
                            if months else
                            t("The quarters of {period} add up to {total}, not {whole}."))
                           .format(period=period_name(outer_p), total=fmt(total),
                                   whole=fmt(whole)))
        elif any(x is not None for x in explicit):
            rest = [period_name(k) for k, x in zip(kids, explicit, strict=True) if x is None]
            left = whole - total
            if left < 0:
                out.append((t("The months set so far add up to {total}, more than {period}'s "
                              "{whole}.") if months else
                            t("The quarters set so far add up to {total}, more than "
                              "{period}'s {whole}."))
                           .format(total=fmt(total), period=period_name(outer_p),
                                   whole=fmt(whole)))
            else:
                out.append(t("{periods} now share the remaining {left} of {period}.",
                             periods=_names(rest), left=fmt(left),
                             period=period_name(outer_p)))
    return out




def _names(names: list[str]) -> str:
    """alice, bob (alice、bob in Chinese)."""
    return listed(names)
