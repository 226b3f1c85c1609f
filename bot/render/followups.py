"""Follow-ups: /followups replies, the morning DM with Done / Snooze / Log visit buttons, and
the lines /visit and /deal add when they schedule or close one.

The buttons carry the follow-up's id (`value`, or `F-3:1d` for a snooze choice; the date
picker's block_id is `followup_<id>`); their handlers (bot.listeners.followups) run
`/followups done|snooze|reopen` through `run_followups`, and Log visit opens the visit form
pre-filled from the follow-up (customer, deal, next step).
"""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    Option,
    StaticSelectElement,
)

from bot.render.base import Reply, context, escape, mention, render, sections, text_reply
from commands.core.dates import format_day
from commands.core.text import plural
from commands.followups.followups import (
    FollowUpChanged,
    FollowUpListing,
)
from commands.followups.schedule import FollowUpView
from jobs.followups import FollowUpReminder

DONE_ACTION = "followup_done"
SNOOZE_ACTION = "followup_snooze"  # a choice of 1 day / 1 week; value F-<id>:1d
SNOOZE_DATE_ACTION = "followup_snooze_date"  # a date picker in block followup_<id>
LOG_VISIT_ACTION = "followup_log_visit"  # opens the visit form pre-filled; value <id>
KEEP_OPEN_ACTION = "followup_keep_open"  # on a visit's reply: reopen what it closed
SNOOZE_CHOICES = (("1d", "1 day"), ("1w", "1 week"))
# Slack takes 50 blocks a message: two per follow-up, the rest for the header and footer.
MAX_WITH_BUTTONS = 20


def where(f: FollowUpView) -> str:
    """' · Acme Corp · D-3': what the follow-up is about."""
    parts = [escape(p) for p in (f.customer, f.deal_ref) if p]
    return "".join(f" · {p}" for p in parts)


def when(f: FollowUpView, today: date) -> str:
    if f.overdue:
        return (f"*overdue {plural(f.overdue_days, 'day')}* (due "
                f"{format_day(f.due_on, today)})")
    return f"due {format_day(f.due_on, today)}"


def follow_up_line(f: FollowUpView, today: date, *, owner: bool = False) -> str:
    who = f" · {mention(f.owner_user_id, f.owner)}" if owner else ""
    icon = ":red_circle:" if f.overdue else ":small_blue_diamond:"
    return f"{icon} *{f.ref}* {escape(f.text)}{where(f)} — {when(f, today)}{who}"


def next_step_line(deal_ref: str, f: FollowUpView, today: date | None) -> str:
    """The line `/deal D-3 next: by:` replies with."""
    owner = f" for {escape(f.owner)}" if f.owner else ""
    return (f":calendar: Next step on *{deal_ref}*: {escape(f.text)} — follow-up *{f.ref}*"
            f"{owner}, due {format_day(f.due_on, today)}.")


def closed_by_visit(f: FollowUpView) -> str:
    """The line a visit's reply adds when it took care of an open follow-up."""
    return (f":ballot_box_with_check: Closed follow-up *{f.ref}* ({escape(f.text)}). Not done "
            f"yet? `/followups reopen {f.ref}` keeps it open.")


def follow_up_buttons(f: FollowUpView) -> ActionsBlock:
    """Done, Snooze (1 day, 1 week, a date) and Log visit for one follow-up."""
    return ActionsBlock(block_id=f"followup_{f.id}", elements=[
        ButtonElement(text="Done", action_id=DONE_ACTION, value=str(f.id), style="primary"),
        StaticSelectElement(
            placeholder="Snooze", action_id=SNOOZE_ACTION,
            options=[Option(value=f"{f.ref}:{code}", label=label)
                     for code, label in SNOOZE_CHOICES]),
        DatePickerElement(placeholder="Snooze to…", action_id=SNOOZE_DATE_ACTION),
        ButtonElement(text="Log visit", action_id=LOG_VISIT_ACTION, value=str(f.id)),
    ])


def keep_open_buttons(f: FollowUpView) -> ActionsBlock:
    """**Keep open** under a visit's reply that closed follow-up `f`: it was not done yet."""
    return ActionsBlock(block_id=f"followup_{f.id}", elements=[
        ButtonElement(text=f"Keep {f.ref} open", action_id=KEEP_OPEN_ACTION, value=str(f.id))])


def _with_buttons(items: tuple[FollowUpView, ...], today: date, *,
                  owner: bool = False) -> list[Block]:
    blocks: list[Block] = []
    for f in items[:MAX_WITH_BUTTONS]:
        blocks += [*sections(follow_up_line(f, today, owner=owner)), follow_up_buttons(f)]
    if len(items) > MAX_WITH_BUTTONS:
        blocks.append(context(f"And {len(items) - MAX_WITH_BUTTONS} more: `/followups all`."))
    return blocks


@render.register
def render_reminder(r: FollowUpReminder) -> Reply:
    counts = [f"{len(r.due_today)} due today"] if r.due_today else []
    if r.overdue:
        counts.append(f"{len(r.overdue)} overdue")
    head = f":spiral_note_pad: Good morning {escape(r.person)}! Your follow-ups: " \
           + ", ".join(counts) + "."
    lines = [head, *(follow_up_line(f, r.day) for f in r.items)]
    blocks = [*sections(head), *_with_buttons(r.items, r.day),
              context("Or type `/followups done F-3` or `/followups snooze F-3 1d`.")]
    return Reply(text="\n".join(lines), blocks=blocks)


@render.register
def render_listing(r: FollowUpListing) -> Reply:
    whose = "Your" if r.is_self else f"{escape(r.scope_name)}'s"
    span = "open follow-ups" if r.all else "follow-ups overdue and due in the next 7 days"
    owner = not r.is_self
    if not r.items:
        text = f"{whose} {span}: none. :tada:"
    else:
        lines = [f"*{whose} {span}* ({len(r.items)}):",
                 *(follow_up_line(f, r.today, owner=owner) for f in r.items)]
        if not r.all:
            lines.append("_`/followups all` shows later ones too._")
        text = "\n".join(lines)
    if r.not_shown:
        text += f"\n{plural(r.not_shown, 'more follow-up')} of teammates (theirs to see)."
    if not r.items:
        return text_reply(text)
    head = text.split("\n", 1)[0]
    blocks = [*sections(head), *_with_buttons(r.items, r.today, owner=owner)]
    return Reply(text=text, blocks=blocks)


@render.register
def render_changed(r: FollowUpChanged) -> Reply:
    f = r.item
    if r.action == "done":
        return text_reply(f":white_check_mark: *{f.ref}* done: {escape(f.text)}{where(f)}.")
    if r.action == "added":
        return text_reply(f":calendar: Follow-up *{f.ref}*: {escape(f.text)}{where(f)} — due "
                          f"{format_day(f.due_on, r.today)}.")
    if r.action == "reopened":
        return text_reply(f":arrows_counterclockwise: *{f.ref}* is open again, "
                          f"{when(f, r.today)}.")
    before = f" (was {format_day(r.previous_due, r.today)})" if r.previous_due else ""
    return text_reply(f":zzz: *{f.ref}* snoozed: due {format_day(f.due_on, r.today)}{before}.")
