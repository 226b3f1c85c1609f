"""Deviation warnings and action items: the channel message the check posts (with Snooze
and Acknowledge buttons), the replies to `/sales warnings`, to the buttons and to
`/sales actions`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.render.base import (
    SECTION_LIMIT,
    Reply,
    context,
    escape,
    left_out_note,
    naming,
    person,
    render,
    text_reply,
)
from commands.core.dates import format_day
from commands.core.i18n import N_, listed, t, tn, tp
from commands.core.money import format_count
from commands.warnings.actions import ActionLine, ActionResult
from commands.warnings.deviations import CRITICAL, SERIOUS, Deviation
from commands.warnings.review import Movement
from commands.warnings.warnings import (
    ListedWarning,
    PostReason,
    WarningActed,
    WarningsResult,
    warning_value,
)
from jobs.warnings import WarningPost

SNOOZE_DAY_ACTION = "warning_snooze_day"
SNOOZE_WEEK_ACTION = "warning_snooze_week"
ACK_ACTION = "warning_ack"
SNOOZE_ACTIONS = {SNOOZE_DAY_ACTION: 1, SNOOZE_WEEK_ACTION: 7}  # action -> days

RULE_TITLES = {
    "behind_pace": N_("Behind pace"),
    "activity_shortfall": N_("Activity shortfall"),
    "stale_deal": N_("Stale deal"),
    "close_date_passed": N_("Close date passed"),
    "close_date_pushed": N_("Close date pushed again"),
    "tier_cadence": N_("Customer not visited"),
    "coverage_gap": N_("Pipeline coverage gap"),
    "funnel_bottleneck": N_("Funnel bottleneck"),
    "forecast_short": N_("Commit short of target"),
    "forecast_drop": N_("Forecast call dropped"),
    "forecast_miss": N_("Forecast missed three months running"),
}


def reason_text(why: PostReason) -> str:
    """Why a warning is posted now, as its heading says it."""
    if why == "new":
        return tp("warning posted", "new")
    if why == "worse":
        return tp("warning posted", "worse since last posted")
    return tp("warning posted", "still open")


def rule_title(rule: str) -> str:
    """A rule's name as people read it, in the current language."""
    return t(RULE_TITLES[rule]) if rule in RULE_TITLES else rule


def severity_mark(severity: int) -> str:
    if severity >= CRITICAL:
        return ":red_circle: " + tp("severity", "critical")
    if severity >= SERIOUS:
        return ":large_orange_circle: " + tp("severity", "serious")
    return ":warning: " + tp("severity", "warning")


def _head(d: Deviation) -> str:
    emoji, _, label = severity_mark(d.severity).partition(" ")
    return t("{mark} *{rule}* ({severity})", mark=emoji, rule=rule_title(d.rule),
             severity=label)


def _when(moment: datetime, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{format_day(local.date())} {local:%H:%M}"


def _mention(user_id: str) -> str:
    return f"<@{user_id}>"


def block_id(key: str) -> str:
    """The block of a warning's buttons (replaced by a note once acknowledged)."""
    return f"warning:{key}"[:255]


def warning_text(p: WarningPost, d: Deviation) -> str:
    """One warning: what fired and how badly, who, the numbers, and the fix."""
    owner = p.mention(d)
    head = f"{_head(d)} · {reason_text(p.reason(d))}" + (f" · <@{owner}>" if owner else "")
    return t("{head}\n{message}\n*Fix:* {fix}", head=head, message=naming(d.message, d.who),
             fix=naming(d.fix, d.who))[:SECTION_LIMIT]


def _buttons(team_id: int, key: str) -> ActionsBlock:
    value = warning_value(team_id, key)
    return ActionsBlock(block_id=block_id(key), elements=[
        ButtonElement(text=t("Snooze 1 day"), action_id=SNOOZE_DAY_ACTION, value=value),
        ButtonElement(text=t("Snooze 1 week"), action_id=SNOOZE_WEEK_ACTION, value=value),
        ButtonElement(text=t("Acknowledge"), action_id=ACK_ACTION, value=value,
                      style="primary"),
        create_action_button(team_id, key),
    ])


CREATE_ACTION = "warning_create_action"  # opens the action form: action_links.action_draft


def create_action_button(team_id: int, key: str) -> ButtonElement:
    """**Create action** for a warning: an action item linked to it, judged at the review."""
    return ButtonElement(text=t("Create action"), action_id=CREATE_ACTION,
                         value=warning_value(team_id, key))


FIRST_NAMES = 3  # names per rule in a first post's summary


def render_first_post(p: WarningPost) -> Reply:
    """A team's first check: one calm summary of what fires, per rule, without alarms."""
    count = len(p.warnings)
    title = tn("*{team}*: salesbot now checks the plan twice a working day. The first check "
               "found {n} thing to look at:",
               "*{team}*: salesbot now checks the plan twice a working day. The first check "
               "found {n} things to look at:", count, team=escape(p.team_name))
    by_rule: dict[str, list[str]] = {}
    for d in p.warnings:
        by_rule.setdefault(d.rule, []).append(d.who)
    lines = []
    for rule, names in by_rule.items():
        counts = Counter(names)  # who, in the order the rule named them
        shown = tp("list", ", ").join(escape(n) if c == 1 else f"{escape(n)} {c}"
                             for n, c in list(counts.items())[:FIRST_NAMES])
        rest = len(counts) - FIRST_NAMES
        if rest > 0:
            shown = t("{names} and {rest} more", names=shown, rest=rest)
        lines.append(t("• {rule}: {count} ({names})", rule=rule_title(rule), count=len(names),
                       names=shown))
    footer = t("`/sales warnings` lists each one with its numbers, its fix, Snooze and "
               "Acknowledge. From now on this channel hears only what is new, what gets worse, "
               "and what is still open after its cooldown.")
    if p.left_out:
        footer = f"{left_out_note(p.left_out)}\n{footer}"
    text = "\n".join([title, *lines])
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text[:SECTION_LIMIT])),
                           context(footer)]
    return Reply(text=f"{text}\n\n{footer}", blocks=blocks)


@render.register
def render_warning_post(p: WarningPost) -> Reply:
    """The channel message of a check: each warning with its fix and buttons."""
    if p.first:
        return render_first_post(p)
    count = len(p.warnings)
    title = tn(":rotating_light: *{team}*: {n} warning to act on",
               ":rotating_light: *{team}*: {n} warnings to act on", count,
               n=format_count(count), team=escape(p.team_name))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=title))]
    lines = [title]
    for d in p.warnings:
        text = warning_text(p, d)
        lines.append(text)
        blocks += [SectionBlock(text=MarkdownTextObject(text=text)), _buttons(p.team_id, d.key)]
    footer = t("Snooze keeps a warning quiet for a day or a week; Acknowledge keeps it quiet "
               "until it gets worse.")
    if p.more:
        more = t("…and {more} more: `/sales warnings`", more=p.more)
        lines.append(more)
        footer = f"{more} · {footer}"
    if p.left_out:
        lines.append(left_out_note(p.left_out))
        footer = f"{left_out_note(p.left_out)}\n{footer}"
    blocks.append(context(footer))
    return Reply(text="\n\n".join(lines), blocks=blocks)


def acknowledged_blocks(blocks: list[dict[str, Any]], key: str,
                        by_user_id: str) -> list[dict[str, Any]]:
    """The posted message's blocks with one warning's buttons replaced by who acknowledged."""
    note = ContextBlock(block_id=block_id(key), elements=[MarkdownTextObject(
        text=t(":white_check_mark: Acknowledged by {who}", who=_mention(by_user_id)))]).to_dict()
    return [note if b.get("block_id") == block_id(key) else b for b in blocks]


@render.register
def render_acted(r: WarningActed) -> Reply:
    if r.action == "snoozed":
        assert r.snoozed_until is not None
        until, message = _when(r.snoozed_until, r.timezone), escape(r.message)
        if r.reason:
            return text_reply(t(":zzz: Snoozed until {until}: {message}. Reason: {reason}",
                                until=until, message=message, reason=escape(r.reason)))
        return text_reply(t(":zzz: Snoozed until {until}: {message}.", until=until,
                            message=message))
    if r.already:
        return text_reply(t("Already acknowledged by {who}: {message}.",
                            who=_mention(r.by_user_id), message=escape(r.message)))
    return text_reply(t(":white_check_mark: Acknowledged: {message}. It is posted again only if "
                        "it gets worse.", message=escape(r.message)))


def _title(r: WarningsResult) -> str:
    if not r.warnings:
        return t(":white_check_mark: No warnings for *{team}* right now.",
                 team=escape(r.team_name))
    return tn("*Warnings of {team} now* ({count}; the same warning waits {n} day to be posted "
              "again unless it gets worse)",
              "*Warnings of {team} now* ({count}; the same warning waits {n} days to be posted "
              "again unless it gets worse)",
              r.cooldown_days, n=format_count(r.cooldown_days), team=escape(r.team_name),
              count=len(r.warnings))


def listed_text(w: ListedWarning, tz: str) -> str:
    """One warning of `/sales warnings`: what fired, the fix, and what the team did."""
    d = w.deviation
    state = []
    if w.snoozed_until is not None and w.snooze_reason:
        state.append(t("snoozed until {until} ({reason})", until=_when(w.snoozed_until, tz),
                       reason=escape(w.snooze_reason)))
    elif w.snoozed_until is not None:
        state.append(t("snoozed until {until}", until=_when(w.snoozed_until, tz)))
    if w.acknowledged_at is not None:
        by = w.acknowledged_by or t("someone")
        state.append(t("acknowledged by {who} on {when}", who=person(by),
                       when=_when(w.acknowledged_at, tz)))
    state.append(t("last posted {when}", when=_when(w.last_posted_at, tz))
                 if w.last_posted_at is not None else t("not posted yet"))
    return t("{head} {message}\n    *Fix:* {fix}\n    _{state}_", head=_head(d),
             message=naming(d.message, d.who), fix=naming(d.fix, d.who),
             state=tp("list", "; ").join(state))


def _off(r: WarningsResult) -> str:
    return t("Off: {rules} (`/sales config warnings off:none` turns them back on)",
             rules=listed(r.off))


@render.register
def render_list(r: WarningsResult) -> Reply:
    lines = [_title(r), *(listed_text(w, r.timezone) for w in r.warnings)]
    if r.left_out:
        lines.append(left_out_note(r.left_out))
    if r.off:
        lines.append(_off(r))
    return text_reply("\n".join(lines))


def warnings_with_buttons(r: WarningsResult) -> list[Block]:
    """The list with Snooze and Acknowledge under each warning the reader may act on and
    nobody acknowledged yet (the Home tab's; a command's reply lists them as text)."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=_title(r)))]
    for w in r.warnings:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=listed_text(w, r.timezone)[:SECTION_LIMIT])))
        if w.may_act and w.acknowledged_at is None:
            blocks.append(_buttons(r.team_id, w.deviation.key))
    if r.left_out:
        blocks.append(context(left_out_note(r.left_out)))
    if r.off:
        blocks.append(context(_off(r)))
    return blocks


@render.register
def render_actions(r: ActionResult) -> Reply:
    marks = {"open": "•", "overdue": ":warning:", "done": ":white_check_mark:",
             "done, no effect yet": ":hourglass:"}
    lines = [escape(r.message)] if r.message else []
    if len(r.items) > 1 or not r.message:
        lines.insert(0, t("*Action items of {team}*", team=escape(r.team_name)))
    if not (len(r.items) == 1 and r.message):
        lines += [f"{marks[i.state]} {_item_text(i)}{_moved(i.movement, i.state)}"
                  for i in r.items]
    elif r.items[0].movement is not None:
        lines[-1] += _moved(r.items[0].movement, r.items[0].state)
    return text_reply("\n".join(lines))


def _item_text(i: ActionLine) -> str:
    """'*A-3* bob: Call 5 B-tier accounts — due Fri 27 Nov (overdue)'."""
    values = {"ref": i.ref, "owner": escape(i.owner), "text": escape(i.text)}
    if i.due is None:
        return t("*{ref}* {owner}: {text}", **values)
    if i.state == "overdue":
        return t("*{ref}* {owner}: {text} — due {due} (overdue)", due=format_day(i.due),
                 **values)
    return t("*{ref}* {owner}: {text} — due {due}", due=format_day(i.due), **values)


def movement_text(m: Movement) -> str:
    """'B-tier customers out of cadence 9 → 3'."""
    now = "–" if m.now is None else f"{m.now.normalize():f}"
    return f"{escape(m.label)} {m.then.normalize():f} → {now}"


def _moved(m: Movement | None, state: str) -> str:
    if m is None:
        return ""
    flag = t(" — _done, no effect yet_") if state == "done, no effect yet" else ""
    return f"\n    ↳ {movement_text(m)}{flag}"


