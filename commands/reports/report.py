"""/sales report and /sales leaderboard: the scorecard of a period, and reps ranked on it.

The numbers come from SQL aggregates (storage.repo); the analytics on top are pandas
functions that take frames and return frames, with no session and no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from commands.core.access import deal_owners_named, require_read_person, require_read_team
from commands.core.actors import Actor, resolve_mention
from commands.core.dates import local_today
from commands.core.errors import UsageError
from commands.core.fx import Counted, LeftOut, closed_since
from commands.core.i18n import N_, t
from commands.core.periods import Period, parse_period, period_containing, working_day_progress
from commands.core.text import Mention, as_mention, choice, parse_words
from commands.deals.tally import view_timezone, visit_tally
from commands.plan.activity import TRAILING_DAYS, win_rate, win_rate_by_value
from commands.plan.scorecard import Scorecard, leaderboard, scorecard
from commands.plan.target_plan import (
    actual_for,
    member_ids,
    period_bounds,
    reps_of,
    revenue_for,
    target_plan,
    team_for,
    tracking,
)
from commands.plan.targets import METRICS, PERIOD_OPTIONS
from commands.team.sales import find_team
from storage import repo
from storage.models import Member, Role, Team

PERIOD_WORDS = ("week", "month", "quarter", "year")
STALE_DAYS = 14
TOP_MOVES = 5


@dataclass(frozen=True)
class ReportArgs:
    scope: Mention | None = None
    team: bool = False
    team_name: str | None = None
    period_kind: str = "month"
    period: Period | None = None


@dataclass(frozen=True)
class LeaderboardArgs:
    metric: str = "revenue"
    period_kind: str = "month"
    period: Period | None = None
    team_name: str | None = None


def _period_args(words: list[str], opts: dict[str, str]) -> tuple[str, Period | None]:
    given = [f"{k}:{opts[k]}" for k in PERIOD_OPTIONS if k in opts]
    given += [w for w in words if re.match(r"^\d{4}", w)]
    if len(given) > 1:
        raise UsageError(t("Give one period, like month or month:2026-12."))
    kinds = [w.lower() for w in words if w.lower() in PERIOD_WORDS]
    if len(kinds) > 1 or (kinds and given):
        raise UsageError(t("Give one period, like month or month:2026-12."))
    if given:
        period = parse_period(given[0])
        return period.kind, period
    return (kinds[0] if kinds else "month"), None


def parse_report(text: str) -> ReportArgs:
    """`/sales report [week|month|quarter|year|month:2026-12] [@rep|team] [team:"East"]`."""
    words = parse_words(text, (*PERIOD_OPTIONS, "team"))
    scope, is_team = None, False
    for w in words.positionals:
        if as_mention(w):
            scope = as_mention(w)
        elif w.lower() == "team":
            is_team = True
        elif w.lower() not in PERIOD_WORDS and not re.match(r"^\d{4}", w):
            raise UsageError(t("`{word}` is not a period, a person or `team`; try "
                               "`/sales report month @alice`.", word=w))
    kind, period = _period_args(words.positionals, words.options)
    return ReportArgs(scope, is_team, words.options.get("team"), kind, period)


def parse_leaderboard(text: str) -> LeaderboardArgs:
    """`/sales leaderboard [metric] [week|month|quarter|year|month:2026-12] [team:"East"]`."""
    words = parse_words(text, (*PERIOD_OPTIONS, "team"))
    metric = "revenue"
    rest = []
    for w in words.positionals:
        if w.lower() in PERIOD_WORDS or re.match(r"^\d{4}", w):
            rest.append(w)
        else:
            metric = choice(w, METRICS, "metric")
    kind, period = _period_args(rest, words.options)
    return LeaderboardArgs(metric, kind, period, words.options.get("team"))


# --- pandas analytics -----------------------------------------------------------------------


def median_cycle_days(cycles: pd.DataFrame) -> Decimal | None:
    """Median days from created to won; `cycles` has columns created_at and closed_at."""
    if cycles.empty:
        return None
    days = (pd.to_datetime(cycles["closed_at"], utc=True)
            - pd.to_datetime(cycles["created_at"], utc=True)).dt.total_seconds() / 86400
    median = Decimal(str(round(float(days.median()), 1)))
    # a whole number of days reads as one (18 days), not 18.0
    return median.to_integral_value() if median == median.to_integral_value() else median


def stage_funnel(reach: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """Stage-to-stage conversion from how far each deal got.

    `reach` has columns position (the furthest funnel position a deal reached, 0-based in
    `stages`) and deals. Returns stage, reached (deals that got to it or further), next
    (deals that went on to the next stage) and conversion (next / reached, a Decimal or None)
    for every stage but the last.
    """
    counts = {int(p): int(n) for p, n in zip(reach["position"], reach["deals"], strict=True)}
    reached = [sum(n for p, n in counts.items() if p >= i) for i in range(len(stages))]
    rows = []
    for i, stage in enumerate(stages[:-1]):
        conversion = Decimal(reached[i + 1]) / reached[i] if reached[i] else None
        rows.append({"stage": stage, "reached": reached[i], "next": reached[i + 1],
                     "conversion": conversion})
    return pd.DataFrame(rows, columns=["stage", "reached", "next", "conversion"])


def top_moves(moves: pd.DataFrame, limit: int = TOP_MOVES) -> pd.DataFrame:
    """The biggest deals that changed stage, one row per deal: first from, last to.

    `moves` has columns ref, name, amount, currency, from_stage, to_stage, at.
    """
    columns = ["ref", "name", "amount", "currency", "from_stage", "to_stage"]
    if moves.empty:
        return pd.DataFrame(columns=columns)
    ordered = moves.sort_values("at", kind="stable")
    per_deal = ordered.groupby("ref", sort=False).agg(
        name=("name", "first"), amount=("amount", "first"), currency=("currency", "first"),
        from_stage=("from_stage", "first"), to_stage=("to_stage", "last"))
    per_deal = per_deal.reset_index()
    per_deal["_key"] = per_deal["amount"].map(Decimal)
    per_deal = per_deal.sort_values(["_key", "ref"], ascending=[False, True], kind="stable")
    return per_deal[columns].head(limit).reset_index(drop=True)


# --- running --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricLine:
    metric: str
    target: Decimal | None
    actual: Decimal
    score: Scorecard | None


@dataclass(frozen=True)
class ReportResult:
    scope_name: str
    period: Period
    currency: str
    working_days: tuple[int, int]  # elapsed, total
    metrics: tuple[MetricLine, ...]
    won: int
    lost: int
    win_rate_count: Decimal | None
    win_rate_value: Decimal | None
    median_cycle_days: Decimal | None
    funnel: tuple[tuple[str, int, int, Decimal | None], ...]
    moves: tuple[tuple[str, str, Decimal, str, str, str], ...]
    stale_count: int
    stale: tuple[tuple[str, str, Decimal, str, date | None], ...]
    visits_by_tier: tuple[tuple[str, int], ...]
    left_out: tuple[LeftOut, ...] = ()  # won deals the revenue figure could not count, and why
    converted: tuple[Counted, ...] = ()  # won deals counted through an exchange rate
    # closed deals the win rate by value could not count (another currency, no rate)
    value_left_out: tuple[LeftOut, ...] = ()


@dataclass(frozen=True)
class LeaderboardResult:
    team_name: str
    metric: str
    period: Period
    currency: str
    rows: tuple[tuple[int, str, Decimal | None, Decimal, Decimal | None], ...]
    # rank, rep, target, actual, attainment
    left_out: tuple[LeftOut, ...] = ()  # won deals the revenue figures could not count


def _period(kind: str, given: Period | None, today: date) -> Period:
    return given or period_containing(kind, today)  # type: ignore[arg-type]


def _scope(session: Session, actor: Actor, args: ReportArgs,
           now: datetime) -> tuple[Team, Member | None]:
    """The team and person (None: the whole team) the report is about, if the actor may
    read them."""
    if args.scope is not None:
        person = resolve_mention(session, actor, args.scope, now)
        require_read_person(actor, person, N_("scorecard"), team_hint="/sales report team")
        return team_for(session, actor, person), person
    if args.team or args.team_name:
        team = find_team(session, actor, args.team_name)
    elif actor.member.role == Role.REP:
        return team_for(session, actor, actor.member), actor.member
    else:
        team = find_team(session, actor, None)
    require_read_team(actor, team, N_("report"))
    return team, None


def run_report(args: ReportArgs, *, session: Session, actor: Actor,
               now: datetime) -> ReportResult:
    """Build the scorecard of one rep or team for a period."""
    ws = actor.workspace
    team, person = _scope(session, actor, args, now)
    ids = member_ids(team, person)
    tz = view_timezone(team, person)
    today = local_today(now, tz)
    period = _period(args.period_kind, args.period, today)
    hol = repo.targets.holidays(session, team.id)
    progress = working_day_progress(period, today, hol)
    currency = ws.default_currency
    lines = []
    left_out: tuple[LeftOut, ...] = ()
    converted: tuple[Counted, ...] = ()
    for metric in METRICS:
        found = target_plan(session, ws, team, person, metric, period, hol)
        if metric == "revenue":
            # revenue toward a target counts in the target's currency
            currency = (found.currency if found is not None else None) or currency
            revenue = revenue_for(session, ids, period, tz, currency)
            actual, left_out, converted = revenue.total, revenue.left_out, revenue.counted
        else:
            actual = actual_for(session, metric, ids, period, tz, today=today)
        if found is None:
            lines.append(MetricLine(metric, None, actual, None))
            continue
        tracked = tracking(found, period, today, hol, tz)
        lines.append(MetricLine(metric, found.value, actual, scorecard(
            found.value, actual, elapsed_working_days=tracked.progress.elapsed,
            remaining_working_days=tracked.progress.remaining,
            cumulative_share=tracked.cumulative_share)))
    since = now - timedelta(days=TRAILING_DAYS)
    closed = closed_since(session, ws.id, ids, since, currency)
    cycles = pd.DataFrame(repo.closed.won_cycles(session, ids, since),
                          columns=["created_at", "closed_at"])
    stages = [s.name for s in repo.deals.stages(session, ws.id) if not s.is_lost]
    reach = pd.DataFrame(repo.funnel.stage_reach(session, ids, since),
                         columns=["position", "deals"])
    funnel = stage_funnel(reach, stages)
    start_at, end_at = period_bounds(period, tz)
    named = deal_owners_named(session, actor.member, team, ids)
    moves = pd.DataFrame(
        [(f"D-{n}", nm, Decimal(a) / 100, c, o, w, t)
         for n, nm, a, c, o, w, t in repo.funnel.stage_moves(session, named, start_at, end_at)],
        columns=["ref", "name", "amount", "currency", "from_stage", "to_stage", "at"])
    top = top_moves(moves)
    cutoff = today - timedelta(days=STALE_DAYS)
    stale_count, stale = repo.deals.stale_deals(session, ids, cutoff,
                                                now - timedelta(days=STALE_DAYS))
    if named != ids:
        _, stale = repo.deals.stale_deals(session, named, cutoff, now - timedelta(days=STALE_DAYS))
    tiers = visit_tally(session, ids, period, today)
    return ReportResult(
        scope_name=person.name if person else team.name,
        period=period,
        currency=currency,
        working_days=(progress.elapsed, progress.total),
        metrics=tuple(lines),
        won=closed.won_count,
        lost=closed.lost_count,
        win_rate_count=win_rate(closed.won_count, closed.lost_count),
        win_rate_value=win_rate_by_value(closed.won.total, closed.lost.total),
        median_cycle_days=median_cycle_days(cycles),
        funnel=tuple((r["stage"], int(r["reached"]), int(r["next"]), r["conversion"])
                     for r in funnel.to_dict("records")),
        moves=tuple((r["ref"], r["name"], r["amount"], r["currency"], str(r["from_stage"]),
                     str(r["to_stage"])) for r in top.to_dict("records")),
        stale_count=stale_count,
        stale=tuple((d.ref, d.name, d.amount, d.currency, last) for d, last in stale),
        visits_by_tier=tiers.by_tier,
        left_out=left_out,
        converted=converted,
        value_left_out=closed.won.left_out + closed.lost.left_out,
    )


def run_leaderboard(args: LeaderboardArgs, *, session: Session, actor: Actor,
                    now: datetime) -> LeaderboardResult:
    """Rank a team's reps on one metric by attainment of their targets."""
    ws = actor.workspace
    team = find_team(session, actor, args.team_name)
    require_read_team(actor, team, N_("leaderboard"))
    today = local_today(now, team.timezone)
    period = _period(args.period_kind, args.period, today)
    hol = repo.targets.holidays(session, team.id)
    reps = reps_of(team)
    team_plan = target_plan(session, ws, team, None, args.metric, period, hol)
    if not reps:
        raise UsageError(t("{team} has no reps to rank yet: `/sales team add @alice`.",
                           team=team.name))
    targets = {rep.id: target_plan(session, ws, team, rep, args.metric, period, hol)
               for rep in reps}
    # a team and its reps keep one currency (commands.plan.targets._one_currency): the team's,
    # else its reps' when only they have revenue targets
    currency = next((p.currency for p in (team_plan, *targets.values())
                     if p is not None and p.currency), ws.default_currency)
    scores: list[dict[str, Any]] = []
    left_out: tuple[LeftOut, ...] = ()
    for rep in reps:
        found = targets[rep.id]
        scores.append({
            "rep": rep.name, "metric": args.metric,
            "target": found.value if found is not None else Decimal(0),
            "actual": actual_for(session, args.metric, [rep.id], period, team.timezone,
                                 currency, today=today),
        })
    if args.metric == "revenue":
        left_out = revenue_for(session, [r.id for r in reps], period, team.timezone,
                               currency).left_out
    board = leaderboard(pd.DataFrame(scores))
    rows = tuple(
        (int(r["rank"]), str(r["rep"]), r["target"] if r["attainment"] is not None else None,
         r["actual"], r["attainment"]) for r in board.to_dict("records"))
    return LeaderboardResult(team.name, args.metric, period, currency, rows, left_out)

