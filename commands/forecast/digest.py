"""The weekly digest's forecast section: the team's call against target and weighted
pipeline, the week's movers, who has not called, and the accuracy so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.dates import local_today
from commands.core.fx import load_rates
from commands.core.periods import period_containing
from commands.forecast.history import closed_periods, score_periods
from commands.forecast.rollup import TeamForecast
from commands.forecast.scoring import running_accuracy
from commands.forecast.show import team_figures
from storage import repo
from storage.models import Team, Workspace

SCORED_MONTHS = 3


@dataclass(frozen=True)
class DigestForecast:
    period: str
    currency: str
    team: TeamForecast
    movers: tuple[tuple[str, Decimal], ...]  # rep, the week's move of their commit
    not_called: tuple[str, ...]
    accuracy: Decimal | None  # the team's, over the last closed months scored
    months_scored: int


def digest_forecast(session: Session, ws: Workspace, team: Team,
                    now: datetime) -> DigestForecast | None:
    """The section, or None when nobody on the team has called this month."""
    today = local_today(now, team.timezone)
    month = period_containing("month", today)
    people = [m.id for m in team.members]
    if not repo.forecasts.calls_for(session, people, "month", month.start):
        return None
    reps, figures, line, currency = team_figures(session, ws, team, month, now)
    movers = tuple(sorted(((f.name, f.moved) for f in figures if f.moved),
                          key=lambda m: -abs(m[1])))
    scores = score_periods(session, team, reps, "month",
                           closed_periods("month", today, SCORED_MONTHS), currency,
                           load_rates(session, ws.id, currency), True)
    team_errors = [s.last_error for s in scores if s.who == team.name]
    return DigestForecast(month.label, currency, line, movers,
                          tuple(f.name for f in figures if f.call is None),
                          running_accuracy(team_errors), len(team_errors))
