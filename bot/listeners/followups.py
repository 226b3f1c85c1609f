"""Follow-ups in Slack: the Done / Snooze / Reopen (Keep open) buttons and the Snooze date
picker (each runs `/followups` with its arguments built from the click, then redraws what was
clicked: the message in place, or the Home tab), Log visit (the visit form pre-filled from the
follow-up, its notes naming it and linking to the message), and the shortcuts: a message's
"Log as visit" and "Add follow-up" (with a customer), and the global "Log a visit"."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.dispatch import (
    Caller,
    Deps,
    claimed,
    execute_args,
    set_caller_locale,
    transaction,
)
from bot.listeners.base import (
    action_key,
    caller_of,
    from_home,
    guard,
    notify,
    record_number,
    run_form,
    send,
    show_on_form,
)
from bot.listeners.home import publish_home
from bot.listeners.visits import open_visit_form
from bot.render.base import Reply, context
from bot.render.followups import (
    DONE_ACTION,
    KEEP_OPEN_ACTION,
    LOG_VISIT_ACTION,
    SNOOZE_ACTION,
    SNOOZE_DATE_ACTION,
    redrawn,
    shown_blocks,
)
from bot.views.base import values
from bot.views.followups import FOLLOW_UP_CALLBACK, FOLLOW_UP_INPUTS, follow_up_form
from bot.views.visits import NEW_CUSTOMER_PREFIX, visit_form
from commands.core.dates import local_today
from commands.core.errors import UsageError, UserFacingError
from commands.core.i18n import t
from commands.core.limits import LIMITS
from commands.deals.visit import parse_deal_ref
from commands.followups.followups import (
    FollowUpAdd,
    FollowUpDone,
    FollowUpReopen,
    FollowUpShow,
    FollowUpShown,
    FollowUpsList,
    FollowUpSnooze,
    follow_up_to_log,
    parse_followups,
    parse_ref,
    run_followups,
)

_TS = re.compile(r"^\d{1,12}\.\d{1,9}$")
_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# The shortcuts' callback ids, as bot.manifest declares them
LOG_MESSAGE_SHORTCUT = "log_message_as_visit"
LOG_VISIT_SHORTCUT = "log_a_visit"
ADD_FOLLOW_UP_SHORTCUT = "add_follow_up"


def register(app: App, deps: Deps) -> None:
    """Listen for the follow-up buttons, the shortcuts and the Add follow-up form."""
    for action_id in (DONE_ACTION, KEEP_OPEN_ACTION, SNOOZE_ACTION, SNOOZE_DATE_ACTION):
        guard(app.action(action_id), follow_up_button, deps=deps)
    guard(app.action(LOG_VISIT_ACTION), log_visit, deps=deps)
    guard(app.shortcut(LOG_MESSAGE_SHORTCUT), log_message_as_visit, deps=deps)
    guard(app.shortcut(LOG_VISIT_SHORTCUT), log_a_visit, deps=deps)
    guard(app.shortcut(ADD_FOLLOW_UP_SHORTCUT), add_follow_up, deps=deps)
    guard(app.view(FOLLOW_UP_CALLBACK), submit_follow_up, deps=deps)


ButtonArgs = FollowUpDone | FollowUpReopen | FollowUpSnooze


def args_of_action(action: dict[str, Any]) -> ButtonArgs:
    """What a click on a follow-up's button asks for, built from Slack's `action` payload
    (the button's value, the snooze choice, the picked date): never text to re-parse."""
    action_id = action.get("action_id")
    if action_id == DONE_ACTION:
        return FollowUpDone(parse_ref(str(action.get("value", ""))))
    if action_id == KEEP_OPEN_ACTION:
        return FollowUpReopen(parse_ref(str(action.get("value", ""))))
    if action_id == SNOOZE_ACTION:
        ref, _, until = str((action.get("selected_option") or {}).get("value", "")).partition(
            ":")
        return FollowUpSnooze(parse_ref(ref), until)
    if action_id == SNOOZE_DATE_ACTION:
        number = str(action.get("block_id", "")).partition("|")[0].removeprefix("followup_")
        return FollowUpSnooze(parse_ref(number), str(action.get("selected_date", "")))
    raise UsageError(t("Not a follow-up button: {action}.", action=str(action_id)[:40]))


def follow_up_button(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                     respond: Respond, client: WebClient, deps: Deps) -> None:
    """Done, Snooze (1 day, 1 week, a date) or Reopen: run `/followups` once, as the
    clicker, and redraw what was clicked (the message, or the Home tab) as it is now."""
    ack()
    args = args_of_action(action)
    caller = caller_of(body)
    reply = execute_args(deps, caller, "followups", args, request_key=action_key(body))
    if reply is None:  # the same click, delivered again
        return
    if from_home(body):
        publish_home(caller, client, deps)
        return
    redraw = redrawn_message(body, action, caller, args.number, reply, deps)
    if redraw is None:  # nothing of the message to draw again: say how it went under it
        if body.get("response_url"):
            send(respond, reply, replace_original=False)
        else:
            notify(client, caller, reply)
        return
    container = body.get("container") or {}
    if body.get("response_url"):
        respond(**redraw, replace_original=True)
    elif container.get("channel_id") and container.get("message_ts"):
        client.chat_update(channel=container["channel_id"], ts=container["message_ts"],
                           **redraw)
    else:
        notify(client, caller, reply)


def redrawn_message(body: dict[str, Any], action: dict[str, Any], caller: Caller,
                    number: int, reply: Reply, deps: Deps) -> dict[str, Any] | None:
    """The clicked message as it is now: its blocks with the follow-up's line and buttons
    drawn again (a DM or channel message, whose blocks Slack sends back), or the list it
    was (an ephemeral `/followups` reply, whose block id says how to list it again) headed
    by how the click went. None when neither can be drawn (an old ephemeral message)."""
    message = body.get("message") or {}
    if message.get("blocks"):
        with transaction(deps, caller) as turn:
            shown = run_followups(FollowUpShow(number), session=turn.session,
                                  actor=turn.actor, now=turn.now)
        assert isinstance(shown, FollowUpShown)
        blocks = redrawn(list(message["blocks"]), number, shown_blocks(shown))
        if blocks is not None:
            return {"text": message.get("text") or reply.text, "blocks": blocks}
    _, listed, listing = str(action.get("block_id", "")).partition("|")
    if not listed:
        return None
    try:  # the click is done; a list the clicker may no longer read is not drawn again
        asked = parse_followups(listing)
        again = execute_args(deps, caller, "followups", asked) \
            if isinstance(asked, FollowUpsList) else None
    except UserFacingError:
        return None
    if again is None:
        return None
    return {"text": f"{reply.text}\n{again.text}",
            "blocks": [b.to_dict() for b in [context(reply.text), *again.blocks][:50]]}


def message_link(body: dict[str, Any]) -> str | None:
    """A permalink to the message a button or shortcut was used on, as Slack writes them;
    None for an ephemeral one (it has none). Built from the payload, not asked of Slack: a
    form must open within 3 seconds of the click."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    ts = str((body.get("message") or {}).get("ts") or container.get("message_ts") or "")
    domain = str((body.get("team") or {}).get("domain") or "")
    if container.get("is_ephemeral") or not channel or not _TS.match(ts) \
            or not _DOMAIN.match(domain):
        return None
    return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def with_link(notes: str, link: str | None) -> str:
    """`notes`, then the link to where they came from; the notes are cut, not the link,
    when both would not fit the visit form's notes."""
    if link is None:
        return notes
    room = LIMITS["notes"] - len(link) - 2
    return f"{notes[:max(room, 0)]}\n\n{link}" if notes else link


def log_visit(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
              deps: Deps) -> None:
    """Open the visit form pre-filled from the follow-up: its customer, deal and text as
    the next step (logging the visit closes it)."""
    ack()
    number = record_number(str(action.get("value", "")))
    caller = caller_of(body)
    with claimed(deps, caller, action_key(body)) as turn:
        if turn is None:
            return
        item = follow_up_to_log(turn.session, turn.actor, number, turn.now)
        today = local_today(turn.now, turn.actor.member.timezone)
    notes = with_link(t("From follow-up {ref}: {text}", ref=item.ref, text=item.text),
                      message_link(body))
    client.views_open(trigger_id=body["trigger_id"], view=visit_form(
        today=today, channel_id=caller.channel_id, customer=item.customer,
        deal_ref=item.deal_ref, next_step=item.text, notes=notes))


def message_text(body: dict[str, Any]) -> str:
    """The text of the message a message shortcut was used on."""
    return str((body.get("message") or {}).get("text") or "").strip()


def log_message_as_visit(ack: Ack, body: dict[str, Any], client: WebClient,
                         deps: Deps) -> None:
    """A message's "Log as visit": the visit form with the message, and a link to it, as
    its notes."""
    ack()
    open_visit_form(body, client, deps,
                    notes=with_link(message_text(body), message_link(body)) or None)


def log_a_visit(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """The global "Log a visit" shortcut: the visit form, from anywhere in Slack."""
    ack()
    open_visit_form(body, client, deps)


def add_follow_up(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """A message's "Add follow-up": the follow-up form with the message's first line."""
    ack()
    caller = caller_of(body)
    with claimed(deps, caller, f"trigger:{body['trigger_id']}") as turn:
        if turn is None:
            return
        today = local_today(turn.now, turn.actor.member.timezone)
    first_line = message_text(body).split("\n", 1)[0]
    client.views_open(trigger_id=body["trigger_id"], view=follow_up_form(
        text=first_line, today=today, channel_id=caller.channel_id))


def submit_follow_up(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                     client: WebClient, deps: Deps) -> None:
    """Add the follow-up from the form, or show what is wrong next to its input."""
    set_caller_locale(deps, caller_of(body))  # a form error is in their language
    v = values(view)
    customer = v.get("customer") or None
    try:
        deal = v.get("deal")
        args = FollowUpAdd(v.get("text") or "", v.get("by") or "",
                           parse_deal_ref(deal) if deal else None,
                           customer=customer.removeprefix(NEW_CUSTOMER_PREFIX)
                           if customer else None,
                           new_customer=customer is not None
                           and customer.startswith(NEW_CUSTOMER_PREFIX))
    except UserFacingError as exc:
        show_on_form(ack, exc, FOLLOW_UP_INPUTS, default="deal")
        return
    run_form(ack, body, view, client, deps, "followups", args, inputs=FOLLOW_UP_INPUTS,
             default="text")
