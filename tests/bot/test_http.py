"""End to end: signed HTTP requests, exactly as Slack sends them, to the running app."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App
from sqlalchemy import Engine, func, select

import bot.app
from bot.app import create_app
from bot.dispatch import Deps
from bot.server import Serving, make_server, make_wsgi
from storage.models import Activity, Deal, Member, Workspace
from tests.conftest import NOW, Clock
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


@pytest.fixture
def slack(deps: Deps, engine: Engine) -> Iterator[Client]:
    with running_app(deps, engine) as client:
        yield client


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_healthz_answers_200(slack: Client) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", slack.port, timeout=5)
    conn.request("GET", "/healthz")
    assert conn.getresponse().status == 200


def test_visit_command_logs_and_replies_privately(slack: Client, engine: Engine) -> None:
    status, acknowledgement = slack.command(
        "UALICE", "/visit",
        '"Acme Corp" type:demo outcome:positive on:yesterday next:"send quote" Met the CTO, '
        "wants pricing",
    )
    assert status == 200
    [reply] = slack.replies(1)
    # the reply rides on the acknowledgement: nothing is POSTed to the response_url
    [shown] = slack.stub.of("response")
    assert shown.headers == {"via": "acknowledgement"}
    assert json.loads(acknowledgement) == shown.body
    assert shown.body["response_type"] == "ephemeral"
    assert "Acme Corp" in reply and "demo" in reply and "yesterday" in reply
    assert count(engine, Activity) == 1
    # first contact registered Alice with her Slack name and timezone
    with engine.connect() as conn:
        alice = conn.execute(select(Member.name, Member.timezone)
                             .where(Member.slack_user_id == "UALICE")).one()
    assert tuple(alice) == ("Alice", "America/Los_Angeles")


def test_deal_lifecycle_over_http(slack: Client, engine: Engine) -> None:
    slack.command("UALICE", "/deal",
                  'new "Acme renewal" customer:"Acme Corp" amount:120k stage:proposal '
                  "close:2026-12-15")
    assert "D-1" in slack.replies(1)[0]
    slack.command("UALICE", "/deal", "D-1")
    slack.replies(2)
    detail = slack.stub.of("response")[1].body
    buttons = {e["action_id"]: e["value"] for b in detail["blocks"] if b["type"] == "actions"
               for e in b["elements"]}
    assert buttons == {"deal_advance": "1:negotiation", "deal_won": "1", "deal_lost": "1",
                       "deal_edit": "1"}
    # clicking "Advance to negotiation" moves the deal and refreshes the card in place
    status, _ = slack.click("UALICE", "deal_advance", "1:negotiation", block_id="deal_actions")
    assert status == 200
    slack.replies(3)
    card = slack.stub.of("response")[2].body
    assert card["replace_original"] is True and "negotiation" in card["text"]
    slack.command("UALICE", "/deal", 'D-1 amount:150k close:"next friday"')
    assert "150,000" in slack.replies(4)[3]
    slack.command("UALICE", "/deal", "D-1 won")
    assert "won" in slack.replies(5)[4]
    with engine.connect() as conn:
        assert conn.execute(select(Deal.stage)).scalar_one() == "won"


def test_bad_input_gets_private_error_and_writes_nothing(slack: Client, engine: Engine) -> None:
    status, _ = slack.command("UALICE", "/deal", 'new "X" customer:"Acme Corp" amount:12x')
    assert status == 200  # acknowledged, even though the command then fails
    [reply] = slack.replies(1)
    assert "12x" in reply and "not an amount" in reply
    assert slack.stub.of("response")[0].body["response_type"] == "ephemeral"
    assert count(engine, Deal) == 0


def test_bad_signature_is_refused(slack: Client, engine: Engine) -> None:
    status, _ = slack.command("UALICE", "/visit", '"Acme Corp" hi', signature="v0=" + "0" * 64)
    assert status == 401
    assert count(engine, Activity) == 0


def test_stale_timestamp_is_refused(slack: Client, engine: Engine) -> None:
    status, _ = slack.command("UALICE", "/visit", '"Acme Corp" hi', ts=int(time.time()) - 6 * 60)
    assert status == 401
    assert count(engine, Activity) == 0


def test_duplicate_delivery_takes_effect_once(slack: Client, engine: Engine) -> None:
    for _ in range(2):
        status, _ = slack.command("UALICE", "/visit", '"Acme Corp" Met the CTO',
                                  trigger="same.trigger")
        assert status == 200
    # the second delivery applied nothing, and answers with what the first one did
    first, again = slack.replies(2)
    assert "Acme Corp" in first
    assert again == f"Already done (Slack sent this command again): {first}"
    assert count(engine, Activity) == 1


def test_visit_without_text_opens_the_form(slack: Client) -> None:
    slack.command("UALICE", "/visit", "")
    view = slack.opened_view()
    assert view["callback_id"] == "visit_form"
    blocks = [b["block_id"] for b in view["blocks"]]
    assert blocks == ["customer", "type", "on", "outcome", "notes", "next", "deal"]


def visit_view(customer: str, on: str, deal: str | None, notes: str = "Intro call",
               type_: str = "call") -> dict[str, Any]:
    """The /visit form as Slack submits it, filled in."""
    return {
        "id": "V123", "type": "modal", "hash": "h1", "callback_id": "visit_form",
        "private_metadata": json.dumps({"channel_id": "C0EAST"}),
        "state": {"values": {
            "customer": {"customer": {"type": "external_select",
                                      "selected_option": {"value": customer}}},
            "type": {"type": {"type": "static_select", "selected_option": {"value": type_}}},
            "on": {"on": {"type": "datepicker", "selected_date": on}},
            "outcome": {"outcome": {"type": "static_select", "selected_option": None}},
            "notes": {"notes": {"type": "plain_text_input", "value": notes}},
            "next": {"next": {"type": "plain_text_input", "value": None}},
            "deal": {"deal": {"type": "plain_text_input", "value": deal}},
        }},
    }


def test_view_submission_logs_visit(slack: Client, engine: Engine) -> None:
    view = visit_view("new:Globex", "2026-11-20", None)
    status, body = slack.submit("UALICE", view)
    assert status == 200 and body == ""
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postEphemeral" for x in c))
    text = next(c for c in calls if c.method == "chat.postEphemeral").body["text"]
    assert "Globex" in text and "call" in text
    assert count(engine, Activity) == 1


def test_visit_form_on_a_deal_closed_before_shows_why_next_to_the_deal(
        slack: Client, engine: Engine, clock: Clock) -> None:
    slack.command("UALICE", "/deal", 'new "Acme renewal" customer:"Acme Corp" amount:120k')
    slack.command("UALICE", "/deal", "D-1 won")
    slack.replies(2)
    clock.now = NOW + timedelta(days=2)
    status, body = slack.submit("UALICE", visit_view("Acme Corp", "2026-11-24", "D-1"))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["deal"].startswith("D-1 was won on Sun 22 Nov, so this activity "
                                               "cannot go on it.")
    assert count(engine, Activity) == 0


def test_sales_export_sends_a_rep_only_their_own_data_in_a_dm(slack: Client) -> None:
    slack.command("UALICE", "/deal", 'new "Acme renewal" customer:"Acme Corp" amount:120k')
    slack.command("UBOB", "/deal", 'new "Initech pilot" customer:"Initech" amount:30k')
    slack.replies(2)
    slack.command("UALICE", "/sales", "export")
    reply = slack.replies(3)[2]
    assert "Sending you 7 CSV files in a direct message" in reply and "deals 1" in reply
    done = slack.stub.wait_for(lambda c: any(x.method == "files.completeUploadExternal"
                                             for x in c))
    [opened] = [c for c in done if c.method == "conversations.open"]
    assert opened.body["users"] == "UALICE"
    [complete] = [c for c in done if c.method == "files.completeUploadExternal"]
    assert complete.body["channel_id"] == "DUALICE"
    uploads = [c.body["data"] for c in done if c.method == "upload"]
    assert len(uploads) == 7  # five tables, the forecast calls and adjustments
    assert any(b"Acme renewal" in u for u in uploads)
    assert not any(b"Initech" in u for u in uploads)  # bob's deal and customer stay out


def test_a_command_from_a_workspace_the_bot_is_not_installed_in_is_refused(
        slack: Client, engine: Engine) -> None:
    status, body = slack.command("UEVE", "/visit", '"Acme Corp" Hello', team="T0OTHER")
    assert status == 200 and "not installed in this workspace" in body
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Workspace)).scalar_one() == 0
    assert count(engine, Activity) == 0 and not slack.stub.of("response")


def test_a_command_not_answered_in_time_is_acknowledged_and_answered_at_its_response_url(
    deps: Deps, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Slack waits 3 s for the acknowledgement. A command still running at the deadline (a
    # slow database) is acknowledged empty, and its reply follows at the response_url.
    acknowledged = threading.Event()
    reply_now = bot.app.command_reply

    def slow(*args: Any) -> Any:
        assert acknowledged.wait(10), "the command was not acknowledged while it ran"
        return reply_now(*args)

    monkeypatch.setattr(bot.app, "ANSWER_WITHIN_S", 0.0)  # the deadline has passed
    monkeypatch.setattr(bot.app, "command_reply", slow)
    with running_app(deps, engine) as slack:
        status, body = slack.command("UALICE", "/visit", '"Acme Corp" Met the CTO')
        acknowledged.set()
        assert (status, body) == (200, "")
        [reply] = slack.replies(1)
        [late] = slack.stub.of("response")
    assert late.headers.get("via") != "acknowledgement"
    assert "Acme Corp" in reply and late.body["response_type"] == "ephemeral"
    assert count(engine, Activity) == 1
