"""Slack over signed HTTP for the tests: a client that signs requests as Slack does, the
running app behind it, and what a modal looks like when Slack submits it."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App
from sqlalchemy import Engine, func, select

from bot.app import create_app
from bot.dispatch import Deps
from bot.server import Serving, make_server, make_wsgi
from tests.slack_stub import Call, SlackStub

SECRET = "test-signing-secret"


def sign(body: str, ts: int, secret: str = SECRET) -> str:
    base = f"v0:{ts}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Client:
    def __init__(self, port: int, stub: SlackStub) -> None:
        self.port = port
        self.stub = stub
        self.trigger = 0

    def post(self, body: str, *, content_type: str = "application/x-www-form-urlencoded",
             ts: int | None = None, signature: str | None = None) -> tuple[int, str]:
        # Slack signs with the real current time; the app checks it against its own clock.
        ts = int(time.time()) if ts is None else ts
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature or sign(body, ts),
        }
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
        resp = conn.getresponse()
        out = resp.status, resp.read().decode()
        conn.close()
        return out

    def command(self, user: str, command: str, text: str, *, trigger: str | None = None,
                channel: str = "C0EAST", team: str | None = None,
                **kw: Any) -> tuple[int, str]:
        self.trigger += 1
        form = {
            "token": "legacy", "team_id": team or self.stub.team_id, "team_domain": "test",
            "channel_id": channel, "channel_name": "east", "user_id": user,
            "user_name": user.lower(), "command": command, "text": text,
            "api_app_id": "A0SALES", "is_enterprise_install": "false",
            "response_url": self.stub.response_url(self.trigger),
            "trigger_id": trigger or f"{self.trigger}.trigger",
        }
        status, body = self.post(urlencode(form), **kw)
        if status == 200 and body.startswith("{"):  # the reply, in the acknowledgement
            self.stub.record_acknowledged(json.loads(body))
        return status, body

    def click(self, user: str, action_id: str, value: str, *, block_id: str,
              channel: str = "C0EAST", message: dict[str, Any] | None = None,
              trigger: str | None = None) -> tuple[int, str]:
        """Press a button of a message (`message`: a channel message as Slack shows it to the
        app; None: the ephemeral reply it came with), as Slack sends it: block_actions."""
        self.trigger += 1
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": self.stub.team_id},
            "user": {"id": user, "username": user[1:].lower(), "team_id": self.stub.team_id},
            "api_app_id": "A0SALES", "trigger_id": trigger or f"{self.trigger}.click",
            "container": {}, "channel": {"id": channel},
            "response_url": self.stub.response_url(self.trigger),
            "actions": [{"action_id": action_id, "block_id": block_id, "value": value,
                         "type": "button"}],
        }
        if message is not None:
            payload["container"] = {"type": "message", "message_ts": message["ts"],
                                    "channel_id": channel}
            payload["message"] = message
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def submit(self, user: str, view: dict[str, Any], *,
               trigger: str | None = None) -> tuple[int, str]:
        """Submit a modal as Slack sends it: view_submission (`view` with its state)."""
        self.trigger += 1
        payload = {"type": "view_submission", "team": {"id": self.stub.team_id},
                   "user": {"id": user, "username": user[1:].lower(),
                            "team_id": self.stub.team_id},
                   "api_app_id": "A0SALES", "trigger_id": trigger or f"{self.trigger}.view",
                   "view": view}
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def shortcut(self, user: str, callback_id: str, message_text: str | None = None, *,
                 channel: str = "C0EAST") -> tuple[int, str]:
        """Use a shortcut as Slack sends it: a message's (message_action, on a message with
        `message_text`), or the global one (shortcut) when there is no message."""
        self.trigger += 1
        payload: dict[str, Any] = {
            "type": "shortcut", "callback_id": callback_id, "team": {"id": self.stub.team_id},
            "user": {"id": user, "username": user[1:].lower(), "team_id": self.stub.team_id},
            "api_app_id": "A0SALES", "trigger_id": f"{self.trigger}.shortcut",
            "action_ts": "1700000000.000001", "token": "legacy"}
        if message_text is not None:
            payload |= {"type": "message_action", "channel": {"id": channel, "name": "east"},
                        "message_ts": "1700000000.000100",
                        "message": {"type": "message", "user": "UBOB", "text": message_text,
                                    "ts": "1700000000.000100"},
                        "response_url": self.stub.response_url(self.trigger)}
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def opened_view(self, since: int = 0) -> dict[str, Any]:
        """The last modal the app opened (after the first `since` calls), as it sent it."""
        calls = self.stub.wait_for(lambda c: any(x.method == "views.open" for x in c[since:]))
        return view_of([c for c in calls[since:] if c.method == "views.open"][-1])

    def replies(self, n: int) -> list[str]:
        calls = self.stub.wait_for(lambda c: len([x for x in c if x.method == "response"]) >= n)
        return [c.body.get("text", "") for c in calls if c.method == "response"]


def view_of(call: Call) -> dict[str, Any]:
    """The modal of a views.open call (the Web API client may send it as JSON text)."""
    view = call.body["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def fill(view: dict[str, Any], n: int, **entered: str | None) -> dict[str, Any]:
    """The modal as Slack submits it: every input with what was `entered` in it, else the
    value it opened with; `n` makes its id and hash (what a duplicate delivery repeats)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, name = block["element"], block["block_id"]
        kind, given = element["type"], entered.get(name)
        if kind in ("static_select", "external_select"):
            state: dict[str, Any] = {"selected_option": element.get("initial_option")}
            if given is not None:
                state["selected_option"] = {"text": {"type": "plain_text", "text": given},
                                            "value": given}
        elif kind == "datepicker":
            state = {"selected_date": given or element.get("initial_date")}
        else:
            state = {"value": given if given is not None else element.get("initial_value")}
        values[name] = {element["action_id"]: {"type": kind, **state}}
    return {**view, "id": f"V{n}", "hash": f"h{n}", "state": {"values": values}}


@contextmanager
def running_app(deps: Deps, engine: Engine) -> Iterator[Client]:
    """The app served over HTTP on a free local port, its Web API pointed at a stub Slack."""
    with SlackStub() as stub:
        stub.add_user("UMIA", "Mia", "Asia/Shanghai")
        stub.add_user("UALICE", "Alice", "America/Los_Angeles")
        stub.add_user("UBOB", "Bob", "Asia/Shanghai")
        app = create_app(deps, token="xoxb-test", signing_secret=SECRET, api_url=stub.api_url)
        with serving(app, engine, stub) as client:
            yield client


@contextmanager
def serving(app: App, engine: Engine, stub: SlackStub) -> Iterator[Client]:
    """`app` served over HTTP on a free local port until the block ends."""
    serving = Serving(make_server(make_wsgi(app, engine), host="127.0.0.1", port=0,
                                  threads=4))
    thread = threading.Thread(target=serving.run, daemon=True)
    thread.start()
    try:
        yield Client(serving.port, stub)
    finally:
        serving.stop()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the HTTP server did not stop"


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def home_click(client: Client, user: str, action_id: str, value: str = "",
               block_id: str = "home_actions") -> tuple[int, str]:
    """Press a button of the Home tab: block_actions from a view, with no channel and no
    response_url."""
    client.trigger += 1
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": client.stub.team_id},
        "user": {"id": user, "username": user[1:].lower(), "team_id": client.stub.team_id},
        "api_app_id": "A0SALES", "trigger_id": f"{client.trigger}.home",
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home", "blocks": []},
        "actions": [{"action_id": action_id, "block_id": block_id, "value": value,
                     "type": "button"}],
    }
    return client.post(urlencode({"payload": json.dumps(payload)}))
