"""Follow-ups in Slack: the Done / Snooze / Keep open buttons and the Snooze date picker
(each runs `/followups` with its arguments built from the click), Log visit (the visit form
pre-filled from the follow-up), and the shortcuts: a message's "Log as visit" and "Add
follow-up", and the global "Log a visit"."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.dispatch import Deps, claimed, execute_args
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
from bot.listeners.visits import open_visit_form
from bot.render.followups import (
    DONE_ACTION,
    KEEP_OPEN_ACTION,
    LOG_VISIT_ACTION,
    SNOOZE_ACTION,
    SNOOZE_DATE_ACTION,
)
from bot.views.base import values
from bot.views.followups import FOLLOW_UP_CALLBACK, FOLLOW_UP_INPUTS, follow_up_form
from bot.views.visits import visit_form
from commands.core.dates import local_today
from commands.core.errors import UsageError, UserFacingError
from commands.core.i18n import t
from commands.deals.visit import parse_deal_ref
from commands.followups.followups import (
    FollowUpAdd,
    FollowUpDone,
    FollowUpReopen,
    FollowUpsArgs,
    FollowUpSnooze,
    follow_up_to_log,
    parse_ref,
)

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


def args_of_action(action: dict[str, Any]) -> FollowUpsArgs:
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
        number = str(action.get("block_id", "")).removeprefix("followup_")
        return FollowUpSnooze(parse_ref(number), str(action.get("selected_date", "")))
    raise UsageError(t("Not a follow-up button: {action}.", action=str(action_id)[:40]))


def follow_up_button(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                     respond: Respond, client: WebClient, deps: Deps) -> None:
    """Done, Snooze (1 day, 1 week, a date) or Keep open: run `/followups` once, as the
    clicker, and say how it went under the message (or privately, from the Home tab)."""
    ack()
    args = args_of_action(action)
    reply = execute_args(deps, caller_of(body), "followups", args,
                         request_key=action_key(body))
    if from_home(body) or not body.get("response_url"):
        notify(client, caller_of(body), reply)
    else:
        send(respond, reply, replace_original=False)


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
    client.views_open(trigger_id=body["trigger_id"], view=visit_form(
        today=today, channel_id=caller.channel_id, customer=item.customer,
        deal_ref=item.deal_ref, next_step=item.text))


def message_text(body: dict[str, Any]) -> str:
    """The text of the message a message shortcut was used on."""
    return str((body.get("message") or {}).get("text") or "").strip()


def log_message_as_visit(ack: Ack, body: dict[str, Any], client: WebClient,
                         deps: Deps) -> None:
    """A message's "Log as visit": the visit form with the message as its notes."""
    ack()
    open_visit_form(body, client, deps, notes=message_text(body) or None)


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
    v = values(view)
    try:
        deal = v.get("deal")
        args = FollowUpAdd(v.get("text") or "", v.get("by") or "",
                           parse_deal_ref(deal) if deal else None)
    except UserFacingError as exc:
        show_on_form(ack, exc, FOLLOW_UP_INPUTS, default="deal")
        return
    run_form(ack, body, view, client, deps, "followups", args, inputs=FOLLOW_UP_INPUTS,
             default="text")
