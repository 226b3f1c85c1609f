"""A deviation warning's buttons (Snooze for a day or a week, Acknowledge, Create action),
the Snooze form and the Create action form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.dispatch import Deps, claimed
from bot.listeners.base import (
    action_key,
    caller_of,
    form_meta,
    from_home,
    guard,
    meta_field,
    notify,
    record_number,
    run_form,
    send,
    show_on_form,
    view_key,
)
from bot.listeners.home import publish_home
from bot.render.base import error_reply
from bot.render.warnings import (
    ACK_ACTION,
    CREATE_ACTION,
    SNOOZE_ACTIONS,
    acknowledged_blocks,
    render_acted,
)
from bot.views.base import values
from bot.views.warnings import (
    ACTION_CALLBACK,
    ACTION_INPUTS,
    WARNING_SNOOZE_CALLBACK,
    action_form,
    snooze_form,
)
from commands.core.actors import Actor
from commands.core.errors import UsageError, UserFacingError
from commands.core.i18n import t, use_locale
from commands.core.text import Mention
from commands.warnings.action_links import action_draft
from commands.warnings.actions import ActionAdd
from commands.warnings.warnings import (
    acknowledge_warning,
    parse_warning_value,
    snooze_warning,
    warning_to_snooze,
)

T = TypeVar("T")


def register(app: App, deps: Deps) -> None:
    """Listen for the warning buttons and the Snooze form."""
    for action_id in SNOOZE_ACTIONS:
        guard(app.action(action_id), snooze, deps=deps)
    guard(app.view(WARNING_SNOOZE_CALLBACK), submit_snooze, deps=deps)
    guard(app.action(ACK_ACTION), acknowledge, deps=deps)
    guard(app.action(CREATE_ACTION), create_action, deps=deps)
    guard(app.view(ACTION_CALLBACK), submit_action, deps=deps)


def on_warning(body: dict[str, Any], action: dict[str, Any], respond: Respond,
               client: WebClient, deps: Deps,
               act: Callable[[Session, Actor, int, str, datetime], T]) -> T | None:
    """Run a warning button's action once, as the clicker; None if done before or refused.

    A refusal is answered here, privately: Bolt answers Slack 404 (an error shown on the
    button) when a listener raises right after ack(), so these listeners do not raise.
    """
    caller = caller_of(body)
    try:
        team_id, key = parse_warning_value(action["value"])
        with claimed(deps, caller, action_key(body)) as turn:
            if turn is None:
                return None
            return act(turn.session, turn.actor, team_id, key, turn.now)
    except UserFacingError as exc:
        if not body.get("response_url"):  # the Home tab: no message to answer under
            notify(client, caller, error_reply(exc.message))
        else:
            send(respond, error_reply(exc.message), replace_original=False)
        return None


def snooze(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
           client: WebClient, deps: Deps) -> None:
    """Ask why the warning is snoozed, if the clicker may snooze it."""
    ack()
    ref = on_warning(body, action, respond, client, deps,
                     lambda session, actor, team_id, key, now:
                     warning_to_snooze(session, actor, team_id, key))
    if ref is not None:
        client.views_open(trigger_id=body["trigger_id"], view=snooze_form(
            ref, SNOOZE_ACTIONS[action["action_id"]], caller_of(body).channel_id,
            from_home=from_home(body)))


def submit_snooze(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                  deps: Deps) -> None:
    """Snooze the warning for the day or week chosen, with the reason given."""
    meta = form_meta(view)
    team_id, key = meta_field(meta, "team_id", record_number), meta_field(meta, "key", str)
    days = meta_field(meta, "days", int)
    caller = caller_of(body)
    done = None
    try:
        with claimed(deps, caller, view_key(view)) as turn:
            if turn is not None:
                done = snooze_warning(turn.session, turn.actor, team_id, key, days,
                                      values(view).get("reason") or "", turn.now)
    except UserFacingError as exc:
        show_on_form(ack, exc, ("reason",), default="reason")
        return
    ack()
    if meta.get("home"):  # snoozed from the Home tab: it shows the snooze now
        publish_home(caller, client, deps)
    elif done is not None:
        notify(client, caller, render_acted(done))


def acknowledge(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
                client: WebClient, deps: Deps) -> None:
    """Acknowledge the warning; the channel message (or the Home tab) then says who."""
    ack()
    done = on_warning(body, action, respond, client, deps, acknowledge_warning)
    if from_home(body):
        publish_home(caller_of(body), client, deps)
        return
    if done is None:
        return
    original = body.get("message") or {}
    if original.get("blocks"):
        with use_locale(done.team_language):  # the channel's message, in the channel's language
            blocks = acknowledged_blocks(original["blocks"], done.key, done.by_user_id)
        respond(text=original.get("text", ""), replace_original=True, blocks=blocks)
    if done.already or not original.get("blocks"):
        send(respond, render_acted(done), replace_original=False)


def create_action(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
                  client: WebClient, deps: Deps) -> None:
    """Open the Create action form, drafted from the warning while it still fires."""
    ack()
    draft = on_warning(body, action, respond, client, deps,
                       lambda session, actor, team_id, key, now:
                       action_draft(session, actor, f"{team_id}:{key}", now))
    if draft is not None:
        client.views_open(trigger_id=body["trigger_id"],
                          view=action_form(draft, caller_of(body).channel_id))


def submit_action(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                  deps: Deps) -> None:
    """Add the action item, linked to the warning (`/sales action ... warning:<key>`)."""
    key = meta_field(form_meta(view), "key", str)
    v = values(view)
    owner, text = v.get("owner"), (v.get("text") or "").strip()
    if not text:
        show_on_form(ack, UsageError(t("What is to be done?"), field="text"), ACTION_INPUTS,
                     default="text")
        return
    args = ActionAdd(Mention(owner, "") if owner else None, text, v.get("due"), warning=key)
    run_form(ack, body, view, client, deps, "sales", args, inputs=ACTION_INPUTS,
             default="text")
