"""Channel events: a rep joining a team's channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.dispatch import Caller, Deps, actor_locale, claimed
from bot.listeners.base import guard
from commands.core.i18n import use_locale
from commands.team.people import join_team_channel


def register(app: App, deps: Deps) -> None:
    """Listen for people joining channels."""
    guard(app.event("member_joined_channel"), member_joined, deps=deps)


def member_joined(body: dict[str, Any], event: dict[str, Any], client: WebClient,
                  deps: Deps) -> None:
    """Welcome a new rep to the team whose channel they joined."""
    caller = Caller(body.get("team_id") or event.get("team", ""), event["user"],
                    event.get("channel"))
    inviter = event.get("inviter")
    with claimed(deps, caller, f"event:{body.get('event_id')}") as turn:
        if turn is None:
            return
        with use_locale(actor_locale(turn.actor)):  # the welcome is for them alone
            welcome = join_team_channel(turn.session, turn.actor,
                                        inviter if isinstance(inviter, str) else None)
    if welcome and caller.channel_id:
        client.chat_postEphemeral(channel=caller.channel_id, user=caller.user_id, text=welcome)
