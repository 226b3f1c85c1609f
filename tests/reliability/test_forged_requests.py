"""Requests Slack did not send, or sent too long ago, or from a workspace the bot is not
installed in: refused, with nothing written and nothing said. What Slack did send twice is
applied once."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine

from tests.bot.http_helpers import SECRET, Client, sign
from tests.conftest import Chat
from tests.reliability.helpers import changed_tables, snapshot


def post(client: Client, body: str, *, content_type: str, ts: int,
         signature: str | None) -> tuple[int, str]:
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts)}
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=10)
    conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
    resp = conn.getresponse()
    out = resp.status, resp.read().decode()
    conn.close()
    return out


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def slash_command(client: Client, team: str = "T0TEST") -> tuple[str, str]:
    return urlencode({
        "token": "legacy", "team_id": team, "team_domain": "test", "channel_id": "C0EAST",
        "user_id": "UALICE", "user_name": "alice", "command": "/visit",
        "text": '"Acme Corp" forged visit', "api_app_id": "A0SALES",
        "response_url": client.stub.response_url(50), "trigger_id": "50.forged",
    }), FORM


def button_click(client: Client, team: str = "T0TEST",
                 trigger: str = "51.forged") -> tuple[str, str]:
    payload = {"type": "block_actions", "team": {"id": team},
               "user": {"id": "UALICE", "username": "alice", "team_id": team},
               "api_app_id": "A0SALES", "trigger_id": trigger, "container": {},
               "channel": {"id": "C0EAST"}, "response_url": client.stub.response_url(51),
               "actions": [{"action_id": "deal_won", "block_id": "deal_actions",
                            "value": "1", "type": "button"}]}
    return urlencode({"payload": json.dumps(payload)}), FORM


def form_submission(client: Client, team: str = "T0TEST") -> tuple[str, str]:
    view = {"id": "V52", "type": "modal", "hash": "h52", "callback_id": "deal_lost_form",
            "private_metadata": json.dumps({"number": 1, "channel_id": "C0EAST"}),
            "state": {"values": {"reason": {"reason": {"type": "plain_text_input",
                                                       "value": "price"}}}}}
    payload = {"type": "view_submission", "team": {"id": team},
               "user": {"id": "UALICE", "username": "alice", "team_id": team},
               "api_app_id": "A0SALES", "trigger_id": "52.forged", "view": view}
    return urlencode({"payload": json.dumps(payload)}), FORM


def channel_join(client: Client, team: str = "T0TEST") -> tuple[str, str]:
    return json.dumps({
        "token": "legacy", "team_id": team, "api_app_id": "A0SALES", "type": "event_callback",
        "event_id": "Ev53", "event_time": 1_700_000_000,
        "event": {"type": "member_joined_channel", "user": "UNEW", "channel": "C0EAST",
                  "channel_type": "C", "team": team},
    }), JSON


REQUESTS = {"a slash command": slash_command, "a button click": button_click,
            "a form submission": form_submission, "an event": channel_join}


def forgeries(body: str) -> dict[str, tuple[str, int, str | None]]:
    """Ways to get a request wrong: (body sent, timestamp, signature)."""
    now = int(time.time())
    return {
        "signed with another secret": (body, now, sign(body, now, secret="not-" + SECRET)),
        "not signed": (body, now, None),
        "a garbage signature": (body, now, "v0=" + "f" * 64),
        "another signature version": (body, now, "v1=" + sign(body, now)[3:]),
        "altered after signing": (body.replace("C0EAST", "C0WEST"), now, sign(body, now)),
        "replayed after 6 minutes": (body, now - 6 * 60, sign(body, now - 6 * 60)),
        "stamped 6 minutes ahead": (body, now + 6 * 60, sign(body, now + 6 * 60)),
    }


@pytest.fixture
def deal(team: Chat, slack: Client) -> Chat:
    """East, and alice's open deal D-1 that a forged click or form would close."""
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    return team


def test_forged_and_stale_requests_are_refused_and_change_nothing(
        deal: Chat, slack: Client, engine: Engine) -> None:
    before = snapshot(engine)
    for kind, make in REQUESTS.items():
        body, content_type = make(slack)
        calls = len(slack.stub.calls)
        for how, (sent, ts, signature) in forgeries(body).items():
            status, _ = post(slack, sent, content_type=content_type, ts=ts, signature=signature)
            assert status == 401, f"{kind} {how} was answered {status}"
        after = snapshot(engine)
        assert after == before, f"forged {kind} wrote to {changed_tables(before, after)}"
        assert len(slack.stub.calls) == calls, f"a forged {kind} made the bot talk to Slack"
    # the same requests, properly signed, are answered: the refusals were the signatures'
    for kind, make in REQUESTS.items():
        body, content_type = make(slack)
        calls = len(slack.stub.calls)
        ts = int(time.time())
        status, text = post(slack, body, content_type=content_type, ts=ts,
                            signature=sign(body, ts))
        assert status == 200, kind
        if kind == "a slash command":  # its reply came in the HTTP response itself
            assert "Acme Corp" in json.loads(text)["text"]
            continue
        if "response_action" in text:
            # the form was answered in the HTTP response itself: here, that D-1 is already
            # won (by the button click just before), shown as an error in the form
            continue
        slack.stub.wait_for(lambda c, n=calls: len(c) > n)
    assert snapshot(engine) != before


def test_requests_from_a_workspace_the_bot_is_not_installed_in_are_refused(
        deal: Chat, slack: Client, engine: Engine) -> None:
    before, calls = snapshot(engine), len(slack.stub.calls)
    for kind, make in REQUESTS.items():
        body, content_type = make(slack, team="T0OTHER")
        ts = int(time.time())
        status, text = post(slack, body, content_type=content_type, ts=ts,
                            signature=sign(body, ts))
        assert status == 200 and "not installed in this workspace" in text, kind
    assert snapshot(engine) == before
    assert len(slack.stub.calls) == calls


def test_a_button_click_delivered_twice_closes_the_deal_once(
        deal: Chat, slack: Client, engine: Engine) -> None:
    body, content_type = button_click(slack, trigger="54.click")
    for _ in range(3):  # Slack retried the click's delivery
        ts = int(time.time())
        status, _ = post(slack, body, content_type=content_type, ts=ts,
                         signature=sign(body, ts))
        assert status == 200
    # each click refreshes the card in place; only the first says the deal was won
    calls = slack.stub.wait_for(lambda c: len([x for x in c if x.method == "response"]) >= 4)
    said = [c.body for c in calls if c.method == "response"]
    assert len([b for b in said if b.get("replace_original") is False]) == 1
    assert all("won" in b.get("text", "") for b in said)
    stage_changes = [row for row in snapshot(engine)["deal_history"] if "won" in row]
    assert len(stage_changes) == 1
