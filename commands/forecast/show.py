"""`/forecast [team|@rep] [month|quarter]`: the call rolled up from the reps to the team."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.access import can_read_person
from commands.core.actors import Actor
from commands.core.dates import local_today
from commands.core.fx import LeftOut, Rates, load_rates
from commands.core.i18n import N_, t
from commands.core.periods import Period
from commands.forecast.categories import StageCategories, workspace_categories
from commands.forecast.common import PeriodChoice, Scope, convert, resolve_scope
from commands.forecast.config import next_deadline
from commands.forecast.rollup import (
    AdjustFigure,
    CallFigure,
    DealLine,
    RepForecast,
    RepInputs,
    TeamForecast,
    rep_forecast,
    team_forecast,
)
from commands.plan.target_plan import revenue_for, target_for
from storage import repo
from storage.models import (
    Deal,
    ForecastAdjustment,
    ForecastCall,
    Member,
    Role,
    Team,
    Workspace,
)


@dataclass(frozen=True)
class ForecastView:
    """The forecast of one rep, or of a team and each of its reps the reader may see."""

    scope_name: str
    is_team: bool
    period: Period
    currency: str
    reps: tuple[RepForecast, ...]  # the ones the reader may see, each with their deals
    team: TeamForecast | None
    not_submitted: tuple[str, ...]  # reps the reader may see who have not called yet
    hidden_not_submitted: int  # others who have not (a rep sees only a count)
    today: date
    left_out: tuple[LeftOut, ...] = ()
    deadline: datetime | None = None  # when calls are next due, team time (None: off)


@dataclass
class _Reader:
    """Converts figures into the view's currency, remembering what it could not."""

    currency: str
    rates: Rates
    left_out: list[LeftOut]

    def money(self, minor: int, currency: str, ref: str, name: str) -> Decimal | None:
        value = convert(minor, currency, self.currency, self.rates)
        if value is None:
            hint = self.rates.hint(currency, self.currency)
            self.left_out.append(LeftOut(ref, name, Decimal(minor) / 100, currency,
                                         t("in {currency}, and no {currency}→{into} rate is "
                                           "set ({hint})", currency=currency,
                                           into=self.currency, hint=hint)))
        return value

    def call(self, c: ForecastCall, who: str) -> CallFigure | None:
        commit = self.money(c.commit_minor, c.currency, "call",
                            t("{who}'s call", who=who))
        if commit is None:
            return None
        best = None if c.best_minor is None else convert(c.best_minor, c.currency,
                                                         self.currency, self.rates)
        return CallFigure(commit, best, c.submitted_at, c.note)

    def adjustment(self, a: ForecastAdjustment | None, by: dict[int, str]) -> AdjustFigure | None:
        if a is None:
            return None
        commit = self.money(a.commit_minor, a.currency, "adjustment", t("an adjustment"))
        if commit is None:
            return None
        best = None if a.best_minor is None else convert(a.best_minor, a.currency,
                                                         self.currency, self.rates)
        return AdjustFigure(commit, best, a.reason, by.get(a.adjusted_by_id, "?"), a.adjusted_at)


def reps_of(team: Team) -> list[Member]:
    return [m for m in team.members if m.role == Role.REP]


def _deal_lines(deals: Sequence[Deal], cats: StageCategories, pct: dict[str, int],
                reader: _Reader) -> tuple[DealLine, ...]:
    lines = []
    for d in deals:
        amount = reader.money(d.amount_minor, d.currency, d.ref, d.name)
        if amount is not None:
            lines.append(DealLine(d.ref, d.name, amount, cats.of(d.stage, d.forecast_category),
                                  pct.get(d.stage, 0), d.expected_close))
    return tuple(lines)


def rep_figures(session: Session, ws: Workspace, team: Team, people: Sequence[Member],
                period: Period, now: datetime, reader: _Reader,
                names: dict[int, str]) -> list[RepForecast]:
    """Every person's forecast for the period, in the reader's currency."""
    ids = [p.id for p in people]
    cats = workspace_categories(session, ws.id)
    pct = {s.name: s.probability_pct for s in repo.deals.stages(session, ws.id)}
    deals: dict[int, list[Deal]] = defaultdict(list)
    for d in repo.deals.open_closing_between(session, ids, period.start, period.end):
        deals[d.owner_id].append(d)
    calls: dict[int, list[ForecastCall]] = defaultdict(list)
    for c in repo.forecasts.calls_for(session, ids, period.kind, period.start):
        calls[c.member_id].append(c)
    last_adjust: dict[int | None, ForecastAdjustment] = {}
    for a in repo.forecasts.adjustments_for(session, team.id, period.kind, period.start):
        last_adjust[a.member_id] = a
    hol = repo.targets.holidays(session, team.id)
    out = []
    for p in people:
        closed = revenue_for(session, [p.id], period, team.timezone, reader.currency)
        reader.left_out.extend(closed.left_out)
        found = target_for(session, ws, team, p, "revenue", period, hol)
        figures = [f for f in (reader.call(c, p.name) for c in calls[p.id]) if f is not None]
        inputs = RepInputs(p.name, closed.total,
                           _deal_lines(deals[p.id], cats, pct, reader),
                           _target(found, reader), tuple(figures),
                           reader.adjustment(last_adjust.get(p.id), names))
        out.append(rep_forecast(inputs, now))
    return out


def _target(found: tuple[Decimal, bool, str | None] | None, reader: _Reader) -> Decimal | None:
    if found is None:
        return None
    value, _, currency = found
    if currency is None or currency == reader.currency:
        return value
    rate = reader.rates.find(currency, reader.currency)
    return None if rate is None else convert(int(value * 100), currency, reader.currency,
                                             reader.rates)


def _figures(session: Session, ws: Workspace, team: Team, people: Sequence[Member],
             period: Period, now: datetime, reader: _Reader,
             with_team: bool) -> tuple[list[RepForecast], TeamForecast | None]:
    names = {m.id: m.name for m in repo.workspaces.workspace_members(session, ws.id)}
    figures = rep_figures(session, ws, team, people, period, now, reader, names)
    if not with_team:
        return figures, None
    adjust = [a for a in repo.forecasts.adjustments_for(session, team.id, period.kind, period.start)
              if a.member_id is None]
    found = target_for(session, ws, team, None, "revenue", period,
                       repo.targets.holidays(session, team.id))
    return figures, team_forecast(team.name, figures, _target(found, reader),
                                  reader.adjustment(adjust[-1] if adjust else None, names))


def team_figures(session: Session, ws: Workspace, team: Team, period: Period,
                 now: datetime) -> tuple[list[Member], list[RepForecast], TeamForecast, str]:
    """A team's reps, each one's forecast, the team's, and their currency."""
    reader = _Reader(ws.default_currency, load_rates(session, ws.id, ws.default_currency), [])
    people = reps_of(team)
    figures, team_line = _figures(session, ws, team, people, period, now, reader, True)
    assert team_line is not None
    return people, figures, team_line, reader.currency


def run_show(scope: Scope, choice: PeriodChoice, *, session: Session, actor: Actor,
             now: datetime) -> ForecastView:
    """The forecast of the reader, a rep, or a team, for the month or quarter."""
    team, person = resolve_scope(session, actor, scope, now, N_("forecast"))
    ws = actor.workspace
    today = local_today(now, team.timezone)
    period = choice.resolve(today)
    reader = _Reader(ws.default_currency, load_rates(session, ws.id, ws.default_currency), [])
    people = [person] if person is not None else reps_of(team)
    figures, team_line = _figures(session, ws, team, people, period, now, reader,
                                  with_team=person is None)
    visible = [p.id for p in people if can_read_person(actor.member, p)]
    shown = [f for p, f in zip(people, figures, strict=True) if p.id in visible]
    silent = [f.name for p, f in zip(people, figures, strict=True) if f.call is None
              and p.id in visible]
    hidden = sum(1 for p, f in zip(people, figures, strict=True) if f.call is None
                 and p.id not in visible)
    return ForecastView(person.name if person else team.name, person is None, period,
                        reader.currency, tuple(shown), team_line, tuple(silent), hidden, today,
                        tuple(reader.left_out), next_deadline(session, team, now))


def person_forecast(session: Session, ws: Workspace, team: Team, person: Member,
                    period: Period, now: datetime) -> tuple[RepForecast, str]:
    """One person's forecast for a period (their deals listed), and its currency: what the
    weekly call's DM pre-fills."""
    reader = _Reader(ws.default_currency, load_rates(session, ws.id, ws.default_currency), [])
    [figures], _ = _figures(session, ws, team, [person], period, now, reader, False)
    return figures, reader.currency
