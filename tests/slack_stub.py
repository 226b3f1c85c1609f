"""A local stand-in for Slack's Web API and response URLs, recording every call."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.manifest import BOT_SCOPES


@dataclass
class Call:
    # Web API method (chat.postEphemeral), or "response": a reply Slack shows for a slash
    # command or a click, POSTed to its response_url or (headers {"via": "acknowledgement"})
    # carried in the acknowledgement of a slash command (see record_acknowledged).
    method: str
    body: dict[str, Any]
    headers: dict[str, str]


class SlackStub:
    """Answers like Slack: auth.test, users.info, chat.*, views.*; records the rest."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.team_id = "T0TEST"
        # What auth.test's x-oauth-scopes header says the token has (None: no header)
        self.scopes: list[str] | None = list(BOT_SCOPES)
        self.failures: dict[str, list[tuple[int, dict[str, str]]]] = {}
        # Web API method -> the error Slack refuses it with ({"ok": false, "error": ...})
        self.refusals: dict[str, str] = {}
        # What apps.connections.open hands out: a Socket Mode stand-in's URL
        self.socket_mode_url: str | None = None
        # Web API method -> an event its calls wait for before they are answered; `held`
        # lists the calls waiting (see wait_held)
        self.hold: dict[str, threading.Event] = {}
        self.held: list[str] = []
        # How many of the next calls of a method Slack does, records and answers only once
        # `released` is set: past any short client timeout (a slow Slack).
        self.slow: dict[str, int] = {}
        self.refusing: dict[str, str] = {}  # channel -> the error chat.postMessage answers
        self.released = threading.Event()
        # The install flow: code -> the workspace ({"id", "name"}) oauth.v2.access installs
        # salesbot in; the bot tokens it handed out -> their workspace (auth.test says it)
        self.install_codes: dict[str, dict[str, str]] = {}
        self.token_teams: dict[str, str] = {}
        self.rotating = False  # hand out expiring tokens with a refresh token
        self._cond = threading.Condition()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                data_in = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/upload/"):  # files_upload_v2's step 2: raw bytes
                    with stub._cond:
                        stub.calls.append(Call("upload", {"path": self.path, "data": data_in},
                                               dict(self.headers)))
                        stub._cond.notify_all()
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                raw = data_in.decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                path = self.path.split("?")[0]
                method = "response" if path.startswith("/response") else path.rsplit("/", 1)[-1]
                if (gate := stub.hold.get(method)) is not None:
                    with stub._cond:
                        stub.held.append(method)
                        stub._cond.notify_all()
                    gate.wait(60)
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                status, payload, headers = stub.answer(method, body, token)
                with stub._cond:
                    stub.calls.append(Call(method, body, dict(self.headers)))
                    stub._cond.notify_all()
                    slow = stub.slow.get(method, 0) > 0
                    if slow:
                        stub.slow[method] -= 1
                if slow:  # done and recorded, answered too late (the client has gone)
                    stub.released.wait(timeout=30)
                    self.close_connection = True
                    return
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, n: int = 1) -> str:
        return f"http://127.0.0.1:{self.port}/response/{n}"

    def answer(
        self, method: str, body: dict[str, Any], token: str = ""
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        queued = self.failures.get(method)
        if queued:
            status, headers = queued.pop(0)
            return status, {"ok": False, "error": "ratelimited"}, headers
        if method in self.refusals:
            return 200, {"ok": False, "error": self.refusals[method]}, {}
        if method == "apps.connections.open":
            if self.socket_mode_url is None:
                return 200, {"ok": False, "error": "not_allowed_token_type"}, {}
            return 200, {"ok": True, "url": self.socket_mode_url}, {}
        if method == "response":
            return 200, {"ok": True}, {}
        if method == "oauth.v2.access":
            return 200, self.oauth_access(body, token), {}
        if method == "auth.test":
            scopes = {} if self.scopes is None else {"x-oauth-scopes": ",".join(self.scopes)}
            return 200, {"ok": True, "team_id": self.token_teams.get(token, self.team_id),
                         "user_id": "UBOT", "bot_id": "BBOT", "team": "Test"}, scopes
        if method == "users.info":
            user = self.users.get(body.get("user", ""))
            if user is None:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            return 200, {"ok": True, "user": user}, {}
        if method == "views.open":
            return 200, {"ok": True, "view": {"id": "V1"}}, {}
        if method == "files.getUploadURLExternal":
            n = len(self.calls) + 1
            return 200, {"ok": True, "file_id": f"F{n}",
                         "upload_url": f"http://127.0.0.1:{self.port}/upload/F{n}"}, {}
        if method == "files.completeUploadExternal":
            files = json.loads(body.get("files", "[]"))
            return 200, {"ok": True, "files": [{"id": f["id"], "title": f.get("title")}
                                               for f in files]}, {}
        if method == "conversations.open":
            return 200, {"ok": True, "channel": {"id": f"D{body.get('users', '')}"}}, {}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            channel = body.get("channel")
            if channel in self.refusing:
                return 200, {"ok": False, "error": self.refusing[channel]}, {}
            if method == "chat.postMessage" and str(channel)[:1] in ("U", "W"):
                channel = f"D{channel}"  # Slack posts to a user id in the app's DM with them
            return 200, {"ok": True, "ts": f"{len(self.calls) + 1}.000",
                         "channel": channel}, {}
        return 200, {"ok": True}, {}

    def oauth_access(self, body: dict[str, Any], auth: str) -> dict[str, Any]:
        """oauth.v2.access as Slack documents it: a code exchanged for a bot token (or, with
        grant_type=refresh_token, a rotated one); the app's credentials in the body or as
        HTTP Basic authentication."""
        if auth.startswith("Basic "):
            body = dict(body)
            body["client_id"], _, body["client_secret"] = \
                base64.b64decode(auth[6:]).decode().partition(":")
        if body.get("client_secret") != "test-client-secret":
            return {"ok": False, "error": "bad_client_secret"}
        if body.get("grant_type") == "refresh_token":
            team = body.get("refresh_token", "").removeprefix("xoxe-1-").rpartition("-")[0]
            if team not in self.token_teams.values():
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, "token_type": "bot", "scope": "commands,chat:write",
                    **self._bot_token(team)}
        team = self.install_codes.pop(body.get("code", ""), None)
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True, "token_type": "bot", "scope": "commands,chat:write,users:read",
            "bot_user_id": f"UB{team['id']}", "app_id": "A0SALES",
            "team": {"name": team["name"], "id": team["id"]}, "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "UINSTALLER"},
            **self._bot_token(team["id"]),
        }

    def _bot_token(self, team: str) -> dict[str, Any]:
        n = len(self.token_teams) + 1
        token = f"xoxb-{team}-{n}"
        self.token_teams[token] = team
        if not self.rotating:
            return {"access_token": token}
        return {"access_token": token, "expires_in": 43200,
                "refresh_token": f"xoxe-1-{team}-{n}"}

    def add_user(self, user_id: str, name: str, tz: str) -> None:
        self.users[user_id] = {"id": user_id, "name": name.lower(), "real_name": name, "tz": tz,
                               "profile": {"display_name": name}}

    def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 10) -> list[Call]:
        """Block until the recorded calls satisfy `predicate` (no sleeping: a condition wait)."""
        with self._cond:
            ok = self._cond.wait_for(lambda: predicate(self.calls), timeout=timeout)
            assert ok, f"timed out; calls so far: {[c.method for c in self.calls]}"
            return list(self.calls)

    def wait_held(self, method: str, timeout: float = 10) -> None:
        """Block until a call to `method` is waiting for its hold to be released."""
        with self._cond:
            assert self._cond.wait_for(lambda: method in self.held, timeout=timeout), \
                f"no call to {method} arrived; calls so far: {[c.method for c in self.calls]}"

    def record_acknowledged(self, message: dict[str, Any]) -> None:
        """Record a reply the app put in a slash command's acknowledgement, in order with
        the replies POSTed to response URLs: Slack shows both alike."""
        with self._cond:
            self.calls.append(Call("response", message, {"via": "acknowledgement"}))
            self._cond.notify_all()

    def of(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def __enter__(self) -> SlackStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        for gate in self.hold.values():
            gate.set()
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
