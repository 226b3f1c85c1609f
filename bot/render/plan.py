"""Replies about targets and plans: /target and /plan."""

from __future__ import annotations

from decimal import Decimal

from bot.render.base import Reply, currency_notes, escape, figure, pct, render, text_reply
from commands.core.money import format_money
from commands.core.text import noun, plural
from commands.plan.activity import ActivityPlan, ActivityRates
from commands.plan.plan import PlanResult
from commands.plan.targets import TargetResult


@render.register
def render_target(r: TargetResult) -> Reply:
    lines = [escape(r.message)] if r.message else []
    if r.rows:
        lines.append(f"*{escape(r.scope_name)} · {r.metric}*")
        for row in r.rows:
            s = row.score
            flag = " :warning: behind" if s.behind else ""
            lines.append(
                f"• *{row.label}*{' (implied)' if row.implied else ''}: target "
                f"{figure(row.target, r.metric, r.currency)} · actual "
                f"{figure(s.actual, r.metric, r.currency)} · attainment {pct(s.attainment)} · "
                f"expected to date {figure(s.expected_to_date, r.metric, r.currency)} · pace "
                f"{'–' if s.pace is None else f'{s.pace:.2f}'}{flag}"
            )
    if r.rep_shares:
        lines.append("Per rep: " + ", ".join(
            f"{escape(name)} {figure(v, r.metric, r.currency)}" for name, v in r.rep_shares))
    lines += [f":warning: {escape(w)}" for w in r.warnings]
    lines += currency_notes((), r.left_out, r.currency or "")
    return text_reply("\n".join(lines))


def rates_note(rates: ActivityRates) -> str:
    """Which win rate a plan used and why, and where its other rates came from."""
    history = {"rep": "their own history", "team": "the team's history",
               "default": "the configured defaults"}
    others = history[rates.source]
    if rates.deal_source is not None:
        cur = f" in {rates.deal_currency}" if rates.deal_currency else ""
        deal = (f"average deal from {history[rates.deal_source]} (no won deal{cur} in "
                f"{others})")
        visits = history[rates.visit_source or rates.source]
        note = " (no visits logged)" if rates.visit_source is not None else ""
        others = f"{deal}, opportunities per visit from {visits}{note}"
    elif rates.visit_source is not None:
        others = (f"average deal from {others}, opportunities per visit from "
                  f"{history[rates.visit_source]} (no visits logged)")
    else:
        others = f"average deal and opportunities per visit from {others}"
    return f"Win rate: {rates.win().describe()}; {others}."


def _plan_counts(p: ActivityPlan, cur: str) -> str:
    per_day = "–" if p.visits_per_day is None else f"{p.visits_per_day:.2f}"
    return (f"{_count(p.wins_needed, 'win')}, {_count(p.opportunities_needed, 'opportunity')},"
            f" {_count(p.visits_needed, 'visit')} ({per_day} a working day), pipeline "
            f"{format_money(p.pipeline_needed, cur)}")


def _count(n: int, word: str) -> str:
    plural = "opportunities" if word == "opportunity" else f"{word}s"
    return f"{n} {word if n == 1 else plural}"


@render.register
def render_plan(r: PlanResult) -> Reply:
    p = r.plan
    rates = p.rates
    avg_deal = rates.avg_deal_size.quantize(Decimal("0.01"))
    per_day = "–" if p.visits_per_day is None else f"{p.visits_per_day:.2f}"
    to_go = max(r.target - r.actual, Decimal(0))
    if r.actual >= r.target:
        return text_reply(
            f"*Activity plan for {escape(r.scope_name)}, {r.period.label}*\n:tada: Target "
            f"{format_money(r.target, r.currency)} met: won {format_money(r.actual, r.currency)}"
            f", {format_money(r.actual - r.target, r.currency)} over. Every further win is "
            "stretch.")
    lines = [
        f"*Activity plan for {escape(r.scope_name)}, {r.period.label}*",
        f"Target {format_money(r.target, r.currency)} · won so far "
        f"{format_money(r.actual, r.currency)} · to go "
        f"{format_money(to_go, r.currency)} in {plural(r.remaining_days, 'working day')}",
    ]
    if p.members:
        # a team's plan is its reps' plans added up: each line below is that rep's /plan
        lines += [
            f"→ *{p.wins_needed}* {noun(p.wins_needed, 'win')} · "
            f"*{p.opportunities_needed}* "
            f"{noun(p.opportunities_needed, 'opportunity', 'opportunities')} · "
            f"*{p.visits_needed}* {noun(p.visits_needed, 'visit')}, "
            f"*{per_day}* visits per working day: "
            + (f"the sum of {p.reps} reps' own plans (`/plan @rep`), each at their own rates"
               if p.reps != 1 else "its one rep's own plan (`/plan @rep`), at their own rates"),
            *(f"• {escape(name)}: {_plan_counts(mine, r.currency)} · "
              f"{escape(mine.rates.win().describe())}" for name, mine in p.members),
        ]
        if r.reps_without_target:
            lines.append(f"Not in the sum (no revenue target for {r.period.label}): "
                         f"{escape(', '.join(r.reps_without_target))}.")
        if p.remaining_revenue != to_go:
            lines.append(
                f"The reps' own targets leave {format_money(p.remaining_revenue, r.currency)} "
                f"to go in all, against the team's {format_money(to_go, r.currency)}.")
        lines.append(f"Pipeline needed: {format_money(p.pipeline_needed, r.currency)}, the "
                     f"reps' own pipelines added up (coverage {p.coverage_needed:.1f}×)")
        lines.append(f"_The team's coverage (`/pipeline team`, the digest, the team's warnings) "
                     f"is judged at {escape(rates.win().describe())}._")
        lines += currency_notes((), r.left_out, r.currency)
        return text_reply("\n".join(lines))
    lines += [
        f"→ *{p.wins_needed}* {noun(p.wins_needed, 'win')} "
        f"(avg deal {format_money(avg_deal, r.currency)})",
        f"→ *{p.opportunities_needed}* "
        f"{noun(p.opportunities_needed, 'opportunity', 'opportunities')} "
        f"(win rate {pct(rates.win_rate)})",
        f"→ *{p.visits_needed}* {noun(p.visits_needed, 'visit')} "
        f"({rates.opportunities_per_visit:.2f} opportunities per visit)",
        f"→ *{per_day}* visits per working day",
        f"Pipeline needed: {format_money(p.pipeline_needed, r.currency)} "
        f"(coverage {p.coverage_needed:.1f}×)",
        f"_{escape(rates_note(rates))}_",
    ]
    lines += currency_notes((), r.left_out, r.currency)
    if r.reps_without_target:
        lines.append(f"No rep has a revenue target for {r.period.label} "
                     f"({escape(', '.join(r.reps_without_target))}): planned as one unit.")
    return text_reply("\n".join(lines))


