"""/pipeline: open deals by stage, weighted, and their coverage of the remaining target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy.orm import Session

from commands.actors import Actor, resolve_mention
from commands.dates import local_today
from commands.errors import UsageError
from commands.periods import Period, period_containing
from commands.plan import WinRate, coverage_healthy, pipeline_coverage
from commands.rates import win_rate_for
from commands.targets import actual_for, target_for, team_for
from commands.text import Mention, as_mention, parse_words
from storage import repo

# Historical stage-to-won rates replace the configured probabilities from this many closed
# deals on: fewer make the history too noisy to trust.
MIN_CLOSED_FOR_HISTORY = 20


@dataclass(frozen=True)
class PipelineArgs:
    scope: Mention | None
    team: bool = False


def parse_pipeline(text: str) -> PipelineArgs:
    """`/pipeline`, `/pipeline @alice` or `/pipeline team`."""
    words = parse_words(text, ())
    if not words.positionals:
        return PipelineArgs(None)
    if len(words.positionals) == 1 and words.positionals[0].lower() == "team":
        return PipelineArgs(None, team=True)
    mention = as_mention(words.positionals[0]) if len(words.positionals) == 1 else None
    if mention is None:
        raise UsageError("Use `/pipeline`, `/pipeline @alice` or `/pipeline team`.")
    return PipelineArgs(mention)


def stage_win_rates(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per stage reached: closed deals, won deals and the stage-to-won rate.

    `outcomes` has columns stage, won (bool) and deals; the result has stage, closed, won,
    rate (a Decimal).
    """
    if outcomes.empty:
        return pd.DataFrame(columns=["stage", "closed", "won", "rate"])
    table = outcomes.pivot_table(index="stage", columns="won", values="deals", aggfunc="sum",
                                 fill_value=0)
    won = table[True] if True in table.columns else 0
    lost = table[False] if False in table.columns else 0
    out = pd.DataFrame({"closed": won + lost, "won": won}).reset_index()
    out["rate"] = [Decimal(int(w)) / int(c) if c else None
                   for w, c in zip(out["won"], out["closed"], strict=True)]
    return out


@dataclass(frozen=True)
class StageLine:
    stage: str
    count: int
    amount: Decimal
    probability: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class PipelineResult:
    scope_name: str
    currency: str
    lines: tuple[StageLine, ...]
    probability_source: str  # "history" or "configured"
    closed_deals: int
    period: Period
    remaining_target: Decimal | None
    closing_in_period: Decimal
    closing_deals: tuple[tuple[str, str, Decimal], ...]  # ref, name, amount
    coverage: Decimal | None
    healthy: bool
    win_rate: Decimal
    other_currencies: tuple[str, ...] = ()
    win: WinRate | None = None  # the rate coverage is judged by, and why that one

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        return sum((line.weighted for line in self.lines), Decimal(0))


def run_pipeline(args: PipelineArgs, *, session: Session, actor: Actor,
                 now: datetime) -> PipelineResult:
    """Sum the open pipeline by stage and weigh it by the chance of winning."""
    person = resolve_mention(session, actor, args.scope, now) if args.scope else None
    if person is None and not args.team and actor.member.role.value == "rep":
        person = actor.member
    team = team_for(session, actor, person)
    ids = [person.id] if person else [m.id for m in team.members]
    ws = actor.workspace
    currency = ws.default_currency
    stages = [s for s in repo.stages(session, ws.id) if not s.is_closed]
    configured = {s.name: Decimal(s.probability_pct) / 100 for s in stages}
    outcomes = pd.DataFrame(repo.stage_outcomes(session, ids), columns=["stage", "won", "deals"])
    rates = stage_win_rates(outcomes)
    # every closed deal reached its first stage, so the largest "closed" is the closed count
    closed_deals = int(rates["closed"].max()) if not rates.empty else 0
    use_history = closed_deals >= MIN_CLOSED_FOR_HISTORY
    history = dict(zip(rates["stage"], rates["rate"], strict=True)) if use_history else {}
    rows = repo.open_pipeline_by_stage(session, ids)
    others = sorted({c for _, c, _, _ in rows if c != currency})
    by_stage = {s: (n, Decimal(a) / 100) for s, c, n, a in rows if c == currency}
    lines = []
    for s in stages:
        count, amount = by_stage.get(s.name, (0, Decimal(0)))
        p = history.get(s.name) if use_history else None
        prob = p if p is not None else configured[s.name]
        lines.append(StageLine(s.name, count, amount, prob, (amount * prob).quantize(
            Decimal("0.01"))))
    today = local_today(now, team.timezone)
    period = period_containing("month", today)
    hol = repo.holidays(session, team.id)
    found = target_for(session, ws, team, person, "revenue", period, hol)
    remaining = None
    if found is not None:
        remaining = max(found[0] - actual_for(session, "revenue", ids, period, team.timezone),
                        Decimal(0))
    closing = [d for d in repo.open_closing_between(session, ids, period.start, period.end)
               if d.currency == currency]
    closing_sum = sum((d.amount for d in closing), Decimal(0))
    win = win_rate_for(session, team, person, now)
    rate = win.rate
    coverage = pipeline_coverage(closing_sum, remaining) if remaining is not None else None
    return PipelineResult(
        scope_name=person.name if person else team.name, currency=currency, lines=tuple(lines),
        probability_source="history" if use_history else "configured",
        closed_deals=closed_deals, period=period, remaining_target=remaining,
        closing_in_period=closing_sum,
        closing_deals=tuple((d.ref, d.name, d.amount) for d in closing[:5]),
        coverage=coverage, healthy=coverage_healthy(coverage, rate), win_rate=rate,
        other_currencies=tuple(others), win=win,
    )

