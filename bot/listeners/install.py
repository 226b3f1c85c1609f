"""The app's own lifecycle in a workspace installed through OAuth: uninstalled, or its bot
token revoked. Either deactivates the workspace (bot.oauth.deactivate): its tokens are
forgotten and its data kept, and nothing is scheduled or sent there until it is installed
again."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.dispatch import Deps
from bot.listeners.base import guard
from bot.oauth import deactivate


def register(app: App, deps: Deps) -> None:
    """Listen for the app being uninstalled or its bot token revoked (OAuth installs only)."""
    if app.oauth_flow is None:  # one workspace, one token: nothing to forget
        return
    guard(app.event("app_uninstalled"), uninstalled, deps=deps)
    guard(app.event("tokens_revoked"), revoked, deps=deps)


def uninstalled(body: dict[str, Any], deps: Deps) -> None:
    """Forget the workspace's tokens and stop everything sent there."""
    deactivate(deps, str(body.get("team_id") or ""), "the app was uninstalled")


def revoked(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    """A revoked bot token deactivates the workspace (user tokens are not used)."""
    if (event.get("tokens") or {}).get("bot"):
        deactivate(deps, str(body.get("team_id") or ""), "its bot token was revoked")
