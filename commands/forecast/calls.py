"""`/forecast submit` and `/forecast adjust`: a rep's call, and a manager's figure beside it.

Both are kept, every time: a new call never overwrites the last one (the week's movement and
the first and last call are read from them), and an adjustment never changes the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.actors import Actor, resolve_person
from commands.core.dates import local_today
from commands.core.errors import PermissionDenied, UsageError
from commands.core.fx import load_rates
from commands.core.i18n import N_, t
from commands.core.limits import check_length
from commands.core.money import Money, parse_amount
from commands.core.periods import Period
from commands.core.text import parse_words
from commands.forecast.common import (
    PeriodChoice,
    Scope,
    period_option,
    require_open,
    take_scope_and_kind,
)
from commands.plan.target_plan import team_for
from storage import repo
from storage.models import ForecastAdjustment, ForecastCall, Member, Team, to_minor

SUBMIT_USAGE = N_('Try `/forecast submit commit:300k best:420k [month|quarter] '
                  'note:"Acme signs on the 20th"`.')
ADJUST_USAGE = N_('Try `/forecast adjust @alice commit:250k reason:"Acme slips to Q1"` '
                  "(or `/forecast adjust team ...`).")


@dataclass(frozen=True)
class ForecastSubmit:
    commit: Money
    best: Money | None
    period: PeriodChoice
    note: str = ""


@dataclass(frozen=True)
class ForecastAdjust:
    scope: Scope
    commit: Money
    best: Money | None
    period: PeriodChoice
    reason: str


def _figures(opts: dict[str, str], usage: str) -> tuple[Money, Money | None]:
    """The commit and best-case figures; an error names the form input it concerns."""
    if "commit" not in opts:
        raise UsageError(t("Give the commit figure, like commit:300k. {usage}",
                           usage=t(usage)), field="commit")
    commit = parse_amount(opts["commit"], "commit", allow_zero=True)
    best = parse_amount(opts["best"], "best", allow_zero=True) if "best" in opts else None
    if best is not None:
        if commit.currency and best.currency and commit.currency != best.currency:
            raise UsageError(t("commit: and best: name two different currencies; give one."),
                             field="best")
        if best.amount < commit.amount and (best.currency or commit.currency) == (
                commit.currency or best.currency):
            raise UsageError(t("`best:{best}` is below `commit:{commit}`: the best case "
                               "includes the commit, so it is at least as much.",
                               best=opts["best"], commit=opts["commit"]), field="best")
    return commit, best


def submit_from_form(kind: str, commit: str, best: str, note: str) -> ForecastSubmit:
    """The call the forecast form describes (the running month or quarter)."""
    choice = PeriodChoice("quarter" if kind == "quarter" else "month")
    given = {"commit": commit.strip(), "best": best.strip()}
    figures = _figures({k: v for k, v in given.items() if v}, SUBMIT_USAGE)
    note = check_length(note.strip(), "notes", label=N_("forecast note"), form_input="note")
    return ForecastSubmit(*figures, choice, note)


def _split(text: str, words_option: str,
           usage: str) -> tuple[dict[str, str], Scope, PeriodChoice]:
    """The options, whose call, and the period, of a submit or an adjust."""
    words = parse_words(text, ("commit", "best", words_option, "month", "quarter"),
                        money_options=("commit", "best"))
    opts = dict(words.options)
    named = period_option(opts)
    scope, kind = take_scope_and_kind(words.positionals, usage)
    return opts, scope, named or kind


def parse_submit(text: str) -> ForecastSubmit:
    opts, scope, period = _split(text, "note", SUBMIT_USAGE)
    if scope.person is not None or scope.team:
        raise UsageError(t("You submit your own call; a manager changes a rep's with "
                           "`/forecast adjust @alice commit:250k reason:\"...\"`."))
    commit, best = _figures(opts, SUBMIT_USAGE)
    note = check_length(opts.get("note", "").strip(), "notes", label=N_("forecast note"))
    return ForecastSubmit(commit, best, period, note)


def parse_adjust(text: str) -> ForecastAdjust:
    opts, scope, period = _split(text, "reason", ADJUST_USAGE)
    if scope == Scope():
        raise UsageError(t("Whose call? Name a rep or `team`. {usage}", usage=t(ADJUST_USAGE)))
    commit, best = _figures(opts, ADJUST_USAGE)
    reason = opts.get("reason", "").strip()
    if not reason:
        raise UsageError(t("Say why you adjust the call, with reason:\"...\". {usage}",
                           usage=t(ADJUST_USAGE)))
    check_length(reason, "notes", label=N_("adjustment reason"))
    return ForecastAdjust(scope, commit, best, period, reason)


@dataclass(frozen=True)
class CallSubmitted:
    person: str
    period: Period
    currency: str
    commit: Decimal
    best: Decimal | None
    note: str
    previous: tuple[Decimal, Decimal | None, date] | None  # the last call: commit, best, on
    today: date


@dataclass(frozen=True)
class CallAdjusted:
    subject: str  # the rep's name, or the team's
    is_team: bool
    period: Period
    currency: str
    commit: Decimal
    best: Decimal | None
    reason: str
    call: tuple[Decimal, Decimal | None] | None  # the rep's own last call, unchanged


def _currency(session: Session, actor: Actor, *money: Money | None) -> str:
    """The call's currency: the one typed, else the workspace's; another currency needs a
    rate, or the roll-up could not count it."""
    ws = actor.workspace
    currency = next((m.currency for m in money if m is not None and m.currency),
                    ws.default_currency)
    if currency != ws.default_currency and load_rates(session, ws.id, ws.default_currency).find(
            currency, ws.default_currency) is None:
        raise UsageError(t("No {currency}→{default} rate is set, so a call in {currency} could "
                           "not be rolled up. Give it in {default}, or ask an admin for "
                           "`/sales config fx:{currency}=<rate>`.",
                           currency=currency, default=ws.default_currency))
    return currency


def _minor(m: Money | None) -> int | None:
    return None if m is None else to_minor(m.amount)


def run_submit(args: ForecastSubmit, *, session: Session, actor: Actor,
               now: datetime) -> CallSubmitted:
    """Record the actor's own call for the month or quarter."""
    me = actor.member
    team = team_for(session, actor, me)
    today = local_today(now, team.timezone)
    period = args.period.resolve(today)
    require_open(period, today)
    currency = _currency(session, actor, args.commit, args.best)
    earlier = repo.forecasts.calls_for(session, [me.id], period.kind, period.start)
    last = earlier[-1] if earlier else None
    session.add(ForecastCall(
        workspace_id=actor.workspace.id, team_id=team.id, member_id=me.id,
        period_kind=period.kind, period_start=period.start, period_end=period.end,
        commit_minor=to_minor(args.commit.amount), best_minor=_minor(args.best),
        currency=currency, note=args.note, submitted_by_id=me.id, submitted_at=now))
    session.flush()
    previous = None
    if last is not None:
        previous = (Decimal(last.commit_minor) / 100,
                    None if last.best_minor is None else Decimal(last.best_minor) / 100,
                    local_today(last.submitted_at, team.timezone))
    return CallSubmitted(me.name, period, currency, args.commit.amount,
                         args.best.amount if args.best else None, args.note, previous, today)


def _adjust_target(session: Session, actor: Actor, args: ForecastAdjust,
                   now: datetime) -> tuple[Team, Member | None]:
    if args.scope.person is not None:
        person = resolve_person(session, actor, args.scope.person, now)
        team = team_for(session, actor, person)
    else:
        person, team = None, team_for(session, actor, None)
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(t("Only a manager of {team} or an admin can adjust {whose}'s "
                                 "call; reps submit their own with `/forecast submit`.",
                                 team=team.name, whose=person.name if person else team.name))
    return team, person


def run_adjust(args: ForecastAdjust, *, session: Session, actor: Actor,
               now: datetime) -> CallAdjusted:
    """Put a manager's figure beside a rep's (or the team's) call, with the reason."""
    team, person = _adjust_target(session, actor, args, now)
    today = local_today(now, team.timezone)
    period = args.period.resolve(today)
    require_open(period, today)
    currency = _currency(session, actor, args.commit, args.best)
    session.add(ForecastAdjustment(
        workspace_id=actor.workspace.id, team_id=team.id,
        member_id=person.id if person else None, period_kind=period.kind,
        period_start=period.start, period_end=period.end,
        commit_minor=to_minor(args.commit.amount), best_minor=_minor(args.best),
        currency=currency, reason=args.reason, adjusted_by_id=actor.member.id,
        adjusted_at=now))
    session.flush()
    call = None
    if person is not None:
        calls = repo.forecasts.calls_for(session, [person.id], period.kind, period.start)
        if calls:
            last = calls[-1]
            call = (Decimal(last.commit_minor) / 100,
                    None if last.best_minor is None else Decimal(last.best_minor) / 100)
    return CallAdjusted(person.name if person else team.name, person is None, period, currency,
                        args.commit.amount, args.best.amount if args.best else None,
                        args.reason, call)
