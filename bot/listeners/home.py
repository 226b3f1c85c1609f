"""The App Home tab: drawing it when opened, and its own buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.dispatch import Caller, Deps, actor_locale, transaction
from bot.listeners.base import caller_of, guard
from bot.listeners.visits import open_visit_form
from bot.render.home import HOME_LOG_VISIT, HOME_REFRESH, home_view
from commands.core.i18n import use_locale
from commands.team.home import run_home


def register(app: App, deps: Deps) -> None:
    """Listen for the Home tab being opened and for its buttons."""
    guard(app.event("app_home_opened"), home_opened, deps=deps)
    guard(app.action(HOME_REFRESH), refresh, deps=deps)
    guard(app.action(HOME_LOG_VISIT), log_visit, deps=deps)


def publish_home(caller: Caller, client: WebClient, deps: Deps) -> None:
    """Draw `caller`'s Home tab as it is now, in their language."""
    with transaction(deps, caller) as turn, use_locale(actor_locale(turn.actor)):
        home = run_home(session=turn.session, actor=turn.actor, now=turn.now)
        view = home_view(home)
    client.views_publish(user_id=caller.user_id, view=view)


def home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient,
                deps: Deps) -> None:
    """Show the user's Home tab: their plan, open deals, action items and warnings."""
    if event.get("tab", "home") != "home":  # the Messages tab
        return
    publish_home(Caller(body.get("team_id") or event.get("view", {}).get("team_id", ""),
                        event["user"]), client, deps)


def refresh(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Read everything on the Home tab again."""
    ack()
    publish_home(caller_of(body), client, deps)


def log_visit(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> None:
    """Open the /visit form from the Home tab; the reply comes as a direct message."""
    ack()
    open_visit_form(body, client, deps)
