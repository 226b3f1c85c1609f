"""What arrives at the edge: oversized, unsigned, unreadable or odd requests are refused
clearly (413, 401, 400, or a message to the user), write nothing, and are never logged
whole."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine

from bot.edge import MAX_BODY_BYTES, BoundedLines
from commands.core.errors import UserFacingError
from tests.bot.http_helpers import SECRET, Client
from tests.conftest import Chat
from tests.reliability.helpers import changed_tables, snapshot

FORM = "application/x-www-form-urlencoded"


def sign_bytes(body: bytes, ts: int) -> str:
    base = f"v0:{ts}:".encode() + body
    return "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()


def post_raw(client: Client, body: bytes, *, content_type: str = FORM, signed: bool = True,
             timestamp: str | None = None) -> tuple[int, str]:
    ts = int(time.time())
    headers = {"Content-Type": content_type,
               "X-Slack-Request-Timestamp": timestamp or str(ts)}
    if signed:
        headers["X-Slack-Signature"] = sign_bytes(body, ts)
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=10)
    try:
        conn.request("POST", "/slack/events", body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode(errors="replace")
    finally:
        conn.close()


def command(client: Client, text: str = '"Acme Corp" met them', **form: str) -> bytes:
    fields = {"token": "legacy", "team_id": "T0TEST", "team_domain": "test",
              "channel_id": "C0EAST", "user_id": "UALICE", "user_name": "alice",
              "command": "/visit", "text": text, "api_app_id": "A0SALES",
              "response_url": client.stub.response_url(70), "trigger_id": "70.edge", **form}
    return urlencode(fields).encode()


def interaction(payload: dict[str, Any] | str) -> bytes:
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    return urlencode({"payload": raw}).encode()


def lost_form(metadata: str, reason: str = "price", view_id: str = "V71") -> dict[str, Any]:
    view = {"id": view_id, "type": "modal", "hash": f"h{view_id}",
            "callback_id": "deal_lost_form", "private_metadata": metadata,
            "state": {"values": {"reason": {"reason": {"type": "plain_text_input",
                                                       "value": reason}}}}}
    return {"type": "view_submission", "team": {"id": "T0TEST"},
            "user": {"id": "UALICE", "username": "alice", "team_id": "T0TEST"},
            "api_app_id": "A0SALES", "trigger_id": f"{view_id}.edge", "view": view}


@pytest.fixture
def deal(team: Chat, slack: Client) -> Chat:
    """East, and alice's open deal D-1."""
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    return team


def test_a_body_over_the_cap_is_refused_413_and_a_refused_body_is_never_logged(
        deal: Chat, slack: Client, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    before = snapshot(engine)
    marker = "SECRET-BODY-MARKER"
    status, _ = post_raw(slack, b"x" * (MAX_BODY_BYTES + 1), signed=False)
    assert status == 413
    status, _ = post_raw(slack, b"y" * (MAX_BODY_BYTES + 1))  # signed, still too big
    assert status == 413
    status, _ = post_raw(slack, command(slack, f"{marker} " + "z" * 50_000), signed=False)
    assert status == 401
    assert marker not in caplog.text and "zzzz" not in caplog.text
    assert "refused a request with a bad or stale signature" in caplog.text
    # just under the cap, signed: read and answered (an unknown kind of request: 404)
    status, _ = post_raw(slack, urlencode({"a": "b" * (MAX_BODY_BYTES - 10)}).encode())
    assert status in (200, 404)
    assert snapshot(engine) == before
    assert not slack.stub.calls[-1:] or slack.stub.calls[-1].method != "chat.postMessage"


def test_a_log_line_is_bounded() -> None:
    record = logging.LogRecord("slack_bolt.App", logging.WARNING, __file__, 1,
                               "Unhandled request (%s)", ("b" * 100_000,), None)
    BoundedLines(2000).filter(record)
    assert len(record.getMessage()) < 2100


def test_requests_salesbot_cannot_read_are_answered_400_and_write_nothing(
        deal: Chat, slack: Client, engine: Engine) -> None:
    before, calls = snapshot(engine), len(slack.stub.calls)
    cases: dict[str, tuple[bytes, dict[str, Any]]] = {
        "a timestamp that is not a number": (command(slack), {"timestamp": "soon"}),
        "a binary body": (bytes(range(256)) * 4, {}),
        "an invalid UTF-8 body": (command(slack).replace(b"Acme", b"Ac\xff\xfe"), {}),
        "payload= that is not JSON": (interaction("{not json"), {}),
        "payload= that is a JSON list": (interaction("[1, 2]"), {}),
        "a JSON event that is not JSON": (b"{oops", {"content_type": "application/json"}),
        "an empty team_id": (command(slack, team_id=""), {}),
        "a 10,000-character user id": (command(slack, user_id="U" * 10_000), {}),
        "a 10,000-character trigger id": (command(slack, trigger_id="7" * 10_000), {}),
        "a click with an empty team": (interaction({
            "type": "block_actions", "team": {"id": ""},
            "user": {"id": "UALICE", "team_id": ""}, "trigger_id": "72.edge",
            "actions": [{"action_id": "deal_won", "value": "1"}]}), {}),
        "an event from workspace ''": (json.dumps({
            "team_id": "", "type": "event_callback", "event_id": "Ev1",
            "event": {"type": "member_joined_channel", "user": "UNEW",
                      "channel": "C0EAST"}}).encode(), {"content_type": "application/json"}),
    }
    for case, (body, kw) in cases.items():
        status, text = post_raw(slack, body, **kw)
        assert status == 400, f"{case}: answered {status} {text[:200]}"
    after = snapshot(engine)
    assert after == before, f"wrote to {changed_tables(before, after)}"
    assert len(slack.stub.calls) == calls


def test_a_nul_character_typed_anywhere_is_refused_with_a_message(
        deal: Chat, slack: Client, engine: Engine) -> None:
    before = snapshot(engine)
    status, text = post_raw(slack, command(slack, '"Acme\x00 Corp" met the CTO'))
    assert status == 200 and "NUL" in json.loads(text)["text"]
    status, text = post_raw(slack, command(slack, '"Acme Corp" note with \x00 in it',
                                           trigger_id="73.edge"))
    assert status == 200 and "NUL" in json.loads(text)["text"]
    form = lost_form(json.dumps({"number": "1", "channel_id": "C0EAST"}), reason="pri\x00ce")
    status, text = post_raw(slack, interaction(form))
    assert status == 200
    answer = json.loads(text)
    assert answer["response_action"] == "errors" and "NUL" in answer["errors"]["reason"]
    assert snapshot(engine) == before


@pytest.mark.parametrize("metadata", ["", "not json", "[1]", '{"channel_id": "C0EAST"}',
                                      '{"number": "one", "channel_id": "C0EAST"}',
                                      '{"number": {"n": 1}}'])
def test_a_form_whose_metadata_salesbot_did_not_write_is_refused_with_a_message(
        deal: Chat, slack: Client, engine: Engine, metadata: str) -> None:
    before, calls = snapshot(engine), len(slack.stub.calls)
    status, _ = post_raw(slack, interaction(lost_form(metadata)))
    assert status == 200
    said = slack.stub.wait_for(lambda c: any(x.method.startswith("chat.post")
                                             for x in c[calls:]))
    [message] = [c for c in said[calls:] if c.method.startswith("chat.post")]
    assert "not made by salesbot" in message.body["text"]
    assert "Something went wrong" not in message.body["text"]
    assert snapshot(engine) == before


def test_acknowledging_a_warning_salesbot_never_posted_is_refused(
        deal: Chat, slack: Client, engine: Engine) -> None:
    before = snapshot(engine)
    slack.click("UMIA", "warning_ack", "1:behind_pace:member:999", block_id="warning_1")
    [said] = slack.replies(1)
    assert "has not posted that warning" in said
    assert snapshot(engine) == before


@pytest.mark.parametrize("line", ['/visit "Acme\x00 Corp" met the CTO',
                                  '/visit "Acme Corp" a note with \x00 in it',
                                  '/deal new "Big\x00 deal" customer:"Acme Corp" amount:10k',
                                  '/sales team create "No\x00rth"'])
def test_a_nul_character_is_refused_however_the_command_arrives(
        team: Chat, engine: Engine, line: str) -> None:
    # the console and Socket Mode do not pass through the HTTP edge: the command path
    # refuses it too
    before = snapshot(engine)
    with pytest.raises(UserFacingError, match="NUL character"):
        team.say("mia", line, channel="C0NORTH")
    assert snapshot(engine) == before
