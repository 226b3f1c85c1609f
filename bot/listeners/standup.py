"""The stand-up prompt's buttons (Answer, Skip, Out of office) and the forms they open."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.dispatch import Deps, execute_args, set_caller_locale, transaction
from bot.listeners.base import (
    action_key,
    button_value,
    caller_of,
    form_meta,
    from_home,
    guard,
    meta_field,
    run_form,
    send,
)
from bot.listeners.home import publish_home
from bot.render.standup import ANSWER_ACTION, AWAY_ACTION, SKIP_ACTION
from bot.views.base import values
from bot.views.standup import (
    ANSWER_INPUTS,
    STANDUP_ANSWER_CALLBACK,
    STANDUP_AWAY_CALLBACK,
    standup_answer_form,
    standup_away_form,
)
from commands.standup.answers import StandupAnswerArgs, StandupAway, StandupSkip
from commands.standup.draft import standup_draft


def register(app: App, deps: Deps) -> None:
    """Listen for the stand-up prompt's buttons and the stand-up forms."""
    guard(app.action(ANSWER_ACTION), answer, deps=deps)
    guard(app.view(STANDUP_ANSWER_CALLBACK), submit_answer, deps=deps)
    guard(app.action(SKIP_ACTION), skip, deps=deps)
    guard(app.action(AWAY_ACTION), away, deps=deps)
    guard(app.view(STANDUP_AWAY_CALLBACK), submit_away, deps=deps)


def answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
           deps: Deps) -> None:
    """Open the stand-up form, pre-filled from logged work and the plan."""
    ack()
    caller = caller_of(body)
    with transaction(deps, caller) as turn:
        draft = standup_draft(turn.session, turn.actor,
                              button_value(action, date.fromisoformat), turn.now)
    client.views_open(trigger_id=body["trigger_id"],
                      view=standup_answer_form(draft, caller.channel_id,
                                               from_home=from_home(body)))


def submit_answer(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                  deps: Deps) -> None:
    """Record the stand-up answer from the form."""
    v, meta = values(view), form_meta(view)
    args = StandupAnswerArgs(v.get("yesterday") or "", v.get("today") or "",
                             v.get("blockers") or "",
                             day=meta_field(meta, "day", date.fromisoformat))
    ran = run_form(ack, body, view, client, deps, "standup", args, inputs=ANSWER_INPUTS,
                   default="today")
    if ran and meta.get("home"):  # answered from the Home tab: it shows the answer now
        publish_home(caller_of(body), client, deps)


def skip(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
         client: WebClient, deps: Deps) -> None:
    """Skip that day's stand-up; the prompt becomes the confirmation."""
    ack()
    reply = execute_args(deps, caller_of(body), "standup",
                         StandupSkip(button_value(action, date.fromisoformat)),
                         request_key=action_key(body))
    if from_home(body):  # no prompt to replace: the tab shows it skipped
        publish_home(caller_of(body), client, deps)
    else:
        send(respond, reply, replace_original=True)


def away(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
         deps: Deps) -> None:
    """Ask from and until when the user is out of office."""
    ack()
    set_caller_locale(deps, caller_of(body))  # the form is in the caller's language
    client.views_open(trigger_id=body["trigger_id"],
                      view=standup_away_form(button_value(action, date.fromisoformat),
                                             caller_of(body).channel_id,
                                             from_home=from_home(body)))


def submit_away(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                deps: Deps) -> None:
    """Record the out-of-office days from the form."""
    v = values(view)
    ran = run_form(ack, body, view, client, deps, "standup",
                   StandupAway(v.get("start"), v.get("end")), inputs=("end",), default="end")
    if ran and form_meta(view).get("home"):  # the tab shows it now
        publish_home(caller_of(body), client, deps)
