"""`/forecast history [@rep|team] [n]`: closed periods, each call scored against what was won."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.access import can_read_person
from commands.core.actors import Actor
from commands.core.dates import local_today
from commands.core.fx import Rates, load_rates
from commands.core.i18n import N_
from commands.core.periods import Period, period_containing
from commands.forecast.common import ForecastKind, Scope, convert, resolve_scope
from commands.forecast.scoring import PeriodScore, running_accuracy
from commands.forecast.show import reps_of
from commands.plan.target_plan import revenue_for
from storage import repo
from storage.models import ForecastCall, Member, Team

DEFAULT_PERIODS, MAX_PERIODS = 4, 12


@dataclass(frozen=True)
class ForecastHistory:
    scope_name: str
    kind: str
    currency: str
    scores: tuple[PeriodScore, ...]  # newest period first; the team's after its reps'
    accuracy: tuple[tuple[str, Decimal | None, int], ...]  # who, running accuracy, periods
    today: date


def closed_periods(kind: ForecastKind, today: date, n: int) -> list[Period]:
    """The last `n` periods of a kind that ended before today, newest first."""
    out: list[Period] = []
    current = period_containing(kind, today)
    while len(out) < n:
        current = period_containing(kind, current.start - timedelta(days=1))
        out.append(current)
    return out


def _first_last(calls: list[ForecastCall], currency: str,
                rates: Rates) -> tuple[Decimal, Decimal] | None:
    values = [convert(c.commit_minor, c.currency, currency, rates) for c in calls]
    known = [v for v in values if v is not None]
    return (known[0], known[-1]) if known else None


def score_periods(session: Session, team: Team, people: Sequence[Member], kind: ForecastKind,
                  periods: Sequence[Period], currency: str, rates: Rates,
                  with_team: bool) -> list[PeriodScore]:
    """Each person's first and last call of each period scored against what they won, and
    (with_team) the team's: the sum of its reps' calls against everything they won."""
    calls: dict[tuple[int, date], list[ForecastCall]] = defaultdict(list)
    if periods:
        for c in repo.forecasts.calls_ended_by(session, [p.id for p in people], kind,
                                          periods[0].end + timedelta(days=1)):
            calls[(c.member_id, c.period_start)].append(c)
    scores: list[PeriodScore] = []
    for period in periods:
        team_first = team_last = team_actual = Decimal(0)
        called = False
        for p in people:
            pair = _first_last(calls.get((p.id, period.start), []), currency, rates)
            if pair is None and not with_team:
                continue
            # the team's call is scored against everything its reps won, called or not
            actual = revenue_for(session, [p.id], period, team.timezone, currency).total
            team_actual += actual
            if pair is None:
                continue
            scores.append(PeriodScore(period.label, p.name, pair[0], pair[1], actual))
            team_first, team_last = team_first + pair[0], team_last + pair[1]
            called = True
        if called and with_team:
            scores.append(PeriodScore(period.label, team.name, team_first, team_last,
                                      team_actual))
    return scores


def run_history(scope: Scope, kind: ForecastKind, n: int, *, session: Session, actor: Actor,
                now: datetime) -> ForecastHistory:
    """Score the calls of the last `n` closed months or quarters."""
    team, person = resolve_scope(session, actor, scope, now, N_("forecast history"))
    ws = actor.workspace
    currency = ws.default_currency
    today = local_today(now, team.timezone)
    people = [person] if person is not None else reps_of(team)
    scores = score_periods(session, team, people, kind, closed_periods(kind, today, n),
                           currency, load_rates(session, ws.id, currency), person is None)
    shown = {p.name for p in people if can_read_person(actor.member, p)} | (
        {team.name} if person is None else set())
    errors: dict[str, list[Decimal | None]] = defaultdict(list)
    for score in scores:
        errors[score.who].append(score.last_error)
    acc = tuple((who, running_accuracy(errs), len(errs)) for who, errs in errors.items()
                if who in shown)
    return ForecastHistory(person.name if person else team.name, kind, currency,
                           tuple(s for s in scores if s.who in shown), acc, today)
