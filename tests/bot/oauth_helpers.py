"""The install flow for the tests: salesbot in OAuth mode served over HTTP, a browser that
walks Slack's install flow (keeping the state cookie), and Slack's uninstall event."""

from __future__ import annotations

import html
import http.client
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlparse

from sqlalchemy import Engine

from bot.app import create_app
from bot.dispatch import Deps
from bot.metrics import observe
from bot.oauth import oauth_settings
from bot.settings import Settings
from bot.workspaces import TeamDirectories, token_source
from tests.bot.http_helpers import SECRET, Client, serving
from tests.slack_stub import SlackStub

CLIENT_ID = "111.222"
PUBLIC_URL = "https://salesbot.example.com"


def oauth_mode(api_url: str, database_url: str) -> Settings:
    return Settings(_env_file=None, SLACK_CLIENT_ID=CLIENT_ID,  # type: ignore[call-arg]
                    SLACK_CLIENT_SECRET="test-client-secret", SLACK_SIGNING_SECRET=SECRET,
                    SALESBOT_PUBLIC_URL=PUBLIC_URL, SLACK_API_URL=api_url,
                    DATABASE_URL=database_url)


@dataclass
class Page:
    status: int
    body: str
    headers: http.client.HTTPMessage


class Browser:
    """Someone installing salesbot: visits pages, keeps cookies as a browser does."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Page:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        resp = conn.getresponse()
        page = Page(resp.status, resp.read().decode(), resp.headers)
        conn.close()
        for header in page.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return page

    def install_link(self) -> dict[str, str]:
        """Open the install page; the query of its "Add to Slack" link to Slack."""
        page = self.get("/slack/install")
        assert page.status == 200, page.body
        found = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]*)"', page.body)
        assert found, page.body
        link = html.unescape(found.group(1))
        return {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}

    def start_install(self) -> str:
        """Open the install page; the state in its "Add to Slack" link."""
        query = self.install_link()
        assert query["client_id"] == CLIENT_ID
        return query["state"]

    def install(self, stub: SlackStub, team: str, name: str) -> Page:
        """Walk the whole install flow: Slack redirects back with a code and the state."""
        state = self.start_install()
        stub.install_codes[f"code-{team}"] = {"id": team, "name": name}
        return self.get("/slack/oauth_redirect?" + urlencode({"code": f"code-{team}",
                                                              "state": state}))


@dataclass
class Installed:
    client: Client
    browser: Browser
    settings: Settings


@contextmanager
def oauth_app(deps: Deps, engine: Engine, database_url: str, *,
              observed: bool = False) -> Iterator[Installed]:
    """salesbot in OAuth mode over HTTP, its Web API (and oauth.v2.access) a local stub;
    `observed`: a log line per request, as `salesbot run` watches it."""
    with SlackStub() as stub:
        stub.add_user("UMIA", "Mia", "Asia/Shanghai")
        stub.add_user("UALICE", "Alice", "America/Los_Angeles")
        settings = oauth_mode(stub.api_url, database_url)
        deps.directories = TeamDirectories(token_source(settings, engine), stub.api_url)
        app = create_app(deps, token=None, signing_secret=SECRET, api_url=stub.api_url,
                         oauth=oauth_settings(settings, engine, deps))
        if observed:
            observe(app, engine, settings, deps.session_factory)
        with serving(app, engine, stub) as client:
            yield Installed(client, Browser(client.port), settings)


class _Deactivated(logging.Handler):
    """Sets `done` when bot.oauth logs that `team` was deactivated."""

    def __init__(self, team: str) -> None:
        super().__init__(logging.WARNING)
        self.team = team
        self.done = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith(f"workspace {self.team} deactivated"):
            self.done.set()


def uninstall(client: Client, team: str) -> int:
    """Slack's app_uninstalled event for workspace `team`; returns once it was handled
    (Bolt acknowledges an event before its listener runs)."""
    return deactivating(client, team, {"type": "app_uninstalled"})


def revoke_bot_token(client: Client, team: str) -> int:
    """Slack's tokens_revoked event: the workspace's bot token was revoked."""
    return deactivating(client, team, {"type": "tokens_revoked",
                                       "tokens": {"bot": ["UBOT"], "oauth": []}})


def deactivating(client: Client, team: str, event: dict[str, object]) -> int:
    """Send `event` from `team`; wait until it deactivated the workspace."""
    watch = _Deactivated(team)
    logging.getLogger("bot.oauth").addHandler(watch)
    try:
        body = json.dumps({"token": "legacy", "team_id": team, "api_app_id": "A0SALES",
                           "type": "event_callback", "event_id": f"Ev{time.time_ns()}",
                           "event_time": int(time.time()), "event": event})
        status, _ = client.post(body, content_type="application/json")
        assert status != 200 or watch.done.wait(10), f"{team} was not deactivated"
    finally:
        logging.getLogger("bot.oauth").removeHandler(watch)
    return status
