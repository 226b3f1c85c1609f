"""The weekly review digest (复盘) of one team: what a manager reads on Monday morning.

`/sales digest [team]` builds it on demand; the scheduled job builds the same one for each
manager. Figures come from SQL aggregates; the analytics on top are pandas functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from commands.core.access import can_read_digest
from commands.core.actors import Actor
from commands.core.dates import local_today
from commands.core.errors import PermissionDenied
from commands.core.fx import LeftOut, Tally, deals_tally, load_rates, tally
from commands.core.i18n import t
from commands.core.money import CENT
from commands.core.periods import Period, period_containing
from commands.core.text import parse_words
from commands.followups.schedule import OverdueFollowUps, overdue_per_owner
from commands.forecast.digest import DigestForecast, digest_forecast
from commands.plan.activity import WinRate, coverage_healthy, pipeline_coverage
from commands.plan.rates import win_rate_for
from commands.plan.scorecard import Scorecard, cumulative_plan_vs_actual, scorecard
from commands.plan.target_plan import (
    TargetPlan,
    actual_for,
    period_bounds,
    reps_of,
    revenue_for,
    target_plan,
    tracking,
)
from commands.reports.attainment_history import attainment_history
from commands.reports.lost_reasons import LostReasons, month_and_quarter
from commands.standup.answers import has_blockers
from commands.team.config import rule_config
from commands.team.sales import find_team
from commands.warnings.action_links import movements
from commands.warnings.actions import line_of as action_line
from commands.warnings.checks import team_inputs
from commands.warnings.deviations import Deviation
from commands.warnings.review import Movement
from commands.warnings.rule_config import RuleConfig
from commands.warnings.rules import evaluate_all
from storage import repo
from storage.models import Stage, StandupAnswer, Team, Workspace

# The order a focus is picked in when several rules fire: the first that fired wins.
FOCUS_ORDER = ("behind_pace", "coverage_gap", "funnel_bottleneck", "activity_shortfall",
               "close_date_passed", "stale_deal", "close_date_pushed", "tier_cadence")


@dataclass(frozen=True)
class DigestArgs:
    team_name: str | None = None


def parse_digest(text: str) -> DigestArgs:
    """`/sales digest [team name]` or `/sales digest team:"East"`."""
    words = parse_words(text, ("team",))
    name = words.options.get("team") or " ".join(words.positionals) or None
    return DigestArgs(name)


def stage_conversions(exits: pd.DataFrame, stages: list[str], lost: set[str]) -> pd.DataFrame:
    """Per stage, the deals that left it in a window and the share that moved forward.

    `stages` is the funnel in order, won last (lost stages excluded); `exits` has columns
    from_stage, to_stage, moves. A move to a lost stage or backwards is not forward. Returns
    stage, left, forward, conversion (Decimal or None) for every stage but the last.
    """
    position = {s: i for i, s in enumerate(stages)}
    rows = []
    for stage in stages[:-1]:
        mine = exits[exits["from_stage"] == stage] if not exits.empty else exits
        left = int(mine["moves"].sum()) if not mine.empty else 0
        forward = int(sum(
            n for to, n in zip(mine["to_stage"], mine["moves"], strict=True)
            if to not in lost and position.get(to, -1) > position[stage])) if left else 0
        rows.append({"stage": stage, "left": left, "forward": forward,
                     "conversion": Decimal(forward) / left if left else None})
    return pd.DataFrame(rows, columns=["stage", "left", "forward", "conversion"])


def daily_actuals(won: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Sum won amounts by local day; `won` has closed_at (aware) and amount (Decimal)."""
    if won.empty:
        return pd.DataFrame({"day": pd.Series([], dtype=object),
                             "actual": pd.Series([], dtype=object)})
    zone = ZoneInfo(tz)
    days = [c.astimezone(zone).date() for c in won["closed_at"]]
    totals: dict[date, Decimal] = {}
    for day, amount in zip(days, won["amount"], strict=True):
        totals[day] = totals.get(day, Decimal(0)) + amount
    return pd.DataFrame({"day": pd.Series(list(totals), dtype=object),
                         "actual": pd.Series(list(totals.values()), dtype=object)})


# a stage, the deals that left it this week, its conversion this week and the week before
FunnelLine = tuple[str, int, Decimal | None, Decimal | None]


@dataclass(frozen=True)
class RepLine:
    name: str
    score: Scorecard


@dataclass(frozen=True, eq=False)
class DigestResult:
    team_name: str
    manager_ids: tuple[str, ...]  # Slack user ids of the team's managers
    period: Period
    week: tuple[date, date]  # the seven days reviewed, first and last
    currency: str
    team: Scorecard | None
    reps: tuple[RepLine, ...]
    weighted_forecast: Decimal  # won so far + weighted open deals closing this period
    coverage: Decimal | None
    coverage_healthy: bool
    win_rate: Decimal | None
    funnel: tuple[FunnelLine, ...]
    won: tuple[tuple[str, str, str, Decimal], ...]  # ref, name, owner, amount
    lost: tuple[tuple[str, str, str, Decimal, str], ...]  # ... and the reason
    slipped: tuple[tuple[str, str, str, str, str], ...]  # ref, name, owner, from, to
    stale: tuple[Deviation, ...]
    out_of_cadence: tuple[tuple[str, int], ...]  # tier, customers out of cadence
    cadence_examples: tuple[Deviation, ...]
    deviations: tuple[Deviation, ...]
    focus: str
    cumulative: pd.DataFrame = field(repr=False)  # day, plan_cum, actual_cum
    attainment: pd.DataFrame = field(repr=False)  # rep, attainment, expected
    standup: tuple[int, int] | None = None  # answers, prompts over the week
    blockers: tuple[tuple[str, str], ...] = ()  # person, blocker reported on 2+ days
    actions: tuple[tuple[str, str, str, date | None, str], ...] = ()
    # ref, owner, text, due, state (open, done, overdue)
    deal_currencies: tuple[tuple[str, str], ...] = ()  # ref, currency of won and lost deals
    left_out: tuple[LeftOut, ...] = ()  # deals the revenue figures could not count, and why
    win: WinRate | None = None  # the rate coverage is judged by, and why that one
    overdue_follow_ups: tuple[OverdueFollowUps, ...] = ()  # per rep, most first
    # each action linked to a warning: ref, state, its metric then and now
    action_moves: tuple[tuple[str, str, Movement], ...] = ()
    lost_reasons: tuple[LostReasons, ...] = ()  # the month's and the quarter's
    # period, rep, attainment: each rep's last six months, for the chart
    history: pd.DataFrame | None = field(default=None, repr=False)
    forecast: DigestForecast | None = None  # the week's forecast call, once someone called


def reviewed_monday(today: date, *, last_week: bool) -> date:
    """The Monday of the week a digest reviews: the current week, or the last complete one
    (a scheduled digest's, and on a Monday, when no day of this week is over yet)."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7) if last_week or today == monday else monday


@dataclass(frozen=True, eq=False)
class _Review:
    """What every part of one digest shares: the team, its month and the week reviewed."""

    session: Session
    ws: Workspace
    team: Team
    now: datetime
    today: date
    period: Period
    hol: set[date]
    ids: list[int]
    week_start: datetime  # a Monday's start
    week_end: datetime  # the next Monday's start, or now, in a week still going on

    @classmethod
    def of(cls, session: Session, ws: Workspace, team: Team, now: datetime,
           last_week: bool) -> _Review:
        today = local_today(now, team.timezone)
        monday = reviewed_monday(today, last_week=last_week)
        week_start = datetime.combine(monday, datetime.min.time(), ZoneInfo(team.timezone))
        week_end = min(now, week_start + timedelta(days=7))
        return cls(session, ws, team, now, today, period_containing("month", today),
                   repo.targets.holidays(session, team.id), [m.id for m in team.members],
                   week_start, week_end)

    @property
    def last_day(self) -> date:
        """The week's last day reviewed: its Sunday, or today."""
        return min(self.today, self.week_start.date() + timedelta(days=6))

    @property
    def counted_through(self) -> date:
        """The last day the month's actual line counts: today in a week still going on (as
        the week's lists and the target line do), else yesterday, a day that is over."""
        return self.today if self.week_end == self.now else self.today - timedelta(days=1)


@dataclass(frozen=True, eq=False)
class _Revenue:
    """The month's revenue against target: the team's and each rep's."""

    plan: TargetPlan | None  # the team's
    currency: str
    won: Tally
    team: Scorecard | None
    reps: tuple[RepLine, ...]


def _revenue(r: _Review) -> _Revenue:
    session, ws, team, period = r.session, r.ws, r.team, r.period

    def card(found: TargetPlan, actual: Decimal) -> Scorecard:
        # pace from when tracking began, as the warnings judge it
        tracked = tracking(found, period, r.today, r.hol, team.timezone)
        return scorecard(found.value, actual, elapsed_working_days=tracked.progress.elapsed,
                         remaining_working_days=tracked.progress.remaining,
                         cumulative_share=tracked.cumulative_share)

    reps = reps_of(team)
    team_plan = target_plan(session, ws, team, None, "revenue", period, r.hol)
    rep_plans = {rep.id: target_plan(session, ws, team, rep, "revenue", period, r.hol)
                 for rep in reps}
    # revenue counts in the target's currency: the team's, else its reps' (one currency for
    # a team and its reps, commands.plan.targets._one_currency)
    currency = next((p.currency for p in (team_plan, *rep_plans.values())
                     if p is not None and p.currency), ws.default_currency)
    won = revenue_for(session, r.ids, period, team.timezone, currency)
    team_card = card(team_plan, won.total) if team_plan is not None else None
    rep_lines = []
    for rep in reps:
        found = rep_plans[rep.id]
        if found is None:
            continue
        rep_actual = actual_for(session, "revenue", [rep.id], period, team.timezone, currency)
        rep_lines.append(RepLine(rep.name, card(found, rep_actual)))
    return _Revenue(team_plan, currency, won, team_card, tuple(rep_lines))


def _forecast(r: _Review, stages: Sequence[Stage], revenue: _Revenue,
              config: RuleConfig) -> tuple[Decimal, Tally, WinRate, Decimal | None]:
    """The open deals expected to close this period: weighted by the chance of winning them,
    their tally, the win rate coverage is judged by, and the coverage of what is left."""
    probability = {s.name: Decimal(s.probability_pct) / 100 for s in stages}
    closing_all = repo.deals.open_closing_between(r.session, r.ids, r.period.start, r.period.end)
    closing_tally = deals_tally(r.session, closing_all, revenue.currency, r.ws)
    skipped = {d.ref for d in closing_tally.left_out}
    closing = [d for d in closing_all if d.ref not in skipped]
    counted = {d.ref: d.value for d in closing_tally.counted}
    weighted = sum((counted.get(d.ref, d.amount) * probability.get(d.stage, Decimal(0))
                    for d in closing), Decimal(0))
    win = win_rate_for(r.session, r.team, None, r.now, config.default_win_rate)
    remaining = (revenue.plan.value - revenue.won.total) if revenue.plan is not None else None
    coverage = (pipeline_coverage(closing_tally.total, remaining)
                if remaining is not None else None)
    return weighted, closing_tally, win, coverage


def _funnel(r: _Review, stages: Sequence[Stage]) -> tuple[FunnelLine, ...]:
    """Each stage's exits this week, and its conversion this week and the week before."""
    funnel_stages = [s.name for s in stages if not s.is_lost]
    lost_names = {s.name for s in stages if s.is_lost}

    def conversions(start: datetime, end: datetime) -> pd.DataFrame:
        exits = pd.DataFrame(repo.funnel.stage_exits(r.session, r.ids, start, end),
                             columns=["from_stage", "to_stage", "moves"])
        return stage_conversions(exits, funnel_stages, lost_names)

    before = r.week_start - timedelta(days=7)
    this_week = conversions(r.week_start, r.week_end)
    last_week = conversions(before, r.week_start)
    return tuple(
        (stage, int(left), conv, prev) for stage, left, conv, prev in zip(
            this_week["stage"], this_week["left"], this_week["conversion"],
            last_week["conversion"], strict=True))


def _chart(r: _Review, revenue: _Revenue) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative plan against actual this month, and attainment per rep."""
    start_at, end_at = period_bounds(r.period, r.team.timezone)
    currency, team_plan = revenue.currency, revenue.plan
    # the actual line is the revenue figure's: one currency, others through a rate, the deals
    # it leaves out named under the revenue line
    won_in = repo.closed.won_in(r.session, r.ids, start_at, end_at)
    rates = (load_rates(r.session, r.ws.id, r.ws.default_currency)
             if any(cur != currency for _, _, _, cur, _ in won_in) else None)
    won_values = tally(((str(i), nm, Decimal(a) / 100, cur)
                        for i, (_, _, nm, cur, a) in enumerate(won_in)), currency, rates)
    converted = {int(d.ref): d.value for d in won_values.counted}
    unvalued = {int(d.ref) for d in won_values.left_out}
    won_rows = pd.DataFrame([(c, converted.get(i, Decimal(a) / 100))
                             for i, (c, _, _, _, a) in enumerate(won_in) if i not in unvalued],
                            columns=["closed_at", "amount"])
    targets = pd.DataFrame({
        "day": pd.Series(sorted(team_plan.daily) if team_plan else [], dtype=object),
        "target": pd.Series([team_plan.daily[d] for d in sorted(team_plan.daily)]
                            if team_plan else [], dtype=object)})
    if team_plan is not None:
        targets = targets[[r.period.start <= d <= r.period.end for d in targets["day"]]]
    cumulative = cumulative_plan_vs_actual(targets, daily_actuals(won_rows, r.team.timezone),
                                           through=r.counted_through)
    cumulative["plan_cum"] = [v.quantize(CENT) for v in cumulative["plan_cum"]]
    attainment = pd.DataFrame({"rep": [line.name for line in revenue.reps],
                               "attainment": [line.score.attainment for line in revenue.reps],
                               "expected": [line.score.expected_share
                                            for line in revenue.reps]})
    return cumulative, attainment


def _standups(r: _Review) -> tuple[tuple[int, int] | None, tuple[tuple[str, str], ...]]:
    """The week's stand-ups: answers against prompts, and the blockers reported twice."""
    first_day, last_day = r.week_start.date(), r.last_day
    prompted = repo.standups.prompts_sent(r.session, r.ids, first_day, last_day)
    answers = repo.standups.answers_between(r.session, r.team.id, first_day - timedelta(days=7),
                                       last_day)
    answered = sum(1 for a in answers if not a.skipped and first_day <= a.day <= last_day)
    return ((answered, prompted) if prompted or answered else None,
            _recurring_blockers(answers, first_day))


def build_digest(session: Session, ws: Workspace, team: Team, now: datetime,
                 config: RuleConfig | None = None, *, last_week: bool = False) -> DigestResult:
    """Review one team's Monday-to-Sunday week against this month's plan: the current week
    up to `now` (on a Monday, the last one), or with `last_week` the last complete one."""
    config = config or rule_config(repo.workspaces.team_settings(session, team.id))
    r = _Review.of(session, ws, team, now, last_week)
    revenue = _revenue(r)
    stages = repo.deals.stages(session, ws.id)
    weighted, closing_tally, win, coverage = _forecast(r, stages, revenue, config)
    funnel = _funnel(r, stages)
    closed = repo.closed.closed_between(session, r.ids, r.week_start, r.week_end)
    slipped = tuple((d.ref, d.name, owner, old, new) for d, owner, old, new
                    in repo.deals.close_pushes_between(session, r.ids, r.week_start, r.week_end))
    inputs = team_inputs(session, ws, team, now, config)
    deviations = evaluate_all(inputs)
    cadence = [d for d in deviations if d.rule == "tier_cadence"]
    tiers = {t: sum(1 for d in cadence if d.figure("tier") == t) for t in ("A", "B", "C")}
    cumulative, attainment = _chart(r, revenue)
    standup, blockers = _standups(r)
    items = repo.actions.action_items(session, team.id, done_since=r.week_start)
    moved = movements(session, ws, team, items, now, measured=(inputs, deviations))
    lines = [action_line(i, r.today, moved.get(i.id)) for i in items]
    actions = tuple((line.ref, line.owner, line.text, line.due, line.state) for line in lines)
    return DigestResult(
        team_name=team.name, manager_ids=tuple(m.slack_user_id for m in team.managers),
        period=r.period, week=(r.week_start.date(), r.last_day),
        currency=revenue.currency, team=revenue.team, reps=revenue.reps,
        weighted_forecast=revenue.won.total + weighted, coverage=coverage,
        coverage_healthy=coverage_healthy(coverage, win.rate), win_rate=win.rate,
        funnel=funnel,
        won=tuple((d.ref, d.name, owner, d.amount) for d, owner, is_won in closed if is_won),
        lost=tuple((d.ref, d.name, owner, d.amount, d.lost_reason or "")
                   for d, owner, is_won in closed if not is_won),
        slipped=slipped, stale=tuple(d for d in deviations if d.rule == "stale_deal"),
        out_of_cadence=tuple((t, n) for t, n in tiers.items()),
        cadence_examples=tuple(cadence[:3]), deviations=tuple(deviations),
        focus=_focus(deviations), cumulative=cumulative, attainment=attainment,
        standup=standup, blockers=blockers, actions=actions,
        deal_currencies=tuple((d.ref, d.currency) for d, _, _ in closed),
        left_out=revenue.won.left_out + closing_tally.left_out, win=win,
        overdue_follow_ups=overdue_per_owner(session, list(team.members), now),
        lost_reasons=month_and_quarter(session, ws, r.ids, r.today, team.timezone,
                                       revenue.currency),
        history=attainment_history(session, ws, team, r.today, r.hol, revenue.currency),
        action_moves=tuple((line.ref, line.state, line.movement) for line in lines
                           if line.movement is not None),
        forecast=digest_forecast(session, ws, team, now),
    )


def _recurring_blockers(answers: Sequence[StandupAnswer],
                        first_day: date) -> tuple[tuple[str, str], ...]:
    """People who reported a blocker on two answered stand-ups in a row, the latest one."""
    by_member: dict[int, list[StandupAnswer]] = {}
    for a in answers:
        if not a.skipped:
            by_member.setdefault(a.member_id, []).append(a)
    out = []
    for mine in by_member.values():
        mine.sort(key=lambda a: a.day)
        for before, after in pairwise(mine):
            if after.day >= first_day and has_blockers(before.blockers) \
                    and has_blockers(after.blockers):
                latest = mine[-1] if has_blockers(mine[-1].blockers) else after
                out.append((after.member.name, latest.blockers))
                break
    return tuple(sorted(out))


def _focus(deviations: list[Deviation]) -> str:
    """One recommended focus for the week: the fix of the most pressing warning."""
    if not deviations:
        return t("On plan: keep the visit rhythm and move the deals closing this month forward.")
    worst = max(d.severity for d in deviations)
    pressing = [d for d in deviations if d.severity == worst]
    pressing.sort(key=lambda d: FOCUS_ORDER.index(d.rule) if d.rule in FOCUS_ORDER else 99)
    top = pressing[0]
    return top.fix if top.fix.startswith(top.who) else t("{who}: {fix}", who=top.who,
                                                           fix=top.fix)


def run_digest(args: DigestArgs, *, session: Session, actor: Actor,
               now: datetime) -> DigestResult:
    """Build the weekly digest of a team on demand."""
    team = find_team(session, actor, args.team_name)
    if not can_read_digest(actor.member, team):
        raise PermissionDenied(t("The digest of {team} is for its managers; "
                                 "`/sales report` shows your own scorecard.", team=team.name))
    return build_digest(session, actor.workspace, team, now)
