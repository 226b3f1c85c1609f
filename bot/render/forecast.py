"""Replies about the forecast call: a call submitted or adjusted, the roll-up, the scored
history, the forecast settings, the weekly DM and the digest's forecast paragraph."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.render.base import Reply, context, escape, person, render, sections, text_reply
from bot.views.forecast import FORECAST_OPEN
from commands.core.dates import format_day
from commands.core.fx import describe_left_out
from commands.core.i18n import BABEL_LOCALE, current_locale, joined, listed, t, tn
from commands.core.money import format_money
from commands.deals.labels import stage_label
from commands.forecast.calls import CallAdjusted, CallSubmitted
from commands.forecast.categories import category_label
from commands.forecast.common import period_name
from commands.forecast.config import ForecastConfigResult
from commands.forecast.digest import DigestForecast
from commands.forecast.history import ForecastHistory
from commands.forecast.rollup import RepForecast, TeamForecast
from commands.forecast.scoring import PeriodScore
from commands.forecast.show import ForecastView
from jobs.forecast import ForecastPrompt


def _signed(amount: Decimal, currency: str) -> str:
    sign = "+" if amount > 0 else ("−" if amount < 0 else "±")
    return sign + format_money(abs(amount), currency)


def _pct(ratio: Decimal | None) -> str:
    return t("n/a") if ratio is None else f"{(ratio * 100).quantize(Decimal('0.1'))}%"


def _figures(commit: Decimal, best: Decimal | None, cur: str) -> str:
    """'commit $300k, best case $420k' (or the commit alone)."""
    if best is None:
        return t("commit {commit}", commit=format_money(commit, cur))
    return t("commit {commit}, best case {best}", commit=format_money(commit, cur),
             best=format_money(best, cur))


def _names(names: list[str]) -> str:
    return listed(names)


@render.register
def render_forecast_submitted(r: CallSubmitted) -> Reply:
    text = t(":crystal_ball: Your call for {period}: {figures}.",
             period=period_name(r.period.label), figures=_figures(r.commit, r.best, r.currency))
    if r.previous is not None:
        commit, _, on = r.previous
        text += "\n" + t("Your earlier call ({day}), commit {commit}, is kept too.",
                         day=format_day(on, r.today), commit=format_money(commit, r.currency))
    if r.note:
        text += "\n> " + escape(r.note).replace("\n", "\n> ")
    return text_reply(text)


@render.register
def render_forecast_adjusted(r: CallAdjusted) -> Reply:
    figures = _figures(r.commit, r.best, r.currency)
    period = period_name(r.period.label)
    if r.is_team:
        text = t(":memo: Adjusted {who}'s team call for {period}: {figures}.",
                 who=person(r.subject), period=period, figures=figures)
    else:
        text = t(":memo: Adjusted {who}'s call for {period}: {figures}.",
                 who=person(r.subject), period=period, figures=figures)
    text += "\n" + t("Reason: {reason}", reason=escape(r.reason))
    if r.call is not None:
        text += "\n" + t("{who}'s own call stays beside it: commit {commit}.",
                         who=person(r.subject), commit=format_money(r.call[0], r.currency))
    elif not r.is_team:
        text += "\n" + t("{who} has not submitted a call for {period} yet.",
                         who=person(r.subject), period=period)
    return text_reply(text)


def _target_part(target: Decimal | None, gap: Decimal | None, cur: str) -> str:
    if target is not None and gap is not None:
        return t("target {target}, gap {gap}", target=format_money(target, cur),
                 gap=format_money(gap, cur))
    return t("no revenue target")


def _team_line(tf: TeamForecast, cur: str) -> str:
    commit = format_money(tf.commit, cur)
    if tf.adjustment is not None:
        commit_part = t("commit {commit} (adjusted by {by}: {reason}; the reps' calls roll up "
                        "to {rolled_up})", commit=commit, by=person(tf.adjustment.by),
                        reason=escape(tf.adjustment.reason),
                        rolled_up=format_money(tf.rolled_up, cur))
    elif tf.rolled_up != tf.called:
        commit_part = t("commit {commit} (the reps' own calls: {called})", commit=commit,
                        called=format_money(tf.called, cur))
    else:
        commit_part = t("commit {commit}", commit=commit)
    parts = [t("closed {amount}", amount=format_money(tf.closed, cur)), commit_part,
             t("best case {amount}", amount=format_money(tf.best, cur)),
             t("weighted pipeline {amount}", amount=format_money(tf.weighted, cur)),
             _target_part(tf.target, tf.gap, cur),
             t("moved {amount} since last week", amount=_signed(tf.moved, cur)),
             t("{submitted} of {reps} called", submitted=tf.submitted, reps=tf.reps)]
    return t("*{who}*: {details}", who=escape(tf.name), details=" · ".join(parts))


def _rep_line(r: RepForecast, cur: str, today: date) -> str:
    parts = [t("closed {amount}", amount=format_money(r.closed, cur))]
    if r.call is None:
        parts.append(t("no call yet (from the deals: commit {commit}, best case {best})",
                       commit=format_money(r.prefill_commit, cur),
                       best=format_money(r.prefill_best, cur)))
    else:
        parts.append(t("call: {figures} ({day})",
                       figures=_figures(r.call.commit, r.call.best, cur),
                       day=format_day(r.call.at.date(), today)))
    if r.adjustment is not None:
        parts.append(t("adjusted by {by} to {amount}: {reason}", by=person(r.adjustment.by),
                       amount=format_money(r.adjustment.commit, cur),
                       reason=escape(r.adjustment.reason)))
    parts.append(t("weighted pipeline {amount}", amount=format_money(r.weighted, cur)))
    if r.target is not None:
        if r.gap is not None:
            parts.append(_target_part(r.target, r.gap, cur))
        else:
            parts.append(t("target {target}", target=format_money(r.target, cur)))
    if r.moved is not None:
        parts.append(t("moved {amount} since last week", amount=_signed(r.moved, cur)))
    line = "• " + t("*{who}*: {details}", who=person(r.name), details=" · ".join(parts))
    if r.over_called:
        line += "\n  " + t(":warning: commit above the {amount} that closed deals and every "
                           "deal closing in the period could deliver",
                           amount=format_money(r.deliverable, cur))
    return line


def _deals(r: RepForecast, cur: str, today: date) -> list[str]:
    lines = [t("From the deals: commit {commit} (closed + commit), best case {best} "
               "(+ best case)", commit=format_money(r.prefill_commit, cur),
               best=format_money(r.prefill_best, cur))]
    for d in sorted(r.deals, key=lambda d: (-d.amount, d.ref))[:15]:
        close = format_day(d.close, today) if d.close else t("no close date")
        lines.append(f"  {d.ref} {escape(d.name)} · {format_money(d.amount, cur)} · "
                     f"{category_label(d.category)} · {close}")
    return lines


def _due_at(moment: datetime) -> str:
    """'Mon 2026-12-07 15:00' (12月7日 周一 15:00 in Chinese)."""
    if current_locale() == "zh":
        return format_date(moment.date(), "M月d日 EEE", locale=BABEL_LOCALE["zh"]) + \
            f" {moment:%H:%M}"
    return f"{moment:%a %Y-%m-%d %H:%M}"


@render.register
def render_forecast_view(r: ForecastView) -> Reply:
    cur = r.currency
    lines = [t("*Forecast of {who} for {period}* ({currency})", who=person(r.scope_name),
               period=period_name(r.period.label), currency=cur)]
    if r.team is not None:
        lines.append(_team_line(r.team, cur))
    for rep in r.reps:
        lines.append(_rep_line(rep, cur, r.today))
        if not r.is_team:
            lines.extend(_deals(rep, cur, r.today))
    if r.not_submitted or r.hidden_not_submitted:
        names = [person(n) for n in r.not_submitted]
        if r.hidden_not_submitted:
            names.append(tn("{n} more", "{n} more", r.hidden_not_submitted))
        lines.append(t("Not submitted yet: {names}. `/forecast submit commit:300k best:420k` "
                       "submits a call.", names=_names(names)))
    if r.left_out:
        lines.append(escape(describe_left_out(r.left_out)))
    if r.deadline is not None:
        lines.append(t("Calls are next due {when} (team time).", when=_due_at(r.deadline)))
    return text_reply("\n".join(lines))


def _error(s: PeriodScore) -> str:
    error = _pct(s.last_error)
    if s.actual == 0 and s.last > 0:
        return t("error {error} (over-called: nothing won)", error=error)
    if s.direction == "over-called":
        return t("error {error} (over-called)", error=error)
    if s.direction == "sandbagged":
        return t("error {error} (sandbagged)", error=error)
    return t("error {error} (exact)", error=error)


def _accuracy(who: str, acc: Decimal | None, n: int, kind: str) -> str:
    if kind == "quarter":
        return tn("{who} {accuracy} over {n} quarter", "{who} {accuracy} over {n} quarters", n,
                  who=person(who), accuracy=_pct(acc))
    return tn("{who} {accuracy} over {n} month", "{who} {accuracy} over {n} months", n,
              who=person(who), accuracy=_pct(acc))


@render.register
def render_forecast_history(r: ForecastHistory) -> Reply:
    cur = r.currency
    quarters = r.kind == "quarter"
    lines = [t("*Forecast history of {who}* (quarters, {currency})", who=person(r.scope_name),
               currency=cur) if quarters else
             t("*Forecast history of {who}* (months, {currency})", who=person(r.scope_name),
               currency=cur)]
    if not r.scores:
        lines.append(t("No call was made for a closed quarter yet.") if quarters else
                     t("No call was made for a closed month yet."))
    for s in r.scores:
        lines.append("• " + t("{period} *{who}*: first call {first}, last {last}, actual "
                              "{actual}: {error}", period=period_name(s.period),
                              who=person(s.who), first=format_money(s.first, cur),
                              last=format_money(s.last, cur),
                              actual=format_money(s.actual, cur), error=_error(s)))
    if r.accuracy:
        lines.append(t("Accuracy so far: {list}", list=joined(
            _accuracy(who, acc, n, r.kind) for who, acc, n in r.accuracy)))
    return text_reply("\n".join(lines))


@render.register
def render_forecast_config(r: ForecastConfigResult) -> Reply:
    lines = [escape(r.message)] if r.message else []
    lines.append(t("*Forecast settings*"))
    lines.append(t("Deals default to (workspace): {list}", list=listed(
        f"{stage_label(stage)} → {category_label(cat)}" for stage, cat in r.categories)))
    lines.append(t("Forecast call of {team}: {schedule}", team=escape(r.team_name),
                   schedule=r.schedule))
    return text_reply("\n".join(lines))


def _prefill(label: str, r: RepForecast, cur: str) -> str:
    line = t("*{period}*: closed {closed} · commit {commit} · best case {best}",
             period=period_name(label), closed=format_money(r.closed, cur),
             commit=format_money(r.prefill_commit, cur), best=format_money(r.prefill_best, cur))
    line += " · " + (t("target {target}", target=format_money(r.target, cur))
                     if r.target is not None else t("no revenue target"))
    if r.call is not None:
        line += " · " + t("your last call: commit {commit}",
                          commit=format_money(r.call.commit, cur))
    return line


def _both(periods: tuple[str, ...]) -> str:
    """'2026-12 and 2026-Q4' (or one of them)."""
    names = [period_name(p) for p in periods]
    if len(names) == 2:
        return t("{first} and {second}", first=names[0], second=names[1])
    return " ".join(names)


@render.register
def render_forecast_prompt(p: ForecastPrompt) -> Reply:
    """The weekly forecast DM, or its one reminder."""
    cur = p.currency
    due = f"{p.deadline:%H:%M}"
    head = (t(":alarm_clock: Reminder: your forecast call for {periods} is due by {time} "
              "today.", periods=_both(p.missing or (p.month_label,)), time=due)
            if p.reminder else
            t(":crystal_ball: Forecast call for {team}: please call {month} and {quarter} by "
              "{time} today.", team=escape(p.team_name), month=period_name(p.month_label),
              quarter=period_name(p.quarter_label), time=due))
    lines = [head, t("From your deals (commit = closed + commit deals, best case = + best-case "
                     "deals closing in the period):"),
             _prefill(p.month_label, p.month, cur), _prefill(p.quarter_label, p.quarter, cur)]
    for d in sorted(p.month.deals, key=lambda d: (-d.amount, d.ref))[:10]:
        lines.append(f"  {d.ref} {escape(d.name)} · {format_money(d.amount, cur)} · "
                     f"{category_label(d.category)}")
    text = "\n".join(lines)
    typed = t("Or type `/forecast submit commit:{commit} best:{best} note:\"...\"` (add "
              "`quarter` for {quarter}); change a deal's category with "
              "`/deal D-n forecast:commit`.", commit=_plain(p.month.prefill_commit),
              best=_plain(p.month.prefill_best), quarter=period_name(p.quarter_label))
    button = ButtonElement(
        text=t("Submit my call"), action_id=FORECAST_OPEN, style="primary",
        value=f"{_plain(p.month.prefill_commit)}|{_plain(p.month.prefill_best)}")
    blocks: list[Block] = [*sections(text), ActionsBlock(block_id="forecast_actions",
                                                         elements=[button]), context(typed)]
    return Reply(text=f"{text}\n{typed}", blocks=blocks)


def _plain(amount: Decimal) -> str:
    """An amount as it can be typed back: 120000, 1234.5."""
    return f"{amount.normalize():f}"


def forecast_digest_section(f: DigestForecast) -> str:
    """The weekly digest's forecast paragraph."""
    cur, tf = f.currency, f.team
    lines = [t("*Forecast {period}*: commit {commit} · best case {best} · {target} · "
               "weighted pipeline {weighted} · {submitted} of {reps} called",
               period=period_name(f.period), commit=format_money(tf.commit, cur),
               best=format_money(tf.best, cur), target=_target_part(tf.target, tf.gap, cur),
               weighted=format_money(tf.weighted, cur), submitted=tf.submitted, reps=tf.reps)]
    if f.movers:
        lines.append(t("Moved since last week: {list}", list=_names(
            [f"{person(who)} {_signed(moved, cur)}" for who, moved in f.movers[:5]])))
    if f.not_called:
        lines.append(t("Not called yet: {names}", names=_names(
            [person(n) for n in f.not_called])))
    if f.accuracy is not None:
        lines.append(tn("Accuracy of the team's calls: {accuracy} over {n} closed month",
                        "Accuracy of the team's calls: {accuracy} over {n} closed months",
                        f.months_scored, accuracy=_pct(f.accuracy)))
    return "\n".join(lines)
