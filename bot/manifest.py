"""The Slack app manifest: every slash command and shortcut, the scopes, interactivity and
events."""

from __future__ import annotations

from typing import Any

import yaml

from bot.listeners.followups import (
    ADD_FOLLOW_UP_SHORTCUT,
    LOG_MESSAGE_SHORTCUT,
    LOG_VISIT_SHORTCUT,
)
from commands.dispatch import COMMANDS

BOT_SCOPES = [
    "commands",          # the slash commands
    "chat:write",        # replies, stand-up prompts, summaries and warnings
    "chat:write.public", # post into team channels the bot was not invited to
    "im:write",          # direct messages to reps and managers
    "users:read",        # names and timezones of new users
    "channels:read",     # member_joined_channel in public team channels
    "groups:read",       # ... and in private ones
    "files:write",       # digest charts
]
# The shortcuts: a message's (its "More actions" menu) and the global one (the composer's +)
SHORTCUTS = [
    {"name": "Log as visit", "type": "message", "callback_id": LOG_MESSAGE_SHORTCUT,
     "description": "Log a visit with this message as its notes"},
    {"name": "Add follow-up", "type": "message", "callback_id": ADD_FOLLOW_UP_SHORTCUT,
     "description": "Make this message a follow-up you owe by a day"},
    {"name": "Log a visit", "type": "global", "callback_id": LOG_VISIT_SHORTCUT,
     "description": "Log a visit, call or meeting with a customer"},
]
BOT_EVENTS = [
    "member_joined_channel",  # welcome a rep who joins a team channel
    "app_home_opened",        # draw the Home tab
]


def manifest(url: str | None = None, *, socket_mode: bool = False,
             oauth: bool = False) -> dict[str, Any]:
    """The manifest as a dict; `url` is the public base URL in HTTP mode. With `oauth`,
    the install flow's redirect URL (at `url`) is added."""
    if not socket_mode and not url:
        raise ValueError("HTTP mode needs the public URL: --url https://salesbot.example.com")
    endpoint = f"{url.rstrip('/')}/slack/events" if url else None
    commands = []
    for name, spec in COMMANDS.items():
        cmd: dict[str, Any] = {
            "command": f"/{name}",
            "description": spec.description,
            "usage_hint": spec.usage_hint[:1000],
            "should_escape": True,
        }
        if endpoint:
            cmd["url"] = endpoint
        commands.append(cmd)
    interactivity: dict[str, Any] = {"is_enabled": True}
    events: dict[str, Any] = {"bot_events": BOT_EVENTS}
    if endpoint:
        interactivity["request_url"] = endpoint
        interactivity["message_menu_options_url"] = endpoint
        events["request_url"] = endpoint
    oauth_config: dict[str, Any] = {"scopes": {"bot": BOT_SCOPES}}
    if oauth:
        if not url:
            raise ValueError("the install flow needs the public URL: --url https://...")
        oauth_config = {"redirect_urls": [f"{url.rstrip('/')}/slack/oauth_redirect"],
                        **oauth_config}
    return {
        "display_information": {
            "name": "salesbot",
            "description": "Your sales plan, in Slack: visits, deals, targets and stand-ups.",
            "background_color": "#1d4e89",
        },
        "features": {
            "bot_user": {"display_name": "salesbot", "always_online": True},
            # The Home tab shows each user's plan, deals, action items and warnings; the
            # Messages tab holds the bot's DMs (stand-up prompts, replies to forms), where
            # slash commands like `/standup answer` can be typed too.
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "slash_commands": commands,
            "shortcuts": SHORTCUTS,
        },
        "oauth_config": oauth_config,
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(url: str | None = None, *, socket_mode: bool = False,
                  oauth: bool = False) -> str:
    return yaml.safe_dump(manifest(url, socket_mode=socket_mode, oauth=oauth),
                          sort_keys=False, allow_unicode=True)
