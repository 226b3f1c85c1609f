"""Replies about the forecast call: a call submitted or adjusted, the roll-up, the scored
history, the forecast settings, the weekly DM and the digest's forecast paragraph."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.render.base import Reply, context, escape, person, render, sections, text_reply
from bot.views.forecast import FORECAST_OPEN
from commands.core.dates import format_day
from commands.core.fx import describe_left_out
from commands.core.money import format_money
from commands.forecast.calls import CallAdjusted, CallSubmitted
from commands.forecast.config import ForecastConfigResult
from commands.forecast.digest import DigestForecast
from commands.forecast.history import ForecastHistory
from commands.forecast.rollup import RepForecast, TeamForecast
from commands.forecast.scoring import PeriodScore
from commands.forecast.show import ForecastView
from jobs.forecast import ForecastPrompt

_CATEGORY = {"pipeline": "pipeline", "best_case": "best case", "commit": "commit",
             "closed": "closed", "omitted": "omitted"}


def _signed(amount: Decimal, currency: str) -> str:
    sign = "+" if amount > 0 else ("−" if amount < 0 else "±")
    return sign + format_money(abs(amount), currency)


def _pct(ratio: Decimal | None) -> str:
    return "n/a" if ratio is None else f"{(ratio * 100).quantize(Decimal('0.1'))}%"


@render.register
def render_forecast_submitted(r: CallSubmitted) -> Reply:
    best = f", best case {format_money(r.best, r.currency)}" if r.best is not None else ""
    text = (f":crystal_ball: Your call for {r.period.label}: commit "
            f"{format_money(r.commit, r.currency)}{best}.")
    if r.previous is not None:
        commit, _, on = r.previous
        text += (f"\nYour earlier call ({format_day(on, r.today)}), commit "
                 f"{format_money(commit, r.currency)}, is kept too.")
    if r.note:
        text += "\n> " + escape(r.note).replace("\n", "\n> ")
    return text_reply(text)


@render.register
def render_forecast_adjusted(r: CallAdjusted) -> Reply:
    best = f", best case {format_money(r.best, r.currency)}" if r.best is not None else ""
    whose = f"{person(r.subject)}'s team call" if r.is_team else f"{person(r.subject)}'s call"
    text = (f":memo: Adjusted {whose} for {r.period.label}: commit "
            f"{format_money(r.commit, r.currency)}{best}.\nReason: {escape(r.reason)}")
    if r.call is not None:
        text += (f"\n{person(r.subject)}'s own call stays beside it: commit "
                 f"{format_money(r.call[0], r.currency)}.")
    elif not r.is_team:
        text += f"\n{person(r.subject)} has not submitted a call for {r.period.label} yet."
    return text_reply(text)


def _team_line(t: TeamForecast, cur: str) -> str:
    parts = [f"closed {format_money(t.closed, cur)}",
             f"commit {format_money(t.commit, cur)}"]
    if t.adjustment is not None:
        parts[-1] += (f" (adjusted by {person(t.adjustment.by)}: {escape(t.adjustment.reason)}; "
                      f"the reps' calls roll up to {format_money(t.rolled_up, cur)})")
    elif t.rolled_up != t.called:
        parts[-1] += f" (the reps' own calls: {format_money(t.called, cur)})"
    parts.append(f"best case {format_money(t.best, cur)}")
    parts.append(f"weighted pipeline {format_money(t.weighted, cur)}")
    if t.target is not None and t.gap is not None:
        parts.append(f"target {format_money(t.target, cur)}, gap {format_money(t.gap, cur)}")
    else:
        parts.append("no revenue target")
    parts.append(f"moved {_signed(t.moved, cur)} since last week")
    return f"*{escape(t.name)}*: " + " · ".join(parts) + f" · {t.submitted} of {t.reps} called"


def _rep_line(r: RepForecast, cur: str, today: date) -> str:
    parts = [f"closed {format_money(r.closed, cur)}"]
    if r.call is None:
        parts.append(f"no call yet (from the deals: commit {format_money(r.prefill_commit, cur)},"
                     f" best case {format_money(r.prefill_best, cur)})")
    else:
        best = (f", best case {format_money(r.call.best, cur)}" if r.call.best is not None
                else "")
        parts.append(f"call: commit {format_money(r.call.commit, cur)}{best} "
                     f"({format_day(r.call.at.date(), today)})")
    if r.adjustment is not None:
        parts.append(f"adjusted by {person(r.adjustment.by)} to "
                     f"{format_money(r.adjustment.commit, cur)}: {escape(r.adjustment.reason)}")
    parts.append(f"weighted pipeline {format_money(r.weighted, cur)}")
    if r.target is not None:
        gap = f", gap {format_money(r.gap, cur)}" if r.gap is not None else ""
        parts.append(f"target {format_money(r.target, cur)}{gap}")
    if r.moved is not None:
        parts.append(f"moved {_signed(r.moved, cur)} since last week")
    line = f"• *{person(r.name)}*: " + " · ".join(parts)
    if r.over_called:
        line += (f"\n  :warning: commit above the {format_money(r.deliverable, cur)} that "
                 "closed deals and every deal closing in the period could deliver")
    return line


def _deals(r: RepForecast, cur: str, today: date) -> list[str]:
    lines = [f"From the deals: commit {format_money(r.prefill_commit, cur)} (closed + commit), "
             f"best case {format_money(r.prefill_best, cur)} (+ best case)"]
    for d in sorted(r.deals, key=lambda d: (-d.amount, d.ref))[:15]:
        close = format_day(d.close, today) if d.close else "no close date"
        lines.append(f"  {d.ref} {escape(d.name)} · {format_money(d.amount, cur)} · "
                     f"{_CATEGORY.get(d.category, d.category)} · {close}")
    return lines


@render.register
def render_forecast_view(r: ForecastView) -> Reply:
    cur = r.currency
    lines = [f"*Forecast of {person(r.scope_name)} for {r.period.label}* ({cur})"]
    if r.team is not None:
        lines.append(_team_line(r.team, cur))
    for rep in r.reps:
        lines.append(_rep_line(rep, cur, r.today))
        if not r.is_team:
            lines.extend(_deals(rep, cur, r.today))
    if r.not_submitted or r.hidden_not_submitted:
        names = [person(n) for n in r.not_submitted]
        if r.hidden_not_submitted:
            names.append(f"{r.hidden_not_submitted} more")
        lines.append("Not submitted yet: " + ", ".join(names) + ". "
                     "`/forecast submit commit:300k best:420k` submits a call.")
    if r.left_out:
        lines.append(escape(describe_left_out(r.left_out)))
    if r.deadline is not None:
        lines.append(f"Calls are next due {r.deadline:%a %Y-%m-%d %H:%M} (team time).")
    return text_reply("\n".join(lines))


def _error(s: PeriodScore) -> str:
    if s.actual == 0 and s.last > 0:
        return f"error {_pct(s.last_error)} (over-called: nothing won)"
    return f"error {_pct(s.last_error)} ({s.direction})"


@render.register
def render_forecast_history(r: ForecastHistory) -> Reply:
    cur = r.currency
    lines = [f"*Forecast history of {person(r.scope_name)}* ({r.kind}s, {cur})"]
    if not r.scores:
        lines.append(f"No call was made for a closed {r.kind} yet.")
    for s in r.scores:
        lines.append(f"• {s.period} *{person(s.who)}*: first call "
                     f"{format_money(s.first, cur)}, last {format_money(s.last, cur)}, actual "
                     f"{format_money(s.actual, cur)}: {_error(s)}")
    if r.accuracy:
        lines.append("Accuracy so far: " + "; ".join(
            f"{person(who)} {_pct(acc)} over {n} {r.kind}{'s' if n != 1 else ''}"
            for who, acc, n in r.accuracy))
    return text_reply("\n".join(lines))


@render.register
def render_forecast_config(r: ForecastConfigResult) -> Reply:
    lines = [escape(r.message)] if r.message else []
    lines.append("*Forecast settings*")
    lines.append("Deals default to (workspace): " + ", ".join(
        f"{stage} → {_CATEGORY.get(cat, cat)}" for stage, cat in r.categories))
    lines.append(f"Forecast call of {escape(r.team_name)}: {r.schedule}")
    return text_reply("\n".join(lines))


def _prefill(label: str, r: RepForecast, cur: str) -> str:
    target = (f" · target {format_money(r.target, cur)}" if r.target is not None
              else " · no revenue target")
    called = ""
    if r.call is not None:
        called = f" · your last call: commit {format_money(r.call.commit, cur)}"
    return (f"*{label}*: closed {format_money(r.closed, cur)} · commit "
            f"{format_money(r.prefill_commit, cur)} · best case "
            f"{format_money(r.prefill_best, cur)}{target}{called}")


@render.register
def render_forecast_prompt(p: ForecastPrompt) -> Reply:
    """The weekly forecast DM, or its one reminder."""
    cur = p.currency
    head = (f":alarm_clock: Reminder: your forecast call for "
            f"{' and '.join(p.missing or (p.month_label,))} is due by "
            f"{p.deadline:%H:%M} today." if p.reminder else
            f":crystal_ball: Forecast call for {escape(p.team_name)}: please call "
            f"{p.month_label} and {p.quarter_label} by {p.deadline:%H:%M} today.")
    lines = [head, "From your deals (commit = closed + commit deals, best case = + best-case "
             "deals closing in the period):",
             _prefill(p.month_label, p.month, cur), _prefill(p.quarter_label, p.quarter, cur)]
    for d in sorted(p.month.deals, key=lambda d: (-d.amount, d.ref))[:10]:
        lines.append(f"  {d.ref} {escape(d.name)} · {format_money(d.amount, cur)} · "
                     f"{_CATEGORY.get(d.category, d.category)}")
    text = "\n".join(lines)
    typed = (f"Or type `/forecast submit commit:{_plain(p.month.prefill_commit)} "
             f"best:{_plain(p.month.prefill_best)} note:\"...\"` (add `quarter` for "
             f"{p.quarter_label}); change a deal's category with `/deal D-n forecast:commit`.")
    button = ButtonElement(
        text="Submit my call", action_id=FORECAST_OPEN, style="primary",
        value=f"{_plain(p.month.prefill_commit)}|{_plain(p.month.prefill_best)}")
    blocks: list[Block] = [*sections(text), ActionsBlock(block_id="forecast_actions",
                                                         elements=[button]), context(typed)]
    return Reply(text=f"{text}\n{typed}", blocks=blocks)


def _plain(amount: Decimal) -> str:
    """An amount as it can be typed back: 120000, 1234.5."""
    return f"{amount.normalize():f}"


def forecast_digest_section(f: DigestForecast) -> str:
    """The weekly digest's forecast paragraph."""
    cur, t = f.currency, f.team
    target = (f"target {format_money(t.target, cur)}, gap {format_money(t.gap, cur)}"
              if t.target is not None and t.gap is not None else "no revenue target")
    lines = [f"*Forecast {f.period}*: commit {format_money(t.commit, cur)} · best case "
             f"{format_money(t.best, cur)} · {target} · weighted pipeline "
             f"{format_money(t.weighted, cur)} · {t.submitted} of {t.reps} called"]
    if f.movers:
        lines.append("Moved since last week: " + ", ".join(
            f"{person(who)} {_signed(moved, cur)}" for who, moved in f.movers[:5]))
    if f.not_called:
        lines.append("Not called yet: " + ", ".join(person(n) for n in f.not_called))
    if f.accuracy is not None:
        lines.append(f"Accuracy of the team's calls: {_pct(f.accuracy)} over "
                     f"{f.months_scored} closed month{'s' if f.months_scored != 1 else ''}")
    return "\n".join(lines)
