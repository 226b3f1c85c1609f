"""`/forecast history [@rep|team] [n]`: closed periods, each call scored against what was won."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.access import can_read_person
from commands.core.actors import Actor
from commands.core.dates import local_today
from commands.core.fx import Rates, load_rates
from commands.core.periods import Period, period_containing
from commands.forecast.common import ForecastKind, Scope, convert, resolve_scope
from commands.forecast.scoring import PeriodScore, running_accuracy
from commands.forecast.show import reps_of
from commands.plan.targets import revenue_for
from storage import forecasts
from storage.models import ForecastCall

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


def run_history(scope: Scope, kind: ForecastKind, n: int, *, session: Session, actor: Actor,
                now: datetime) -> ForecastHistory:
    """Score the calls of the last `n` closed months or quarters."""
    team, person = resolve_scope(session, actor, scope, now, "forecast history")
    ws = actor.workspace
    currency = ws.default_currency
    rates = load_rates(session, ws.id, currency)
    today = local_today(now, team.timezone)
    people = [person] if person is not None else reps_of(team)
    visible = {p.id for p in people if can_read_person(actor.member, p)}
    periods = closed_periods(kind, today, n)
    calls: dict[tuple[int, date], list[ForecastCall]] = defaultdict(list)
    for c in forecasts.calls_ended_by(session, [p.id for p in people], kind,
                                      period_containing(kind, today).start):
        calls[(c.member_id, c.period_start)].append(c)
    scores: list[PeriodScore] = []
    errors: dict[str, list[Decimal | None]] = defaultdict(list)
    for period in periods:
        team_first = team_last = team_actual = Decimal(0)
        called = False
        for p in people:
            pair = _first_last(calls.get((p.id, period.start), []), currency, rates)
            if pair is None and person is not None:
                continue
            # the team's call is scored against everything its reps won, called or not
            actual = revenue_for(session, [p.id], period, team.timezone, currency).total
            team_actual += actual
            if pair is None:
                continue
            score = PeriodScore(period.label, p.name, pair[0], pair[1], actual)
            team_first, team_last = team_first + pair[0], team_last + pair[1]
            called = True
            errors[p.name].append(score.last_error)
            if p.id in visible:
                scores.append(score)
        if called and person is None:
            team_score = PeriodScore(period.label, team.name, team_first, team_last, team_actual)
            scores.append(team_score)
            errors[team.name].append(team_score.last_error)
    shown = {p.name for p in people if p.id in visible} | ({team.name} if person is None
                                                             else set())
    acc = tuple((who, running_accuracy(errs), len(errs)) for who, errs in errors.items()
                if who in shown)
    return ForecastHistory(person.name if person else team.name, kind, currency, tuple(scores),
                           acc, today)
