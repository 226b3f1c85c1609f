"""Feed the deviation rules from the database: one team's numbers at a moment, then the rules.

Storage aggregates (sums, counts, last-activity days) in SQL; this module shapes them into
the frames and dataclasses commands.warnings.deviations expects, and runs the rules. Used by
`/sales warnings` on demand and by the scheduled check that posts new warnings.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy.orm import Session

from commands.core.dates import local_today
from commands.core.fx import LeftOut, deals_tally
from commands.core.periods import Period, period_containing, working_day_progress
from commands.forecast.deviations import forecast_deviations
from commands.plan.plan import TRAILING_DAYS
from commands.plan.targets import (
    PlanFigures,
    actual_for,
    revenue_for,
    target_plan,
    team_activity_plans,
    tracking,
)
from commands.warnings.deviations import (
    CUSTOMER_COLUMNS,
    DEAL_COLUMNS,
    FUNNEL_COLUMNS,
    Deviation,
    DeviationInputs,
    FunnelInput,
    Progress,
    RuleConfig,
    evaluate_all,
    expected_visits_to_date,
)
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
    if period.kind == "month":
        return f"{period.start:%B}"
    return period.label


def team_inputs(session: Session, ws: Workspace, team: Team, now: datetime,
                config: RuleConfig) -> DeviationInputs:
    """Everything the rules look at for one team and its reps, this month, at `now`."""
    today = local_today(now, team.timezone)
    period = period_containing("month", today)
    hol = repo.holidays(session, team.id)
    progress_days = working_day_progress(period, today, hol)
    members = list(team.members)
    reps = [m for m in members if m.role.value == "rep"]
    team_ids = [m.id for m in members]
    currency = ws.default_currency
    yesterday = today - timedelta(days=1)
    left_out: dict[str, LeftOut] = {}  # by deal, across the team's and its reps' figures

    def progress_for(person: Member | None, figures: PlanFigures | None,
                     visits_by_reps: Decimal | None = None) -> Progress | None:
        found = target_plan(session, ws, team, person, "revenue", period, hol)
        if found is None or figures is None:
            return None
        ids = [person.id] if person else team_ids
        in_currency = found.currency or currency
        closing_tally = deals_tally(session, repo.open_closing_between(
            session, ids, period.start, period.end), in_currency, ws)
        closing = closing_tally.total
        won = revenue_for(session, ids, period, team.timezone, in_currency)
        for d in (*won.left_out, *closing_tally.left_out):
            left_out.setdefault(d.ref, d)
        visits_target = target_plan(session, ws, team, person, "visits", period, hol)
        tracked = tracking(found, period, today, hol, team.timezone)
        plan = figures.plan
        rates = plan.rates
        if visits_target is not None:
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
            rates=rates,
            visits_logged=int(actual_for(session, "visits", ids, period, team.timezone,
                                         today=today)),
            visits_expected=visits_expected,
            open_pipeline_in_period=closing,
            win=rates.win(),
            plan=plan if progress_days.remaining > 0 else None,
        )

    # One plan per rep, as /plan @rep shows it; the team's is their sum, as /plan team shows.
    team_figures, rep_figures = team_activity_plans(session, ws, team, period, now,
                                                    config.default_win_rate)
    rep_progress = [progress_for(rep, rep_figures[rep.id]) for rep in reps]

    def visits_expected_by_now(p: Progress) -> Decimal | None:
        if p.visits_expected is not None or p.rates is None:
            return p.visits_expected
        return expected_visits_to_date(p.target, 1, p.rates, progress_days.elapsed,
                                       progress_days.total)

    expected = [v for p in rep_progress if p is not None
                and (v := visits_expected_by_now(p)) is not None]
    by_reps = sum(expected, Decimal(0)) if expected else None
    team_progress = progress_for(None, team_figures, by_reps if reps else None)
    team_rates = team_figures.plan.rates if team_figures is not None else None
    progress = [p for p in (team_progress, *rep_progress) if p is not None]

    deals = pd.DataFrame(
        [(f"D-{n}", name, owner_id, owner, stage, Decimal(amount) / 100, cur, close, last,
          created.date() if created else None, pushes)
         for n, name, owner_id, owner, stage, amount, cur, close, last, created, pushes
         in repo.open_deal_rows(session, team_ids)],
        columns=list(DEAL_COLUMNS))
    customers = pd.DataFrame(
        [(i, name, tier, owner_id, owner, last, created.date() if created else None)
         for i, name, tier, owner_id, owner, last, created
         in repo.customer_rows(session, team_ids)],
        columns=list(CUSTOMER_COLUMNS))

    stages = [s.name for s in repo.stages(session, ws.id) if not s.is_closed]
    recent = decided_funnel(pd.DataFrame(repo.stage_fates(
        session, team_ids, now - timedelta(days=RECENT_DAYS)), columns=["position", "lost",
                                                                         "deals"]), stages)
    trailing = decided_funnel(pd.DataFrame(repo.stage_fates(
        session, team_ids, now - timedelta(days=TRAILING_DAYS)), columns=["position", "lost",
                                                                           "deals"]), stages)
    frame = pd.DataFrame({
        "stage": recent["stage"], "reached": recent["reached"], "advanced": recent["advanced"],
        "trailing_reached": trailing["reached"], "trailing_advanced": trailing["advanced"],
    }, columns=list(FUNNEL_COLUMNS))
    visits_planned = opportunities_planned = None
    if team_progress is not None and team_rates is not None and progress_days.total:
        visits_planned = team_progress.visits_expected or expected_visits_to_date(
            team_progress.target, 1, team_rates, progress_days.elapsed, progress_days.total)
        opportunities_planned = (
            team_progress.target / team_rates.avg_deal_size / team_rates.win_rate
            * progress_days.elapsed / progress_days.total)
    funnel = FunnelInput(
        subject=f"team:{team.id}", who=team.name, stages=frame,
        visits=int(actual_for(session, "visits", team_ids, period, team.timezone,
                              today=today)),
        visits_planned=visits_planned,
        opportunities=int(actual_for(session, "opportunities", team_ids, period,
                                     team.timezone)),
        opportunities_planned=opportunities_planned,
    )
    return DeviationInputs(today=today, config=config, progress=tuple(progress),
                           open_deals=deals, customers=customers, funnels=(funnel,),
                           left_out=tuple(left_out.values()))


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
