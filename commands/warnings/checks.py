"""Feed the deviation rules from the database: one team's numbers at a moment, then the rules.

Storage aggregates (sums, counts, last-activity days) in SQL; this module shapes them into
the frames and dataclasses commands.warnings.deviations expects, and runs the rules. Used by
`/sales warnings` on demand and by the scheduled check that posts new warnings.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pandas as pd
from babel.dates import format_date
from sqlalchemy.orm import Session

from commands.core.dates import local_today
from commands.core.fx import LeftOut, deals_tally
from commands.core.i18n import BABEL_LOCALE, current_locale
from commands.core.periods import Period, period_containing, working_day_progress
from commands.forecast.deviations import forecast_deviations
from commands.plan.activity import TRAILING_DAYS, ActivityRates
from commands.plan.names import period_name
from commands.plan.plan import PlanFigures, team_activity_plans
from commands.plan.target_plan import actual_for, reps_of, revenue_for, target_plan, tracking
from commands.warnings.deviations import (
    CUSTOMER_COLUMNS,
    DEAL_COLUMNS,
    FUNNEL_COLUMNS,
    NEXT_STEP_COLUMN,
    Deviation,
    FunnelInput,
    Progress,
)
from commands.warnings.pace_rules import expected_visits_to_date
from commands.warnings.rule_config import RuleConfig
from commands.warnings.rules import DeviationInputs, evaluate_all
from storage import repo
from storage.models import Member, Team, Workspace

RECENT_DAYS = 30  # the funnel's "this period": deals created in the last 30 days


def decided_funnel(fates: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """Per open stage: deals whose move on from it is decided (reached), and those that moved on.

    `fates` has columns position (furthest funnel position reached), lost (bool) and deals.
    A deal decided at a stage either went further (advanced) or was lost there; a deal still
    sitting in a stage is not counted for it yet. Returns stage, reached, advanced.
    """
    rows = [(int(p), bool(x), int(n)) for p, x, n in
            zip(fates["position"], fates["lost"], fates["deals"], strict=True)]
    out = []
    for i, stage in enumerate(stages):
        advanced = sum(n for p, _, n in rows if p > i)
        lost_here = sum(n for p, x, n in rows if p == i and x)
        out.append({"stage": stage, "reached": advanced + lost_here, "advanced": advanced})
    return pd.DataFrame(out, columns=["stage", "reached", "advanced"])


def _period_name(period: Period) -> str:
    """The period as a warning names it: "December" (12月 in Chinese), else its label."""
    if period.kind != "month":
        return period_name(period)
    if current_locale() == "zh":
        return format_date(period.start, "M月", locale=BABEL_LOCALE["zh"])
    return f"{period.start:%B}"


class _TeamMonth:
    """One team's month as a check sees it at `now`: the period, its working days, the
    members, and the deals its revenue and pipeline figures could not count."""

    def __init__(self, session: Session, ws: Workspace, team: Team, now: datetime) -> None:
        self.session, self.ws, self.team = session, ws, team
        self.today = local_today(now, team.timezone)
        self.period = period_containing("month", self.today)
        self.hol = repo.targets.holidays(session, team.id)
        self.days = working_day_progress(self.period, self.today, self.hol)
        self.ids = [m.id for m in team.members]
        self.left_out: dict[str, LeftOut] = {}  # by deal, across the team's and reps' figures

    def visits(self, ids: list[int]) -> int:
        return int(actual_for(self.session, "visits", ids, self.period, self.team.timezone,
                              today=self.today))

    def progress(self, person: Member | None, figures: PlanFigures | None,
                 visits_by_reps: Decimal | None = None) -> Progress | None:
        """A rep's (or, without one, the team's) revenue progress; None: no target or plan."""
        session, ws, team, period = self.session, self.ws, self.team, self.period
        found = target_plan(session, ws, team, person, "revenue", period, self.hol)
        if found is None or figures is None:
            return None
        ids = [person.id] if person else self.ids
        in_currency = found.currency or ws.default_currency
        closing_tally = deals_tally(session, repo.deals.open_closing_between(
            session, ids, period.start, period.end), in_currency, ws)
        won = revenue_for(session, ids, period, team.timezone, in_currency)
        for d in (*won.left_out, *closing_tally.left_out):
            self.left_out.setdefault(d.ref, d)
        visits_target = target_plan(session, ws, team, person, "visits", period, self.hol)
        tracked = tracking(found, period, self.today, self.hol, team.timezone)
        plan = figures.plan
        if visits_target is not None:
            yesterday = self.today - timedelta(days=1)
            visits_expected: Decimal | None = (visits_target.expected_share(period, yesterday)
                                               or Decimal(0)) * visits_target.value
        else:  # a team without a visits target expects what its reps' plans expect
            visits_expected = visits_by_reps
        return Progress(
            subject=f"member:{person.id}" if person else f"team:{team.id}",
            who=person.name if person else team.name,
            period_name=_period_name(period),
            target=found.value,
            actual=won.total,
            elapsed_working_days=tracked.progress.elapsed,
            remaining_working_days=tracked.progress.remaining,
            currency=in_currency,
            reps=plan.reps,
            cumulative_share=tracked.cumulative_share,
            tracked_since=tracked.since if tracked.late_start else None,
            rates=plan.rates,
            visits_logged=self.visits(ids),
            visits_expected=visits_expected,
            open_pipeline_in_period=closing_tally.total,
            win=plan.rates.win(),
            plan=plan if self.days.remaining > 0 else None,
        )

    def visits_expected_by_now(self, p: Progress) -> Decimal | None:
        if p.visits_expected is not None or p.rates is None:
            return p.visits_expected
        return expected_visits_to_date(p.target, 1, p.rates, self.days.elapsed, self.days.total)

    def funnel(self, now: datetime, team_progress: Progress | None,
               team_rates: ActivityRates | None) -> FunnelInput:
        """The team's stage conversions, recent against trailing, with its planned top."""
        session, days = self.session, self.days
        stages = [s.name for s in repo.deals.stages(session, self.ws.id) if not s.is_closed]
        recent = _funnel_since(session, self.ids, now - timedelta(days=RECENT_DAYS), stages)
        trailing = _funnel_since(session, self.ids, now - timedelta(days=TRAILING_DAYS), stages)
        frame = pd.DataFrame({
            "stage": recent["stage"], "reached": recent["reached"],
            "advanced": recent["advanced"], "trailing_reached": trailing["reached"],
            "trailing_advanced": trailing["advanced"],
        }, columns=list(FUNNEL_COLUMNS))
        visits_planned = opportunities_planned = None
        if team_progress is not None and team_rates is not None and days.total:
            visits_planned = team_progress.visits_expected or expected_visits_to_date(
                team_progress.target, 1, team_rates, days.elapsed, days.total)
            opportunities_planned = (
                team_progress.target / team_rates.avg_deal_size / team_rates.win_rate
                * days.elapsed / days.total)
        return FunnelInput(
            subject=f"team:{self.team.id}", who=self.team.name, stages=frame,
            visits=self.visits(self.ids),
            visits_planned=visits_planned,
            opportunities=int(actual_for(session, "opportunities", self.ids, self.period,
                                         self.team.timezone)),
            opportunities_planned=opportunities_planned,
        )


def _funnel_since(session: Session, ids: list[int], since: datetime,
                  stages: list[str]) -> pd.DataFrame:
    return decided_funnel(pd.DataFrame(repo.funnel.stage_fates(session, ids, since),
                                       columns=["position", "lost", "deals"]), stages)


def _open_deals(session: Session, ids: list[int]) -> pd.DataFrame:
    next_steps = repo.followups.next_steps_by_deal(session, ids)
    return pd.DataFrame(
        [(f"D-{n}", name, owner_id, owner, stage, Decimal(amount) / 100, cur, close, last,
          created.date() if created else None, pushes, next_steps.get(n))
         for n, name, owner_id, owner, stage, amount, cur, close, last, created, pushes
         in repo.deals.open_deal_rows(session, ids)],
        columns=[*DEAL_COLUMNS, NEXT_STEP_COLUMN])


def _customers(session: Session, ids: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        [(i, name, tier, owner_id, owner, last, created.date() if created else None)
         for i, name, tier, owner_id, owner, last, created
         in repo.customers.customer_rows(session, ids)],
        columns=list(CUSTOMER_COLUMNS))


def team_inputs(session: Session, ws: Workspace, team: Team, now: datetime,
                config: RuleConfig) -> DeviationInputs:
    """Everything the rules look at for one team and its reps, this month, at `now`."""
    month = _TeamMonth(session, ws, team, now)
    reps = reps_of(team)
    # One plan per rep, as /plan @rep shows it; the team's is their sum, as /plan team shows.
    team_figures, rep_figures = team_activity_plans(session, ws, team, month.period, now,
                                                    config.default_win_rate)
    rep_progress = [month.progress(rep, rep_figures[rep.id]) for rep in reps]
    expected = [v for p in rep_progress if p is not None
                and (v := month.visits_expected_by_now(p)) is not None]
    by_reps = sum(expected, Decimal(0)) if expected else None
    team_progress = month.progress(None, team_figures, by_reps if reps else None)
    team_rates = team_figures.plan.rates if team_figures is not None else None
    progress = [p for p in (team_progress, *rep_progress) if p is not None]
    return DeviationInputs(today=month.today, config=config, progress=tuple(progress),
                           open_deals=_open_deals(session, month.ids),
                           customers=_customers(session, month.ids),
                           funnels=(month.funnel(now, team_progress, team_rates),),
                           left_out=tuple(month.left_out.values()))


def team_deviations(session: Session, ws: Workspace, team: Team, now: datetime,
                    config: RuleConfig) -> list[Deviation]:
    """Run every deviation rule that is on over one team at `now`, worst first per rule."""
    return team_check(session, ws, team, now, config)[0]


def team_check(session: Session, ws: Workspace, team: Team, now: datetime,
               config: RuleConfig) -> tuple[list[Deviation], tuple[LeftOut, ...]]:
    """The warnings firing for a team at `now`, and the deals their revenue and pipeline
    figures left out (another currency without a rate), for a reply to name."""
    inputs = team_inputs(session, ws, team, now, config)
    found = evaluate_all(inputs) + forecast_deviations(session, ws, team, now, config)
    return found, tuple(inputs.left_out)
