"""The forecast's deviation rules, each with its numbers and a suggested fix (cooldown and
snooze as every warning has them):

- forecast_short: the commit (adjusted where adjusted) is short of the target by more than
  `forecast_short_share`, with more than half the month's working days gone
- forecast_drop: a call fell by more than `forecast_drop_share` since the call of a week
  before
- forecast_miss: a rep's last call of each of the last three closed months missed what they
  won by more than `forecast_miss_share`
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from commands.core.dates import local_today
from commands.core.fx import load_rates
from commands.core.i18n import listed, t
from commands.core.money import format_money
from commands.core.periods import Period, period_containing, working_day_progress
from commands.forecast.common import period_name
from commands.forecast.history import closed_periods, score_periods
from commands.forecast.show import reps_of, team_figures
from commands.warnings.deviations import CRITICAL, SERIOUS, WARNING, Deviation
from commands.warnings.rule_config import RuleConfig
from storage import repo
from storage.models import Team, Workspace

MISS_RUN = 3  # periods running


@dataclass(frozen=True)
class CallState:
    """What the forecast rules read of one rep's (or the team's) call."""

    subject: str  # member:12, team:3
    who: str
    commit: Decimal | None  # the figure that rolls up, adjusted where adjusted
    target: Decimal | None
    call: Decimal | None  # the latest call
    week_ago: Decimal | None  # the call of a week or more before


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal(1), ROUND_HALF_UP)}%"


def _severity(share: Decimal, threshold: Decimal) -> int:
    if share >= threshold * 2:
        return CRITICAL if share >= threshold * 3 else SERIOUS
    return WARNING


def forecast_short(states: Sequence[CallState], period: str, elapsed_share: Decimal,
                   currency: str, config: RuleConfig) -> list[Deviation]:
    """Commit short of target by more than the set share, the period more than half gone."""
    if elapsed_share <= Decimal("0.5"):
        return []
    out = []
    for s in states:
        if s.commit is None or s.target is None or s.target <= 0:
            continue
        short = (s.target - s.commit) / s.target
        if short <= config.forecast_short_share:
            continue
        out.append(Deviation(
            rule="forecast_short", subject=s.subject, who=s.who,
            severity=_severity(short, config.forecast_short_share),
            message=t("{who}: the commit for {period} is {commit}, {short} short of the "
                      "{target} target with {elapsed} of its working days gone",
                      who=s.who, period=period_name(period),
                      commit=format_money(s.commit, currency), short=_pct(short),
                      target=format_money(s.target, currency), elapsed=_pct(elapsed_share)),
            fix=t("At the forecast call, go through the best-case deals: which can move to "
                  "commit, and what new pipeline can still close this month (`/forecast`)."),
            numbers=(("commit", s.commit), ("target", s.target), ("short_share", short),
                     ("elapsed_share", elapsed_share)),
        ))
    return out


def forecast_drop(states: Sequence[CallState], period: str, currency: str,
                  config: RuleConfig) -> list[Deviation]:
    """A call down by more than the set share since the call of a week before."""
    out = []
    for s in states:
        if s.call is None or s.week_ago is None or s.week_ago <= 0:
            continue
        drop = (s.week_ago - s.call) / s.week_ago
        if drop <= config.forecast_drop_share:
            continue
        out.append(Deviation(
            rule="forecast_drop", subject=s.subject, who=s.who,
            severity=_severity(drop, config.forecast_drop_share),
            message=t("{who}: the call for {period} fell from {before} to {after} in a week "
                      "({drop} down)", who=s.who, period=period_name(period),
                      before=format_money(s.week_ago, currency),
                      after=format_money(s.call, currency), drop=_pct(drop)),
            fix=t("Ask which deals slipped and why, and whether the plan needs more pipeline."),
            numbers=(("week_ago", s.week_ago), ("call", s.call), ("drop_share", drop)),
        ))
    return out


def forecast_miss(errors: Mapping[tuple[str, str], Sequence[Decimal | None]],
                  config: RuleConfig) -> list[Deviation]:
    """A rep whose last calls, newest first, missed by more than the set share three periods
    running. `errors` maps (subject, who) to the errors of their scored periods."""
    out = []
    for (subject, who), errs in errors.items():
        run = list(errs[:MISS_RUN])
        if len(run) < MISS_RUN or any(e is None or abs(e) <= config.forecast_miss_share
                                      for e in run):
            continue
        misses = [e for e in run if e is not None]
        by = listed(_pct(e) for e in misses)
        if all(e > 0 for e in misses):
            message = t("{who}: over-called the last {count} months, by {errors}",
                        who=who, count=MISS_RUN, errors=by)
        elif all(e < 0 for e in misses):
            message = t("{who}: sandbagged the last {count} months, by {errors}",
                        who=who, count=MISS_RUN, errors=by)
        else:
            message = t("{who}: missed the last {count} months, by {errors}",
                        who=who, count=MISS_RUN, errors=by)
        out.append(Deviation(
            rule="forecast_miss", subject=subject, who=who, severity=SERIOUS,
            message=message,
            fix=t("Review how the commit deals are qualified with them; `/forecast history "
                  "@{who}` shows each call against what was won.", who=who),
            numbers=tuple((f"error_{i + 1}", e) for i, e in enumerate(misses)),
        ))
    return out


def forecast_deviations(session: Session, ws: Workspace, team: Team, now: datetime,
                        config: RuleConfig) -> list[Deviation]:
    """The forecast rules that are on, over one team's month."""
    rules = [r for r in ("forecast_short", "forecast_drop", "forecast_miss")
             if config.is_on(r)]
    if not rules:
        return []
    today = local_today(now, team.timezone)
    month = period_containing("month", today)
    out: list[Deviation] = []
    if {"forecast_short", "forecast_drop"} & set(rules) and _any_call(session, team, month):
        out += _call_rules(session, ws, team, month, today, now, rules, config)
    if "forecast_miss" in rules:
        people = reps_of(team)
        currency = ws.default_currency
        scores = score_periods(session, team, people, "month",
                               closed_periods("month", today, MISS_RUN), currency,
                               load_rates(session, ws.id, currency), False)
        ids = {p.name: p.id for p in people}
        errors: dict[tuple[str, str], list[Decimal | None]] = defaultdict(list)
        for s in scores:
            errors[(f"member:{ids[s.who]}", s.who)].append(s.last_error)
        out += forecast_miss(errors, config)
    return sorted(out, key=lambda d: (d.rule, -d.severity, d.subject))


def _any_call(session: Session, team: Team, month: Period) -> bool:
    """Whether anyone called (or adjusted) the month: without, no call rule can fire, and
    the figures are not worth reading."""
    ids = [m.id for m in reps_of(team)]
    return bool(repo.forecasts.calls_for(session, ids, "month", month.start)
                or repo.forecasts.adjustments_for(session, team.id, "month", month.start))


def _call_rules(session: Session, ws: Workspace, team: Team, month: Period, today: date,
                now: datetime, rules: Sequence[str], config: RuleConfig) -> list[Deviation]:
    people, figures, team_line, currency = team_figures(session, ws, team, month, now)
    states = [CallState(f"member:{p.id}", f.name, f.commit, f.target,
                        f.call.commit if f.call else None,
                        f.week_ago.commit if f.week_ago else None)
              for p, f in zip(people, figures, strict=True)]
    called = [f for f in figures if f.commit is not None]
    states.append(CallState(f"team:{team.id}", team.name,
                            team_line.commit if called or team_line.adjustment else None,
                            team_line.target, None, None))
    progress = working_day_progress(month, today, repo.targets.holidays(session, team.id))
    elapsed = Decimal(progress.elapsed) / progress.total if progress.total else Decimal(0)
    out: list[Deviation] = []
    if "forecast_short" in rules:
        out += forecast_short(states, month.label, elapsed, currency, config)
    if "forecast_drop" in rules:
        out += forecast_drop(states, month.label, currency, config)
    return out
