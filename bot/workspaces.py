"""Per-workspace Slack access: which token a workspace's posts and look-ups use, in both
modes (one SLACK_BOT_TOKEN, or each workspace's installation)."""

from __future__ import annotations

import threading

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.app import SlackDirectory
from bot.settings import Settings
from commands.core.actors import Profile
from jobs.tokens import Notifiers, NotifiersByToken, SingleToken, TokenSource


def token_source(settings: Settings, engine: Engine) -> TokenSource:
    """Each workspace's installation when installed through OAuth, else SLACK_BOT_TOKEN."""
    if settings.oauth:
        from bot.oauth import InstallationTokens

        return InstallationTokens(settings, engine)
    assert settings.slack_bot_token
    return SingleToken(settings.slack_bot_token)


def notifiers(settings: Settings, engine: Engine) -> Notifiers:
    """A Slack notifier per workspace, posting with that workspace's bot token."""
    from bot.notifier import SlackNotifier

    return NotifiersByToken(token_source(settings, engine),
                            lambda token: SlackNotifier.connect(token, settings.slack_api_url))


class TeamDirectories:
    """Deps.directories in OAuth mode: each workspace's people, looked up with its own
    token (user ids are only unique within a workspace, so nothing is shared)."""

    def __init__(self, tokens: TokenSource, api_url: str | None = None) -> None:
        self.tokens = tokens
        self.api_url = api_url
        self._teams: dict[str, TeamDirectory] = {}
        self._lock = threading.Lock()

    def __call__(self, team_id: str) -> TeamDirectory:
        with self._lock:
            if team_id not in self._teams:
                self._teams[team_id] = TeamDirectory(self, team_id)
            return self._teams[team_id]


class TeamDirectory:
    """One workspace's directory; its token is read when someone is looked up."""

    def __init__(self, directories: TeamDirectories, team_id: str) -> None:
        self.directories = directories
        self.team_id = team_id
        self._by_token: dict[str, SlackDirectory] = {}

    def lookup(self, user_id: str) -> Profile | None:
        token = self.directories.tokens.bot_token(self.team_id)
        if token is None:
            return None
        if token not in self._by_token:
            api_url = self.directories.api_url
            client = WebClient(token=token, base_url=api_url) if api_url else WebClient(token)
            self._by_token = {token: SlackDirectory(client)}  # a rotated token: start over
        return self._by_token[token].lookup(user_id)
