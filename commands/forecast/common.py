"""What every /forecast form shares: which period, whose call, and one currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from sqlalchemy.orm import Session

from commands.core.access import require_read_person, require_read_team
from commands.core.actors import Actor, resolve_mention
from commands.core.errors import UsageError
from commands.core.fx import Rates
from commands.core.i18n import t
from commands.core.money import CENT
from commands.core.periods import Period, parse_period, period_containing
from commands.core.text import Mention, as_mention
from commands.plan.names import period_name
from commands.plan.target_plan import team_for
from storage.models import Member, Role, Team

ForecastKind = Literal["month", "quarter"]
KIND_WORDS: dict[str, ForecastKind] = {"month": "month", "quarter": "quarter",
                                       "this_month": "month", "this_quarter": "quarter"}


@dataclass(frozen=True)
class PeriodChoice:
    """`month` or `quarter` (the one running), or a named one (`quarter:2026-Q4`)."""

    kind: ForecastKind = "month"
    named: Period | None = None

    def resolve(self, today: date) -> Period:
        return self.named or period_containing(self.kind, today)


@dataclass(frozen=True)
class Scope:
    person: Mention | None = None
    team: bool = False


def period_option(opts: dict[str, str]) -> PeriodChoice | None:
    """A `month:2026-12` or `quarter:2026-Q4` option, if one was given."""
    for kind in ("month", "quarter"):
        if kind in opts:
            period = parse_period(f"{kind}:{opts.pop(kind)}")
            return PeriodChoice(period.kind, period)  # type: ignore[arg-type]
    return None


def take_scope_and_kind(words: list[str], usage: str) -> tuple[Scope, PeriodChoice]:
    """`[team|@rep] [month|quarter]` from positional words."""
    scope, kind = Scope(), PeriodChoice()
    for word in words:
        low = word.lower()
        mention = as_mention(word)
        if low in KIND_WORDS:
            kind = PeriodChoice(KIND_WORDS[low])
        elif low == "team" and scope == Scope():
            scope = Scope(team=True)
        elif mention is not None and scope == Scope():
            scope = Scope(person=mention)
        else:
            raise UsageError(t("I don't understand `{word}`. {usage}", word=word, usage=t(usage)))
    return scope, kind


def resolve_scope(session: Session, actor: Actor, scope: Scope, now: datetime,
                  what: str) -> tuple[Team, Member | None]:
    """The team and (for one person's view) the person a view is about, once the reader
    may see it: a rep's view is their own unless they name the team or someone."""
    person = resolve_mention(session, actor, scope.person, now) if scope.person else None
    if person is None and not scope.team and actor.member.role == Role.REP:
        person = actor.member
    team = team_for(session, actor, person)
    if person is not None:
        require_read_person(actor, person, what, team_hint="/forecast team")
    else:
        require_read_team(actor, team, what)
    return team, person


def next_period(period: Period) -> Period:
    return period_containing(period.kind, period.end + timedelta(days=1))


def require_open(period: Period, today: date) -> None:
    """A call or an adjustment is for the period running now or the next one."""
    current = period_containing(period.kind, today)
    if period.end < today:
        raise UsageError(t("{period} is over: its forecast is closed. `/forecast history` "
                           "shows how it was called.", period=period_name(period.label)))
    if period.start > next_period(current).start:
        raise UsageError(t("{period} is not open for a forecast yet: call {current} or {next}.",
                           period=period_name(period.label),
                           current=period_name(current.label),
                           next=period_name(next_period(current).label)))


def convert(minor: int, currency: str, into: str, rates: Rates) -> Decimal | None:
    """An amount in hundredths of `currency` as `into`, or None without a rate."""
    rate = rates.find(currency, into)
    if rate is None:
        return None
    return (Decimal(minor) / 100 * rate).quantize(CENT, ROUND_HALF_UP)
