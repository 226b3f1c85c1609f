"""Stand-up messages: the replies to /standup, and the prompts, summaries, answers and
blocker flags the ticker posts."""

from __future__ import annotations

import re
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.render.base import Reply, context, escape, mention, render, sections, text_reply
from commands.core.dates import format_day
from commands.standup.answers import StandupDone
from commands.standup.reports import PersonAnswer, PersonRef, StandupReport, StandupSummary
from commands.standup.schedule import DAY_NAMES
from commands.standup.settings import ConfigView, StandupConfigResult
from jobs.standup import BlockerFlag, StandupAnswerPost, StandupPrompt, StandupSummaryPost

ANSWER_ACTION = "standup_answer"
SKIP_ACTION = "standup_skip"
AWAY_ACTION = "standup_ooo"
TYPED = '`/standup answer yesterday:"..." today:"..." blockers:none`'


_CHANNEL_LINK = re.compile(r"(<#[A-Z0-9]+>)")


def escape_text(message: str) -> str:
    """Escape a command's message, keeping the channel links it makes (<#C123>)."""
    return "".join(part if _CHANNEL_LINK.fullmatch(part) else escape(part)
                   for part in _CHANNEL_LINK.split(message))


@render.register
def render_standup_config(result: StandupConfigResult) -> Reply:
    text = config_text(result.config)
    if result.message:
        text = f"{escape_text(result.message)}\n{text}"
    return text_reply(text)


@render.register
def render_standup_done(result: StandupDone) -> Reply:
    channel = f"<#{result.channel_id}>" if result.channel_id else ""
    return text_reply(escape_text(result.message) + channel + escape_text(result.after))


def days_text(days: tuple[int, ...]) -> str:
    """Mon–Fri, or Mon, Wed, Fri."""
    names = [DAY_NAMES[d].capitalize() for d in days]
    if len(days) == 7:
        return "every day"
    if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


def config_text(c: ConfigView) -> str:
    defaults = "`/standup config time:09:30 days:mon-fri tz:team window:120m reminder:30m`"
    if not c.configured:
        return (f"{escape(c.team_name)} has no daily stand-up yet. A manager turns it on with "
                f"{defaults} (those are the defaults), or runs one right away with "
                "`/standup now`.")
    where = (f"team time ({c.timezone})" if c.tz_mode == "team"
             else "in each member's own timezone")
    reminder = (f"a reminder after {_minutes(c.reminder_minutes)}" if c.reminder_minutes
                else "no reminder")
    state = "on" if c.enabled else "*off* (`/standup config on` turns it on)"
    lines = [f"*Stand-up of {escape(c.team_name)}*: {state}",
             f"{c.prompt_time:%H:%M} {days_text(c.days)}, {where} · answers for "
             f"{_minutes(c.window_minutes)} · {reminder} · summary in <#{c.channel_id}>"]
    if c.enabled and c.next_day is not None:
        lines.append(f"Next: {format_day(c.next_day)}")
    return "\n".join(lines)


def _minutes(n: int) -> str:
    hours, minutes = divmod(n, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def _who(p: PersonRef) -> str:
    return mention(p.user_id, p.name)


def summary_text(s: StandupSummary) -> str:
    """The parent message: answered x/y, away, skipped, missing, blockers."""
    lines = [f"*{escape(s.team_name)} stand-up · {format_day(s.day)}*",
             f"Answered {len(s.answered)}/{s.expected}"
             + (f" · skipped: {', '.join(_who(p) for p in s.skipped)}" if s.skipped else "")
             + (f" · out of office: {', '.join(_who(p) for p in s.out_of_office)}"
                if s.out_of_office else "")
             + (f" · missing: {', '.join(_who(p) for p in s.missing)}" if s.missing else "")]
    if s.blocked:
        lines.append(":construction: *Blockers*\n" + "\n".join(
            f"• {_who(a.person)}: {escape(a.blockers)}" for a in s.blocked))
    else:
        lines.append("No blockers reported.")
    return "\n".join(lines)


def answer_text(a: PersonAnswer) -> str:
    """One person's answer, as a thread reply."""
    head = f"*{_who(a.person)}*" + (" _(answered late)_" if a.late else "")
    parts = [head]
    for label, value in (("Yesterday", a.yesterday), ("Today", a.today)):
        parts.append(f"*{label}*\n{escape(value) if value.strip() else '–'}")
    parts.append(f"*Blockers*: {escape(a.blockers) if a.has_blockers else 'none'}")
    return "\n".join(parts)


@render.register
def render_standup_report(r: StandupReport) -> Reply:
    s = r.summary
    if not r.held and not s.answered and not s.skipped:
        return text_reply(f"No stand-up of {escape(s.team_name)} on {format_day(s.day)}.")
    parts = [summary_text(s), *(answer_text(a) for a in s.answered)]
    return text_reply("\n\n".join(parts))


def _buttons(day: date) -> ActionsBlock:
    value = day.isoformat()
    return ActionsBlock(block_id="standup_actions", elements=[
        ButtonElement(text="Answer", action_id=ANSWER_ACTION, value=value, style="primary"),
        ButtonElement(text="Skip today", action_id=SKIP_ACTION, value=value),
        ButtonElement(text="Out of office", action_id=AWAY_ACTION, value=value),
    ])


@render.register
def render_prompt(p: StandupPrompt) -> Reply:
    closes = f"{p.closes_at:%H:%M}"
    if p.reminder:
        text = (f":alarm_clock: Reminder: the *{escape(p.team_name)}* stand-up of "
                f"{format_day(p.day)} closes at *{closes}*, and we have not heard from you yet.")
    else:
        text = (f":wave: Hi {_who(p.person)}! Time for the *{escape(p.team_name)}* stand-up "
                f"({format_day(p.day)}). Answer by *{closes}*: yesterday, today, blockers.")
    blocks: list[Block] = [*sections(text), _buttons(p.day),
                           context(f"Or type {TYPED}.")]
    return Reply(text=text, blocks=blocks)


@render.register
def render_flag(f: BlockerFlag) -> Reply:
    text = (f":rotating_light: {_who(f.person)} ({escape(f.team_name)}) has reported a blocker "
            f"two stand-ups running:\n• {format_day(f.previous_day)}: "
            f"{escape(f.previous_blockers)}\n• {format_day(f.day)}: {escape(f.blockers)}\n"
            "Worth a word with them today.")
    return text_reply(text)


@render.register
def render_summary_post(post: StandupSummaryPost) -> Reply:
    text = summary_text(post.summary)
    if post.summary.answered:
        text += "\n_Answers are in the thread._"
    return text_reply(text)


@render.register
def render_answer_post(post: StandupAnswerPost) -> Reply:
    return text_reply(answer_text(post.answer))
