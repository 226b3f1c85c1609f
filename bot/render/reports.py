"""Replies about how the team is doing: /sales report, the leaderboard, and the weekly
digest (a command's reply and the job's post alike)."""

from __future__ import annotations

from decimal import Decimal

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
from commands.core.fx import describe_left_out
from commands.core.money import format_money
from commands.core.text import plural
from commands.plan.scorecard import Scorecard
from commands.reports.digest import DigestResult
from commands.reports.report import LeaderboardResult, ReportResult
from jobs.digest import DigestPost


def _metric_name(metric: str) -> str:
    return metric.replace("_", " ")


@render.register
def render_report(r: ReportResult) -> Reply:
    cur = r.currency
    elapsed, total = r.working_days
    lines = [f"*Scorecard of {escape(r.scope_name)}, {r.period.label}* "
             f"({elapsed} of {total} working days gone)"]
    for m in r.metrics:
        name = _metric_name(m.metric)
        s = m.score
        if s is None or m.target is None:
            lines.append(f"• *{name}*: {figure(m.actual, m.metric, cur)} (no target)")
            continue
        flag = " :warning: behind" if s.behind else ""
        lines.append(
            f"• *{name}*: {figure(s.actual, m.metric, cur)} of {figure(m.target, m.metric, cur)} "
            f"({pct(s.attainment)}) · expected {figure(s.expected_to_date, m.metric, cur)} · "
            f"pace {'–' if s.pace is None else f'{s.pace:.2f}'}{flag} · projected "
            f"{figure(s.projected, m.metric, cur)} · needs "
            f"{figure(s.required_per_working_day, m.metric, cur)} per working day")
    lines += currency_notes(r.converted, r.left_out, cur)
    cycle = "–" if r.median_cycle_days is None else plural(r.median_cycle_days, "day")
    lines.append(f"*Win rate* (last 180 days): {pct(r.win_rate_count)} by count "
                 f"({r.won} won, {r.lost} lost), {pct(r.win_rate_value)} by value in {cur} "
                 f"· median cycle {cycle}")
    if r.value_left_out:
        note = describe_left_out(r.value_left_out)
        lines.append(f":warning: _The win rate by value: {escape(note[0].lower() + note[1:])}_")
    if any(reached for _, reached, _, _ in r.funnel):
        lines.append("*Funnel* (deals created in the last 180 days): " + " → ".join(
            f"{stage} {reached} ({pct(conv)} on)" for stage, reached, _, conv in r.funnel))
    if r.moves:
        lines.append("*Top deals moved*: " + "; ".join(
            f"{ref} {escape(name)} {format_money(amount, cur_)} {old} → {new}"
            for ref, name, amount, cur_, old, new in r.moves))
    if r.stale_count:
        lines.append(f"*Stale deals* (no activity for 14+ days): {r.stale_count} — " + "; ".join(
            f"{ref} {escape(name)} {format_money(amount, cur_)}"
            f" (last {'never' if last is None else last.isoformat()})"
            for ref, name, amount, cur_, last in r.stale))
    else:
        lines.append("*Stale deals*: none")
    lines.append("*Visits by tier*: " + " · ".join(f"{t} {n}" for t, n in r.visits_by_tier))
    return text_reply("\n".join(lines))


@render.register
def render_leaderboard(r: LeaderboardResult) -> Reply:
    lines = [f"*Leaderboard of {escape(r.team_name)}: {_metric_name(r.metric)}, "
             f"{r.period.label}* (ranked by attainment)"]
    for rank, rep, target, actual, got in r.rows:
        detail = (f"{pct(got)} of {figure(target, r.metric, r.currency)}" if got is not None
                  else "no target")
        lines.append(f"{rank}. {escape(rep)} — {figure(actual, r.metric, r.currency)} ({detail})")
    lines += currency_notes((), r.left_out, r.currency)
    return text_reply("\n".join(lines))


def _pace_text(s: Scorecard) -> str:
    pace = "–" if s.pace is None else f"{s.pace:.2f}"
    return (f"{pct(s.attainment)} (pace {pace}{' :warning:' if s.behind else ''}, "
            f"expected {pct(s.expected_share)})")


def _change(now: Decimal | None, before: Decimal | None) -> str:
    if now is None:
        return "–"
    if before is None:
        return pct(now)
    delta = (now - before) * 100
    return f"{pct(now)} ({'+' if delta >= 0 else ''}{delta:.0f} pts)"


def digest_sections(r: DigestResult) -> list[str]:
    """The digest as mrkdwn paragraphs, one per topic; shared by Block Kit and text."""
    cur = r.currency
    out = []
    if r.team is not None:
        t = r.team
        out.append(
            f"*Target {r.period.label}*: {format_money(t.actual, cur)} of "
            f"{format_money(t.target, cur)}, {_pace_text(t)} · projected "
            f"{figure(t.projected, 'revenue', cur)} · needs "
            f"{figure(t.required_per_working_day, 'revenue', cur)} per working day")
    else:
        out.append(f"*Target {r.period.label}*: no revenue target yet (`/target set team ...`)")
    if r.reps:
        out.append("*Reps*\n" + "\n".join(
            f"• {escape(line.name)}: {format_money(line.score.actual, cur)} of "
            f"{format_money(line.score.target, cur)}, {_pace_text(line.score)}"
            for line in r.reps))
    cov = "–" if r.coverage is None else f"{r.coverage:.2f}×"
    if r.win is not None:
        need = f" (needs {1 / r.win.rate:.1f}× at {escape(r.win.describe())})"
    else:
        need = "" if not r.win_rate else f" (needs {1 / r.win_rate:.1f}× at a " \
            f"{pct(r.win_rate)} win rate)"
    verdict = ":white_check_mark:" if r.coverage_healthy else ":warning:"
    out.append(f"*Forecast*: {format_money(r.weighted_forecast, cur)} weighted (won + open "
               f"deals closing in {r.period.label} × stage probability) · coverage {cov}{need} "
               f"{verdict}")
    moving = [(stage, left, conv, prev) for stage, left, conv, prev in r.funnel if left]
    out.append("*Funnel this week* (share of deals leaving a stage that moved forward, vs "
               "last week): " + ("; ".join(
                   f"{stage} {_change(conv, prev)} of {left}"
                   for stage, left, conv, prev in moving) or "no stage moves"))
    in_cur = dict(r.deal_currencies)
    won = "; ".join(f"{ref} {escape(name)} ({person(owner)}) "
                    f"{format_money(a, in_cur.get(ref, cur))}"
                    for ref, name, owner, a in r.won) or "none"
    lost = "; ".join(f"{ref} {escape(name)} ({person(owner)}) "
                     f"{format_money(a, in_cur.get(ref, cur))}: "
                     f"{escape(reason)}" for ref, name, owner, a, reason in r.lost) or "none"
    out.append(f"*Won this week*: {won}\n*Lost this week*: {lost}")
    out += _lost_reasons(r)
    if r.left_out:
        out.append(left_out_note(r.left_out))
    slipped = "; ".join(f"{ref} {escape(name)} ({person(owner)}) {old} → {new}"
                        for ref, name, owner, old, new in r.slipped[:5]) or "none"
    if len(r.slipped) > 5:
        slipped += f" (+{len(r.slipped) - 5} more)"
    stale = "; ".join(naming(d.message, d.who) for d in r.stale[:5]) or "none"
    more = f" (+{len(r.stale) - 5} more)" if len(r.stale) > 5 else ""
    out.append(f"*Slipped* (close date pushed): {slipped}\n*Stale*: {stale}{more}")
    cadence = " · ".join(f"{t} {n}" for t, n in r.out_of_cadence)
    examples = "".join(f"\n• {naming(d.message, d.who)}" for d in r.cadence_examples)
    out.append(f"*Customers out of cadence*: {cadence}{examples}")
    if r.standup is not None:
        answered, prompted = r.standup
        out.append(f"*Stand-ups*: {answered} of {prompted} answered" + "".join(
            f"\n• {person(who)}: {escape(text)} (two days running)" for who, text in r.blockers))
    if r.actions:
        out.append("*Action items*\n" + "\n".join(
            f"• {ref} {escape(owner)}: {escape(text)}"
            f"{'' if due is None else f' (due {due:%a %d %b})'} — {state}"
            for ref, owner, text, due, state in r.actions))
    out += _follow_through(r)
    if r.forecast is not None:
        out.append(forecast_digest_section(r.forecast))
    out.append(f":dart: *Focus this week*: {escape(r.focus)}")
    return out


def _lost_reasons(r: DigestResult) -> list[str]:
    """Why deals were lost this month and this quarter: count and value per reason."""
    reasons = [why for why in r.lost_reasons if why.lines]
    if not reasons:
        return []
    return ["*Why deals were lost*" + "".join(
        f"\n• {why.period.label}: " + "; ".join(
            f"{escape(line.reason)} {line.count} ({format_money(line.value, r.currency)})"
            for line in why.lines) for why in reasons)]


def _follow_through(r: DigestResult) -> list[str]:
    """Whether the linked actions moved their metric, and the follow-ups left overdue."""
    out = []
    if r.action_moves:
        out.append("*Did the fixes work?*\n" + "\n".join(
            f"• {ref} {escape(state)}: {movement_text(m)}" for ref, state, m in r.action_moves))
    if r.overdue_follow_ups:
        out.append("*Overdue follow-ups*\n" + "\n".join(
            f"• {person(o.owner)}: {o.count} (oldest {plural(o.oldest_days, 'day')} overdue)"
            for o in r.overdue_follow_ups))
    return out


@render.register
def render_digest(r: DigestResult) -> Reply:
    title = f"Weekly review: {r.team_name}, {r.week[0]:%d %b} – {r.week[1]:%d %b}"
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
