"""/forecast: submit a call, adjust one, see the roll-up, and score closed periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import UsageError
from commands.core.i18n import N_, t
from commands.core.text import parse_words
from commands.forecast.calls import (
    ForecastAdjust,
    ForecastSubmit,
    parse_adjust,
    parse_submit,
    run_adjust,
    run_submit,
)
from commands.forecast.common import (
    ForecastKind,
    PeriodChoice,
    Scope,
    period_option,
    take_scope_and_kind,
)
from commands.forecast.history import DEFAULT_PERIODS, MAX_PERIODS, run_history
from commands.forecast.show import run_show

USAGE = N_("Try `/forecast`, `/forecast team quarter`, "
           "`/forecast submit commit:300k best:420k`, "
           '`/forecast adjust @alice commit:250k reason:"..."` or `/forecast history`.')


@dataclass(frozen=True)
class ForecastShow:
    scope: Scope
    period: PeriodChoice


@dataclass(frozen=True)
class ForecastHistoryArgs:
    scope: Scope
    kind: ForecastKind
    periods: int = DEFAULT_PERIODS


ForecastArgs = ForecastSubmit | ForecastAdjust | ForecastShow | ForecastHistoryArgs


def parse_forecast(text: str) -> ForecastArgs:
    """Parse every form of /forecast; see USAGE."""
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    if verb == "submit":
        return parse_submit(rest)
    if verb == "adjust":
        return parse_adjust(rest)
    if verb == "history":
        return _parse_history(rest)
    words = parse_words(text, ("month", "quarter"))
    opts = dict(words.options)
    named = period_option(opts)
    scope, kind = take_scope_and_kind(words.positionals, USAGE)
    return ForecastShow(scope, named or kind)


def _parse_history(rest: str) -> ForecastHistoryArgs:
    words = parse_words(rest, ())
    numbers = [w for w in words.positionals if w.isdigit()]
    scope, kind = take_scope_and_kind([w for w in words.positionals if not w.isdigit()],
                                      N_("Try `/forecast history [@rep|team] [month|quarter] "
                                         "[4]`."))
    periods = int(numbers[0]) if numbers else DEFAULT_PERIODS
    if len(numbers) > 1 or not 1 <= periods <= MAX_PERIODS:
        raise UsageError(t("`/forecast history` shows 1 to {max} periods, like "
                           "`/forecast history team 4`.", max=MAX_PERIODS))
    return ForecastHistoryArgs(scope, kind.kind, periods)


def run_forecast(args: ForecastArgs, *, session: Session, actor: Actor, now: datetime) -> Any:
    if isinstance(args, ForecastSubmit):
        return run_submit(args, session=session, actor=actor, now=now)
    if isinstance(args, ForecastAdjust):
        return run_adjust(args, session=session, actor=actor, now=now)
    if isinstance(args, ForecastHistoryArgs):
        return run_history(args.scope, args.kind, args.periods, session=session, actor=actor,
                           now=now)
    return run_show(args.scope, args.period, session=session, actor=actor, now=now)

