"""Stand-up messages: the replies to /standup, and the prompts, summaries, answers and
blocker flags the ticker posts."""

from __future__ import annotations

import re
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.render.base import Reply, context, escape, mention, render, sections, text_reply
from commands.core.dates import format_day
from commands.core.i18n import listed, t, tp
from commands.standup.answers import StandupDone
from commands.standup.reports import PersonAnswer, PersonRef, StandupReport, StandupSummary
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


def _day_names() -> tuple[str, ...]:
    """Mon..Sun in the current language (indexed like DAY_NAMES)."""
    return (tp("weekday", "Mon"), tp("weekday", "Tue"), tp("weekday", "Wed"),
            tp("weekday", "Thu"), tp("weekday", "Fri"), tp("weekday", "Sat"),
            tp("weekday", "Sun"))


def days_text(days: tuple[int, ...]) -> str:
    """Mon–Fri, or Mon, Wed, Fri."""
    short = _day_names()
    names = [short[d] for d in days]
    if len(days) == 7:
        return t("every day")
    if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return listed(names)


def config_text(c: ConfigView) -> str:
    defaults = t("`/standup config time:09:30 days:mon-fri tz:team window:120m reminder:30m`")
    if not c.configured:
        return t("{team} has no daily stand-up yet. A manager turns it on with {defaults} "
                 "(those are the defaults), or runs one right away with `/standup now`.",
                 team=escape(c.team_name), defaults=defaults)
    where = (t("team time ({timezone})", timezone=c.timezone) if c.tz_mode == "team"
             else t("in each member's own timezone"))
    reminder = (t("a reminder after {duration}", duration=_minutes(c.reminder_minutes))
                if c.reminder_minutes else t("no reminder"))
    state = (tp("stand-up state", "on") if c.enabled
             else t("*off* (`/standup config on` turns it on)"))
    lines = [t("*Stand-up of {team}*: {state}", team=escape(c.team_name), state=state),
             t("{time} {days}, {where} · answers for {window} · {reminder} · summary in "
               "{channel}", time=f"{c.prompt_time:%H:%M}", days=days_text(c.days),
               where=where, window=_minutes(c.window_minutes), reminder=reminder,
               channel=f"<#{c.channel_id}>")]
    if c.enabled and c.next_day is not None:
        lines.append(t("Next: {day}", day=format_day(c.next_day)))
    return "\n".join(lines)


def _minutes(n: int) -> str:
    hours, minutes = divmod(n, 60)
    if hours and minutes:
        return t("{hours} h {minutes} min", hours=hours, minutes=minutes)
    return t("{hours} h", hours=hours) if hours else t("{minutes} min", minutes=minutes)


def _who(p: PersonRef) -> str:
    return mention(p.user_id, p.name)


def _people(people: tuple[PersonRef, ...]) -> str:
    return listed(_who(p) for p in people)


def summary_text(s: StandupSummary) -> str:
    """The parent message: answered x/y, away, skipped, missing, blockers."""
    lines = [t("*{team} stand-up · {day}*", team=escape(s.team_name), day=format_day(s.day)),
             t("Answered {answered}/{expected}", answered=len(s.answered), expected=s.expected)
             + (t(" · skipped: {people}", people=_people(s.skipped)) if s.skipped else "")
             + (t(" · out of office: {people}", people=_people(s.out_of_office))
                if s.out_of_office else "")
             + (t(" · missing: {people}", people=_people(s.missing)) if s.missing else "")]
    if s.blocked:
        lines.append(t(":construction: *Blockers*") + "\n" + "\n".join(
            t("• {who}: {blocker}", who=_who(a.person), blocker=escape(a.blockers))
            for a in s.blocked))
    else:
        lines.append(t("No blockers reported."))
    return "\n".join(lines)


def answer_text(a: PersonAnswer) -> str:
    """One person's answer, as a thread reply."""
    head = f"*{_who(a.person)}*" + (t(" _(answered late)_") if a.late else "")
    parts = [head]
    for label, value in ((tp("stand-up", "Yesterday"), a.yesterday),
                         (tp("stand-up", "Today"), a.today)):
        parts.append(f"*{label}*\n{escape(value) if value.strip() else '–'}")
    parts.append(t("*Blockers*: {blockers}", blockers=escape(a.blockers) if a.has_blockers
                   else tp("blockers", "none")))
    return "\n".join(parts)


@render.register
def render_standup_report(r: StandupReport) -> Reply:
    s = r.summary
    if not r.held and not s.answered and not s.skipped:
        return text_reply(t("No stand-up of {team} on {day}.", team=escape(s.team_name),
                            day=format_day(s.day)))
    parts = [summary_text(s), *(answer_text(a) for a in s.answered)]
    return text_reply("\n\n".join(parts))


def _buttons(day: date) -> ActionsBlock:
    value = day.isoformat()
    return ActionsBlock(block_id="standup_actions", elements=[
        ButtonElement(text=tp("button", "Answer"), action_id=ANSWER_ACTION, value=value,
                      style="primary"),
        ButtonElement(text=tp("button", "Skip today"), action_id=SKIP_ACTION, value=value),
        ButtonElement(text=tp("button", "Out of office"), action_id=AWAY_ACTION, value=value),
    ])


@render.register
def render_prompt(p: StandupPrompt) -> Reply:
    closes = f"{p.closes_at:%H:%M}"
    if p.reminder:
        text = t(":alarm_clock: Reminder: the *{team}* stand-up of {day} closes at *{time}*, "
                 "and we have not heard from you yet.", team=escape(p.team_name),
                 day=format_day(p.day), time=closes)
    else:
        text = t(":wave: Hi {who}! Time for the *{team}* stand-up ({day}). Answer by *{time}*: "
                 "yesterday, today, blockers.", who=_who(p.person), team=escape(p.team_name),
                 day=format_day(p.day), time=closes)
    blocks: list[Block] = [*sections(text), _buttons(p.day),
                           context(t("Or type {command}.", command=TYPED))]
    return Reply(text=text, blocks=blocks)


@render.register
def render_flag(f: BlockerFlag) -> Reply:
    text = t(":rotating_light: {who} ({team}) has reported a blocker two stand-ups running:\n"
             "• {previous_day}: {previous_blockers}\n• {day}: {blockers}\n"
             "Worth a word with them today.", who=_who(f.person), team=escape(f.team_name),
             previous_day=format_day(f.previous_day),
             previous_blockers=escape(f.previous_blockers), day=format_day(f.day),
             blockers=escape(f.blockers))
    return text_reply(text)


@render.register
def render_summary_post(post: StandupSummaryPost) -> Reply:
    text = summary_text(post.summary)
    if post.summary.answered:
        text += "\n" + t("_Answers are in the thread._")
    return text_reply(text)


@render.register
def render_answer_post(post: StandupAnswerPost) -> Reply:
    return text_reply(answer_text(post.answer))
