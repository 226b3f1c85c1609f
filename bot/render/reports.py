"""Replies about how the team is doing: /sales report, the leaderboard, and the weekly
digest (a command's reply and the job's post alike)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot.render.base import (
    MAX_BLOCKS,
    Reply,
    currency_notes,
    escape,
    figure,
    left_out_note,
    naming,
    pct,
    person,
    render,
    sections,
    text_reply,
)
from bot.render.forecast import forecast_digest_section
from bot.render.warnings import movement_text
from commands.core.dates import format_day, iso_or_day
from commands.core.fx import describe_left_out
from commands.core.i18n import BABEL_LOCALE, current_locale, joined, t, tn, tp
from commands.core.money import format_money
from commands.deals.labels import stage_label
from commands.plan.names import metric_name, period_name
from commands.plan.scorecard import Scorecard
from commands.reports.digest import DigestResult
from commands.reports.lost_reasons import NO_REASON
from commands.reports.report import LeaderboardResult, ReportResult
from jobs.digest import DigestPost


def _state(state: str) -> str:
    """An action item's state (open, overdue, done...) in the reader's language."""
    names = {"open": tp("action item", "open"), "overdue": tp("action item", "overdue"),
             "done": tp("action item", "done"),
             "done, no effect yet": tp("action item", "done, no effect yet")}
    return names.get(state, state)


def _days(days: int | Decimal) -> str:
    """'18 days', '1 day', '2.5 days'."""
    shown = f"{days:,}"
    return tn("{n} day", "{n} days", 1 if days == 1 else 2, n=shown)


def _short_day(d: date) -> str:
    """'03 Dec' (12月3日 in Chinese)."""
    if current_locale() == "en":
        return f"{d:%d %b}"
    return format_date(d, "M月d日", locale=BABEL_LOCALE[current_locale()])


@render.register
def render_report(r: ReportResult) -> Reply:
    cur = r.currency
    elapsed, total = r.working_days
    lines = [t("*Scorecard of {scope}, {period}* ({elapsed} of {total} working days gone)",
               scope=escape(r.scope_name), period=period_name(r.period), elapsed=elapsed,
               total=total)]
    for m in r.metrics:
        name = metric_name(m.metric, spaced=True)
        s = m.score
        if s is None or m.target is None:
            lines.append(t("• *{metric}*: {actual} (no target)", metric=name,
                           actual=figure(m.actual, m.metric, cur)))
            continue
        flag = " " + t(":warning: behind") if s.behind else ""
        pace = "–" if s.pace is None else f"{s.pace:.2f}"
        lines.append(t(
            "• *{metric}*: {actual} of {target} ({attainment}) · expected {expected} · "
            "pace {pace}{flag} · projected {projected} · needs {needed} per working day",
            metric=name, actual=figure(s.actual, m.metric, cur),
            target=figure(m.target, m.metric, cur), attainment=pct(s.attainment),
            expected=figure(s.expected_to_date, m.metric, cur),
            pace=pace, flag=flag,
            projected=figure(s.projected, m.metric, cur),
            needed=figure(s.required_per_working_day, m.metric, cur)))
    lines += currency_notes(r.converted, r.left_out, cur)
    cycle = "–" if r.median_cycle_days is None else _days(r.median_cycle_days)
    lines.append(t("*Win rate* (last 180 days): {by_count} by count ({won} won, {lost} lost), "
                   "{by_value} by value in {currency} · median cycle {cycle}",
                   by_count=pct(r.win_rate_count), won=r.won, lost=r.lost,
                   by_value=pct(r.win_rate_value), currency=cur, cycle=cycle))
    if r.value_left_out:
        note = describe_left_out(r.value_left_out)
        lines.append(t(":warning: _The win rate by value: {note}_",
                       note=escape(note[0].lower() + note[1:])))
    if any(reached for _, reached, _, _ in r.funnel):
        steps = [t("{stage} {reached} ({conversion} on)", stage=stage_label(stage),
                   reached=reached, conversion=pct(conv))
                 for stage, reached, _, conv in r.funnel]
        lines.append(t("*Funnel* (deals created in the last 180 days): {stages}",
                       stages=" → ".join(steps)))
    if r.moves:
        lines.append(t("*Top deals moved*: {moves}", moves=joined(
            f"{ref} {escape(name)} {format_money(amount, cur_)} {stage_label(old)} → "
            f"{stage_label(new)}" for ref, name, amount, cur_, old, new in r.moves)))
    if r.stale_count:
        stale = [t("{ref} {name} {amount} (last {when})", ref=ref, name=escape(name),
                   amount=format_money(amount, cur_), when=_last(last))
                 for ref, name, amount, cur_, last in r.stale]
        lines.append(t("*Stale deals* (no activity for 14+ days): {count} — {deals}",
                       count=r.stale_count, deals=joined(stale)))
    else:
        lines.append(t("*Stale deals*: none"))
    lines.append(t("*Visits by tier*: {tiers}",
                   tiers=" · ".join(f"{tier} {n}" for tier, n in r.visits_by_tier)))
    return text_reply("\n".join(lines))


def _iso_day(text: str) -> str:
    """A day a record keeps as 2026-11-26: so in English, 11月26日 in Chinese."""
    if current_locale() == "en":
        return text
    try:
        return _short_day(date.fromisoformat(text))
    except ValueError:
        return text


def _last(last: date | None) -> str:
    if last is None:
        return t("never")
    return iso_or_day(last)


@render.register
def render_leaderboard(r: LeaderboardResult) -> Reply:
    lines = [t("*Leaderboard of {team}: {metric}, {period}* (ranked by attainment)",
               team=escape(r.team_name), metric=metric_name(r.metric, spaced=True),
               period=period_name(r.period))]
    for rank, rep, target, actual, got in r.rows:
        detail = (t("{attainment} of {target}", attainment=pct(got),
                    target=figure(target, r.metric, r.currency)) if got is not None
                  else t("no target"))
        lines.append(f"{rank}. {escape(rep)} — {figure(actual, r.metric, r.currency)} ({detail})")
    lines += currency_notes((), r.left_out, r.currency)
    return text_reply("\n".join(lines))


def _pace_text(s: Scorecard) -> str:
    pace = "–" if s.pace is None else f"{s.pace:.2f}"
    return t("{attainment} (pace {pace}{flag}, expected {expected})",
             attainment=pct(s.attainment), pace=pace,
             flag=" :warning:" if s.behind else "", expected=pct(s.expected_share))


def _change(now: Decimal | None, before: Decimal | None) -> str:
    if now is None:
        return "–"
    if before is None:
        return pct(now)
    delta = (now - before) * 100
    change = f"{'+' if delta >= 0 else ''}{delta:.0f}"
    return t("{share} ({change} pts)", share=pct(now), change=change)


def _none(items: str) -> str:
    """`items`, or "none" when there are none."""
    return items or t("none")


def _target_sections(r: DigestResult) -> list[str]:
    """The month's target line, and each rep's."""
    cur = r.currency
    out = []
    if r.team is not None:
        team = r.team
        out.append(t(
            "*Target {period}*: {actual} of {target}, {pace} · projected {projected} · "
            "needs {needed} per working day", period=period_name(r.period),
            actual=format_money(team.actual, cur), target=format_money(team.target, cur),
            pace=_pace_text(team), projected=figure(team.projected, "revenue", cur),
            needed=figure(team.required_per_working_day, "revenue", cur)))
    else:
        out.append(t("*Target {period}*: no revenue target yet (`/target set team ...`)",
                     period=period_name(r.period)))
    if r.reps:
        out.append(t("*Reps*") + "\n" + "\n".join(
            t("• {rep}: {actual} of {target}, {pace}", rep=escape(line.name),
              actual=format_money(line.score.actual, cur),
              target=format_money(line.score.target, cur), pace=_pace_text(line.score))
            for line in r.reps))
    return out


def digest_sections(r: DigestResult) -> list[str]:
    """The digest as mrkdwn paragraphs, one per topic; shared by Block Kit and text."""
    cur = r.currency
    out = _target_sections(r)
    cov = "–" if r.coverage is None else f"{r.coverage:.2f}×"
    if r.win is not None:
        times = f"{1 / r.win.rate:.1f}"
        need = t(" (needs {times}× at {rate})", times=times, rate=escape(r.win.describe()))
    else:
        times = f"{1 / r.win_rate:.1f}" if r.win_rate else ""
        need = "" if not r.win_rate else t(" (needs {times}× at a {rate} win rate)",
                                           times=times, rate=pct(r.win_rate))
    verdict = ":white_check_mark:" if r.coverage_healthy else ":warning:"
    out.append(t("*Forecast*: {weighted} weighted (won + open deals closing in {period} × "
                 "stage probability) · coverage {coverage}{need} {verdict}",
                 weighted=format_money(r.weighted_forecast, cur), period=period_name(r.period),
                 coverage=cov, need=need, verdict=verdict))
    moving = [(stage, left, conv, prev) for stage, left, conv, prev in r.funnel if left]
    moves = joined(t("{stage} {change} of {left}", stage=stage_label(stage),
                        change=_change(conv, prev), left=left)
                      for stage, left, conv, prev in moving) or t("no stage moves")
    out.append(t("*Funnel this week* (share of deals leaving a stage that moved forward, vs "
                 "last week): {stages}", stages=moves))
    in_cur = dict(r.deal_currencies)
    won = joined(f"{ref} {escape(name)} ({person(owner)}) "
                    f"{format_money(a, in_cur.get(ref, cur))}"
                    for ref, name, owner, a in r.won)
    lost = joined(f"{ref} {escape(name)} ({person(owner)}) "
                     f"{format_money(a, in_cur.get(ref, cur))}: "
                     f"{escape(reason)}" for ref, name, owner, a, reason in r.lost)
    out.append(t("*Won this week*: {won}\n*Lost this week*: {lost}", won=_none(won),
                 lost=_none(lost)))
    out += _lost_reasons(r)
    if r.left_out:
        out.append(left_out_note(r.left_out))
    slipped = _none(joined(f"{ref} {escape(name)} ({person(owner)}) {_iso_day(old)} → "
                           f"{_iso_day(new)}"
                              for ref, name, owner, old, new in r.slipped[:5]))
    if len(r.slipped) > 5:
        slipped += t(" (+{count} more)", count=len(r.slipped) - 5)
    stale = _none(joined(naming(d.message, d.who) for d in r.stale[:5]))
    more = t(" (+{count} more)", count=len(r.stale) - 5) if len(r.stale) > 5 else ""
    out.append(t("*Slipped* (close date pushed): {slipped}\n*Stale*: {stale}{more}",
                 slipped=slipped, stale=stale, more=more))
    cadence = " · ".join(f"{tier} {n}" for tier, n in r.out_of_cadence)
    examples = "".join(f"\n• {naming(d.message, d.who)}" for d in r.cadence_examples)
    out.append(t("*Customers out of cadence*: {tiers}", tiers=cadence) + examples)
    if r.standup is not None:
        answered, prompted = r.standup
        out.append(t("*Stand-ups*: {answered} of {prompted} answered", answered=answered,
                     prompted=prompted) + "".join(
            "\n" + t("• {who}: {blocker} (two days running)", who=person(who),
                      blocker=escape(text)) for who, text in r.blockers))
    if r.actions:
        out.append(t("*Action items*") + "\n" + "\n".join(
            (t("• {ref} {owner}: {text} — {state}", ref=ref, owner=escape(owner),
               text=escape(text), state=_state(state)) if due is None else
             t("• {ref} {owner}: {text} (due {due}) — {state}", ref=ref, owner=escape(owner),
               text=escape(text), due=format_day(due), state=_state(state)))
            for ref, owner, text, due, state in r.actions))
    out += _follow_through(r)
    if r.forecast is not None:
        out.append(forecast_digest_section(r.forecast))
    out.append(t(":dart: *Focus this week*: {focus}", focus=escape(r.focus)))
    return out


def _reason(reason: str) -> str:
    return t(NO_REASON) if reason == NO_REASON else reason


def _lost_reasons(r: DigestResult) -> list[str]:
    """Why deals were lost this month and this quarter: count and value per reason."""
    reasons = [why for why in r.lost_reasons if why.lines]
    if not reasons:
        return []
    return [t("*Why deals were lost*") + "".join(
        "\n• " + t("{period}: {reasons}", period=period_name(why.period), reasons=joined(
            f"{escape(_reason(line.reason))} {line.count} "
            f"({format_money(line.value, r.currency)})"
            for line in why.lines)) for why in reasons)]


def _follow_through(r: DigestResult) -> list[str]:
    """Whether the linked actions moved their metric, and the follow-ups left overdue."""
    out = []
    if r.action_moves:
        out.append(t("*Did the fixes work?*") + "\n" + "\n".join(
            f"• {ref} {escape(_state(state))}: {movement_text(m)}"
            for ref, state, m in r.action_moves))
    if r.overdue_follow_ups:
        out.append(t("*Overdue follow-ups*") + "\n" + "\n".join(
            t("• {who}: {count} (oldest {days} overdue)", who=person(o.owner), count=o.count,
              days=_days(o.oldest_days))
            for o in r.overdue_follow_ups))
    return out


@render.register
def render_digest(r: DigestResult) -> Reply:
    title = t("Weekly review: {team}, {first} – {last}", team=r.team_name,
              first=_short_day(r.week[0]), last=_short_day(r.week[1]))
    parts = digest_sections(r)
    blocks: list[Block] = [HeaderBlock(text=title[:150])]
    for part in parts:
        blocks.extend(sections(part))
        blocks.append(DividerBlock())
    blocks = blocks[:-1][:MAX_BLOCKS]
    return Reply(text="\n\n".join([f"*{escape(title)}*", *parts]), blocks=blocks)



@render.register
def render_digest_post(post: DigestPost) -> Reply:
    return render_digest(post.digest)
