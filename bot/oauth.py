"""Slack's install flow (OAuth v2) through Bolt's own OAuth support: GET /slack/install and
GET /slack/oauth_redirect, the installations and OAuth states kept in salesbot's database
(storage.installations), each workspace's bot token (rotated when the app rotates tokens),
and what an uninstall does (bot.listeners.install hears it).

On when SLACK_CLIENT_ID is set. An install (or a re-install) registers the workspace and
marks it active; `app_uninstalled` and a revoked bot token forget its tokens and mark it
inactive: its data is kept, nothing is scheduled or sent there until it is installed again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from bot.dispatch import Deps
from bot.settings import Settings
from commands.core.actors import ensure_workspace
from storage import repo
from storage.installations import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION_S = 600  # an install started and not finished within 10 minutes is refused
# A token expiring within this many minutes is refreshed before use (Bolt's default)
ROTATE_BEFORE_MIN = 120


def scopes(settings: Settings) -> list[str]:
    """The bot scopes asked for at install: SLACK_SCOPES, else the manifest's."""
    if settings.slack_scopes:
        return [s.strip() for s in settings.slack_scopes.split(",") if s.strip()]
    # here, not at the top: bot.manifest names the listeners' shortcuts, and the listeners
    # (bot.listeners.install) use this module
    from bot.manifest import BOT_SCOPES

    return list(BOT_SCOPES)


def redirect_url(public_url: str) -> str:
    return public_url.rstrip("/") + REDIRECT_PATH


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    assert settings.slack_client_id
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id, engine=engine, bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE)


def oauth_settings(settings: Settings, engine: Engine, deps: Deps) -> OAuthSettings:
    """Bolt's install flow over salesbot's database; an install activates its workspace."""
    store = installation_store(settings, engine)
    return OAuthSettings(
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
        scopes=scopes(settings), install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        redirect_uri=redirect_url(settings.public_url) if settings.public_url else None,
        installation_store=store, installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MIN,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRATION_S, engine=engine,
            table_name=OAUTH_STATES_TABLE),
        state_expiration_seconds=STATE_EXPIRATION_S,
        callback_options=CallbackOptions(success=_installed(deps), failure=_refused),
    )


def _installed(deps: Deps) -> Callable[[SuccessArgs], BoltResponse]:
    def success(args: SuccessArgs) -> BoltResponse:
        """Register the workspace just installed (or installed again) and activate it."""
        team = args.installation.team_id
        if team:
            with deps.session_factory.begin() as session:
                ws = ensure_workspace(session, team, deps.defaults, deps.clock(),
                                      name=args.installation.team_name or "")
                ws.active = True
            log.info("installed in workspace %s", team)
        return args.default.success(args)

    return success


def _refused(args: FailureArgs) -> BoltResponse:
    log.warning("an install did not complete: %s", args.reason)
    return args.default.failure(args)


class InstallationTokens:
    """jobs.tokens.TokenSource over the installations: each workspace's latest bot token,
    refreshed first when the app rotates tokens and it is about to expire."""

    def __init__(self, settings: Settings, engine: Engine, *,
                 client: WebClient | None = None) -> None:
        assert settings.slack_client_id and settings.slack_client_secret
        self.client_id = settings.slack_client_id
        if engine.dialect.name == "sqlite":
            # A token is looked up inside a command's or a tick's transaction, which on
            # SQLite holds the write lock (storage.db queues writers): read it on a plain
            # connection of its own, as SQLite lets a reader do beside a writer.
            engine = create_engine(engine.url, poolclass=NullPool)
        self.store = installation_store(settings, engine)
        self.engine = engine
        api = client or (WebClient(base_url=settings.slack_api_url) if settings.slack_api_url
                         else WebClient())
        self.rotator = TokenRotator(client_id=settings.slack_client_id,
                                    client_secret=settings.slack_client_secret, client=api)
        self._lock = threading.Lock()  # one refresh at a time: a refresh token works once

    def bot_token(self, slack_team_id: str) -> str | None:
        from sqlalchemy.orm import Session

        with Session(self.engine) as session:
            installed, enterprise = repo.installations.bot_enterprise(
                session, self.client_id, slack_team_id)
        if not installed:
            return None
        with self._lock:
            bot = self.store.find_bot(enterprise_id=enterprise, team_id=slack_team_id)
            if bot is None:
                return None
            if bot.bot_refresh_token:
                refreshed = self.rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=ROTATE_BEFORE_MIN)
                if refreshed is not None:
                    self.store.save_bot(refreshed)
                    bot = refreshed
        return bot.bot_token


def deactivate(deps: Deps, team: str, why: str) -> None:
    """Mark the workspace inactive and forget its tokens, keeping its data."""
    if not team:
        return
    with deps.session_factory.begin() as session:
        repo.installations.delete_team(session, team)
        known = repo.workspaces.set_active(session, team, False)
    log.warning("workspace %s deactivated: %s%s", team, why,
                "" if known else " (it had not used salesbot yet)")
