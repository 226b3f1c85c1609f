"""/pipeline: open deals by stage, weighted, and their coverage of the remaining target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy.orm import Session

from commands.core.access import deal_owners_named, require_read_person, require_read_team
from commands.core.actors import Actor
from commands.core.dates import local_today
from commands.core.errors import UsageError
from commands.core.fx import Counted, LeftOut, Rates, Tally, load_rates, tally
from commands.core.i18n import N_, t
from commands.core.money import CENT
from commands.core.periods import Period, period_containing
from commands.core.text import Mention, as_mention, parse_words
from commands.plan.activity import WinRate, coverage_healthy, pipeline_coverage
from commands.plan.rates import win_rate_for
from commands.plan.target_plan import member_ids, person_in_view, revenue_for, target_for, team_for
from storage import repo
from storage.models import Deal, Stage, Team

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
        raise UsageError(t("Use `/pipeline`, `/pipeline @alice` or `/pipeline team`."))
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
    left_out: tuple[LeftOut, ...] = ()  # deals no figure here counts, and why
    converted: tuple[Counted, ...] = ()  # deals counted through an exchange rate
    win: WinRate | None = None  # the rate coverage is judged by, and why that one
    # deals in closing_in_period not in closing_deals, and their amount
    closing_more: tuple[int, Decimal] = (0, Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        return sum((line.weighted for line in self.lines), Decimal(0))


def _stage_probabilities(session: Session, ids: list[int],
                         stages: list[Stage]) -> tuple[dict[str, Decimal], int, bool]:
    """Each open stage's chance of winning: the history's from enough closed deals on, else
    the configured one; with the closed deals counted and whether the history was used."""
    configured = {s.name: Decimal(s.probability_pct) / 100 for s in stages}
    outcomes = pd.DataFrame(repo.funnel.stage_outcomes(session, ids),
                            columns=["stage", "won", "deals"])
    rates = stage_win_rates(outcomes)
    # counted directly: a deal created at a later stage never reached the first one, so no
    # stage's count is the number of closed deals
    closed_deals = repo.funnel.closed_deal_count(session, ids)
    use_history = closed_deals >= MIN_CLOSED_FOR_HISTORY
    history = dict(zip(rates["stage"], rates["rate"], strict=True)) if use_history else {}
    probability = {}
    for s in stages:
        p = history.get(s.name) if use_history else None
        probability[s.name] = p if p is not None else configured[s.name]
    return probability, closed_deals, use_history


def _tally_by_stage(open_deals: Sequence[Deal], currency: str,
                    fx: Rates | None) -> dict[str, tuple[int, Tally]]:
    """The open deals of each stage totalled in `currency`, with how many the total counts."""
    by_stage = {}
    for name in {d.stage for d in open_deals}:
        stage_deals = [d for d in open_deals if d.stage == name]
        part = tally([(d.ref, d.name, d.amount, d.currency) for d in stage_deals], currency,
                     fx)
        by_stage[name] = (len(stage_deals) - len(part.left_out), part)
    return by_stage


def _closing(session: Session, actor: Actor, team: Team, ids: list[int], period: Period,
             currency: str, fx: Rates | None
             ) -> tuple[Tally, tuple[tuple[str, str, Decimal], ...], int]:
    """The open deals expected to close in the period: their tally, the five biggest the
    reader may see by name, and how many of the total are not listed."""
    closing_all = repo.deals.open_closing_between(session, ids, period.start, period.end)
    closing_tally = tally([(d.ref, d.name, d.amount, d.currency) for d in closing_all],
                          currency, fx)
    converted = {d.ref: d.value for d in closing_tally.counted}
    skipped = {d.ref for d in closing_tally.left_out}
    named = set(deal_owners_named(session, actor.member, team, ids))
    closing = [(d.ref, d.name, converted.get(d.ref, d.amount)) for d in closing_all
               if d.ref not in skipped and d.owner_id in named]
    shown = sorted(closing, key=lambda c: -c[2])[:5]
    # the deals in the closing total not listed (beyond the five biggest, or not the reader's
    # to see by name), so the list and its total never disagree without a word
    not_shown = len(closing_all) - len(skipped) - len(shown)
    return closing_tally, tuple(shown), not_shown


def run_pipeline(args: PipelineArgs, *, session: Session, actor: Actor,
                 now: datetime) -> PipelineResult:
    """Sum the open pipeline by stage and weigh it by the chance of winning."""
    person = person_in_view(session, actor, args.scope, now, team=args.team)
    team = team_for(session, actor, person)
    if person is not None:
        require_read_person(actor, person, N_("pipeline"), team_hint="/pipeline team")
    else:
        require_read_team(actor, team, N_("pipeline"))
    ids = member_ids(team, person)
    ws = actor.workspace
    stages = [s for s in repo.deals.stages(session, ws.id) if not s.is_closed]
    probability, closed_deals, use_history = _stage_probabilities(session, ids, stages)
    period = period_containing("month", local_today(now, team.timezone))
    found = target_for(session, ws, team, person, "revenue", period,
                       repo.targets.holidays(session, team.id))
    # the pipeline is weighed against the target, in its currency
    currency = found[2] if found is not None and found[2] else ws.default_currency
    open_deals = repo.deals.open_deals_of(session, ids)
    fx = (load_rates(session, ws.id, ws.default_currency)
          if any(d.currency != currency for d in open_deals) else None)
    by_stage = _tally_by_stage(open_deals, currency, fx)
    left_out: list[LeftOut] = [d for _, part in by_stage.values() for d in part.left_out]
    counted: list[Counted] = [d for _, part in by_stage.values() for d in part.counted]
    others = tuple(sorted({d.currency for d in left_out}))
    lines = []
    for s in stages:
        count, part = by_stage.get(s.name, (0, None))
        amount = part.total if part is not None else Decimal(0)
        prob = probability[s.name]
        lines.append(StageLine(s.name, count, amount, prob, (amount * prob).quantize(CENT)))
    remaining = None
    if found is not None:
        won_so_far = revenue_for(session, ids, period, team.timezone, currency)
        left_out += won_so_far.left_out
        counted += won_so_far.counted
        remaining = max(found[0] - won_so_far.total, Decimal(0))
    closing_tally, shown, not_shown = _closing(session, actor, team, ids, period, currency, fx)
    win = win_rate_for(session, team, person, now)
    coverage = (pipeline_coverage(closing_tally.total, remaining)
                if remaining is not None else None)
    return PipelineResult(
        scope_name=person.name if person else team.name, currency=currency, lines=tuple(lines),
        probability_source="history" if use_history else "configured",
        closed_deals=closed_deals, period=period, remaining_target=remaining,
        closing_in_period=closing_tally.total,
        closing_deals=shown,
        closing_more=(not_shown,
                      closing_tally.total - sum((a for _, _, a in shown), Decimal(0))),
        coverage=coverage, healthy=coverage_healthy(coverage, win.rate), win_rate=win.rate,
        other_currencies=others, win=win,
        left_out=tuple(sorted(left_out, key=lambda d: int(d.ref[2:]))),
        converted=tuple(sorted(counted, key=lambda d: int(d.ref[2:]))),
    )
