"""Replies about targets and plans: /target and /plan."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from bot.render.base import Reply, currency_notes, escape, figure, pct, render, text_reply
from commands.core.i18n import listed, t, tn
from commands.core.money import format_money
from commands.plan.activity import ActivityPlan, ActivityRates
from commands.plan.names import metric_name, period_name
from commands.plan.plan import PlanResult
from commands.plan.targets import TargetResult


@render.register
def render_target(r: TargetResult) -> Reply:
    lines = [escape(r.message)] if r.message else []
    if r.rows:
        lines.append(f"*{escape(r.scope_name)} · {metric_name(r.metric)}*")
        for row in r.rows:
            s = row.score
            lines.append(t(
                "• *{period}*{implied}: target {target} · actual {actual} · attainment "
                "{attainment} · expected to date {expected} · pace {pace}{flag}",
                period=period_name(row.label), implied=t(" (implied)") if row.implied else "",
                target=figure(row.target, r.metric, r.currency),
                actual=figure(s.actual, r.metric, r.currency), attainment=pct(s.attainment),
                expected=figure(s.expected_to_date, r.metric, r.currency),
                pace="–" if s.pace is None else f"{s.pace:.2f}",
                flag=t(" :warning: behind") if s.behind else ""))
    if r.rep_shares:
        lines.append(t("Per rep: {shares}", shares=_list(
            f"{escape(name)} {figure(v, r.metric, r.currency)}" for name, v in r.rep_shares)))
    lines += [f":warning: {escape(w)}" for w in r.warnings]
    lines += currency_notes((), r.left_out, r.currency or "")
    return text_reply("\n".join(lines))


def _list(items: Iterable[str]) -> str:
    """a, b, c (a、b、c in Chinese)."""
    return listed(items)


def rates_note(rates: ActivityRates) -> str:
    """Which win rate a plan used and why, and where its other rates came from."""
    history = {"rep": t("their own history"), "team": t("the team's history"),
               "default": t("the configured defaults")}
    others = history[rates.source]
    if rates.deal_source is not None:
        if rates.deal_currency:
            deal = t("average deal from {source} (no won deal in {currency} in {others})",
                     source=history[rates.deal_source], currency=rates.deal_currency,
                     others=others)
        else:
            deal = t("average deal from {source} (no won deal in {others})",
                     source=history[rates.deal_source], others=others)
        visits = history[rates.visit_source or rates.source]
        if rates.visit_source is not None:
            others = t("{deal}, opportunities per visit from {visits} (no visits logged)",
                       deal=deal, visits=visits)
        else:
            others = t("{deal}, opportunities per visit from {visits}", deal=deal,
                       visits=visits)
    elif rates.visit_source is not None:
        others = t("average deal from {source}, opportunities per visit from {visits} "
                   "(no visits logged)", source=others, visits=history[rates.visit_source])
    else:
        others = t("average deal and opportunities per visit from {source}", source=others)
    return t("Win rate: {rate}; {others}.", rate=rates.win().describe(), others=others)


def _plan_counts(p: ActivityPlan, cur: str) -> str:
    per_day = "–" if p.visits_per_day is None else f"{p.visits_per_day:.2f}"
    return t("{wins}, {opportunities}, {visits} ({per_day} a working day), pipeline {pipeline}",
             wins=_wins(p.wins_needed), opportunities=_opportunities(p.opportunities_needed),
             visits=_visits(p.visits_needed), per_day=per_day,
             pipeline=format_money(p.pipeline_needed, cur))


def _wins(n: int, bold: bool = False) -> str:
    return tn("*{n}* win", "*{n}* wins", n) if bold else tn("{n} win", "{n} wins", n)


def _opportunities(n: int, bold: bool = False) -> str:
    return (tn("*{n}* opportunity", "*{n}* opportunities", n) if bold
            else tn("{n} opportunity", "{n} opportunities", n))


def _visits(n: int, bold: bool = False) -> str:
    return tn("*{n}* visit", "*{n}* visits", n) if bold else tn("{n} visit", "{n} visits", n)


@render.register
def render_plan(r: PlanResult) -> Reply:
    p = r.plan
    rates = p.rates
    avg_deal = rates.avg_deal_size.quantize(Decimal("0.01"))
    per_day = "–" if p.visits_per_day is None else f"{p.visits_per_day:.2f}"
    to_go = max(r.target - r.actual, Decimal(0))
    period = period_name(r.period)
    title = t("*Activity plan for {scope}, {period}*", scope=escape(r.scope_name), period=period)
    if r.actual >= r.target:
        return text_reply(title + "\n" + t(
            ":tada: Target {target} met: won {actual}, {over} over. Every further win is "
            "stretch.", target=format_money(r.target, r.currency),
            actual=format_money(r.actual, r.currency),
            over=format_money(r.actual - r.target, r.currency)))
    lines = [
        title,
        tn("Target {target} · won so far {actual} · to go {to_go} in {n} working day",
           "Target {target} · won so far {actual} · to go {to_go} in {n} working days",
           r.remaining_days, target=format_money(r.target, r.currency),
           actual=format_money(r.actual, r.currency), to_go=format_money(to_go, r.currency)),
    ]
    if p.members:
        # a team's plan is its reps' plans added up: each line below is that rep's /plan
        whose = tn("its one rep's own plan (`/plan @rep`), at their own rates",
                   "the sum of {n} reps' own plans (`/plan @rep`), each at their own rates",
                   p.reps)
        lines += [
            t("→ {wins} · {opportunities} · {visits}, *{per_day}* visits per working day: "
              "{whose}", wins=_wins(p.wins_needed, bold=True),
              opportunities=_opportunities(p.opportunities_needed, bold=True),
              visits=_visits(p.visits_needed, bold=True), per_day=per_day, whose=whose),
            *(t("• {name}: {counts} · {rate}", name=escape(name),
                counts=_plan_counts(mine, r.currency),
                rate=escape(mine.rates.win().describe())) for name, mine in p.members),
        ]
        if r.reps_without_target:
            lines.append(t("Not in the sum (no revenue target for {period}): {names}.",
                           period=period, names=escape(_list(r.reps_without_target))))
        if p.remaining_revenue != to_go:
            lines.append(t(
                "The reps' own targets leave {left} to go in all, against the team's {to_go}.",
                left=format_money(p.remaining_revenue, r.currency),
                to_go=format_money(to_go, r.currency)))
        lines.append(t("Pipeline needed: {pipeline}, the reps' own pipelines added up "
                       "(coverage {coverage}×)",
                       pipeline=format_money(p.pipeline_needed, r.currency),
                       coverage=f"{p.coverage_needed:.1f}"))
        lines.append(t("_The team's coverage (`/pipeline team`, the digest, the team's "
                       "warnings) is judged at {rate}._", rate=escape(rates.win().describe())))
        lines += currency_notes((), r.left_out, r.currency)
        return text_reply("\n".join(lines))
    lines += [
        t("→ {wins} (avg deal {deal})", wins=_wins(p.wins_needed, bold=True),
          deal=format_money(avg_deal, r.currency)),
        t("→ {opportunities} (win rate {rate})",
          opportunities=_opportunities(p.opportunities_needed, bold=True),
          rate=pct(rates.win_rate)),
        t("→ {visits} ({per_visit} opportunities per visit)",
          visits=_visits(p.visits_needed, bold=True),
          per_visit=f"{rates.opportunities_per_visit:.2f}"),
        t("→ *{per_day}* visits per working day", per_day=per_day),
        t("Pipeline needed: {pipeline} (coverage {coverage}×)",
          pipeline=format_money(p.pipeline_needed, r.currency),
          coverage=f"{p.coverage_needed:.1f}"),
        f"_{escape(rates_note(rates))}_",
    ]
    lines += currency_notes((), r.left_out, r.currency)
    if r.reps_without_target:
        lines.append(t("No rep has a revenue target for {period} ({names}): planned as one "
                       "unit.", period=period, names=escape(_list(r.reps_without_target))))
    return text_reply("\n".join(lines))


