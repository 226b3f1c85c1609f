"""The Bolt app: create_app() builds it, refuses other workspaces, attaches every listener
(bot.listeners) and routes whatever escapes them to the one error path."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import listeners
from bot.dispatch import Deps
from bot.listeners.base import report_error
from bot.listeners.commands import LISTENER_THREADS, Offload
from commands.core.actors import Profile
from commands.core.i18n import t

log = logging.getLogger(__name__)


class SlackDirectory:
    """Looks people up with users.info; remembers what it learned."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._cache: dict[str, Profile | None] = {}

    def lookup(self, user_id: str) -> Profile | None:
        if user_id not in self._cache:
            try:
                user = self.client.users_info(user=user_id, include_locale=True)["user"]
            except SlackApiError as exc:
                log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
                self._cache[user_id] = None  # not asked again on every request
                return None
            profile = user.get("profile") or {}
            name = profile.get("display_name") or user.get("real_name") or user.get("name") or ""
            self._cache[user_id] = Profile(name=name, timezone=user.get("tz"),
                                           locale=user.get("locale"))
        return self._cache[user_id]


def create_app(
    deps: Deps,
    *,
    token: str | None,
    signing_secret: str | None,
    api_url: str | None = None,
    verify_token: bool = True,
    workers: Offload | None = None,
    oauth: OAuthSettings | None = None,
) -> App:
    """Build the Bolt app; `api_url` points every Web API call at another base URL.

    With `workers`, slash commands are acknowledged here and run in worker processes.
    With `oauth` (bot.oauth), salesbot is installed through Slack's install flow: each
    workspace's requests carry its own token, and `deps.directories` looks people up.
    """
    client = WebClient(token=token, base_url=api_url) if api_url else WebClient(token=token)
    app = App(
        signing_secret=signing_secret,
        client=client,
        oauth_settings=oauth,
        installation_store_bot_only=True if oauth is not None else None,
        token_verification_enabled=verify_token and oauth is None,
        process_before_response=False,
        # Listeners hold a thread through their reply to Slack; with Bolt's default of 5, a
        # slow response_url would hold up the acknowledgement of the next requests.
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                             thread_name_prefix="salesbot-listener"),
    )
    one_workspace = oauth is None and verify_token and token
    installed = client.auth_test().get("team_id") if one_workspace else None
    app.use(only_workspace(installed))  # with oauth, Bolt refuses workspaces not installed
    if oauth is None:
        deps.directory = SlackDirectory(client)
    listeners.register(app, deps, workers)
    app.error(on_error)
    return app


def only_workspace(installed: str | None) -> Callable[..., Any]:
    """Middleware refusing requests from a workspace the bot's token does not belong to."""

    def check(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        team = body.get("team_id") or (body.get("team") or {}).get("id") \
            or (body.get("user") or {}).get("team_id")
        if installed is not None and team and team != installed:
            log.warning("refused a request from workspace %s (installed in %s)", team, installed)
            return BoltResponse(status=200, body=t("salesbot is not installed in this workspace."))
        return next()

    return check


def on_error(error: Exception, body: dict[str, Any], respond: Respond | None,
             client: WebClient) -> BoltResponse | None:
    """Tell the user what went wrong, privately; nothing was written.

    Listeners are registered through bot.listeners.base.guard, which sends their errors to
    the same report_error; this catches what fails before or around them.
    """
    report_error(error, body, respond, client)
    return None
