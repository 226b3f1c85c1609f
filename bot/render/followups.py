"""Follow-ups: /followups replies, the morning DM with Done / Snooze / Log visit buttons, and
the lines /visit and /deal add when they schedule or close one.

The buttons carry the follow-up's id (`value`, or `F-3:1d` for a snooze choice; the date
picker's block_id is `followup_<id>`, on a list `followup_<id>|<its /followups arguments>`);
their handlers (bot.listeners.followups) run `/followups done|snooze|reopen` through
`run_followups` and redraw the follow-up's line and buttons in place (`redrawn`), and Log
visit opens the visit form pre-filled from the follow-up (customer, deal, next step).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.render.base import Reply, context, escape, mention, render, sections, text_reply
from commands.core.dates import format_day
from commands.core.i18n import N_, joined, t, tn, tp
from commands.followups.followups import (
    FollowUpChanged,
    FollowUpListing,
    FollowUpShown,
)
from commands.followups.schedule import FollowUpView
from jobs.followups import FollowUpReminder

DONE_ACTION = "followup_done"
SNOOZE_ACTION = "followup_snooze"  # a choice of 1 day / 1 week; value F-<id>:1d
SNOOZE_DATE_ACTION = "followup_snooze_date"  # a date picker in block followup_<id>
LOG_VISIT_ACTION = "followup_log_visit"  # opens the visit form pre-filled; value <id>
KEEP_OPEN_ACTION = "followup_keep_open"  # on a visit's reply: reopen what it closed
SNOOZE_CHOICES = (("1d", N_("1 day")), ("1w", N_("1 week")))
# Slack takes 50 blocks a message: two per follow-up, the rest for the header and footer.
MAX_WITH_BUTTONS = 20


def where(f: FollowUpView) -> str:
    """' · Acme Corp · D-3': what the follow-up is about."""
    parts = [escape(p) for p in (f.customer, f.deal_ref) if p]
    return "".join(f" · {p}" for p in parts)


def when(f: FollowUpView, today: date) -> str:
    if f.overdue:
        return tn("*overdue {n} day* (due {day})", "*overdue {n} days* (due {day})",
                  f.overdue_days, day=format_day(f.due_on, today))
    return t("due {day}", day=format_day(f.due_on, today))


def follow_up_line(f: FollowUpView, today: date, *, owner: bool = False) -> str:
    who = f" · {mention(f.owner_user_id, f.owner)}" if owner else ""
    icon = ":red_circle:" if f.overdue else ":small_blue_diamond:"
    return f"{icon} *{f.ref}* {escape(f.text)}{where(f)} — {when(f, today)}{who}"


def next_step_line(deal_ref: str, f: FollowUpView, today: date | None) -> str:
    """The line `/deal D-3 next: by:` replies with."""
    if f.owner:
        return t(":calendar: Next step on *{deal}*: {text} — follow-up *{ref}* for {owner}, "
                 "due {day}.", deal=deal_ref, text=escape(f.text), ref=f.ref,
                 owner=escape(f.owner), day=format_day(f.due_on, today))
    return t(":calendar: Next step on *{deal}*: {text} — follow-up *{ref}*, due {day}.",
             deal=deal_ref, text=escape(f.text), ref=f.ref, day=format_day(f.due_on, today))


def closed_by_visit(f: FollowUpView) -> str:
    """The line a visit's reply adds when it took care of an open follow-up."""
    return t(":ballot_box_with_check: Closed follow-up *{ref}* ({text}). Not done yet? "
             "`/followups reopen {ref}` keeps it open.", ref=f.ref, text=escape(f.text))


def actions_block_id(number: int, listing: str | None = None) -> str:
    """`followup_3`, or `followup_3|team all` on a list: the `/followups` arguments that
    list it again, for a click on an ephemeral list (Slack does not send its blocks back)."""
    return f"followup_{number}" + (f"|{listing}" if listing is not None else "")


def follow_up_buttons(f: FollowUpView, listing: str | None = None) -> ActionsBlock:
    """Done, Snooze (1 day, 1 week, a date) and Log visit for one follow-up."""
    return ActionsBlock(block_id=actions_block_id(f.id, listing), elements=[
        ButtonElement(text=tp("button", "Done"), action_id=DONE_ACTION, value=str(f.id),
                      style="primary"),
        StaticSelectElement(
            placeholder=tp("button", "Snooze"), action_id=SNOOZE_ACTION,
            options=[Option(value=f"{f.ref}:{code}", label=t(label))
                     for code, label in SNOOZE_CHOICES]),
        DatePickerElement(placeholder=t("Snooze to…"), action_id=SNOOZE_DATE_ACTION),
        ButtonElement(text=tp("button", "Log visit"), action_id=LOG_VISIT_ACTION,
                      value=str(f.id)),
    ])


def keep_open_buttons(f: FollowUpView) -> ActionsBlock:
    """**Keep open** under a visit's reply that closed follow-up `f`: it was not done yet."""
    return ActionsBlock(block_id=f"followup_{f.id}", elements=[
        ButtonElement(text=t("Keep {ref} open", ref=f.ref), action_id=KEEP_OPEN_ACTION,
                      value=str(f.id))])


def line_block_id(number: int) -> str:
    return f"followup_line_{number}"


def done_line(f: FollowUpView, *, owner: bool = False) -> str:
    who = f" · {mention(f.owner_user_id, f.owner)}" if owner else ""
    return t(":white_check_mark: *{ref}* ~{text}~{where} — done{who}", ref=f.ref,
             text=escape(f.text), where=where(f), who=who)


def follow_up_blocks(f: FollowUpView, today: date, *, owner: bool = False,
                     listing: str | None = None) -> list[Block]:
    """One follow-up as it is now: its line, and the buttons for what can be done next
    (an open one: Done, Snooze, Log visit; a done one: Reopen)."""
    if f.done:
        return [SectionBlock(block_id=line_block_id(f.id),
                             text=MarkdownTextObject(text=done_line(f, owner=owner))),
                ActionsBlock(block_id=actions_block_id(f.id, listing), elements=[
                    ButtonElement(text=tp("button", "Reopen"), action_id=KEEP_OPEN_ACTION,
                                  value=str(f.id))])]
    return [SectionBlock(block_id=line_block_id(f.id), text=MarkdownTextObject(
                text=follow_up_line(f, today, owner=owner))),
            follow_up_buttons(f, listing)]


def _with_buttons(items: tuple[FollowUpView, ...], today: date, *,
                  owner: bool = False, listing: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    for f in items[:MAX_WITH_BUTTONS]:
        blocks += follow_up_blocks(f, today, owner=owner, listing=listing)
    if len(items) > MAX_WITH_BUTTONS:
        blocks.append(context(tn("And {n} more: `/followups all`.",
                                 "And {n} more: `/followups all`.",
                                 len(items) - MAX_WITH_BUTTONS)))
    return blocks


@render.register
def render_reminder(r: FollowUpReminder) -> Reply:
    counts = [tn("{n} due today", "{n} due today", len(r.due_today))] if r.due_today else []
    if r.overdue:
        counts.append(tn("{n} overdue", "{n} overdue", len(r.overdue)))
    head = t(":spiral_note_pad: Good morning {person}! Your follow-ups: {counts}.",
             person=escape(r.person), counts=joined(counts, ", ", zh="，"))
    lines = [head, *(follow_up_line(f, r.day) for f in r.items)]
    blocks = [*sections(head), *_with_buttons(r.items, r.day),
              context(t("Or type `/followups done F-3` or `/followups snooze F-3 1d`."))]
    return Reply(text="\n".join(lines), blocks=blocks)


def _listing_head(r: FollowUpListing, *, empty: bool) -> str:
    """'*Your open follow-ups* (3):', or ': none.' when there are none."""
    name, count = escape(r.scope_name), len(r.items)
    if r.is_self and r.all:
        return (t("Your open follow-ups: none. :tada:") if empty else
                t("*Your open follow-ups* ({count}):", count=count))
    if r.is_self:
        return (t("Your follow-ups overdue and due in the next 7 days: none. :tada:")
                if empty else
                t("*Your follow-ups overdue and due in the next 7 days* ({count}):",
                  count=count))
    if r.all:
        return (t("{name}'s open follow-ups: none. :tada:", name=name) if empty else
                t("*{name}'s open follow-ups* ({count}):", name=name, count=count))
    return (t("{name}'s follow-ups overdue and due in the next 7 days: none. :tada:",
              name=name) if empty else
            t("*{name}'s follow-ups overdue and due in the next 7 days* ({count}):",
              name=name, count=count))


@render.register
def render_listing(r: FollowUpListing) -> Reply:
    owner = not r.is_self
    if not r.items:
        text = _listing_head(r, empty=True)
    else:
        lines = [_listing_head(r, empty=False),
                 *(follow_up_line(f, r.today, owner=owner) for f in r.items)]
        if not r.all:
            lines.append(t("_`/followups all` shows later ones too._"))
        text = "\n".join(lines)
    if r.not_shown:
        text += "\n" + tn("{n} more follow-up of teammates (theirs to see).",
                          "{n} more follow-ups of teammates (theirs to see).", r.not_shown)
    if not r.items:
        return text_reply(text)
    head = text.split("\n", 1)[0]
    blocks = [*sections(head),
              *_with_buttons(r.items, r.today, owner=owner, listing=r.command_text)]
    return Reply(text=text, blocks=blocks)


def shown_blocks(r: FollowUpShown) -> list[Block]:
    """One follow-up as it is now, with its buttons: what a click redraws in place of its
    line (not a reply of its own: no command answers with it)."""
    return follow_up_blocks(r.item, r.today)


def _is_line_of(block: dict[str, Any], number: int) -> bool:
    """Whether `block` is the line of follow-up `number` (by its block id, or, in a message
    drawn before lines had one, by how the line starts)."""
    if block.get("type") != "section":
        return False
    if block.get("block_id") == line_block_id(number):
        return True
    text = str((block.get("text") or {}).get("text", ""))
    return any(text.startswith(f"{icon} *F-{number}* ") for icon in (
        ":red_circle:", ":small_blue_diamond:", ":white_check_mark:"))


def redrawn(blocks: list[dict[str, Any]], number: int,
            shown: list[Block]) -> list[dict[str, Any]] | None:
    """The message's `blocks` with follow-up `number`'s line and buttons replaced by
    `shown` (its blocks as it is now); None when the message has no buttons of it."""
    for i, block in enumerate(blocks):
        block_id = str(block.get("block_id", ""))
        if block.get("type") != "actions" or block_id.partition("|")[0] != \
                actions_block_id(number):
            continue
        # buttons without a line of ours (under a visit's reply): its text stays, the
        # follow-up's line comes with the new buttons
        start = i - 1 if i > 0 and _is_line_of(blocks[i - 1], number) else i
        new = [b.to_dict() for b in shown]
        for b in new:
            if b.get("type") == "actions":
                b["block_id"] = block_id  # keep what the message's block said (its list)
        return [*blocks[:start], *new, *blocks[i + 1:]]
    return None


@render.register
def render_changed(r: FollowUpChanged) -> Reply:
    f = r.item
    if r.action == "done":
        return text_reply(t(":white_check_mark: *{ref}* done: {text}{where}.", ref=f.ref,
                            text=escape(f.text), where=where(f)))
    if r.action == "added":
        return text_reply(t(":calendar: Follow-up *{ref}*: {text}{where} — due {day}.",
                            ref=f.ref, text=escape(f.text), where=where(f),
                            day=format_day(f.due_on, r.today)))
    if r.action == "reopened":
        return text_reply(t(":arrows_counterclockwise: *{ref}* is open again, {when}.",
                            ref=f.ref, when=when(f, r.today)))
    if r.previous_due:
        return text_reply(t(":zzz: *{ref}* snoozed: due {day} (was {before}).", ref=f.ref,
                            day=format_day(f.due_on, r.today),
                            before=format_day(r.previous_due, r.today)))
    return text_reply(t(":zzz: *{ref}* snoozed: due {day}.", ref=f.ref,
                        day=format_day(f.due_on, r.today)))
