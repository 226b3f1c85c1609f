"""Which bot token a workspace's posts go out with, and a notifier per workspace.

With one workspace (SLACK_BOT_TOKEN) every post uses the same token; installed through
Slack's install flow, each workspace has its own, read from its installation (and rotated
when the app rotates tokens). Jobs see neither: they ask `Notifiers.for_workspace`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from jobs.notify import Notifier


class TokenSource(Protocol):
    """The bot token of a workspace."""

    def bot_token(self, slack_team_id: str) -> str | None:
        """The workspace's current bot token; None when salesbot is not installed there."""
        ...


class SingleToken:
    """Single-workspace mode: SLACK_BOT_TOKEN, whatever the workspace."""

    def __init__(self, token: str) -> None:
        self.token = token

    def bot_token(self, slack_team_id: str) -> str | None:
        return self.token


@runtime_checkable
class Notifiers(Protocol):
    """A notifier for each workspace (the ticker takes this or one `Notifier`)."""

    def for_workspace(self, slack_team_id: str) -> Notifier | None:
        """The notifier posting with the workspace's token; None: not installed there."""
        ...


class NotifiersByToken:
    """A notifier per workspace, made by `connect` with its bot token on first use and again
    when the token changes (rotated, or installed again); two workspaces never share a
    client, nor its remembered DM channels."""

    def __init__(self, tokens: TokenSource, connect: Callable[[str], Notifier]) -> None:
        self.tokens = tokens
        self.connect = connect
        self._by_team: dict[str, tuple[str, Notifier]] = {}
        self._lock = threading.Lock()

    def for_workspace(self, slack_team_id: str) -> Notifier | None:
        token = self.tokens.bot_token(slack_team_id)
        if token is None:
            return None
        with self._lock:
            known = self._by_team.get(slack_team_id)
            if known is None or known[0] != token:
                known = self._by_team[slack_team_id] = (token, self.connect(token))
            return known[1]
